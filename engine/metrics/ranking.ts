import { f1Of } from './confusion';

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

/** scikit-learn's `_binary_clf_curve`; `positive[i]` is 1 for a positive sample, 0 otherwise. */
export function thresholdCurve(scores: ArrayLike<number>, positive: ArrayLike<number>): ThresholdCurve {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);

  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (positive[i] === 1) tp++;
    else fp++;
    const score = scores[i]!;
    const next = k + 1 < n ? scores[order[k + 1]!]! : undefined;
    if (next !== score) {
      thresholds.push(score);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return {
    thresholds: Float64Array.from(thresholds),
    truePositives: Float64Array.from(tps),
    falsePositives: Float64Array.from(fps),
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
