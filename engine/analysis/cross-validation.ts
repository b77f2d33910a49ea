import { performance } from 'node:perf_hooks';
import { CV_METRICS, type CvFold, type CvMetric, type CvMetricValues, type CvSpread } from '../../shared/cross-validation-types';
import { MulticlassAccumulator } from '../metrics/classification';
import { fitLogisticRegression, predictProbabilities, type LogisticRegressionOptions } from './logistic-regression';

/**
 * K-split cross-validation of a logistic-regression head: for each fold, a new head trained
 * on the other folds' rows and scored on this fold's rows; then each metric's mean and spread
 * over the folds, and the confusion matrix of every held-out prediction pooled.
 */

export interface CrossValidationInput {
  /** `rows × dim` features (the embeddings), row-major. */
  features: ArrayLike<number>;
  rows: number;
  dim: number;
  /** Class index of each row, 0..numClasses-1. */
  labels: ArrayLike<number>;
  numClasses: number;
  /** Fold of each row, 0..k-1. */
  foldOf: ArrayLike<number>;
  k: number;
  /** What each row is called in the results (its sample index). */
  sampleIndices: readonly number[];
  solver?: LogisticRegressionOptions;
  /** Called after each fold, for progress. */
  onFold?: (fold: CvFold) => void;
}

export interface CrossValidationScores {
  folds: CvFold[];
  summary: Record<CvMetric, CvSpread>;
  confusionMatrix: number[][];
}

export function crossValidate(input: CrossValidationInput): CrossValidationScores {
  const { features, rows, dim, labels, numClasses, foldOf, k } = input;
  const folds: CvFold[] = [];
  const pooled = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let fold = 0; fold < k; fold++) {
    const started = performance.now();
    const train: number[] = [];
    const test: number[] = [];
    for (let row = 0; row < rows; row++) (foldOf[row] === fold ? test : train).push(row);
    const model = fitLogisticRegression(gather(features, dim, train), train.length, dim, train.map((row) => labels[row]!), numClasses, input.solver);
    const probabilities = predictProbabilities(model, gather(features, dim, test), test.length);
    const scores = new MulticlassAccumulator({ numClasses, dtype: 'float64', ranking: false, expectedSamples: test.length });
    test.forEach((row, i) => scores.add(probabilities.subarray(i * numClasses, (i + 1) * numClasses), labels[row]!));
    const result = scores.result();
    result.confusion_matrix.forEach((line, t) => line.forEach((n, p) => (pooled[t]![p]! += n)));
    const metrics = Object.fromEntries(CV_METRICS.map((m) => [m, result[m]])) as CvMetricValues;
    const done: CvFold = {
      fold,
      trainSize: train.length,
      testSize: test.length,
      testIndices: test.map((row) => input.sampleIndices[row]!).sort((a, b) => a - b),
      metrics,
      iterations: model.iterations,
      gradientNorm: model.gradientNorm,
      converged: model.converged,
      durationMs: performance.now() - started,
    };
    folds.push(done);
    input.onFold?.(done);
  }
  const summary = Object.fromEntries(CV_METRICS.map((m) => [m, spread(folds.map((f) => f.metrics[m]))])) as Record<CvMetric, CvSpread>;
  return { folds, summary, confusionMatrix: pooled };
}

/** Mean, population standard deviation (ddof = 0, as numpy's std), min and max. */
export function spread(values: readonly number[]): CvSpread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

function gather(features: ArrayLike<number>, dim: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((row, i) => {
    for (let j = 0; j < dim; j++) out[i * dim + j] = features[row * dim + j]!;
  });
  return out;
}
