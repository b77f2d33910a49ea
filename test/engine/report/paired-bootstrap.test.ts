import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapDeltas, classificationScorer, regressionScorer } from '../../../engine/report/paired-bootstrap';
import { seededRandom } from '../../../engine/runner/sample-selection';

/** n paired samples of a 3-class task: run A right with probability pA, B right with pB, independently; a wrong guess is the next class. */
function pairedSamples(n: number, pA: number, pB: number, seed: number) {
  const random = seededRandom(seed);
  const truth = Int32Array.from({ length: n }, () => Math.floor(random() * 3));
  const guess = (p: number) => Int32Array.from(truth, (t) => (random() < p ? t : (t + 1) % 3));
  return { truth, a: guess(pA), b: guess(pB) };
}

const scorer = (s: ReturnType<typeof pairedSamples>) => classificationScorer('logits', 'classification', 3, s.truth, s.truth, s.a, s.b);

test('the same seed gives the same intervals; another seed close but different ones', () => {
  const samples = pairedSamples(400, 0.8, 0.85, 3);
  const first = bootstrapDeltas(400, [scorer(samples)], { resamples: 1000, seed: 11, confidence: 0.95 });
  const again = bootstrapDeltas(400, [scorer(samples)], { resamples: 1000, seed: 11, confidence: 0.95 });
  const other = bootstrapDeltas(400, [scorer(samples)], { resamples: 1000, seed: 12, confidence: 0.95 });
  assert.deepEqual(again, first);
  assert.deepEqual(first.map((x) => x.metric), ['accuracy', 'f1_macro']);
  // Accuracy deltas are multiples of 1/400, so one bound may coincide; macro F1's hardly can.
  const bounds = (xs: typeof first) => xs.flatMap((x) => [x.low, x.high]);
  assert.notDeepEqual(bounds(other), bounds(first));
  assert.notEqual(other[1]!.low, first[1]!.low);
  for (const [k, interval] of first.entries()) {
    assert.ok(Math.abs(other[k]!.low - interval.low) < 0.015 && Math.abs(other[k]!.high - interval.high) < 0.015, JSON.stringify({ interval, other: other[k] }));
    assert.equal(other[k]!.delta, interval.delta);
  }
});

test('the observed values are the metrics of the samples as they are, and the interval holds the observed delta', () => {
  // Truth 0 0 1 1 2 2; A: 0 0 1 2 2 0 (4 right); B: 0 1 1 1 2 2 (5 right).
  const truth = Int32Array.of(0, 0, 1, 1, 2, 2);
  const [interval, f1] = bootstrapDeltas(6, [classificationScorer('y', 'classification', 3, truth, truth, Int32Array.of(0, 0, 1, 2, 2, 0), Int32Array.of(0, 1, 1, 1, 2, 2))], { resamples: 500, seed: 1, confidence: 0.95 });
  assert.deepEqual([interval!.a, interval!.b], [4 / 6, 5 / 6]);
  // Per class (precision, recall) → F1. A: 0 (2/3, 1) → 0.8, 1 (1, 1/2) → 2/3, 2 (1/2, 1/2) → 1/2. B: 0 (1, 1/2) → 2/3, 1 (2/3, 1) → 0.8, 2 (1, 1) → 1.
  assert.ok(Math.abs(f1!.a - (0.8 + 2 / 3 + 0.5) / 3) < 1e-12 && Math.abs(f1!.b - (2 / 3 + 0.8 + 1) / 3) < 1e-12, JSON.stringify(f1));
  for (const x of [interval!, f1!]) assert.ok(x.low <= x.delta && x.delta <= x.high, JSON.stringify(x));
});

test('two identical runs give [0, 0] for every metric', () => {
  const s = pairedSamples(300, 0.7, 0.7, 5);
  const same = classificationScorer('y', 'classification', 3, s.truth, s.truth, s.a, s.a);
  const errors = Float64Array.from({ length: 300 }, (_, i) => (i % 7) / 3);
  const squared = errors.map((e) => e * e);
  const intervals = bootstrapDeltas(300, [same, regressionScorer('area', 1, errors, squared, errors, squared)], { resamples: 300, seed: 2, confidence: 0.95 });
  assert.deepEqual(intervals.map((x) => x.metric), ['accuracy', 'f1_macro', 'mae', 'rmse']);
  for (const x of intervals) assert.deepEqual([x.delta, x.low, x.high], [0, 0, 0], x.metric);
});

test('regression: MAE and RMSE of several values are the means of each value\'s, as the engine reports them', () => {
  // Two values per sample; A's absolute errors (1, 2), (3, 0); B's (0, 2), (1, 2).
  const abs = (...v: number[]) => Float64Array.from(v);
  const sq = (...v: number[]) => Float64Array.from(v, (x) => x * x);
  const [mae, rmse] = bootstrapDeltas(2, [regressionScorer('y', 2, abs(1, 2, 3, 0), sq(1, 2, 3, 0), abs(0, 2, 1, 2), sq(0, 2, 1, 2))], { resamples: 10, seed: 1, confidence: 0.9 });
  assert.equal(mae!.a, (2 + 1) / 2);
  assert.equal(mae!.b, (0.5 + 2) / 2);
  assert.ok(Math.abs(rmse!.a - (Math.sqrt(5) + Math.sqrt(2)) / 2) < 1e-15);
  assert.ok(Math.abs(rmse!.b - (Math.sqrt(0.5) + 2) / 2) < 1e-15);
});

test('coverage: over many data sets drawn with a known difference, the 95% interval holds it about 95% of the time', () => {
  // A right with probability 0.80, B with 0.85: the true accuracy delta is 0.05.
  let covered = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const s = pairedSamples(300, 0.8, 0.85, 1000 + t);
    const [accuracy] = bootstrapDeltas(300, [scorer(s)], { resamples: 400, seed: t, confidence: 0.95 });
    if (accuracy!.low <= 0.05 && 0.05 <= accuracy!.high) covered++;
  }
  assert.ok(covered / trials >= 0.9 && covered / trials <= 0.99, `covered ${covered} of ${trials}`);
});

test('options out of range are refused', () => {
  const s = pairedSamples(10, 0.5, 0.5, 1);
  assert.throws(() => bootstrapDeltas(10, [scorer(s)], { resamples: 0, seed: 1, confidence: 0.95 }), /resamples must be a positive integer/);
  assert.throws(() => bootstrapDeltas(10, [scorer(s)], { resamples: 10, seed: 1, confidence: 1 }), /confidence must be between 0 and 1/);
});
