import { softmax } from './classification';

/**
 * How raw model outputs are read as probabilities, one rule for the run's metrics and for
 * exports: a declared activation wins; undeclared, a row that already is a distribution is
 * taken as probabilities, anything else as logits.
 */

export type Activation = 'logits' | 'probabilities' | undefined;

export function classProbabilities(values: ArrayLike<number>, activation: Activation): number[] {
  const row = new Float64Array(values.length);
  return Array.from(classProbabilitiesInto(values, activation, row, row));
}

/**
 * classProbabilities written into `out`, of the row's length, without allocating: per
 * sample over a whole run. A softmax is computed in float64 in `scratch` (may be `out` when
 * that is a Float64Array), then rounded once to `out`'s type, as Float32Array.from would.
 */
export function classProbabilitiesInto<A extends Float32Array | Float64Array>(values: ArrayLike<number>, activation: Activation, out: A, scratch: Float64Array): A {
  const logits = activation === 'logits' || (activation === undefined && !isProbabilityRow(values));
  out.set(logits ? softmax(values, scratch) : values);
  return out;
}

/** The probability of the positive class of a binary output: one value (sigmoid of a logit, or a probability) or two (a distribution). */
export function positiveProbability(values: ArrayLike<number>, activation: Activation): number {
  if (values.length === 2) return classProbabilities(values, activation)[1]!;
  const v = values[0] ?? 0;
  const logits = activation === 'logits' || (activation === undefined && (v < 0 || v > 1));
  return logits ? sigmoid(v) : v;
}

/** Per-class probabilities of a multilabel output, each class on its own. */
export function independentProbabilities(values: readonly number[], activation: Activation): number[] {
  const logits = activation === 'logits' || (activation === undefined && values.some((v) => v < 0 || v > 1));
  return logits ? values.map(sigmoid) : [...values];
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function isProbabilityRow(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}
