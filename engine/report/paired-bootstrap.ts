import type { DeltaInterval } from '../../shared/report-data';
import { precisionRecallF1 } from '../metrics/confusion';
import { seededRandom } from '../runner/sample-selection';

export interface BootstrapOptions {
  /** Resamples drawn; each is as large as the paired sample set. */
  resamples: number;
  /** Seed of the PRNG (mulberry32) the draws come from: the same seed gives the same intervals. */
  seed: number;
  /** Coverage of the percentile interval, e.g. 0.95. */
  confidence: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2000, seed: 1, confidence: 0.95 };

/**
 * Metrics of both runs over the paired samples, each sample counted `weights[i]` times (how
 * often a resample drew it; all ones for the samples as they are). Writes metric m of run A
 * to `a[m]` and of run B to `b[m]`, in the order of `metrics`.
 */
export interface PairedScorer {
  output: string;
  metrics: readonly string[];
  score(weights: Uint32Array, a: Float64Array, b: Float64Array): void;
}

/**
 * The paired bootstrap: each resample draws `samples` indices with replacement (index =
 * ⌊u·samples⌋ for successive u of the seeded PRNG), every scorer recomputes both runs'
 * metrics on it, and the delta's interval is the (1 − confidence)/2 and (1 + confidence)/2
 * quantiles of the resampled deltas (numpy's default linear interpolation). Drawing the same
 * samples for both runs keeps their pairing, which is what makes the interval narrow when the
 * runs agree on most samples.
 */
export function bootstrapDeltas(samples: number, scorers: readonly PairedScorer[], options: BootstrapOptions = DEFAULT_BOOTSTRAP): DeltaInterval[] {
  if (!Number.isInteger(options.resamples) || options.resamples < 1) throw new RangeError(`resamples must be a positive integer; got ${options.resamples}.`);
  if (!(options.confidence > 0 && options.confidence < 1)) throw new RangeError(`confidence must be between 0 and 1; got ${options.confidence}.`);
  if (samples === 0) return [];
  const weights = new Uint32Array(samples);
  const buffers = scorers.map((s) => ({ a: new Float64Array(s.metrics.length), b: new Float64Array(s.metrics.length) }));
  const observed = scorers.map((s, k) => {
    weights.fill(1);
    s.score(weights, buffers[k]!.a, buffers[k]!.b);
    return { a: Float64Array.from(buffers[k]!.a), b: Float64Array.from(buffers[k]!.b) };
  });
  const deltas = scorers.map((s) => s.metrics.map(() => new Float64Array(options.resamples)));
  const random = seededRandom(options.seed);
  for (let r = 0; r < options.resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < samples; i++) weights[Math.floor(random() * samples)]!++;
    scorers.forEach((s, k) => {
      const { a, b } = buffers[k]!;
      s.score(weights, a, b);
      for (let m = 0; m < s.metrics.length; m++) deltas[k]![m]![r] = b[m]! - a[m]!;
    });
  }
  const tail = (1 - options.confidence) / 2;
  return scorers.flatMap((s, k) =>
    s.metrics.map((metric, m) => {
      const sorted = deltas[k]![m]!.sort();
      const a = observed[k]!.a[m]!;
      const b = observed[k]!.b[m]!;
      return { output: s.output, metric, a, b, delta: b - a, low: quantile(sorted, tail), high: quantile(sorted, 1 - tail) };
    }),
  );
}

/** numpy.quantile's default ('linear'): between the order statistics around q·(n − 1). */
function quantile(sorted: Float64Array, q: number): number {
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Accuracy and macro F1 (classification), or accuracy and the positive class's F1 (binary),
 * from the weighted confusion counts of each run, with the engine's per-class scores
 * (engine/metrics/confusion.ts): every class of the output counts in the macro average, as
 * in the run's results.
 */
export function classificationScorer(
  output: string,
  task: 'classification' | 'binary',
  classes: number,
  truthA: Int32Array,
  truthB: Int32Array,
  predictedA: Int32Array,
  predictedB: Int32Array,
): PairedScorer {
  const confusionA = new Float64Array(classes * classes);
  const confusionB = new Float64Array(classes * classes);
  // Each run against its own labels (a label corrected between runs counts for the run that has it), as a confusion cell per sample.
  const cellA = Int32Array.from(truthA, (t, i) => t * classes + predictedA[i]!);
  const cellB = Int32Array.from(truthB, (t, i) => t * classes + predictedB[i]!);
  const scoresOf = (counts: Float64Array, total: number, out: Float64Array) => {
    let correct = 0;
    let f1Sum = 0;
    for (let c = 0; c < classes; c++) {
      const tp = counts[c * classes + c]!;
      let actual = 0;
      let called = 0;
      for (let k = 0; k < classes; k++) {
        actual += counts[c * classes + k]!;
        called += counts[k * classes + c]!;
      }
      correct += tp;
      const { f1 } = precisionRecallF1(tp, called - tp, actual - tp);
      if (task === 'classification') f1Sum += f1;
      else if (c === 1) f1Sum = f1;
    }
    out[0] = correct / total;
    out[1] = task === 'classification' ? f1Sum / classes : f1Sum;
  };
  return {
    output,
    metrics: ['accuracy', task === 'classification' ? 'f1_macro' : 'f1'],
    score(weights, a, b) {
      confusionA.fill(0);
      confusionB.fill(0);
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i]!;
        if (w === 0) continue;
        total += w;
        confusionA[cellA[i]!]! += w;
        confusionB[cellB[i]!]! += w;
      }
      scoresOf(confusionA, total, a);
      scoresOf(confusionB, total, b);
    },
  };
}

/**
 * MAE and RMSE of a regression output from each sample's absolute and squared errors
 * (`outputs` values per sample, row after row), as the engine's RegressionAccumulator reports
 * them: per model output, then their mean (scikit-learn 1.2's uniform average, the RMSE a mean
 * of the outputs' RMSEs).
 */
export function regressionScorer(output: string, outputs: number, absoluteA: Float64Array, squaredA: Float64Array, absoluteB: Float64Array, squaredB: Float64Array): PairedScorer {
  const sums = new Float64Array(4 * outputs);
  return {
    output,
    metrics: ['mae', 'rmse'],
    score(weights, a, b) {
      sums.fill(0);
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i]!;
        if (w === 0) continue;
        total += w;
        for (let j = 0; j < outputs; j++) {
          const at = i * outputs + j;
          sums[j]! += w * absoluteA[at]!;
          sums[outputs + j]! += w * squaredA[at]!;
          sums[2 * outputs + j]! += w * absoluteB[at]!;
          sums[3 * outputs + j]! += w * squaredB[at]!;
        }
      }
      let maeA = 0;
      let rmseA = 0;
      let maeB = 0;
      let rmseB = 0;
      for (let j = 0; j < outputs; j++) {
        maeA += sums[j]! / total;
        rmseA += Math.sqrt(sums[outputs + j]! / total);
        maeB += sums[2 * outputs + j]! / total;
        rmseB += Math.sqrt(sums[3 * outputs + j]! / total);
      }
      a[0] = maeA / outputs;
      a[1] = rmseA / outputs;
      b[0] = maeB / outputs;
      b[1] = rmseB / outputs;
    },
  };
}
