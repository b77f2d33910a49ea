/**
 * McNemar's exact test on paired correctness: of the samples the two runs disagree on, `b`
 * were right in run A only and `c` right in run B only. Under the hypothesis that neither
 * run is better, each such sample is a fair coin, so the two-sided p-value is
 * min(1, 2·P(X ≤ min(b, c))) with X ~ Binomial(b + c, ½), and 1 when b + c = 0 (what
 * scipy's binomtest and statsmodels' mcnemar(exact=True) give).
 */
export function mcnemarExact(b: number, c: number): number {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`McNemar's ${name} must be a count (a non-negative integer); got ${v}.`);
  }
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
}

/**
 * P(X ≤ k) for X ~ Binomial(n, ½) and k ≤ n/2, as the sum of the probabilities of k, k−1, …
 * down to where the rest cannot change the sum. Each probability is computed on its own
 * (not by a recurrence, whose rounding would add up over thousands of terms), so the sum
 * keeps near double precision for n up to millions, where factorials and 2ⁿ overflow.
 */
function binomialHalfCdf(k: number, n: number): number {
  let sum = 0;
  for (let i = k; i >= 0; i--) {
    const term = binomialHalfPmf(i, n);
    sum += term;
    // Terms fall at least geometrically below the mode: this one no longer reaches sum's last bit.
    if (term <= sum * 2 ** -60) break;
  }
  return sum;
}

const LN_2PI = Math.log(2 * Math.PI);

/**
 * P(X = x) for X ~ Binomial(n, ½), by Loader's saddle-point form ("Fast and accurate
 * computation of binomial probabilities", 2000; R's dbinom): the exponent is a sum of
 * small, accurately computed terms rather than a difference of huge log-factorials.
 */
function binomialHalfPmf(x: number, n: number): number {
  if (x === 0 || x === n) return 2 ** -n;
  const half = n / 2;
  const exponent = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(x, half) - deviance(n - x, half);
  const logScale = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return Math.exp(exponent - 0.5 * logScale);
}

/** log(n!) − log(√(2πn)·(n/e)ⁿ) for an integer n ≥ 1: Stirling's series past 15, the exact factorial below. */
function stirlingError(n: number): number {
  if (n <= 15) {
    let factorial = 1;
    for (let i = 2; i <= n; i++) factorial *= i;
    return Math.log(factorial) - (n + 0.5) * Math.log(n) + n - 0.5 * LN_2PI;
  }
  const inv2 = 1 / (n * n);
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - inv2 / 1188) * inv2) * inv2) * inv2) / n;
}

/** x·log(x/m) + m − x without the cancellation of its two large terms when x is near m (Loader's bd0). */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = s + term / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}
