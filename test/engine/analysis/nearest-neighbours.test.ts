import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestNeighbours } from '../../../engine/analysis/nearest-neighbours';
import { seededRandom } from '../../../engine/runner/sample-selection';
import { plainNearestNeighbours } from './plain-knn';

function randomRows(rows: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * dim }, () => random() * 2 - 1);
}

/**
 * Equal to the plain loop: similarities to 1e-6, and the same rows, except where two
 * candidates' similarities are within 1e-6 (float32 vs float64 scoring may rank those either way).
 */
function assertMatchesPlainLoop(queries: Float32Array, queryRows: number, pool: Float32Array, poolRows: number, dim: number, k: number, got: { indices: Int32Array; similarities: Float32Array }, excludeSelf?: (r: number) => number): void {
  const want = plainNearestNeighbours(queries, queryRows, pool, poolRows, dim, k, excludeSelf);
  assert.equal(got.indices.length, queryRows * k);
  let swapped = 0;
  for (let i = 0; i < queryRows * k; i++) {
    assert.ok(Math.abs(got.similarities[i]! - want.similarities[i]!) <= 1e-6, `similarity ${i}: ${got.similarities[i]} vs ${want.similarities[i]}`);
    if (got.indices[i] === want.indices[i]) continue;
    const row = Math.floor(i / k);
    const others = Array.from(want.indices.subarray(row * k, row * k + k));
    assert.ok(got.indices[i]! >= 0 && !others.includes(-1), `query ${row}: row ${got.indices[i]} where the loop has ${want.indices[i]}`);
    swapped++;
  }
  // Near ties are rare in random data: a large count would mean a real ordering bug.
  assert.ok(swapped <= queryRows * k * 0.001, `${swapped} rows differ from the plain loop`);
}

test('matches the plain loop across several query and pool blocks, self excluded', async () => {
  // 10,000 pool rows span two pool blocks, 1,500 queries two query blocks.
  const dim = 8;
  const pool = randomRows(10_000, dim, 1);
  const queries = pool.subarray(0, 1_500 * dim);
  const excludeSelf = (r: number) => r;
  const got = await nearestNeighbours({ queries, queryRows: 1_500, pool, poolRows: 10_000, dim, k: 5, excludeSelf });
  assertMatchesPlainLoop(queries, 1_500, pool, 10_000, dim, 5, got, excludeSelf);
  for (let r = 0; r < 1_500; r++) assert.ok(!got.indices.subarray(r * 5, r * 5 + 5).includes(r), `query ${r} is its own neighbour`);
});

test('a self search (queries are the pool) matches the plain loop, with equal and zero rows', async () => {
  // 9,000 rows: two pool blocks, many query blocks, a ragged last block; rows searched both as
  // rows and as columns. Some rows repeat (ties) and some are zero.
  const dim = 8;
  const data = randomRows(9_000, dim, 5);
  for (let r = 0; r < 9_000; r += 97) data.copyWithin(r * dim, 4_321 * dim, 4_322 * dim);
  for (let r = 50; r < 9_000; r += 1_013) data.fill(0, r * dim, (r + 1) * dim);
  const excludeSelf = (r: number) => r;
  const got = await nearestNeighbours({ queries: data, queryRows: 9_000, pool: data, poolRows: 9_000, dim, k: 5, excludeSelf });
  assertMatchesPlainLoop(data, 9_000, data, 9_000, dim, 5, got, excludeSelf);
  // The repeated row: its copies tie at 1 and the lowest rows win.
  assert.deepEqual(Array.from(got.indices.subarray(97 * 5, 98 * 5)), [0, 194, 291, 388, 485]);
  // Without excludeSelf a row is its own best match, unless a lower equal row comes first.
  const withSelf = await nearestNeighbours({ queries: data, queryRows: 9_000, pool: data, poolRows: 9_000, dim, k: 3 });
  assertMatchesPlainLoop(data, 9_000, data, 9_000, dim, 3, withSelf);
});

test('a self search of equal rows gives the lowest other rows', async () => {
  const dim = 4;
  const data = Float32Array.from({ length: 300 * dim }, (_, i) => [0.5, -1, 2, 0.25][i % dim]!);
  const got = await nearestNeighbours({ queries: data, queryRows: 300, pool: data, poolRows: 300, dim, k: 3, excludeSelf: (r) => r });
  assert.deepEqual(Array.from(got.indices.subarray(0, 3)), [1, 2, 3]);
  assert.deepEqual(Array.from(got.indices.subarray(3, 6)), [0, 2, 3]);
  assert.deepEqual(Array.from(got.indices.subarray(299 * 3)), [0, 1, 2]);
});

test('matches the plain loop for separate queries and pool, 64 dims', async () => {
  const dim = 64;
  const pool = randomRows(3_000, dim, 2);
  const queries = randomRows(400, dim, 3);
  const got = await nearestNeighbours({ queries, queryRows: 400, pool, poolRows: 3_000, dim, k: 10 });
  assertMatchesPlainLoop(queries, 400, pool, 3_000, dim, 10, got);
});

test('ties go to the lower pool row, across pool blocks too', async () => {
  const dim = 4;
  const row = [0.5, -1, 2, 0.25];
  // Every pool row the same vector: all similarities tie, the first rows must win.
  const pool = Float32Array.from({ length: 9_000 * dim }, (_, i) => row[i % dim]!);
  const queries = Float32Array.from(row);
  const got = await nearestNeighbours({ queries, queryRows: 1, pool, poolRows: 9_000, dim, k: 3, excludeSelf: () => 1 });
  assert.deepEqual(Array.from(got.indices), [0, 2, 3]);
  for (const s of got.similarities) assert.ok(Math.abs(s - 1) < 1e-6);

  // The only exact match sits in the second pool block (row 8,500) and again at row 8,999.
  const mixed = randomRows(9_000, dim, 4);
  mixed.set(row, 8_999 * dim);
  mixed.set(row, 8_500 * dim);
  const best = await nearestNeighbours({ queries, queryRows: 1, pool: mixed, poolRows: 9_000, dim, k: 2 });
  assert.deepEqual(Array.from(best.indices), [8_500, 8_999]);
});

test('zero rows have similarity 0 with everything; fewer candidates than k give -1', async () => {
  const dim = 3;
  const pool = Float32Array.from([1, 0, 0, 0, 0, 0, 0, 2, 0]);
  const queries = Float32Array.from([0, 0, 0, 3, 4, 0]);
  const got = await nearestNeighbours({ queries, queryRows: 2, pool, poolRows: 3, dim, k: 4 });
  // Query 0 is zero: all three similarities 0, rows in order.
  assert.deepEqual(Array.from(got.indices), [0, 1, 2, -1, 2, 0, 1, -1]);
  assert.deepEqual(Array.from(got.similarities.subarray(0, 4)), [0, 0, 0, 0]);
  // Query 1 = (0.6, 0.8, 0): row 2 (0.8), row 0 (0.6), zero row 1 (0).
  assert.ok(Math.abs(got.similarities[4]! - 0.8) < 1e-6 && Math.abs(got.similarities[5]! - 0.6) < 1e-6);
  assert.equal(got.similarities[6], 0);
  assert.equal(got.similarities[7], 0);
});

test('an empty pool gives only -1; bad sizes and non-finite rows are refused', async () => {
  const empty = await nearestNeighbours({ queries: new Float32Array(4), queryRows: 2, pool: new Float32Array(0), poolRows: 0, dim: 2, k: 2 });
  assert.deepEqual(Array.from(empty.indices), [-1, -1, -1, -1]);
  await assert.rejects(nearestNeighbours({ queries: new Float32Array(3), queryRows: 2, pool: new Float32Array(4), poolRows: 2, dim: 2, k: 1 }), /queries hold 3 values, expected 2 rows × 2/);
  await assert.rejects(nearestNeighbours({ queries: Float32Array.of(1, NaN), queryRows: 1, pool: new Float32Array(2), poolRows: 1, dim: 2, k: 1 }), /queries row 0 holds a value that is not a finite number/);
});
