import { precisionRecallF1 } from './confusion';
import { emptyAccumulatorError, MetricError } from './errors';
import { CompensatedSum, roundingOf, type FloatDtype } from './float';
import { GrowableArray } from './growable';
import { binaryLogLossTerm } from './log-loss';
import { averagePrecision, bestF1, rocAuc, thresholdCurve } from './ranking';

export interface BinaryOptions {
  /**
   * A sample is predicted positive when its probability is `>= threshold`: the convention
   * of scikit-learn's ROC and precision-recall curves, so `best_f1_threshold` fed back
   * here reproduces `best_f1`. Default 0.5.
   */
  threshold?: number;
  /**
   * The dtype the probabilities are treated in for `log_loss` (scikit-learn clips and
   * computes 1 - p in the dtype of its input). Default float64: a JavaScript number.
   */
  dtype?: FloatDtype;
  /** Keep every score for the threshold-free metrics (8 bytes a sample in float64). Default true. */
  ranking?: boolean;
  /** Samples expected, when known: the per-sample arrays are then allocated once, at their size. */
  expectedSamples?: number;
}

export interface BinaryResult {
  n: number;
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** [[TN, FP], [FN, TP]]: rows are true labels 0 and 1, columns predicted. */
  confusion_matrix: [[number, number], [number, number]];
  /** Null with only one class present (scikit-learn raises), or ranking turned off. */
  roc_auc: number | null;
  /** Null without positive samples, or ranking turned off. */
  average_precision: number | null;
  log_loss: number;
  /** The threshold on the precision-recall curve with the highest F1; null without positives. */
  best_f1_threshold: number | null;
  best_f1: number | null;
  warnings: string[];
}

/** Binary classification metrics over a stream of (probability of class 1, label) samples. */
export class BinaryAccumulator {
  readonly threshold: number;
  private readonly dtype: FloatDtype;
  private readonly ranking: boolean;
  private n = 0;
  private truePositives = 0;
  private falsePositives = 0;
  private trueNegatives = 0;
  private falseNegatives = 0;
  private readonly logLoss = new CompensatedSum();
  private readonly scores: GrowableArray<Float32Array | Float64Array>;
  private readonly labels: GrowableArray<Uint8Array>;
  private readonly scratch = new Float64Array(2);

  constructor(options: BinaryOptions = {}) {
    const threshold = options.threshold ?? 0.5;
    if (!Number.isFinite(threshold)) throw new MetricError('invalid-input', `The threshold must be a finite number; got ${threshold}.`);
    this.threshold = threshold;
    this.dtype = options.dtype ?? 'float64';
    this.ranking = options.ranking ?? true;
    const dtype = this.dtype;
    const capacity = this.ranking ? options.expectedSamples : undefined;
    this.scores = new GrowableArray<Float32Array | Float64Array>(
      (size) => (dtype === 'float32' ? new Float32Array(size) : new Float64Array(size)),
      capacity,
    );
    this.labels = new GrowableArray((size) => new Uint8Array(size), capacity);
  }

  get count(): number {
    return this.n;
  }

  add(probabilityOfPositive: number, label: 0 | 1): void {
    const sample = this.n;
    if (label !== 0 && label !== 1) {
      throw new MetricError('invalid-input', `Sample ${sample}: a binary label must be 0 or 1; got ${String(label)}.`);
    }
    const p = roundingOf(this.dtype)(probabilityOfPositive);
    if (!(p >= 0 && p <= 1)) {
      throw new MetricError(
        'invalid-input',
        `Sample ${sample}: expected the probability of class 1, in [0, 1]; got ${probabilityOfPositive}. For a logit, apply a sigmoid first.`,
      );
    }
    const predictedPositive = p >= this.threshold;
    if (label === 1) {
      if (predictedPositive) this.truePositives++;
      else this.falseNegatives++;
    } else if (predictedPositive) this.falsePositives++;
    else this.trueNegatives++;

    this.logLoss.add(binaryLogLossTerm(p, label, this.dtype, this.scratch));
    if (this.ranking) {
      this.scores.push(p);
      this.labels.push(label);
    }
    this.n++;
  }

  result(): BinaryResult {
    const n = this.n;
    if (n === 0) throw emptyAccumulatorError('binary classification');
    const warnings: string[] = [];
    const tp = this.truePositives;
    const fp = this.falsePositives;
    const tn = this.trueNegatives;
    const fn = this.falseNegatives;
    const { precision, recall, f1 } = precisionRecallF1(tp, fp, fn);

    let rankingMetrics: Pick<BinaryResult, 'roc_auc' | 'average_precision' | 'best_f1_threshold' | 'best_f1'> = {
      roc_auc: null,
      average_precision: null,
      best_f1_threshold: null,
      best_f1: null,
    };
    if (this.ranking) {
      const curve = thresholdCurve(this.scores.values(), this.labels.values());
      const best = bestF1(curve);
      rankingMetrics = {
        roc_auc: rocAuc(curve),
        average_precision: averagePrecision(curve),
        best_f1_threshold: best?.threshold ?? null,
        best_f1: best?.f1 ?? null,
      };
      if (curve.positives === 0) {
        warnings.push('No sample has label 1: roc_auc, average_precision and the best-F1 threshold are undefined, and precision, recall and F1 are 0.');
      } else if (curve.negatives === 0) {
        warnings.push('No sample has label 0: roc_auc is undefined (scikit-learn raises here).');
      }
    } else {
      warnings.push('roc_auc, average_precision and the best-F1 threshold were not computed: ranking metrics are turned off.');
    }

    return {
      n,
      threshold: this.threshold,
      accuracy: (tp + tn) / n,
      precision,
      recall,
      f1,
      confusion_matrix: [
        [tn, fp],
        [fn, tp],
      ],
      ...rankingMetrics,
      log_loss: this.logLoss.value / n,
      warnings,
    };
  }
}
