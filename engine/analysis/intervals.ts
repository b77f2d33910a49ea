/**
 * 95% confidence intervals of a slice's metrics: the Wilson score interval for a proportion
 * (accuracy), a seeded percentile bootstrap of the mean for anything else (losses, custom
 * metrics). Both are reproducible: the same data and seed give the same interval everywhere.
 */

/** The standard normal quantile at 0.975, as scipy.stats.norm.isf(0.025) gives it. */
const Z_95 = 1.9599639845400545;

export interface Interval {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** Wilson score interval of `successes` out of `trials`, written as statsmodels' proportion_confint(method='wilson') computes it. */
export function wilsonInterval(successes: number, trials: number): Interval {
  if (trials === 0) return { value: null, low: null, high: null };
  const q = successes / trials;
  const z2 = Z_95 ** 2;
  const denominator = 1 + z2 / trials;
  const center = (q + z2 / (2 * trials)) / denominator;
  const distance = (Z_95 * Math.sqrt((q * (1 - q)) / trials + z2 / (4 * trials ** 2))) / denominator;
  return { value: q, low: center - distance, high: center + distance };
}

export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * Percentile bootstrap of the mean: `resamples` draws of n values with replacement (the
 * engine's seeded PRNG, seededRandom), the 2.5th and 97.5th percentiles of their means (linear
 * interpolation between order statistics, numpy's default). `value` is the exact mean of
 * `values`, not the mean of the resampled means.
 */
export function bootstrapMeanInterval(values: ArrayLike<number>, seed: number, resamples = BOOTSTRAP_RESAMPLES): Interval {
  const n = values.length;
  if (n === 0) return { value: null, low: null, high: null };
  const data = Float64Array.from(values);
  const means = new Float64Array(resamples);
  // seededRandom's mulberry32 step, inlined: a closure call per draw made the slices of a
  // 100k-sample run 2.7 times slower. The draws are the same (slices.test.ts checks it).
  let state = seed >>> 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      sum += data[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)]!;
    }
    means[r] = sum / n;
  }
  means.sort();
  return { value: mean(values), low: percentile(means, 2.5), high: percentile(means, 97.5) };
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** numpy.percentile(sorted, p) with the default 'linear' method, of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const position = ((sorted.length - 1) * p) / 100;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** A 32-bit seed for one named stream (FNV-1a of the name, mixed with the base seed), so each slice's bootstrap is reproducible on its own. */
export function streamSeed(seed: number, name: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
