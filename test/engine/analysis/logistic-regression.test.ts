import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fitLogisticRegression, predictProbabilities } from '../../../engine/analysis/logistic-regression';

interface ReferenceFit {
  rows: number;
  dim: number;
  x: number[];
  y: number[];
  coef: number[];
  intercept: number[];
  probabilities: number[];
}

/** scikit-learn's fits (test/fixtures/reference/make_logistic_regression_reference.py). */
const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/reference/logistic_regression_reference.json'), 'utf8')) as Record<'iris' | 'digits_embeddings', ReferenceFit>;

function largestDifference(a: ArrayLike<number>, b: readonly number[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

for (const name of ['iris', 'digits_embeddings'] as const) {
  test(`${name}: coefficients, intercepts and probabilities equal to scikit-learn's multinomial LogisticRegression(C=1) to 1e-6`, () => {
    const c = reference[name];
    const numClasses = Math.max(...c.y) + 1;
    const model = fitLogisticRegression(c.x, c.rows, c.dim, c.y, numClasses);
    assert.ok(model.converged, `stopped after ${model.iterations} iterations at gradient ${model.gradientNorm}`);
    assert.ok(model.gradientNorm <= 1e-10);
    assert.ok(largestDifference(model.coefficients, c.coef) <= 1e-6, `coefficients differ by ${largestDifference(model.coefficients, c.coef)}`);
    assert.ok(largestDifference(model.intercepts, c.intercept) <= 1e-6, `intercepts differ by ${largestDifference(model.intercepts, c.intercept)}`);
    const probabilities = predictProbabilities(model, c.x, c.rows);
    assert.ok(largestDifference(probabilities, c.probabilities) <= 1e-6, `probabilities differ by ${largestDifference(probabilities, c.probabilities)}`);
  });
}

test('deterministic: the same data gives the same bits', () => {
  const c = reference.iris;
  const a = fitLogisticRegression(c.x, c.rows, c.dim, c.y, 3);
  const b = fitLogisticRegression(Float64Array.from(c.x), c.rows, c.dim, Int32Array.from(c.y), 3);
  assert.deepEqual(Buffer.from(a.coefficients.buffer), Buffer.from(b.coefficients.buffer));
  assert.deepEqual(Buffer.from(a.intercepts.buffer), Buffer.from(b.intercepts.buffer));
  assert.equal(a.iterations, b.iterations);
});

test('the iteration cap stops an unconverged fit and says so', () => {
  const c = reference.iris;
  const model = fitLogisticRegression(c.x, c.rows, c.dim, c.y, 3, { maxIterations: 3 });
  assert.equal(model.iterations, 3);
  assert.equal(model.converged, false);
  assert.ok(model.gradientNorm > 1e-10);
});

test('bad sizes and labels are refused', () => {
  assert.throws(() => fitLogisticRegression([1, 2, 3], 2, 2, [0, 1], 2), /x holds 3 values, expected 2 rows × 2/);
  assert.throws(() => fitLogisticRegression([1, 2], 2, 1, [0, 2], 2), /label 2 of row 1 is not a class index from 0 to 1/);
});
