import type { Slice } from '../../shared/analysis-types';
import { bootstrapMeanInterval, streamSeed, wilsonInterval, type Interval } from './intervals';

/**
 * Metrics by metadata slice, per benchmark: every string or boolean value is a slice, a
 * number is cut into quantile bins. Each slice gets every per-sample metric with a 95%
 * interval (Wilson for proportions, seeded bootstrap for means), and the slices with enough
 * samples are ranked weakest first, so the report can say where a model is worst with
 * intervals that tell noise from a real gap.
 */

export type MetadataValue = string | number | boolean;

/** A per-sample metric: one value per sample, NaN where the sample has none (an unlabeled one). */
export interface SampleMetric {
  name: string;
  values: Float64Array;
  /** Proportions (0 / 1, e.g. accuracy) get a Wilson interval; other values a bootstrap of the mean. */
  kind: 'proportion' | 'mean';
  /** Losses and errors: a slice is weaker the higher they are. */
  lowerIsBetter: boolean;
}

export interface SliceInput {
  benchmarks: readonly string[];
  /** Index into `benchmarks`, per sample. */
  benchmarkOf: ArrayLike<number>;
  /** Values per metadata key, per sample (undefined where a sample lacks the key). */
  metadata: ReadonlyMap<string, readonly (MetadataValue | undefined)[]>;
  /** The first one decides the ranking. */
  metrics: readonly SampleMetric[];
}

export interface SliceOptions {
  bins?: number;
  minSupport?: number;
  seed?: number;
}

export const DEFAULT_BINS = 4;
export const DEFAULT_MIN_SUPPORT = 20;

export interface SliceResult {
  items: Slice[];
  warnings: string[];
}

type SliceKey = Slice['slice'];

export function computeSlices(input: SliceInput, options: SliceOptions = {}): SliceResult {
  const bins = options.bins ?? DEFAULT_BINS;
  const minSupport = options.minSupport ?? DEFAULT_MIN_SUPPORT;
  const seed = options.seed ?? 0;
  const items: Slice[] = [];
  const warnings: string[] = [];
  let unsupported = 0;
  for (const [b, benchmark] of input.benchmarks.entries()) {
    const members: number[] = [];
    for (let i = 0; i < input.benchmarkOf.length; i++) if (input.benchmarkOf[i] === b) members.push(i);
    for (const [key, values] of input.metadata) {
      const groups = groupByKey(members, values, bins);
      if (groups === 'mixed') {
        warnings.push(`Metadata key '${key}' of benchmark '${benchmark}' mixes numbers with strings or booleans: not sliced. Make its function return one type for every sample.`);
        continue;
      }
      for (const { slice, samples } of groups) {
        if (samples.length < minSupport) {
          unsupported++;
          continue;
        }
        const label = `${benchmark}\0${key}\0${JSON.stringify(slice)}`;
        items.push({ benchmark, key, slice, samples: samples.length, metrics: sliceMetrics(samples, input.metrics, seed, label) });
      }
    }
  }
  if (unsupported > 0) warnings.push(`${unsupported} slice${unsupported === 1 ? ' has' : 's have'} fewer than ${minSupport} samples and ${unsupported === 1 ? 'is' : 'are'} left out (minSupport).`);
  const main = input.metrics[0];
  if (main !== undefined) items.sort((x, y) => weakness(y, main) - weakness(x, main));
  return { items, warnings };
}

/** How weak a slice is on the main metric: its pessimistic bound (low for a score, high for a loss), signed so that larger is weaker. */
function weakness(slice: Slice, main: SampleMetric): number {
  const interval = slice.metrics[main.name];
  const bound = main.lowerIsBetter ? interval?.high : interval?.low;
  if (bound === null || bound === undefined) return Number.NEGATIVE_INFINITY;
  return main.lowerIsBetter ? bound : -bound;
}

function sliceMetrics(samples: readonly number[], metrics: readonly SampleMetric[], seed: number, label: string): Slice['metrics'] {
  const out: Slice['metrics'] = {};
  for (const metric of metrics) {
    const values: number[] = [];
    for (const i of samples) {
      const v = metric.values[i]!;
      if (!Number.isNaN(v)) values.push(v);
    }
    if (values.length === 0) continue;
    let interval: Interval;
    if (metric.kind === 'proportion') {
      let successes = 0;
      for (const v of values) successes += v;
      interval = wilsonInterval(successes, values.length);
    } else {
      interval = bootstrapMeanInterval(values, streamSeed(seed, `${label}\0${metric.name}`));
    }
    out[metric.name] = { ...interval, method: metric.kind === 'proportion' ? 'wilson' : 'bootstrap' };
  }
  return out;
}

/** The samples of each slice of one key; 'mixed' when the key holds numbers and other types. */
function groupByKey(members: readonly number[], values: readonly (MetadataValue | undefined)[], bins: number): { slice: SliceKey; samples: number[] }[] | 'mixed' {
  const numbers: number[] = [];
  const byValue = new Map<string | boolean, number[]>();
  for (const i of members) {
    const v = values[i];
    if (v === undefined) continue;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) numbers.push(i);
      continue;
    }
    let group = byValue.get(v);
    if (group === undefined) byValue.set(v, (group = []));
    group.push(i);
  }
  if (numbers.length > 0 && byValue.size > 0) return 'mixed';
  if (byValue.size > 0) {
    return [...byValue].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([value, samples]) => ({ slice: { kind: 'value', value }, samples }));
  }
  return numbers.length === 0 ? [] : binByQuantiles(numbers, values as readonly number[], bins);
}

/**
 * Quantile bins of a number. Bin starts are the minimum and the order statistics
 * sorted[floor(q·(n−1))] for q = 1/b … (b−1)/b (numpy's 'lower' quantile, so every edge is a
 * value of the data); equal starts merge, so tied values never straddle two bins and a
 * heavily tied key gets fewer than b bins. Bin i is [start_i, start_i+1); the last is
 * [start_last, max], closed.
 */
export function quantileBinStarts(sorted: ArrayLike<number>, bins: number): number[] {
  const n = sorted.length;
  const starts = [sorted[0]!];
  for (let q = 1; q < bins; q++) {
    const edge = sorted[Math.floor((q * (n - 1)) / bins)]!;
    if (edge > starts[starts.length - 1]!) starts.push(edge);
  }
  return starts;
}

function binByQuantiles(samples: readonly number[], values: readonly number[], bins: number): { slice: SliceKey; samples: number[] }[] {
  const sorted = Float64Array.from(samples, (i) => values[i]!).sort();
  const starts = quantileBinStarts(sorted, bins);
  const max = sorted[sorted.length - 1]!;
  const groups = starts.map(() => [] as number[]);
  for (const i of samples) {
    const v = values[i]!;
    // The last start at or below v: a handful of starts, so a scan beats a search.
    let bin = 0;
    while (bin + 1 < starts.length && starts[bin + 1]! <= v) bin++;
    groups[bin]!.push(i);
  }
  return starts.map((low, k) => {
    const last = k === starts.length - 1;
    return { slice: { kind: 'bin', low, high: last ? max : starts[k + 1]!, closedHigh: last }, samples: groups[k]! };
  });
}
