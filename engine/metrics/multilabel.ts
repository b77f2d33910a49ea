import { precisionRecallF1, type PrecisionRecallF1 } from './confusion';
import { emptyAccumulatorError, MetricError } from './errors';
import { CompensatedSum, roundingOf, type FloatDtype } from './float';
import { GrowableArray } from './growable';
import { averagePrecision, columnCurve, CurveBuffers, rocAuc, thresholdCurve } from './ranking';

export interface MultilabelOptions {
  /** Number of labels L: every sample has L probabilities and a multi-hot ground truth of L values. */
  numLabels: number;
  /**
   * A label is predicted when its probability is `>= threshold`, as for binary outputs: one
   * threshold for every label, or one per label. Default 0.5.
   */
  thresholds?: number | readonly number[];
  /** The dtype the probabilities are kept in; default float32 when the first row is a Float32Array (an ONNX output), float64 otherwise. */
  dtype?: FloatDtype;
  /** Keep every score for average precision and ROC AUC (n x L values). Default true. */
  ranking?: boolean;
  /** Samples expected, when known: the per-sample arrays are then allocated once, at their size. */
  expectedSamples?: number;
}

export interface LabelReport extends PrecisionRecallF1 {
  /** Samples whose ground truth holds the label. */
  support: number;
  threshold: number;
  /** 0 when no sample holds the label, as scikit-learn 1.2 returns (with a warning); null with ranking turned off. */
  average_precision: number | null;
  /** Null when the label is held by no sample or by every sample (scikit-learn raises), or ranking turned off. */
  roc_auc: number | null;
}

export interface MultilabelResult {
  n: number;
  /** The threshold of each label, in label order. */
  thresholds: number[];
  /** Samples whose predicted labels are exactly their true labels (scikit-learn's accuracy_score on multilabel data). */
  subset_accuracy: number;
  /** Wrong (sample, label) pairs over all pairs. */
  hamming_loss: number;
  precision_micro: number;
  recall_micro: number;
  f1_micro: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  precision_weighted: number;
  recall_weighted: number;
  f1_weighted: number;
  /** Per sample, then averaged: a sample with no true (or no predicted) label has recall (precision) 0, as scikit-learn's zero_division default. */
  precision_samples: number;
  recall_samples: number;
  f1_samples: number;
  /** Mean of the labels' average precision, those held by no sample counting 0 (as scikit-learn does). */
  average_precision_macro: number | null;
  /** Average precision of every (sample, label) pair as one ranking (0 when no pair is positive, as scikit-learn). */
  average_precision_micro: number | null;
  /**
   * Mean ROC AUC over the labels where it is defined: a label held by no sample or by every
   * sample is left out and named in `roc_auc_macro_excluded` (scikit-learn raises instead).
   * Null when no label has both classes.
   */
  roc_auc_macro: number | null;
  roc_auc_macro_excluded: number[];
  /** ROC AUC of every (sample, label) pair as one ranking; null when all pairs have one class. */
  roc_auc_micro: number | null;
  per_label: Record<string, LabelReport>;
  /** Why a metric is null or a label left out, or what about the input a reader should know. */
  warnings: string[];
}

/** Multilabel classification metrics over a stream of (probability per label, multi-hot truth) samples, as scikit-learn 1.2 reports them. */
export class MultilabelAccumulator {
  readonly numLabels: number;
  readonly thresholds: readonly number[];
  private readonly ranking: boolean;
  private dtype: FloatDtype | undefined;
  private readonly expectedSamples: number | undefined;
  private n = 0;
  private exactMatches = 0;
  private wrongPairs = 0;
  private readonly truePositives: Float64Array;
  private readonly predicted: Float64Array;
  private readonly actual: Float64Array;
  private readonly samplePrecision = new CompensatedSum();
  private readonly sampleRecall = new CompensatedSum();
  private readonly sampleF1 = new CompensatedSum();
  private scores: GrowableArray<Float32Array | Float64Array> | undefined;
  private readonly truths: GrowableArray<Uint8Array>;
  private readonly row: Float64Array;
  private readonly truthRow: Uint8Array;

  constructor(options: MultilabelOptions) {
    const { numLabels } = options;
    if (!Number.isInteger(numLabels) || numLabels < 1) throw new MetricError('invalid-input', `numLabels must be a positive integer; got ${numLabels}.`);
    const thresholds = options.thresholds ?? 0.5;
    const perLabel = typeof thresholds === 'number' ? new Array<number>(numLabels).fill(thresholds) : [...thresholds];
    if (perLabel.length !== numLabels) throw new MetricError('invalid-input', `Expected one threshold per label (${numLabels}); got ${perLabel.length}.`);
    const invalid = perLabel.findIndex((t) => !Number.isFinite(t));
    if (invalid >= 0) throw new MetricError('invalid-input', `The threshold of label ${invalid} must be a finite number; got ${perLabel[invalid]}.`);
    this.numLabels = numLabels;
    this.thresholds = perLabel;
    this.ranking = options.ranking ?? true;
    this.dtype = options.dtype;
    this.expectedSamples = options.expectedSamples;
    this.truePositives = new Float64Array(numLabels);
    this.predicted = new Float64Array(numLabels);
    this.actual = new Float64Array(numLabels);
    this.truths = new GrowableArray((size) => new Uint8Array(size), this.ranking && options.expectedSamples !== undefined ? options.expectedSamples * numLabels : undefined);
    this.row = new Float64Array(numLabels);
    this.truthRow = new Uint8Array(numLabels);
  }

  get count(): number {
    return this.n;
  }

  /** `probabilities[j]`: the probability of label j (sigmoid applied); `truth[j]`: 1 when the sample has label j, else 0. */
  add(probabilities: ArrayLike<number>, truth: ArrayLike<number>): void {
    const L = this.numLabels;
    const sample = this.n;
    if (probabilities.length !== L) throw new MetricError('invalid-input', `Sample ${sample}: expected ${L} label probabilities, got ${probabilities.length}.`);
    if (truth.length !== L) throw new MetricError('invalid-input', `Sample ${sample}: expected a ground truth of ${L} values (0 or 1 per label), got ${truth.length}.`);
    const dtype = (this.dtype ??= probabilities instanceof Float32Array ? 'float32' : 'float64');
    const round = roundingOf(dtype);
    // Validated whole before anything is counted: a rejected sample leaves the tallies as they were.
    for (let j = 0; j < L; j++) {
      const p = round(probabilities[j]!);
      if (!(p >= 0 && p <= 1)) {
        throw new MetricError('invalid-input', `Sample ${sample}: label ${j} has probability ${probabilities[j]}, outside [0, 1]. Pass probabilities; for logits, apply a sigmoid first.`);
      }
      const t = Number(truth[j]);
      if (t !== 0 && t !== 1) throw new MetricError('invalid-input', `Sample ${sample}: the ground truth of label ${j} is ${String(truth[j])}; a multilabel ground truth holds 0 or 1 per label.`);
      this.row[j] = p;
      this.truthRow[j] = t;
    }
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < L; j++) {
      const isPredicted = this.row[j]! >= this.thresholds[j]!;
      const isTrue = this.truthRow[j] === 1;
      if (isPredicted) this.predicted[j]!++;
      if (isTrue) this.actual[j]!++;
      if (isPredicted && isTrue) this.truePositives[j]!++;
      tp += isPredicted && isTrue ? 1 : 0;
      predicted += isPredicted ? 1 : 0;
      actual += isTrue ? 1 : 0;
    }
    const wrong = predicted + actual - 2 * tp;
    this.wrongPairs += wrong;
    if (wrong === 0) this.exactMatches++;
    const scores = precisionRecallF1(tp, predicted - tp, actual - tp);
    this.samplePrecision.add(scores.precision);
    this.sampleRecall.add(scores.recall);
    this.sampleF1.add(scores.f1);

    if (this.ranking) {
      this.scores ??= new GrowableArray<Float32Array | Float64Array>(
        (size) => (dtype === 'float32' ? new Float32Array(size) : new Float64Array(size)),
        this.expectedSamples === undefined ? undefined : this.expectedSamples * L,
      );
      this.scores.pushAll(this.row);
      this.truths.pushAll(this.truthRow);
    }
    this.n++;
  }

  result(): MultilabelResult {
    const n = this.n;
    if (n === 0) throw emptyAccumulatorError('multilabel classification');
    const L = this.numLabels;
    const warnings: string[] = [];
    const perLabel: PrecisionRecallF1[] = [];
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < L; j++) {
      perLabel.push(precisionRecallF1(this.truePositives[j]!, this.predicted[j]! - this.truePositives[j]!, this.actual[j]! - this.truePositives[j]!));
      tp += this.truePositives[j]!;
      predicted += this.predicted[j]!;
      actual += this.actual[j]!;
    }
    const micro = precisionRecallF1(tp, predicted - tp, actual - tp);
    const macro = (key: keyof PrecisionRecallF1) => perLabel.reduce((sum, s) => sum + s[key], 0) / L;
    // Weighted by support; with no true label at all, scikit-learn returns 0 for all three (zero_division).
    const weighted = (key: keyof PrecisionRecallF1) => (actual === 0 ? 0 : perLabel.reduce((sum, s, j) => sum + s[key] * this.actual[j]!, 0) / actual);

    const never = (counts: Float64Array) => Array.from(counts, (c, j) => (c === 0 ? j : -1)).filter((j) => j >= 0);
    const neverTrue = never(this.actual);
    const neverPredicted = never(this.predicted);
    if (neverTrue.length > 0) {
      warnings.push(`No sample holds ${labelList(neverTrue)}: recall, F1 and average precision 0, counted in the macro averages, as scikit-learn 1.2 reports them (zero_division's default).`);
    }
    if (neverPredicted.length > 0) {
      warnings.push(`No sample is predicted ${labelList(neverPredicted)} at ${neverPredicted.length > 1 ? 'their thresholds' : 'its threshold'}: precision and F1 0, counted in the macro averages (zero_division's default).`);
    }
    const ranking = this.rankingMetrics(warnings);
    const per_label: Record<string, LabelReport> = {};
    for (let j = 0; j < L; j++) {
      per_label[String(j)] = { ...perLabel[j]!, support: this.actual[j]!, threshold: this.thresholds[j]!, average_precision: ranking.perLabelAp[j] ?? null, roc_auc: ranking.perLabelAuc[j] ?? null };
    }
    return {
      n,
      thresholds: [...this.thresholds],
      subset_accuracy: this.exactMatches / n,
      hamming_loss: this.wrongPairs / (n * L),
      precision_micro: micro.precision,
      recall_micro: micro.recall,
      f1_micro: micro.f1,
      precision_macro: macro('precision'),
      recall_macro: macro('recall'),
      f1_macro: macro('f1'),
      precision_weighted: weighted('precision'),
      recall_weighted: weighted('recall'),
      f1_weighted: weighted('f1'),
      precision_samples: this.samplePrecision.value / n,
      recall_samples: this.sampleRecall.value / n,
      f1_samples: this.sampleF1.value / n,
      average_precision_macro: ranking.apMacro,
      average_precision_micro: ranking.apMicro,
      roc_auc_macro: ranking.aucMacro,
      roc_auc_macro_excluded: ranking.excluded,
      roc_auc_micro: ranking.aucMicro,
      per_label,
      warnings,
    };
  }

  private rankingMetrics(warnings: string[]) {
    const scores = this.scores?.values();
    if (!this.ranking || scores === undefined) {
      warnings.push('average precision and ROC AUC were not computed: ranking metrics are turned off.');
      return { perLabelAp: [], perLabelAuc: [], apMacro: null, apMicro: null, aucMacro: null, aucMicro: null, excluded: [] };
    }
    const L = this.numLabels;
    const n = this.n;
    const truths = this.truths.values();
    const column = new Uint8Array(n);
    const buffers = new CurveBuffers(n);
    const perLabelAp: number[] = [];
    const perLabelAuc: (number | null)[] = [];
    const excluded: number[] = [];
    for (let j = 0; j < L; j++) {
      for (let i = 0; i < n; i++) column[i] = truths[i * L + j]!;
      const curve = columnCurve(scores, L, j, column, 1, buffers);
      // scikit-learn 1.2 sets recall to 1 at every threshold without positives: an average precision of 0.
      perLabelAp.push(averagePrecision(curve) ?? 0);
      const auc = rocAuc(curve);
      perLabelAuc.push(auc);
      if (auc === null) excluded.push(j);
    }
    if (excluded.length > 0) {
      warnings.push(`roc_auc_macro is the mean over the other labels: ${labelList(excluded)}, held by no sample or by every sample, ${excluded.length > 1 ? 'have' : 'has'} no ROC AUC (scikit-learn raises here).`);
    }
    const defined = perLabelAuc.filter((auc): auc is number => auc !== null);
    const micro = thresholdCurve(scores, truths);
    const aucMicro = rocAuc(micro);
    if (aucMicro === null) warnings.push('roc_auc_micro is undefined: every (sample, label) pair has the same ground truth.');
    return {
      perLabelAp,
      perLabelAuc,
      apMacro: perLabelAp.reduce((a, b) => a + b, 0) / L,
      apMicro: averagePrecision(micro) ?? 0,
      aucMacro: defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length,
      aucMicro,
      excluded,
    };
  }
}

/** "label 2" / "labels 1, 3", for warnings. */
function labelList(labels: readonly number[]): string {
  return labels.length === 1 ? `label ${labels[0]}` : `labels ${labels.join(', ')}`;
}
