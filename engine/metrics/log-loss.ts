import { machineEpsilon, pairwiseSum, roundingOf, type FloatDtype } from './float';

/**
 * One sample's term of scikit-learn 1.2's `log_loss`: the row is clipped to
 * [eps, 1 - eps] with eps of its dtype, renormalised to sum to 1, both in that dtype as
 * numpy does, and the log of the true class's probability is taken in float64 (`xlogy`
 * against integer labels upcasts). `row` must already hold values of that dtype;
 * `scratch` is a buffer at least as long as the row.
 */
export function logLossTerm(row: ArrayLike<number>, label: number, dtype: FloatDtype, scratch: Float64Array): number {
  const round = roundingOf(dtype);
  const eps = machineEpsilon(dtype);
  const high = round(1 - eps);
  for (let j = 0; j < row.length; j++) scratch[j] = Math.min(Math.max(row[j]!, eps), high);
  const sum = pairwiseSum(scratch, round, 0, row.length);
  return -Math.log(round(scratch[label]! / sum));
}

/**
 * The same for a binary probability of the positive class: scikit-learn clips it, makes
 * the row [1 - p, p] in the same dtype, then renormalises.
 */
export function binaryLogLossTerm(probability: number, label: 0 | 1, dtype: FloatDtype, scratch: Float64Array): number {
  const round = roundingOf(dtype);
  const eps = machineEpsilon(dtype);
  const p = Math.min(Math.max(probability, eps), round(1 - eps));
  scratch[0] = round(1 - p);
  scratch[1] = p;
  const sum = pairwiseSum(scratch, round, 0, 2);
  return -Math.log(round(scratch[label]! / sum));
}
