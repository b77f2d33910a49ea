import { f1Of } from './confusion';
import { sortFloat32 } from './radix-sort';

/**
 * Threshold-free metrics of a binary ranking, as scikit-learn computes them: one operating
 * point per distinct score (ties form one point), a sample counts as positive at threshold
 * `t` when its score is `>= t`.
 */

export interface ThresholdCurve {
  /** Distinct scores, highest first. */
  thresholds: Float64Array;
  /** Positives scored `>= thresholds[k]`. */
  truePositives: Float64Array;
  /** Negatives scored `>= thresholds[k]`. */
  falsePositives: Float64Array;
  positives: number;
  negatives: number;
}

/**
 * Buffers for the threshold curves of n samples, reused from one curve to the next: a
 * multiclass result computes a curve per class, and fresh arrays of n for each would be
 * garbage the size of the scores, class after class.
 */
export class CurveBuffers {
  readonly thresholds: Float64Array;
  readonly truePositives: Float64Array;
  readonly falsePositives: Float64Array;
  private float32: { values: Float32Array; spare: Uint32Array } | undefined;
  private float64: Float64Array | undefined;

  constructor(private readonly samples: number) {
    this.thresholds = new Float64Array(samples);
    this.truePositives = new Float64Array(samples);
    this.falsePositives = new Float64Array(samples);
  }

  /** A buffer for the scores, of their type: float32 scores then sort by radix, several times faster. */
  scoresLike(scores: ArrayLike<number>): Float32Array | Float64Array {
    if (!(scores instanceof Float32Array)) return (this.float64 ??= new Float64Array(this.samples));
    this.float32 ??= { values: new Float32Array(this.samples), spare: new Uint32Array(this.samples) };
    return this.float32.values;
  }

  /** Sorts a part of the buffer scoresLike returned, ascending. */
  sort(values: Float32Array | Float64Array): void {
    if (values instanceof Float32Array) sortFloat32(values, this.float32!.spare);
    else values.sort();
  }
}

/** scikit-learn's `_binary_clf_curve`; `positive[i]` is 1 for a positive sample, 0 otherwise. */
export function thresholdCurve(scores: ArrayLike<number>, positive: ArrayLike<number>): ThresholdCurve {
  return columnCurve(scores, 1, 0, positive, 1, new CurveBuffers(scores.length));
}

/**
 * The curve of one column of a matrix of scores stored row by row (`stride` per sample),
 * sample i being positive when `labels[i] === positiveLabel`. Its arrays are views into
 * `buffers`, valid until they are used again.
 */
export function columnCurve(
  scores: ArrayLike<number>,
  stride: number,
  column: number,
  labels: ArrayLike<number>,
  positiveLabel: number,
  buffers: CurveBuffers,
): ThresholdCurve {
  const n = labels.length;
  const { thresholds, truePositives, falsePositives } = buffers;
  const sorted = buffers.scoresLike(scores);
  // Positives to the front, negatives to the back, each sorted without a comparator (which
  // costs a call per comparison); merging the two from the top walks all scores in
  // descending order.
  let positives = 0;
  let back = n;
  // The score of a tie of 0 and -0 is that of its last sample, as with a stable sort of all scores.
  let zero = 0;
  for (let i = 0; i < n; i++) {
    const score = scores[i * stride + column]!;
    if (score === 0) zero = score;
    if (labels[i] === positiveLabel) sorted[positives++] = score;
    else sorted[--back] = score;
  }
  buffers.sort(sorted.subarray(0, positives));
  buffers.sort(sorted.subarray(positives, n));

  let p = positives - 1;
  let q = n - 1;
  let tp = 0;
  let fp = 0;
  let k = 0;
  while (p >= 0 || q >= positives) {
    // Takes at least one sample per point, so that even NaN scores end the loop.
    const fromPositives = q < positives || (p >= 0 && sorted[p]! >= sorted[q]!);
    const score = fromPositives ? sorted[p--]! : sorted[q--]!;
    if (fromPositives) tp++;
    else fp++;
    for (; p >= 0 && sorted[p] === score; p--) tp++;
    for (; q >= positives && sorted[q] === score; q--) fp++;
    thresholds[k] = score === 0 ? zero : score;
    truePositives[k] = tp;
    falsePositives[k] = fp;
    k++;
  }
  return {
    thresholds: thresholds.subarray(0, k),
    truePositives: truePositives.subarray(0, k),
    falsePositives: falsePositives.subarray(0, k),
    positives: tp,
    negatives: fp,
  };
}

/**
 * Area under the ROC curve by the trapezoid rule over the distinct thresholds, which is
 * what `roc_auc_score` computes; null where it raises (only one class present). Summed in
 * integer counts, so the only rounding is the final division.
 */
export function rocAuc(curve: ThresholdCurve): number | null {
  if (curve.positives === 0 || curve.negatives === 0) return null;
  let twiceArea = 0;
  let previousTp = 0;
  let previousFp = 0;
  for (let k = 0; k < curve.thresholds.length; k++) {
    const tp = curve.truePositives[k]!;
    const fp = curve.falsePositives[k]!;
    twiceArea += (fp - previousFp) * (tp + previousTp);
    previousTp = tp;
    previousFp = fp;
  }
  return twiceArea / (2 * curve.positives * curve.negatives);
}

/**
 * scikit-learn's `average_precision_score`: the step-wise sum of precision times the
 * increase in recall at each threshold (no interpolation). Null without positives, where
 * recall is undefined.
 */
export function averagePrecision(curve: ThresholdCurve): number | null {
  if (curve.positives === 0) return null;
  let sum = 0;
  let previousTp = 0;
  for (let k = 0; k < curve.thresholds.length; k++) {
    const tp = curve.truePositives[k]!;
    const fp = curve.falsePositives[k]!;
    if (tp !== previousTp) sum += ((tp - previousTp) / curve.positives) * (tp / (tp + fp));
    previousTp = tp;
  }
  return sum;
}

export interface BestF1 {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

/**
 * The point of `precision_recall_curve` with the highest F1 (2PR / (P + R), as
 * scikit-learn 1.2 computes it). Ties go to the lowest threshold, the first maximum in
 * scikit-learn's increasing-threshold output. Null without positives.
 */
export function bestF1(curve: ThresholdCurve): BestF1 | null {
  if (curve.positives === 0) return null;
  let best: BestF1 | null = null;
  for (let k = 0; k < curve.thresholds.length; k++) {
    const tp = curve.truePositives[k]!;
    const fp = curve.falsePositives[k]!;
    const precision = tp / (tp + fp);
    const recall = tp / curve.positives;
    const f1 = f1Of(precision, recall);
    if (best === null || f1 >= best.f1) best = { threshold: curve.thresholds[k]!, f1, precision, recall };
    // precision_recall_curve stops at full recall; lower thresholds only add false positives.
    if (tp === curve.positives) break;
  }
  return best;
}
