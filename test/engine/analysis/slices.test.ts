import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bootstrapMeanInterval, percentile, streamSeed, wilsonInterval } from '../../../engine/analysis/intervals';
import { computeSlices, quantileBinStarts, type MetadataValue, type SampleMetric } from '../../../engine/analysis/slices';
import { seededRandom } from '../../../engine/runner/sample-selection';
import { ROOT } from '../../helpers/paths';

/**
 * Slices and their intervals: Wilson intervals against statsmodels (reference JSON written by
 * test/fixtures/reference/make_wilson_reference.py), the bootstrap reproducible from its seed
 * with the exact mean as its value, quantile bins with ties, and the ranking weakest first.
 */

interface WilsonCase {
  successes: number;
  trials: number;
  low: number;
  high: number;
}
const wilson = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'wilson_reference.json'), 'utf8')) as { cases: WilsonCase[] };

function close(actual: number | null, expected: number, tolerance = 1e-9, what = ''): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≠ ${expected}`);
}

test("Wilson intervals equal statsmodels' proportion_confint(method='wilson') to 1e-9, edges included", () => {
  assert.ok(wilson.cases.length >= 10);
  for (const c of wilson.cases) {
    const interval = wilsonInterval(c.successes, c.trials);
    close(interval.low, c.low, 1e-9, `low of ${c.successes}/${c.trials}`);
    close(interval.high, c.high, 1e-9, `high of ${c.successes}/${c.trials}`);
    assert.equal(interval.value, c.successes / c.trials);
  }
  assert.deepEqual(wilsonInterval(0, 0), { value: null, low: null, high: null });
});

test('bootstrap: the exact mean as value, the same interval from the same seed, percentiles of seeded resample means', () => {
  const random = seededRandom(11);
  const values = Array.from({ length: 57 }, () => -Math.log(random()));
  const exactMean = values.reduce((a, b) => a + b, 0) / values.length;
  const first = bootstrapMeanInterval(values, 42);
  assert.deepEqual(bootstrapMeanInterval(values, 42), first);
  assert.equal(first.value, exactMean);
  assert.ok(first.low! < exactMean && exactMean < first.high!);
  assert.notDeepEqual(bootstrapMeanInterval(values, 43), first);

  // The same resamples drawn here from the engine's PRNG: 1000 means, numpy's linear percentiles.
  const draw = seededRandom(42);
  const means: number[] = [];
  for (let r = 0; r < 1000; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(draw() * values.length)]!;
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  // numpy.percentile(means, 2.5): position 0.025 · 999 = 24.975.
  close(first.low, means[24]! + 0.975 * (means[25]! - means[24]!), 1e-12, 'low');
  close(first.high, means[974]! + 0.025 * (means[975]! - means[974]!), 1e-12, 'high');
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
});

test('quantile bins: starts are data values, ties never straddle a bin, fewer bins when ties merge them', () => {
  assert.deepEqual(quantileBinStarts(Float64Array.from({ length: 100 }, (_, i) => i), 4), [0, 24, 49, 74]);
  assert.deepEqual(quantileBinStarts(Float64Array.from([1, 1, 1, 2, 2, 2, 2, 2, 2, 2]), 4), [1, 2]);
  assert.deepEqual(quantileBinStarts(Float64Array.from([5, 5, 5]), 4), [5]);

  const values: MetadataValue[] = [1, 1, 1, 2, 2, 2, 2, 2, 2, 2];
  const { items } = computeSlices({ benchmarks: ['b'], benchmarkOf: new Int32Array(10), metadata: new Map([['x', values]]), metrics: [] }, { minSupport: 1 });
  assert.deepEqual(
    items.map((s) => [s.slice, s.samples]),
    [
      [{ kind: 'bin', low: 1, high: 2, closedHigh: false }, 3],
      [{ kind: 'bin', low: 2, high: 2, closedHigh: true }, 7],
    ],
  );
});

test('slices: per benchmark and value, Wilson for accuracy and bootstrap for losses, weakest supported slice first', () => {
  // Two benchmarks of 60 samples; 'colour' red / blue; accuracy 0.9 on red, 0.5 on blue in benchmark a.
  const n = 120;
  const benchmarkOf = Int32Array.from({ length: n }, (_, i) => (i < 60 ? 0 : 1));
  const colour: MetadataValue[] = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'red' : 'blue'));
  const rare: MetadataValue[] = Array.from({ length: n }, (_, i) => i % 10 === 0);
  const correct = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? (i % 20 === 0 ? 0 : 1) : i % 4 === 1 ? 1 : 0));
  correct[119] = Number.NaN; // an unlabeled sample: counted in the slice, not in its accuracy
  const loss = Float64Array.from({ length: n }, (_, i) => (i % 7) / 3);
  const metrics: SampleMetric[] = [
    { name: 'accuracy', values: correct, kind: 'proportion', lowerIsBetter: false },
    { name: 'cross_entropy', values: loss, kind: 'mean', lowerIsBetter: true },
  ];
  const result = computeSlices({ benchmarks: ['a', 'b'], benchmarkOf, metadata: new Map([['colour', colour], ['rare', rare]]), metrics }, { minSupport: 20, seed: 5 });

  // rare = true has 6 samples per benchmark: left out, and said so.
  assert.ok(result.items.every((s) => s.samples >= 20));
  assert.match(result.warnings.join('\n'), /2 slices have fewer than 20 samples/);
  const lows = result.items.map((s) => s.metrics.accuracy!.low!);
  assert.deepEqual(lows, [...lows].sort((x, y) => x - y), 'weakest (lowest Wilson lower bound) first');

  const blueA = result.items.find((s) => s.benchmark === 'a' && s.key === 'colour' && s.slice.kind === 'value' && s.slice.value === 'blue')!;
  const members = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 2 === 1);
  const successes = members.filter((i) => correct[i] === 1).length;
  assert.equal(blueA.samples, 30);
  const expected = wilsonInterval(successes, 30);
  assert.deepEqual(blueA.metrics.accuracy, { ...expected, method: 'wilson' });
  // The exact Wilson formula, written out independently.
  const z = 1.959963984540054;
  const p = successes / 30;
  const centre = (p + (z * z) / 60) / (1 + (z * z) / 30);
  const half = ((z / (1 + (z * z) / 30)) * Math.sqrt((p * (1 - p)) / 30 + (z * z) / 3600));
  close(blueA.metrics.accuracy!.low, centre - half, 1e-9, 'blue low');
  close(blueA.metrics.accuracy!.high, centre + half, 1e-9, 'blue high');

  const ce = blueA.metrics.cross_entropy!;
  assert.equal(ce.method, 'bootstrap');
  close(ce.value, members.reduce((s, i) => s + loss[i]!, 0) / members.length, 1e-12, 'bootstrap value is the exact mean');
  const label = `a\0colour\0${JSON.stringify(blueA.slice)}\0cross_entropy`;
  assert.deepEqual(ce, { ...bootstrapMeanInterval(members.map((i) => loss[i]!), streamSeed(5, label)), method: 'bootstrap' });

  const blueB = result.items.find((s) => s.benchmark === 'b' && s.key === 'colour' && s.slice.kind === 'value' && s.slice.value === 'blue')!;
  assert.equal(blueB.samples, 30);
  assert.equal(blueB.metrics.accuracy!.value, members.map((i) => i + 60).filter((i) => correct[i] === 1).length / 29);

  // Reproducible: the same input and seed, the same slices.
  assert.deepEqual(computeSlices({ benchmarks: ['a', 'b'], benchmarkOf, metadata: new Map([['colour', colour], ['rare', rare]]), metrics }, { minSupport: 20, seed: 5 }), result);
});

test('a key mixing numbers and strings is not sliced, and the warning names it and its benchmark', () => {
  const mixed: MetadataValue[] = [1, 'x', 2, 'y'];
  const result = computeSlices({ benchmarks: ['b'], benchmarkOf: new Int32Array(4), metadata: new Map([['size', mixed]]), metrics: [] }, { minSupport: 1 });
  assert.equal(result.items.length, 0);
  assert.match(result.warnings[0]!, /'size' of benchmark 'b' mixes numbers/);
});
