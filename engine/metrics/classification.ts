import { precisionRecallF1, f1Of, type PrecisionRecallF1 } from './confusion';
import { emptyAccumulatorError, MetricError } from './errors';
import { CompensatedSum, pairwiseSum, roundingOf, type FloatDtype } from './float';
import { GrowableArray } from './growable';
import { logLossTerm } from './log-loss';
import { averagePrecision, columnCurve, CurveBuffers, rocAuc } from './ranking';

/** Probabilities from logits, shifted by the maximum so that large logits do not overflow; `out` may be reused. */
export function softmax(logits: ArrayLike<number>, out: Float64Array = new Float64Array(logits.length)): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < logits.length; j++) max = Math.max(max, logits[j]!);
  let sum = 0;
  for (let j = 0; j < logits.length; j++) {
    const e = Math.exp(logits[j]! - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < logits.length; j++) out[j] = out[j]! / sum;
  return out;
}

export interface MulticlassOptions {
  /** Number of classes C; labels are 0..C-1 and every one of them is scored, present or not. */
  numClasses: number;
  /**
   * The dtype the probabilities are treated in, as scikit-learn computes in the dtype of
   * the array it receives: clipping and renormalisation for `log_loss`, and the precision
   * of `mean_cross_entropy`. Default: float32 when the first row is a Float32Array (what
   * an ONNX model returns), float64 otherwise.
   */
  dtype?: FloatDtype;
  /**
   * Keep every row of scores for `roc_auc_ovr_macro` and `average_precision_macro`
   * (n x C values, 4 bytes each in float32). Default true; turn off for very many classes.
   */
  ranking?: boolean;
  /** Samples expected, when known: the per-sample arrays are then allocated once, at their size. */
  expectedSamples?: number;
}

export interface ClassReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MulticlassResult {
  n: number;
  accuracy: number;
  /** `top_k_accuracy_score` for k = 2..min(5, C - 1); a tie ranks the higher class index first, as there. */
  [topK: `top_${number}_accuracy`]: number;
  log_loss: number;
  /**
   * Mean of -log p(true class) without clipping or renormalisation, at the dtype's
   * precision and summed in numpy's order: the loss a framework reports. Null when a
   * true class has probability 0 (the mean is infinite).
   */
  mean_cross_entropy: number | null;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  precision_micro: number;
  recall_micro: number;
  f1_micro: number;
  precision_weighted: number;
  recall_weighted: number;
  f1_weighted: number;
  /** Null where scikit-learn raises: a class never or always the true label, or ranking turned off. */
  roc_auc_ovr_macro: number | null;
  /** Null where a class is never the true label (scikit-learn raises), or ranking turned off. */
  average_precision_macro: number | null;
  /** Rows are true labels, columns predicted labels (argmax, first index on ties). */
  confusion_matrix: number[][];
  per_class: Record<string, ClassReport>;
  /** Why a metric is null, or what about the input a reader should know. */
  warnings: string[];
}

const MAX_TOP_K = 5;

/** Multiclass classification metrics over a stream of (probability row, label) samples. */
export class MulticlassAccumulator {
  readonly numClasses: number;
  private readonly ranking: boolean;
  private dtype: FloatDtype | undefined;
  private n = 0;
  private correct = 0;
  private readonly topKHits: number[];
  private readonly confusion: Float64Array;
  private readonly logLoss = new CompensatedSum();
  private readonly expectedSamples: number | undefined;
  private crossEntropies: GrowableArray<Float32Array | Float64Array> | undefined;
  private scores: GrowableArray<Float32Array | Float64Array> | undefined;
  private readonly labels: GrowableArray<Int32Array>;
  private readonly row: Float64Array;
  private readonly scratch: Float64Array;
  private unnormalisedRows = 0;
  private firstUnnormalised: { sample: number; sum: number } | undefined;

  constructor(options: MulticlassOptions) {
    const { numClasses } = options;
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new MetricError('invalid-input', `numClasses must be an integer of at least 2; got ${numClasses}.`);
    }
    this.numClasses = numClasses;
    this.ranking = options.ranking ?? true;
    this.dtype = options.dtype;
    this.expectedSamples = options.expectedSamples;
    this.labels = new GrowableArray((size) => new Int32Array(size), this.ranking ? options.expectedSamples : undefined);
    this.topKHits = new Array<number>(Math.min(MAX_TOP_K, numClasses - 1) + 1).fill(0);
    this.confusion = new Float64Array(numClasses * numClasses);
    this.row = new Float64Array(numClasses);
    this.scratch = new Float64Array(numClasses);
  }

  get count(): number {
    return this.n;
  }

  add(probabilities: ArrayLike<number>, label: number): void {
    const C = this.numClasses;
    const sample = this.n;
    if (probabilities.length !== C) {
      throw new MetricError('invalid-input', `Sample ${sample}: expected ${C} class probabilities, got ${probabilities.length}.`);
    }
    if (!Number.isInteger(label) || label < 0 || label >= C) {
      throw new MetricError('invalid-input', `Sample ${sample}: the label must be an integer class index from 0 to ${C - 1}; got ${label}.`);
    }
    const dtype = (this.dtype ??= probabilities instanceof Float32Array ? 'float32' : 'float64');
    const round = roundingOf(dtype);
    const row = this.row;
    let sum = 0;
    for (let j = 0; j < C; j++) {
      const p = round(probabilities[j]!);
      if (!(p >= 0 && p <= 1)) {
        throw new MetricError(
          'invalid-input',
          `Sample ${sample}: class ${j} has probability ${probabilities[j]}, outside [0, 1]. Pass probabilities; for logits, apply softmax() first.`,
        );
      }
      row[j] = p;
      sum += p;
    }

    let predicted = 0;
    for (let j = 1; j < C; j++) if (row[j]! > row[predicted]!) predicted = j;
    this.confusion[label * C + predicted]!++;
    if (predicted === label) this.correct++;

    const pTrue = row[label]!;
    let ranksAhead = 0;
    for (let j = 0; j < C; j++) {
      const p = row[j]!;
      if (p > pTrue || (p === pTrue && j > label)) ranksAhead++;
    }
    for (let k = 2; k < this.topKHits.length; k++) if (ranksAhead < k) this.topKHits[k]!++;

    // numpy.allclose(1, sum), the check scikit-learn makes before a multiclass ROC AUC.
    if (Math.abs(1 - sum) > 1e-8 + 1e-5 * Math.abs(sum)) {
      this.unnormalisedRows++;
      this.firstUnnormalised ??= { sample, sum };
    }

    this.logLoss.add(logLossTerm(row, label, dtype, this.scratch));
    this.crossEntropies ??= new GrowableArray<Float32Array | Float64Array>(
      (size) => (dtype === 'float32' ? new Float32Array(size) : new Float64Array(size)),
      this.expectedSamples,
    );
    // Kept per sample: a float32 mean depends on the summation's grouping over all samples.
    this.crossEntropies.push(round(-Math.log(pTrue)));

    if (this.ranking) {
      this.scores ??= new GrowableArray<Float32Array | Float64Array>(
        (size) => (dtype === 'float32' ? new Float32Array(size) : new Float64Array(size)),
        this.expectedSamples === undefined ? undefined : this.expectedSamples * C,
      );
      this.scores.pushAll(row);
      this.labels.push(label);
    }
    this.n++;
  }

  result(): MulticlassResult {
    const n = this.n;
    if (n === 0) throw emptyAccumulatorError('multiclass classification');
    const C = this.numClasses;
    const warnings: string[] = [];

    const perClass: Record<string, ClassReport> = {};
    const scores: PrecisionRecallF1[] = [];
    const supports: number[] = [];
    const confusionMatrix: number[][] = [];
    let truePositives = 0;
    for (let c = 0; c < C; c++) {
      const matrixRow = Array.from(this.confusion.subarray(c * C, (c + 1) * C));
      confusionMatrix.push(matrixRow);
      const tp = matrixRow[c]!;
      const support = matrixRow.reduce((a, b) => a + b, 0);
      let predicted = 0;
      for (let r = 0; r < C; r++) predicted += this.confusion[r * C + c]!;
      const classScores = precisionRecallF1(tp, predicted - tp, support - tp);
      scores.push(classScores);
      supports.push(support);
      perClass[String(c)] = { ...classScores, support };
      truePositives += tp;
    }
    const absent = supports.flatMap((support, c) => (support === 0 ? [c] : []));
    if (absent.length > 0) {
      warnings.push(
        `Class${absent.length > 1 ? 'es' : ''} ${absent.join(', ')} never appear${absent.length > 1 ? '' : 's'} as a true label: ` +
          'their recall and F1 are 0 and count in the macro averages, as in scikit-learn with labels given explicitly.',
      );
    }

    const macro = (key: keyof PrecisionRecallF1) => scores.reduce((sum, s) => sum + s[key], 0) / C;
    const weighted = (key: keyof PrecisionRecallF1) => scores.reduce((sum, s, c) => sum + s[key] * supports[c]!, 0) / n;
    // Every sample is predicted exactly one class, so micro precision and recall are both accuracy.
    const micro = truePositives / n;

    const result: MulticlassResult = {
      n,
      accuracy: this.correct / n,
      log_loss: this.logLoss.value / n,
      mean_cross_entropy: this.meanCrossEntropy(warnings),
      precision_macro: macro('precision'),
      recall_macro: macro('recall'),
      f1_macro: macro('f1'),
      precision_micro: micro,
      recall_micro: micro,
      f1_micro: f1Of(micro, micro),
      precision_weighted: weighted('precision'),
      recall_weighted: weighted('recall'),
      f1_weighted: weighted('f1'),
      roc_auc_ovr_macro: null,
      average_precision_macro: null,
      confusion_matrix: confusionMatrix,
      per_class: perClass,
      warnings,
    };
    for (let k = 2; k < this.topKHits.length; k++) result[`top_${k}_accuracy`] = this.topKHits[k]! / n;
    Object.assign(result, this.rankingMetrics(warnings));

    if (this.unnormalisedRows > 0 && this.firstUnnormalised) {
      const { sample, sum } = this.firstUnnormalised;
      warnings.push(
        `${this.unnormalisedRows} row(s) of probabilities do not sum to 1 (first: sample ${sample}, sum ${sum}); were logits passed? ` +
          'log_loss renormalises each row and the ROC AUC ranks the scores as given, where scikit-learn would refuse them.',
      );
    }
    return result;
  }

  private meanCrossEntropy(warnings: string[]): number | null {
    const values = this.crossEntropies?.values();
    if (!values) return null;
    const round = roundingOf(this.dtype ?? 'float64');
    const mean = round(pairwiseSum(values, round) / values.length);
    if (Number.isFinite(mean)) return mean;
    warnings.push('mean_cross_entropy is infinite: some sample gives its true class probability 0 (log_loss clips it and stays finite).');
    return null;
  }

  private rankingMetrics(warnings: string[]): Pick<MulticlassResult, 'roc_auc_ovr_macro' | 'average_precision_macro'> {
    const scores = this.scores?.values();
    if (!this.ranking || !scores) {
      warnings.push('roc_auc_ovr_macro and average_precision_macro were not computed: ranking metrics are turned off.');
      return { roc_auc_ovr_macro: null, average_precision_macro: null };
    }
    const C = this.numClasses;
    const labels = this.labels.values();
    const buffers = new CurveBuffers(this.n);
    let aucSum: number | null = 0;
    let apSum: number | null = 0;
    const undefinedAuc: number[] = [];
    for (let c = 0; c < C; c++) {
      const curve = columnCurve(scores, C, c, labels, c, buffers);
      const auc = rocAuc(curve);
      const ap = averagePrecision(curve);
      if (auc === null) undefinedAuc.push(c);
      aucSum = auc === null || aucSum === null ? null : aucSum + auc;
      apSum = ap === null || apSum === null ? null : apSum + ap;
    }
    if (undefinedAuc.length > 0) {
      warnings.push(
        `roc_auc_ovr_macro is undefined: class${undefinedAuc.length > 1 ? 'es' : ''} ${undefinedAuc.join(', ')} ` +
          `${undefinedAuc.length > 1 ? 'are' : 'is'} the true label of no sample or of every sample (scikit-learn raises here).`,
      );
    }
    if (apSum === null) warnings.push('average_precision_macro is undefined: some class is the true label of no sample (scikit-learn raises here).');
    return {
      roc_auc_ovr_macro: aucSum === null ? null : aucSum / C,
      average_precision_macro: apSum === null ? null : apSum / C,
    };
  }
}
