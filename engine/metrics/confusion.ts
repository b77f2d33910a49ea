/** Scores of one class from its confusion counts, with scikit-learn 1.2's conventions. */

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** A 0/0 precision or recall is 0 (scikit-learn's `zero_division` default, without the warning). */
export function precisionRecallF1(truePositives: number, falsePositives: number, falseNegatives: number): PrecisionRecallF1 {
  const predicted = truePositives + falsePositives;
  const actual = truePositives + falseNegatives;
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = actual === 0 ? 0 : truePositives / actual;
  return { precision, recall, f1: f1Of(precision, recall) };
}

/**
 * F1 from precision and recall as scikit-learn 1.2 computes it, rather than from counts,
 * so the last bits agree with its reference values; 0 when both are 0.
 */
export function f1Of(precision: number, recall: number): number {
  const denominator = precision + recall;
  return denominator === 0 ? 0 : (2 * precision * recall) / denominator;
}
