import { test } from 'node:test';
import assert from 'node:assert/strict';
import { umapProjection } from '../../../engine/analysis/umap-projection';
import { digitsEmbeddings } from './digits-embeddings';

/** Leave-one-out 5-NN accuracy of the labels over 2-D points (euclidean). */
function knnAccuracy2d(points: Float32Array, labels: number[], k = 5): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const nearest = labels
      .map((_, j) => ({ j, d: (points[i * 2]! - points[j * 2]!) ** 2 + (points[i * 2 + 1]! - points[j * 2 + 1]!) ** 2 }))
      .filter(({ j }) => j !== i)
      .sort((a, b) => a.d - b.d || a.j - b.j)
      .slice(0, k);
    const votes = new Map<number, number>();
    for (const { j } of nearest) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    const best = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

test('digits embeddings: the same seed gives the same points, another seed others', async () => {
  const { data, rows, dim } = digitsEmbeddings();
  const a = await umapProjection(data, rows, dim, { seed: 42 });
  const b = await umapProjection(data, rows, dim, { seed: 42 });
  const c = await umapProjection(data, rows, dim, { seed: 7 });
  assert.equal(a.length, rows * 2);
  assert.ok(a.every(Number.isFinite));
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
  assert.notDeepEqual(Buffer.from(a.buffer), Buffer.from(c.buffer));
});

test('digits embeddings: the 2-D map keeps the classes apart (5-NN accuracy far above chance)', async () => {
  const { data, rows, dim, labels } = digitsEmbeddings();
  const points = await umapProjection(data, rows, dim, { seed: 42 });
  // Chance is ~0.1 for ten balanced classes; seed 42 gives 0.90.
  const accuracy = knnAccuracy2d(points, labels);
  assert.ok(accuracy > 0.8, `5-NN accuracy in 2-D: ${accuracy}`);
});

test('too few rows for the neighbour count is a clear error', async () => {
  await assert.rejects(umapProjection(new Float32Array(20), 10, 2, { seed: 1 }), /UMAP needs more than 15 rows \(its neighbour count\), got 10/);
});
