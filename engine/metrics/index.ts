/**
 * The evaluation engine's built-in metrics: accumulators fed one sample at a time, each
 * returning a plain JSON object keyed by scikit-learn's metric names.
 */
export { BinaryAccumulator, type BinaryOptions, type BinaryResult } from './binary';
export {
  MulticlassAccumulator,
  softmax,
  type ClassReport,
  type MulticlassOptions,
  type MulticlassResult,
} from './classification';
export { MetricError, type MetricErrorCode } from './errors';
export type { FloatDtype } from './float';
export { MultilabelAccumulator, type LabelReport, type MultilabelOptions, type MultilabelResult } from './multilabel';
export { RegressionAccumulator, type OutputScores, type RegressionOptions, type RegressionResult } from './regression';
export { averagePrecision, bestF1, rocAuc, thresholdCurve, type BestF1, type ThresholdCurve } from './ranking';
export { TextAccumulator, whitespaceTokenize, type TextResult } from './text';
