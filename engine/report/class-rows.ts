import type { ClassRow, LabelRow } from '../../shared/report-data';
import { precisionRecallF1 } from '../metrics/confusion';
import type { PredictionOutput } from './prediction-outputs';

/** Per-class rows and confusion matrices of an output, read from the runner's results (results.json). */

/** The runner's confusion matrix of an output (rows true, columns predicted); empty before the run has results. */
export function matrixOf(result: Record<string, unknown> | undefined): number[][] {
  const matrix = result?.confusion_matrix;
  return Array.isArray(matrix) ? (matrix as number[][]) : [];
}

/** The runner's per-class scores, keyed by class index, as rows named by label. */
export function perClassRows(result: Record<string, unknown> | undefined, labels: readonly string[]): ClassRow[] {
  const perClass = result?.per_class as Record<string, { precision: number; recall: number; f1: number; support: number }> | undefined;
  if (perClass === undefined) return [];
  return labels.flatMap((label, c) => {
    const row = perClass[String(c)];
    return row === undefined ? [] : [{ label, precision: row.precision, recall: row.recall, f1: row.f1, support: row.support }];
  });
}

/** The runner's per-label scores of a multilabel output (results' per_label, keyed by label index), as rows named by label. */
export function perLabelRows(result: Record<string, unknown> | undefined, labels: readonly string[]): LabelRow[] {
  const perLabel = result?.per_label as Record<string, { precision: number; recall: number; f1: number; support: number; threshold: number; average_precision: number | null; roc_auc: number | null }> | undefined;
  if (perLabel === undefined) return [];
  return labels.flatMap((label, j) => {
    const row = perLabel[String(j)];
    return row === undefined ? [] : [{ label, precision: row.precision, recall: row.recall, f1: row.f1, support: row.support, threshold: row.threshold, averagePrecision: row.average_precision, rocAuc: row.roc_auc }];
  });
}

/**
 * Both classes of a binary output from its confusion matrix [[TN, FP], [FN, TP]], as
 * scikit-learn's classification_report gives them: class 0's true positives are the TN.
 */
export function binaryClassRows(matrix: number[][], labels: readonly string[]): ClassRow[] {
  if (matrix.length !== 2) return [];
  const [[tn, fp], [fn, tp]] = matrix as [[number, number], [number, number]];
  return [
    { label: labels[0]!, ...precisionRecallF1(tn, fn, fp), support: tn + fp },
    { label: labels[1]!, ...precisionRecallF1(tp, fp, fn), support: fn + tp },
  ];
}

/** The per-class rows of a classification or binary output; none for other tasks. */
export function classRowsOf(output: PredictionOutput, result: Record<string, unknown> | undefined, labels: readonly string[]): ClassRow[] {
  if (output.task === 'classification') return perClassRows(result, labels);
  if (output.task === 'binary') return binaryClassRows(matrixOf(result), labels);
  return [];
}
