import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pca2d } from '../../../engine/analysis/pca';
import { digitsEmbeddings } from './digits-embeddings';

const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/reference/analysis_reference.json'), 'utf8')) as {
  pca: { points: number[]; explained_variance_ratio: number[] };
};

test('digits embeddings: equal to scikit-learn PCA (points to 1e-4, signs as svd_flip; variance ratios to 1e-9)', () => {
  const { data, rows, dim } = digitsEmbeddings();
  const { points, explainedVarianceRatio } = pca2d(data, rows, dim);
  assert.equal(points.length, rows * 2);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(explainedVarianceRatio[i]! - reference.pca.explained_variance_ratio[i]!) <= 1e-9, `ratio ${i}: ${explainedVarianceRatio[i]} vs ${reference.pca.explained_variance_ratio[i]}`);
  let worst = 0;
  for (let i = 0; i < points.length; i++) worst = Math.max(worst, Math.abs(points[i]! - reference.pca.points[i]!));
  assert.ok(worst <= 1e-4, `largest point difference ${worst}`);
});

test('the same input gives the same bits', () => {
  const { data, rows, dim } = digitsEmbeddings();
  const a = pca2d(data, rows, dim);
  const b = pca2d(data.slice(), rows, dim);
  assert.deepEqual(Buffer.from(a.points.buffer), Buffer.from(b.points.buffer));
  assert.deepEqual(a.explainedVarianceRatio, b.explainedVarianceRatio);
});

test('a line in 3-D: one component explains everything; constant rows and one dim give zeros', () => {
  const line = Float32Array.from([0, 0, 0, 1, 2, 2, 2, 4, 4, 3, 6, 6]);
  const { points, explainedVarianceRatio } = pca2d(line, 4, 3);
  assert.ok(Math.abs(explainedVarianceRatio[0] - 1) < 1e-12 && Math.abs(explainedVarianceRatio[1]) < 1e-12);
  // Distances along the line (length 3 per step), centred, the farthest point positive.
  const along = [0, 1, 2, 3].map((i) => points[i * 2]!);
  assert.deepEqual(along.map((v) => Math.round(v * 1e5) / 1e5), [4.5, 1.5, -1.5, -4.5]);

  const constant = pca2d(new Float32Array(12).fill(7), 4, 3);
  assert.deepEqual(constant.explainedVarianceRatio, [0, 0]);
  assert.deepEqual(Array.from(constant.points), new Array(8).fill(0));

  const oneDim = pca2d(Float32Array.from([1, 2, 3]), 3, 1);
  assert.deepEqual(oneDim.explainedVarianceRatio, [1, 0]);
  // Rows 0 and 2 are equally far: the first one is made positive.
  assert.deepEqual(Array.from(oneDim.points), [1, 0, 0, 0, -1, 0]);
});

test('bad sizes and non-finite values are refused', () => {
  assert.throws(() => pca2d(new Float32Array(5), 2, 3), /data holds 5 values, expected 2 rows × 3/);
  assert.throws(() => pca2d(Float32Array.of(1, Infinity), 1, 2), /row 0 holds a value that is not a finite number/);
});
