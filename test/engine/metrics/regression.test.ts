import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricError, RegressionAccumulator, type OutputScores } from '../../../engine/metrics';
import { assertClose, assertResultsClose } from './assertions';
import { shuffled } from './reference-data';

// The fixtures hold no scikit-learn reference for regression, so the expected values are
// computed here with the plain two-pass formulas scikit-learn uses.

interface Dataset {
  predictions: number[][];
  targets: number[][];
}

function syntheticDataset(n: number, outputs: number, offset: number, seed: number): Dataset {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
  const predictions: number[][] = [];
  const targets: number[][] = [];
  for (let i = 0; i < n; i++) {
    const target = Array.from({ length: outputs }, (_, j) => offset + (j + 1) * 3 * next() + i * 0.01);
    targets.push(target);
    predictions.push(target.map((y, j) => y + (j + 1) * next()));
  }
  return { predictions, targets };
}

function twoPassScores(dataset: Dataset, output: number): OutputScores {
  const y = dataset.targets.map((t) => t[output]!);
  const yHat = dataset.predictions.map((p) => p[output]!);
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const residual = y.reduce((sum, v, i) => sum + (v - yHat[i]!) ** 2, 0);
  const total = y.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  const mse = residual / n;
  return { mse, rmse: Math.sqrt(mse), mae: y.reduce((sum, v, i) => sum + Math.abs(v - yHat[i]!), 0) / n, r2: 1 - residual / total };
}

function accumulate(dataset: Dataset, order: readonly number[] = dataset.targets.map((_, i) => i)) {
  const accumulator = new RegressionAccumulator();
  for (const i of order) accumulator.add(dataset.predictions[i]!, dataset.targets[i]!);
  return accumulator.result();
}

describe('RegressionAccumulator', () => {
  it('matches two-pass formulas per output and averages outputs uniformly', () => {
    const dataset = syntheticDataset(1000, 3, 0, 42);
    const result = accumulate(dataset);
    const expected = [0, 1, 2].map((j) => twoPassScores(dataset, j));
    assertResultsClose(result.per_output, expected, 1e-12, 'per_output');
    const mean = (key: keyof OutputScores) => expected.reduce((sum, s) => sum + s[key]!, 0) / 3;
    assertClose(result.mse, mean('mse'), 1e-12, 'mse');
    assertClose(result.rmse, mean('rmse'), 1e-12, 'rmse');
    assertClose(result.mae, mean('mae'), 1e-12, 'mae');
    assertClose(result.r2, mean('r2'), 1e-12, 'r2');
    assert.equal(result.n, 1000);
    assert.equal(result.outputs, 3);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  });

  it('accepts scalar samples', () => {
    const dataset = syntheticDataset(200, 1, 0, 5);
    const accumulator = new RegressionAccumulator();
    dataset.predictions.forEach((p, i) => accumulator.add(p[0]!, dataset.targets[i]![0]!));
    assertResultsClose(accumulator.result().per_output, [twoPassScores(dataset, 0)], 1e-12, 'per_output');
  });

  it('stays accurate when targets have a large mean and a small variance', () => {
    const dataset = syntheticDataset(5000, 1, 1e9, 11);
    const result = accumulate(dataset);
    // The textbook one-pass formula (sum of squares minus n mean^2) loses every digit here.
    assertClose(result.r2, twoPassScores(dataset, 0).r2!, 1e-9, 'r2');
  });

  it('gives the same results whatever order the samples come in', () => {
    const dataset = syntheticDataset(500, 2, 10, 3);
    const expected = accumulate(dataset);
    for (const seed of [1, 2]) {
      assertResultsClose(accumulate(dataset, shuffled(dataset.targets.map((_, i) => i), seed)), expected, 1e-12, `seed ${seed}`);
    }
  });

  it('follows scikit-learn for a constant target and for a single sample', () => {
    const constant = new RegressionAccumulator();
    constant.add(2, 2);
    constant.add(2, 2);
    assert.equal(constant.result().r2, 1);
    constant.add(3, 2);
    assert.equal(constant.result().r2, 0);

    const single = new RegressionAccumulator();
    single.add([1, 2], [1.5, 2]);
    const result = single.result();
    assert.equal(result.r2, null);
    assert.deepEqual(result.per_output.map((s) => s.mse), [0.25, 0]);
    assert.ok(result.warnings[0]?.includes('fewer than two samples'));
  });

  it('throws a clear error when empty or given malformed samples', () => {
    assert.throws(() => new RegressionAccumulator().result(), (error: unknown) => error instanceof MetricError && error.code === 'empty');
    const accumulator = new RegressionAccumulator({ outputs: 2 });
    const invalid = (pattern: RegExp) => (error: unknown) => error instanceof MetricError && error.code === 'invalid-input' && pattern.test(error.message);
    assert.throws(() => accumulator.add(1, 1), invalid(/expected 2 output\(s\)/));
    assert.throws(() => accumulator.add([1, Number.POSITIVE_INFINITY], [1, 1]), invalid(/output 1/));
    assert.throws(() => new RegressionAccumulator({ outputs: 0 }), invalid(/at least one output/));
  });
});
