import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestNeighbours } from '../../../engine/analysis/nearest-neighbours';
import { ROUNDING, rowBlocks, type TopKRun } from '../../../engine/analysis/row-order';
import { seededRandom } from '../../../engine/runner/sample-selection';
import { plainNearestNeighbours } from './plain-knn';

/**
 * The self search skips pairs of blocks of close rows that cannot hold neighbours: its
 * results must stay those of the plain loop, row for row, on data it prunes (clusters) and
 * data it cannot (uniform rows), with exact duplicates, ties, zero rows and ragged sizes.
 */

/** Rows around `centres` random centres, each value the centre's plus uniform noise of ± `noise`. */
function clusteredRows(rows: number, dim: number, centres: number, noise: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const at = Float32Array.from({ length: centres * dim }, () => random() * 2 - 1);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(random() * centres);
    for (let d = 0; d < dim; d++) data[r * dim + d] = at[c * dim + d]! + (random() * 2 - 1) * noise;
  }
  return data;
}

function uniformRows(rows: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * dim }, () => random() * 2 - 1);
}

/** Rows scaled to unit length as the search and the plain loop do: norm in float64, stored in float32. */
function unitRows(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / dim; r++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += data[r * dim + d]! ** 2;
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let d = 0; d < dim; d++) out[r * dim + d] = data[r * dim + d]! * scale;
  }
  return out;
}

const dot = (a: Float32Array, i: number, b: Float32Array, j: number, dim: number) => {
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += a[i * dim + d]! * b[j * dim + d]!;
  return sum;
};

/** TopK by a float64 loop, the contract row-order.ts asks of onnxruntime: best first, ties to the lower index. */
const loopTopK: TopKRun = async (queries, queryRows, pool, poolRows, k) => {
  const dim = queries.length / queryRows;
  const values = new Float32Array(queryRows * k);
  const indices = new BigInt64Array(queryRows * k);
  for (let q = 0; q < queryRows; q++) {
    const scores = Array.from({ length: poolRows }, (_, p) => ({ p, s: Math.fround(dot(queries, q, pool, p, dim)) }));
    scores.sort((a, b) => b.s - a.s || a.p - b.p);
    for (let j = 0; j < k; j++) {
      values[q * k + j] = scores[j]!.s;
      indices[q * k + j] = BigInt(scores[j]!.p);
    }
  }
  return { values, indices };
};

/**
 * The plain loop's rows and similarities: each row exactly, except where the search scores in
 * float32 what the loop scores in float64: a row in another place must have, by the loop's
 * float64 scoring, the similarity of that place to 1e-6 (a near tie, ranked either way).
 * Similarities to 1e-6. No row twice in a list.
 */
function assertMatchesPlainLoop(got: { indices: Int32Array; similarities: Float32Array }, queries: Float32Array, queryRows: number, pool: Float32Array, poolRows: number, dim: number, k: number, excludeSelf?: (r: number) => number): void {
  const want = plainNearestNeighbours(queries, queryRows, pool, poolRows, dim, k, excludeSelf);
  const [q, p] = [unitRows(queries, dim), unitRows(pool, dim)];
  assert.equal(got.indices.length, queryRows * k);
  for (let i = 0; i < queryRows * k; i++) {
    const row = Math.floor(i / k);
    assert.ok(Math.abs(got.similarities[i]! - want.similarities[i]!) <= 1e-6, `query ${row}, neighbour ${i % k}: similarity ${got.similarities[i]} vs ${want.similarities[i]}`);
    if (got.indices[i] === want.indices[i]) continue;
    assert.ok(got.indices[i]! >= 0 && want.indices[i]! >= 0, `query ${row}, neighbour ${i % k}: row ${got.indices[i]} where the loop has ${want.indices[i]}`);
    const similarity = dot(q, row, p, got.indices[i]!, dim);
    assert.ok(Math.abs(similarity - want.similarities[i]!) <= 1e-6, `query ${row}, neighbour ${i % k}: row ${got.indices[i]} (similarity ${similarity}) where the loop has ${want.indices[i]} (${want.similarities[i]})`);
  }
  for (let row = 0; row < queryRows; row++) {
    const list = Array.from(got.indices.subarray(row * k, (row + 1) * k)).filter((r) => r >= 0);
    assert.equal(new Set(list).size, list.length, `query ${row} lists a row twice: ${list}`);
  }
}

async function assertSelfSearchMatches(data: Float32Array, rows: number, dim: number, k: number, excludeSelf?: (r: number) => number): Promise<void> {
  const got = await nearestNeighbours({ queries: data, queryRows: rows, pool: data, poolRows: rows, dim, k, ...(excludeSelf && { excludeSelf }) });
  assertMatchesPlainLoop(got, data, rows, data, rows, dim, k, excludeSelf);
}

test('blocks of clustered rows: a permutation cut in blocks of at most 128 rows, each in row order, bounds above every pair', async () => {
  const dim = 16;
  const rows = 3_001;
  const data = unitRows(clusteredRows(rows, dim, 12, 0.3, 11), dim);
  const blocks = await rowBlocks(data, rows, dim, 128, 6, loopTopK);
  assert.ok(blocks, 'clustered rows are split into blocks');
  assert.deepEqual(
    Array.from(blocks.order).sort((a, b) => a - b),
    Array.from({ length: rows }, (_, r) => r),
  );
  assert.equal(blocks.starts[0], 0);
  assert.equal(blocks.starts[blocks.count], rows);
  const ordered = new Float32Array(rows * dim);
  blocks.order.forEach((row, p) => ordered.set(data.subarray(row * dim, (row + 1) * dim), p * dim));
  // Each row's 6th best similarity, itself included: a pair of blocks is skipped below both blocks' lowest.
  const kth = plainNearestNeighbours(ordered, rows, ordered, rows, dim, 6).similarities.filter((_, i) => i % 6 === 5);
  let skipped = 0;
  for (let a = 0; a < blocks.count; a++) {
    const [a0, a1] = [blocks.starts[a]!, blocks.starts[a + 1]!];
    assert.ok(a1 - a0 >= 1 && a1 - a0 <= 128, `block ${a} holds ${a1 - a0} rows`);
    for (let p = a0 + 1; p < a1; p++) assert.ok(blocks.order[p]! > blocks.order[p - 1]!, `block ${a} is not in row order`);
    const nearest = (await loopTopK(blocks.centres, blocks.cells, ordered.subarray(a0 * dim, a1 * dim), a1 - a0, 1)).values;
    for (let b = 0; b < blocks.count; b++) {
      const [b0, b1] = [blocks.starts[b]!, blocks.starts[b + 1]!];
      const bound = blocks.bound(nearest, b);
      let highest = -Infinity;
      for (let x = a0; x < a1; x++) for (let y = b0; y < b1; y++) highest = Math.max(highest, dot(ordered, x, ordered, y, dim));
      assert.ok(highest <= bound + ROUNDING, `blocks ${a}, ${b}: a pair scores ${highest} above the bound ${bound}`);
      if (bound + ROUNDING < Math.min(...kth.subarray(a0, a1), ...kth.subarray(b0, b1))) skipped++;
    }
  }
  assert.ok(skipped > blocks.count ** 2 / 2, `only ${skipped} of ${blocks.count ** 2} pairs of blocks can be skipped`);
});

test('uniform rows in 64 dimensions have no blocks worth pruning', async () => {
  const blocks = await rowBlocks(unitRows(uniformRows(2_000, 64, 12), 64), 2_000, 64, 128, 6, loopTopK);
  assert.equal(blocks, undefined);
});

test('clustered rows (pruned): the same neighbours as the plain loop, self excluded, 64 dims', async () => {
  const data = clusteredRows(4_001, 64, 20, 0.4, 13);
  assert.ok(await rowBlocks(unitRows(data, 64), 4_001, 64, 128, 6, loopTopK), 'the search prunes these rows');
  await assertSelfSearchMatches(data, 4_001, 64, 5, (r) => r);
});

test('uniform rows (nothing pruned): the same neighbours as the plain loop', async () => {
  await assertSelfSearchMatches(uniformRows(3_333, 64, 14), 3_333, 64, 5, (r) => r);
});

test('exact duplicates, many more than k, and zero rows: ties go to the lower row, as in the plain loop', async () => {
  const dim = 16;
  const rows = 4_097;
  const data = clusteredRows(rows, dim, 10, 0.3, 15);
  // Twelve copies each of three rows, spread over the rows (so over blocks of different order).
  for (const source of [7, 1_500, 3_900]) for (let copy = 1; copy <= 12; copy++) data.copyWithin(((source + copy * 311) % rows) * dim, source * dim, (source + 1) * dim);
  for (let r = 40; r < rows; r += 701) data.fill(0, r * dim, (r + 1) * dim);
  await assertSelfSearchMatches(data, rows, dim, 5, (r) => r);
  await assertSelfSearchMatches(data, rows, dim, 8);
  const got = await nearestNeighbours({ queries: data, queryRows: rows, pool: data, poolRows: rows, dim, k: 3, excludeSelf: (r) => r });
  // A zero row: similarity 0 with every row, so the lowest rows.
  assert.deepEqual(Array.from(got.indices.subarray(40 * 3, 41 * 3)), [0, 1, 2]);
  assert.deepEqual(Array.from(got.similarities.subarray(40 * 3, 41 * 3)), [0, 0, 0]);
});

test('k larger than the pool: every other row, then -1', async () => {
  const dim = 8;
  const data = clusteredRows(37, dim, 3, 0.2, 16);
  await assertSelfSearchMatches(data, 37, dim, 40, (r) => r);
  const got = await nearestNeighbours({ queries: data, queryRows: 37, pool: data, poolRows: 37, dim, k: 40, excludeSelf: (r) => r });
  assert.deepEqual(Array.from(got.indices.subarray(36, 40)), [-1, -1, -1, -1]);
});

test('separate queries and pool, clustered, sizes off the block sizes: the same neighbours as the plain loop', async () => {
  const dim = 32;
  const pool = clusteredRows(9_001, dim, 16, 0.35, 17);
  const queries = clusteredRows(517, dim, 16, 0.35, 17).map((v, i) => v + (i % 7) * 1e-3);
  const got = await nearestNeighbours({ queries, queryRows: 517, pool, poolRows: 9_001, dim, k: 7 });
  assertMatchesPlainLoop(got, queries, 517, pool, 9_001, dim, 7);
});

test('separate queries and pool (pruned), with duplicates, zero rows and an excluded row per query: the same neighbours as the plain loop', async () => {
  const dim = 16;
  const pool = clusteredRows(5_003, dim, 10, 0.3, 18);
  for (const source of [11, 2_500]) for (let copy = 1; copy <= 9; copy++) pool.copyWithin(((source + copy * 457) % 5_003) * dim, source * dim, (source + 1) * dim);
  for (let r = 3; r < 5_003; r += 977) pool.fill(0, r * dim, (r + 1) * dim);
  assert.ok(await rowBlocks(unitRows(pool, dim), 5_003, dim, 128, 6, loopTopK), 'the search prunes this pool');
  // Queries: copies of pool rows (the duplicated ones among them), new rows, and zero rows.
  const queries = clusteredRows(1_201, dim, 10, 0.3, 19);
  for (let q = 0; q < 1_201; q += 4) queries.set(pool.subarray(((q * 7) % 5_003) * dim, ((q * 7) % 5_003 + 1) * dim), q * dim);
  queries.set(pool.subarray(11 * dim, 12 * dim), 5 * dim);
  for (let q = 9; q < 1_201; q += 300) queries.fill(0, q * dim, (q + 1) * dim);
  const excludeSelf = (q: number) => (q % 4 === 0 ? (q * 7) % 5_003 : -1);
  const got = await nearestNeighbours({ queries, queryRows: 1_201, pool, poolRows: 5_003, dim, k: 5, excludeSelf });
  assertMatchesPlainLoop(got, queries, 1_201, pool, 5_003, dim, 5, excludeSelf);
  // The query equal to pool row 11 and its nine copies: the lowest five of the ten.
  const copies = [11, ...Array.from({ length: 9 }, (_, c) => (11 + (c + 1) * 457) % 5_003)].sort((a, b) => a - b);
  assert.deepEqual(Array.from(got.indices.subarray(5 * 5, 6 * 5)), copies.slice(0, 5));
  assert.deepEqual(Array.from(got.indices.subarray(9 * 5, 10 * 5)), [0, 1, 2, 3, 4]);
});
