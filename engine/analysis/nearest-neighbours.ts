import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, DataType, type ModelSpec, type NodeSpec, type ValueSpec } from '../onnx/onnx-writer';
import { openModelSession, type BatchTensor, type ModelSession } from '../inference/onnx-session';
import { blocksAlong, ROUNDING, rowBlocks, type RowBlocks, type TopKRun } from './row-order';

export interface NearestNeighboursInput {
  /** `queryRows × dim` row-major embeddings to find neighbours for. */
  readonly queries: Float32Array;
  readonly queryRows: number;
  /** `poolRows × dim` row-major embeddings the neighbours are taken from. */
  readonly pool: Float32Array;
  readonly poolRows: number;
  readonly dim: number;
  readonly k: number;
  /** The pool row that is the query itself (never its own neighbour), or -1. */
  readonly excludeSelf?: (queryRow: number) => number;
  /** onnxruntime execution providers in order of preference; default CPU. */
  readonly executionProviders?: readonly string[];
}

export interface NearestNeighbours {
  /** `queryRows × k` pool rows, most similar first; -1 where the pool has fewer than k candidates. */
  readonly indices: Int32Array;
  /** `queryRows × k` cosine similarities beside `indices`; 0 where the index is -1. */
  readonly similarities: Float32Array;
}

/** Pool rows one graph run scores. */
const POOL_BLOCK = 8192;
/** Query rows one run scores against another pool: 512 × 8192 scores, 16 MB of float32. */
const QUERY_BLOCK = 512;
/**
 * Query rows one run scores in a self search: 2 × 4³, the column maximum's steps (see
 * `selfGraph`), and small because a passing column is scored again against the whole block.
 */
const SELF_BLOCK = 128;
/** Pool rows per group in a self search: each query keeps only its best groups (see `selfGraph`). */
const GROUP = 32;
/** Pool rows of a pruned search's first run for a query block: enough for k-th bests that prune. */
const FIRST_RUN = 1024;

/**
 * Exact k nearest neighbours by cosine similarity. Rows are L2-normalised (a zero row has
 * similarity 0 with everything), then an ONNX graph `TopK(queries · poolBlockᵀ)` runs on blocks
 * of queries against blocks of the pool (onnxruntime uses every core, or the GPU), and a running
 * top-k per query merges the blocks: memory stays at one block's scores, never
 * `queryRows × poolRows`.
 *
 * When the queries are the pool (the same array), each pair is scored once, not twice: query
 * block I (rows a…) is scored against pool rows a…end only, and the same scores, read down a
 * column, are a later row j's similarities to I's rows. TopK down columns is slow in
 * onnxruntime, so the graph returns only each column's maximum: where it does not reach row j's
 * current k-th best, no row of I is j's neighbour (exact: a similarity below the k-th best never
 * enters), and the few columns that do are scored again as queries against I. Query blocks run
 * from the last to the first, so row j has its own block's neighbours (every row after it)
 * before any earlier block is read: its k-th best is then near final, and few columns pass
 * (at 100k rows about 1% of the scores are rescored). There the rows' TopK is also cheaper, by
 * groups of rows (see `selfGraph`).
 *
 * A search also skips, exactly, the pairs that cannot hold neighbours, as a ball tree does
 * (see row-order.ts, `searchSelfPruned` and `searchPruned`): a short k-means (scored in onnxruntime)
 * groups close rows into blocks of at most 128, each bounded by a ball; a pair of blocks is
 * scored only where the bound of its similarities (plus a float32 rounding allowance) reaches
 * the current k-th best of a row on either side (the query side only for other queries, whose
 * blocks follow the pool's cells), best bounds first, the survivors gathered into runs of up
 * to 8192 pool rows. Where a sample of rows shows that pruning would keep most pairs
 * (rows without structure, such as uniform random ones in 64 dimensions), every pair is scored
 * as above, in row order, after ~0.2 s of CPU spent finding that out at 100k rows. On 2 cores
 * (bench/analysis-bench.ts, 100k × 64, k = 5, other work at load 3.5–4): clustered rows
 * 2.2–2.4 s, 2.8–3.1 s of CPU, from 13.9 s and 17 s (116 M of the 5.0 G pairs scored);
 * uniform random rows 12–17 s, 17–18 s of CPU, as before (14.1 s, 18.1 s).
 *
 * Ties are broken by the lower pool row first, so equal inputs give equal outputs: TopK orders
 * equal values by index, and the running top-k orders equal similarities by row (a pruned run
 * gathers rows out of row order, and checks TopK's cut for ties: see `SelfSearch.score`). Similarities
 * are float32 dot products of the normalised rows, so two rows whose true similarities differ
 * by less than ~1e-7 may rank either way.
 */
export async function nearestNeighbours(input: NearestNeighboursInput): Promise<NearestNeighbours> {
  const { queryRows, poolRows, dim, k, excludeSelf } = input;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (input.queries.length !== queryRows * dim) throw new RangeError(`queries hold ${input.queries.length} values, expected ${queryRows} rows × ${dim}`);
  if (input.pool.length !== poolRows * dim) throw new RangeError(`pool holds ${input.pool.length} values, expected ${poolRows} rows × ${dim}`);

  const indices = new Int32Array(queryRows * k).fill(-1);
  const similarities = new Float32Array(queryRows * k);
  if (queryRows === 0 || poolRows === 0) return { indices, similarities };

  // One more candidate per query when its own row may be among them and is dropped.
  const best = new RunningTopK(queryRows, k + (excludeSelf ? 1 : 0));
  const plain = await openGraph(topKGraph(), input.executionProviders);
  // A pruned search lists the queries in another order (see searchSelfPruned, searchPruned).
  let order: Int32Array | undefined;
  try {
    const search = new BlockSearch(plain, dim, best);
    if (input.queries === input.pool && queryRows === poolRows) {
      // Zero rows pad the last query block to SELF_BLOCK, and the last pool block to whole groups.
      const data = normalisedRows(input.pool, poolRows, dim, 'pool', Math.ceil(poolRows / SELF_BLOCK) * SELF_BLOCK);
      const blocks = await rowBlocks(data, poolRows, dim, SELF_BLOCK, best.wanted, search.topK);
      const self = await openGraph(selfGraph(), input.executionProviders);
      try {
        if (blocks) await searchSelfPruned(search, self, permuteRows(data, blocks.order, dim), blocks);
        else await searchSelf(search, self, data, poolRows);
      } finally {
        await self.release();
      }
      order = blocks?.order;
    } else {
      const queries = normalisedRows(input.queries, queryRows, dim, 'queries', queryRows);
      const pool = normalisedRows(input.pool, poolRows, dim, 'pool', poolRows);
      const blocks = await rowBlocks(pool, poolRows, dim, SELF_BLOCK, best.wanted, search.topK);
      if (blocks) {
        const along = await blocksAlong(blocks, queries, queryRows, dim, SELF_BLOCK, search.topK);
        await searchPruned(search, permuteRows(queries, along.order, dim), along, permuteRows(pool, blocks.order, dim), blocks);
        order = along.order;
      } else {
        for (let q0 = 0; q0 < queryRows; q0 += QUERY_BLOCK) {
          const n = Math.min(QUERY_BLOCK, queryRows - q0);
          for (let p0 = 0; p0 < poolRows; p0 += POOL_BLOCK) await search.merge(queries, q0, n, pool, p0, Math.min(POOL_BLOCK, poolRows - p0));
        }
      }
    }
  } finally {
    await plain.release();
  }
  best.write(indices, similarities, k, excludeSelf, order);
  return { indices, similarities };
}

/** The self search of `nearestNeighbours` over every pair: `self` scores the blocks, `plain` rescores passing columns. */
async function searchSelf(plain: BlockSearch, self: ModelSession, data: Float32Array, rows: number): Promise<void> {
  const search = new SelfSearch(self, plain, data, rows);
  for (let q0 = Math.floor((rows - 1) / SELF_BLOCK) * SELF_BLOCK; q0 >= 0; q0 -= SELF_BLOCK) {
    const n = Math.min(SELF_BLOCK, rows - q0);
    const queries = data.subarray(q0 * plain.dim, (q0 + SELF_BLOCK) * plain.dim);
    for (let p0 = q0; p0 < rows; p0 += POOL_BLOCK) {
      const m = Math.min(POOL_BLOCK, rows - p0);
      await search.score(queries, q0, n, data.subarray(p0 * plain.dim, (p0 + Math.ceil(m / GROUP) * GROUP) * plain.dim), m, p0);
    }
    await search.rescore(q0, n);
  }
}

/**
 * The self search of `nearestNeighbours` over the pairs of blocks that can hold neighbours
 * (`blocks`, see row-order.ts): `data` holds the rows in the blocks' order, and `best` lists
 * by position. Query block I is scored against itself and the later blocks whose bound can
 * reach the current k-th best of a row of I or of theirs, best bound first; as a pair is
 * scored once, a skipped pair is one where neither side can gain (k-th bests only rise, so
 * skipping on the current ones is exact). A zero row's neighbours are the lowest rows, all at
 * similarity 0: its list is set at once, and nothing can change it.
 */
async function searchSelfPruned(plain: BlockSearch, self: ModelSession, data: Float32Array, blocks: RowBlocks): Promise<void> {
  const { dim, best } = plain;
  const { starts, order } = blocks;
  const search = new SelfSearch(self, plain, data, blocks.nonZeroRows, order);
  const queries = new Float32Array(SELF_BLOCK * dim);
  const pool = new Float32Array((POOL_BLOCK + GROUP) * dim);
  const columns = new Int32Array(POOL_BLOCK);
  const bounds = new Float64Array(blocks.count);
  // Each block's lowest k-th best when last read: they only rise, so a stale one is a safe floor.
  const floors = new Float64Array(blocks.count).fill(-Infinity);
  const size = (b: number) => starts[b + 1]! - starts[b]!;
  for (let b = 0; b < blocks.count; b++) {
    if (!blocks.zero(b)) continue;
    floors[b] = Infinity;
    for (let p = starts[b]!; p < starts[b + 1]!; p++) for (let row = 0; row < Math.min(best.wanted, order.length); row++) best.offer(p, 0, row);
  }
  for (let block = blocks.count - 1; block >= 0; block--) {
    if (blocks.zero(block)) continue;
    const q0 = starts[block]!;
    const n = size(block);
    queries.fill(0).set(data.subarray(q0 * dim, (q0 + n) * dim));
    // Each cell centre's highest score with the block's rows: TopK 1 of centres × rows.
    const nearest = (await plain.topK(blocks.centres, blocks.cells, queries.subarray(0, n * dim), n, 1)).values;
    const later: number[] = [];
    for (let b = block + 1; b < blocks.count; b++) {
      bounds[b] = blocks.bound(nearest, b) + ROUNDING;
      later.push(b);
    }
    later.sort((a, b) => bounds[b]! - bounds[a]!);

    let m = 0;
    let floor = -Infinity;
    // Whole blocks into one pool: rows not in row order, so `score` guards TopK's ties itself.
    const add = (b: number) => {
      pool.set(data.subarray(starts[b]! * dim, starts[b + 1]! * dim), m * dim);
      for (let p = starts[b]!; p < starts[b + 1]!; p++) columns[m++] = p;
    };
    const run = async () => {
      const padded = Math.ceil(m / GROUP) * GROUP;
      pool.fill(0, m * dim, padded * dim);
      await search.score(queries, q0, n, pool.subarray(0, padded * dim), m, 0, columns);
      floor = best.floor(q0, n);
      m = 0;
    };
    add(block);
    // The first run sets the block's k-th bests; until then nothing can be skipped.
    let first = true;
    for (const b of later) {
      if (!first && bounds[b]! < floor) {
        if (bounds[b]! < floors[b]!) continue;
        floors[b] = best.floor(starts[b]!, size(b));
        if (bounds[b]! < floors[b]!) continue;
      }
      if (m + size(b) > POOL_BLOCK) await run();
      add(b);
      if (first && m >= FIRST_RUN) {
        await run();
        first = false;
      }
    }
    if (m > 0) await run();
    await search.rescore(q0, n);
  }
}

/**
 * A search of other queries against the pool over the pairs of blocks that can hold
 * neighbours: as `searchSelfPruned`, but a pair is scored for the query rows only, so a pool
 * block is skipped where its bound cannot reach the query block's lowest k-th best. `best`
 * lists by query position, pool rows are offered by their row; `queries` and `pool` hold the
 * rows in their blocks' orders. A zero query row's neighbours are the lowest pool rows.
 */
async function searchPruned(plain: BlockSearch, queries: Float32Array, along: { order: Int32Array; starts: Int32Array; nonZeroRows: number }, pool: Float32Array, blocks: RowBlocks): Promise<void> {
  const { dim, best } = plain;
  const { starts } = blocks;
  const gathered = new Float32Array(POOL_BLOCK * dim);
  const columns = new Int32Array(POOL_BLOCK);
  const bounds = new Float64Array(blocks.count);
  const size = (b: number) => starts[b + 1]! - starts[b]!;
  for (let q = along.nonZeroRows; q < along.order.length; q++) for (let row = 0; row < Math.min(best.wanted, blocks.order.length); row++) best.offer(q, 0, row);
  for (let block = 0; block < along.starts.length - 1; block++) {
    const q0 = along.starts[block]!;
    const n = along.starts[block + 1]! - q0;
    if (q0 >= along.nonZeroRows) break;
    const rows = queries.subarray(q0 * dim, (q0 + n) * dim);
    const nearest = (await plain.topK(blocks.centres, blocks.cells, rows, n, 1)).values;
    const byBound = Array.from({ length: blocks.count }, (_, b) => b);
    for (const b of byBound) bounds[b] = blocks.bound(nearest, b) + ROUNDING;
    byBound.sort((a, b) => bounds[b]! - bounds[a]!);
    let m = 0;
    let floor = -Infinity;
    const run = async () => {
      await plain.mergeGathered(rows, q0, n, gathered.subarray(0, m * dim), m, columns, blocks.order);
      floor = best.floor(q0, n);
      m = 0;
    };
    let first = true;
    for (const b of byBound) {
      if (!first && bounds[b]! < floor) continue;
      if (m + size(b) > POOL_BLOCK) await run();
      gathered.set(pool.subarray(starts[b]! * dim, starts[b + 1]! * dim), m * dim);
      for (let p = starts[b]!; p < starts[b + 1]!; p++) columns[m++] = p;
      if (first && m >= FIRST_RUN) {
        await run();
        first = false;
      }
    }
    if (m > 0) await run();
  }
}

/**
 * A self search's scoring of one query block: `score` merges a run's rows into `best` and
 * keeps the columns whose maximum reaches their row's k-th best, `rescore` scores those
 * again as queries against the block. Positions index `data` and `best`; `order` maps a
 * position to its row (the identity when absent).
 */
class SelfSearch {
  private readonly passed = new Int32Array(POOL_BLOCK);
  private readonly again: Float32Array;
  private readonly rowStart = new BigInt64Array(SELF_BLOCK);
  private readonly tied = new Int32Array(SELF_BLOCK);
  private count = 0;

  constructor(
    private readonly self: ModelSession,
    private readonly plain: BlockSearch,
    private readonly data: Float32Array,
    /** Positions from here on have their final lists (zero rows): their columns are not read. */
    private readonly finalFrom: number,
    private readonly order?: Int32Array,
  ) {
    this.again = new Float32Array(POOL_BLOCK * plain.dim);
  }

  /**
   * Scores query positions q0…q0+n (`queries`, SELF_BLOCK rows, zero past n) against `m` pool
   * rows (`pool`, zero rows up to whole groups): column c is position `columns[c]`, or `p0 + c`
   * where absent, and then the columns must be in row order.
   *
   * Out of row order, a group ranked ahead of row t's on an equal maximum may hold t's score in
   * a higher row, so the best `wanted` + 1 groups may miss t. Each query then takes one group
   * more: a missed t of score v leaves at most `wanted` groups (a group of padding among them)
   * with a maximum above v, so the last two taken both have maximum v. Where they tie and v can
   * still enter the list, the query is scored again against every column.
   */
  async score(queries: Float32Array, q0: number, n: number, pool: Float32Array, m: number, p0: number, columns?: Int32Array): Promise<void> {
    const { dim, best } = this.plain;
    const { order } = this;
    const groups = Math.ceil(m / GROUP);
    // The best wanted + 1 groups hold the best `wanted` rows, and a group of padding (see selfGraph).
    const take = Math.min(groups, best.wanted + (columns ? 2 : 1));
    for (let r = 0; r < SELF_BLOCK; r++) this.rowStart[r] = BigInt(r * groups);
    const run = (k: number) =>
      this.self.run(
        new Map<string, BatchTensor>([
          ['queries', { dtype: 'float32', dims: [SELF_BLOCK, dim], data: queries }],
          ['pool', { dtype: 'float32', dims: [groups * GROUP, dim], data: pool }],
          ['k', int64(k)],
          ['groupShape', int64(SELF_BLOCK, groups, GROUP)],
          ['groupRowsShape', int64(SELF_BLOCK * groups, GROUP)],
          ['rowStart', { dtype: 'int64', dims: [SELF_BLOCK, 1], data: this.rowStart }],
          ['columnShape', int64(-1, 4, groups * GROUP)],
        ]),
        this.self.outputNames,
      );
    const out = await run(take);
    const groupMax = out.get('groupMax') as Float32Array;
    const groupAt = out.get('groups') as BigInt64Array;
    const candidates = out.get('candidates') as Float32Array;
    const positionAt = (c: number) => (columns ? columns[c]! : p0 + c);
    const offerGroups = (r: number, from: number, to: number, groupAt: BigInt64Array, candidates: Float32Array) => {
      for (let g = from; g < to; g++) {
        const first = Number(groupAt[g]!) * GROUP;
        for (let c = first; c < first + GROUP && c < m; c++) {
          const position = positionAt(c);
          best.offer(q0 + r, candidates[g * GROUP + c - first]!, order ? order[position]! : position);
        }
      }
    };
    let tied = 0;
    for (let r = 0; r < n; r++) {
      // Groups come best maximum first: once one cannot reach the list, none after it can.
      let g = r * take;
      while (g < (r + 1) * take && best.reaches(q0 + r, groupMax[g]!)) g++;
      offerGroups(r, r * take, g, groupAt, candidates);
      const last = (r + 1) * take - 1;
      if (columns && take < groups && groupMax[last] === groupMax[last - 1] && best.reaches(q0 + r, groupMax[last]!)) this.tied[tied++] = r;
    }
    if (tied > 0) {
      // The same run with every group: the same scores, the groups in the same order, the first `take` already offered.
      const all = await run(groups);
      for (let t = 0; t < tied; t++) {
        const r = this.tied[t]!;
        offerGroups(r, r * groups + take, (r + 1) * groups, all.get('groups') as BigInt64Array, all.get('candidates') as Float32Array);
      }
    }

    // Columns of the query block's own rows got their neighbours from it as rows, just above.
    const columnMax = out.get('columnMax') as Float32Array;
    for (let c = 0; c < m; c++) {
      const position = positionAt(c);
      if ((position >= q0 && position < q0 + n) || position >= this.finalFrom || !best.reaches(position, columnMax[c]!)) continue;
      this.passed[this.count++] = position;
      if (this.count === this.passed.length) await this.rescore(q0, n);
    }
  }

  /**
   * Scores the passing columns as queries against the block, all at once (a run costs ~0.1 ms
   * beside its work): a column's row is in one run only, and later runs change only the block's rows.
   */
  async rescore(q0: number, n: number): Promise<void> {
    const { dim } = this.plain;
    for (let c = 0; c < this.count; c++) this.again.set(this.data.subarray(this.passed[c]! * dim, (this.passed[c]! + 1) * dim), c * dim);
    if (this.count > 0) await this.plain.merge(this.again, 0, this.count, this.data, q0, n, (c) => this.passed[c]!, this.order);
    this.count = 0;
  }
}

/** Runs a graph on a query block × pool block of row-major `dim`-wide rows, and merges its TopK into `best`. */
class BlockSearch {
  constructor(
    private readonly session: ModelSession,
    readonly dim: number,
    readonly best: RunningTopK,
  ) {}

  /**
   * Scores `rows` queries from `q0` (query `queryOf(r)` in `best`) against `poolRows` pool rows
   * from `p0` (pool position p is row `order[p]`, or p).
   */
  async merge(queries: Float32Array, q0: number, rows: number, pool: Float32Array, p0: number, poolRows: number, queryOf = (r: number) => q0 + r, order?: Int32Array): Promise<void> {
    const { dim } = this;
    const take = Math.min(this.best.wanted, poolRows);
    const { values, indices } = await this.topK(queries.subarray(q0 * dim, (q0 + rows) * dim), rows, pool.subarray(p0 * dim, (p0 + poolRows) * dim), poolRows, take);
    for (let r = 0; r < rows; r++) {
      // Sorted by score, then row: once one misses, the rest of the row do.
      for (let j = r * take; j < (r + 1) * take; j++) {
        const position = p0 + Number(indices[j]!);
        if (!this.best.offer(queryOf(r), values[j]!, order ? order[position]! : position)) break;
      }
    }
  }

  /**
   * Scores query positions q0…q0+n (`queries`, those rows) against `m` gathered pool rows,
   * column c being pool position `columns[c]`, row `order[columns[c]]`. Out of row order, TopK
   * may keep an equal score of a higher row before a lower one: a missed row of score v leaves
   * at most `wanted` − 1 kept above v, so with one more kept the last two tie at v. Where they
   * do and v can still enter, the query takes every column of the same run.
   */
  async mergeGathered(queries: Float32Array, q0: number, n: number, pool: Float32Array, m: number, columns: Int32Array, order: Int32Array): Promise<void> {
    const take = Math.min(this.best.wanted + 1, m);
    const offer = (r: number, values: Float32Array, indices: BigInt64Array, from: number, to: number) => {
      for (let j = from; j < to; j++) this.best.offer(q0 + r, values[j]!, order[columns[Number(indices[j]!)]!]!);
    };
    const { values, indices } = await this.topK(queries, n, pool, m, take);
    const tied: number[] = [];
    for (let r = 0; r < n; r++) {
      offer(r, values, indices, r * take, (r + 1) * take);
      const last = (r + 1) * take - 1;
      if (take < m && values[last] === values[last - 1] && this.best.reaches(q0 + r, values[last]!)) tied.push(r);
    }
    if (tied.length === 0) return;
    // The same run keeping every column: the same scores in the same order, the first `take` already offered.
    const all = await this.topK(queries, n, pool, m, m);
    for (const r of tied) offer(r, all.values, all.indices, r * m + take, (r + 1) * m);
  }

  /** One run: each query's `k` best pool rows, best first (see TopKRun). */
  readonly topK: TopKRun = async (queries, queryRows, pool, poolRows, k) => {
    const out = await this.session.run(
      new Map<string, BatchTensor>([
        ['queries', { dtype: 'float32', dims: [queryRows, this.dim], data: queries }],
        ['pool', { dtype: 'float32', dims: [poolRows, this.dim], data: pool }],
        ['k', int64(k)],
      ]),
      ['values', 'indices'],
    );
    return { values: out.get('values') as Float32Array, indices: out.get('indices') as BigInt64Array };
  };
}

/** Puts `data`'s rows in `order` (position p takes row order[p]), in place: one cycle at a time. */
function permuteRows(data: Float32Array, order: Int32Array, dim: number): Float32Array {
  const done = new Uint8Array(order.length);
  const saved = new Float32Array(dim);
  for (let start = 0; start < order.length; start++) {
    if (done[start]) continue;
    saved.set(data.subarray(start * dim, (start + 1) * dim));
    let p = start;
    while (order[p] !== start) {
      data.copyWithin(p * dim, order[p]! * dim, (order[p]! + 1) * dim);
      done[p] = 1;
      p = order[p]!;
    }
    data.set(saved, p * dim);
    done[p] = 1;
  }
  return data;
}

const int64 = (...values: number[]): BatchTensor => ({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, BigInt) });

/** Each query's `wanted` best pool rows so far: similarity descending, then row ascending. */
class RunningTopK {
  private readonly sims: Float32Array;
  private readonly rows: Int32Array;

  constructor(
    queries: number,
    readonly wanted: number,
  ) {
    this.sims = new Float32Array(queries * wanted).fill(-Infinity);
    this.rows = new Int32Array(queries * wanted).fill(-1);
  }

  /** Whether a similarity `sim` could still enter `query`'s list (a tie might, with a lower row). */
  reaches(query: number, sim: number): boolean {
    return sim >= this.sims[query * this.wanted + this.wanted - 1]!;
  }

  /** The lowest k-th best of queries q0…q0+n: no similarity below it enters any of their lists. */
  floor(q0: number, n: number): number {
    let floor = Infinity;
    for (let q = q0; q < q0 + n; q++) floor = Math.min(floor, this.sims[q * this.wanted + this.wanted - 1]!);
    return floor;
  }

  /** Inserts the candidate if it beats the last kept; false if it does not. */
  offer(query: number, sim: number, row: number): boolean {
    const { sims, rows } = this;
    const base = query * this.wanted;
    let at = base + this.wanted - 1;
    if (!(sim > sims[at]! || (sim === sims[at] && row < rows[at]!))) return false;
    while (at > base && (sims[at - 1]! < sim || (sims[at - 1] === sim && rows[at - 1]! > row))) {
      sims[at] = sims[at - 1]!;
      rows[at] = rows[at - 1]!;
      at--;
    }
    sims[at] = sim;
    rows[at] = row;
    return true;
  }

  /**
   * The first `k` of each list, without the query's own row; -1 and 0 where fewer. List q is
   * query row `order[q]`, or q.
   */
  write(indices: Int32Array, similarities: Float32Array, k: number, excludeSelf: ((queryRow: number) => number) | undefined, order?: Int32Array): void {
    for (let q = 0; q < indices.length / k; q++) {
      const row = order ? order[q]! : q;
      const self = excludeSelf ? excludeSelf(row) : -1;
      let filled = 0;
      for (let j = q * this.wanted; j < (q + 1) * this.wanted && filled < k; j++) {
        if (this.rows[j]! < 0 || this.rows[j] === self) continue;
        indices[row * k + filled] = this.rows[j]!;
        similarities[row * k + filled] = this.sims[j]!;
        filled++;
      }
    }
  }
}

/** 1 / L2 norm of each row (norms in float64); 0 for a zero row, which so stays zero. */
function inverseNorms(data: Float32Array, rows: number, dim: number, what: string): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = r * dim; c < (r + 1) * dim; c++) sum += data[c]! * data[c]!;
    if (!Number.isFinite(sum)) throw new RangeError(`${what} row ${r} holds a value that is not a finite number`);
    out[r] = sum === 0 ? 0 : 1 / Math.sqrt(sum);
  }
  return out;
}

/** Rows scaled to unit length, then zero rows up to `paddedRows`. */
function normalisedRows(data: Float32Array, rows: number, dim: number, what: string, paddedRows: number): Float32Array {
  const scale = inverseNorms(data, rows, dim, what);
  const out = new Float32Array(paddedRows * dim);
  for (let r = 0; r < rows; r++) for (let c = r * dim; c < (r + 1) * dim; c++) out[c] = data[c]! * scale[r]!;
  return out;
}

const floatValue = (name: string, dims: (string | number)[]): ValueSpec => ({ name, type: { tensor: DataType.FLOAT, dims } });
const int64Value = (name: string, dims: (string | number)[]): ValueSpec => ({ name, type: { tensor: DataType.INT64, dims } });

/**
 * `values, indices = TopK(queries [q, dim] · pool [p, dim]ᵀ, k)`, largest first (TopK's
 * defaults). Gemm's transB reads the pool's rows as they are: no transposed copy.
 */
function topKGraph(): ModelSpec {
  return {
    nodes: [
      { op: 'Gemm', inputs: ['queries', 'pool'], outputs: ['scores'], attributes: { transB: 1 } },
      { op: 'TopK', inputs: ['scores', 'k'], outputs: ['values', 'indices'] },
    ],
    inputs: [floatValue('queries', ['q', 'dim']), floatValue('pool', ['p', 'dim']), int64Value('k', [1])],
    outputs: [floatValue('values', ['q', 'k']), int64Value('indices', ['q', 'k'])],
  };
}

/**
 * The self search's block graph, for SELF_BLOCK queries. A TopK over every score costs nearly
 * half as much as the scores themselves, so the scores are cut into groups of GROUP pool rows:
 * `groups` [q, k] are each query's k groups with the highest maxima (ties to the lower group),
 * `groupMax` those maxima, `candidates` [q, k, GROUP] their scores. Exact: a query's best
 * `wanted` rows lie in its best `wanted` groups, as each group ranked ahead of row t's group
 * holds a score above t's, or an equal one in a lower row (groups are runs of rows, ties go to
 * the lower group); a group of zero padding may take one place more, hence `wanted + 1`.
 *
 * `columnMax` [p] is each pool row's highest score. A ReduceMax over the 128 query rows at once
 * runs about three times slower in onnxruntime than in steps of four rows (`columnShape` =
 * [-1, 4, p]): 128 → 32 → 8 → 2, then the last two.
 */
function selfGraph(): ModelSpec {
  const nodes: NodeSpec[] = [
    { op: 'Gemm', inputs: ['queries', 'pool'], outputs: ['scores'], attributes: { transB: 1 } },
    { op: 'Reshape', inputs: ['scores', 'groupShape'], outputs: ['grouped'] },
    { op: 'ReduceMax', inputs: ['grouped'], outputs: ['everyGroupMax'], attributes: { axes: [2], keepdims: 0 } },
    { op: 'TopK', inputs: ['everyGroupMax', 'k'], outputs: ['groupMax', 'groups'] },
    // Gather takes rows of [q · groups, GROUP]: query r's group g is row rowStart[r] + g.
    { op: 'Add', inputs: ['groups', 'rowStart'], outputs: ['groupRows'] },
    { op: 'Reshape', inputs: ['scores', 'groupRowsShape'], outputs: ['scoreGroups'] },
    { op: 'Gather', inputs: ['scoreGroups', 'groupRows'], outputs: ['candidates'] },
  ];
  let rows = 'scores';
  for (const step of [32, 8, 2]) {
    nodes.push({ op: 'Reshape', inputs: [rows, 'columnShape'], outputs: [`fours${step}`] });
    nodes.push({ op: 'ReduceMax', inputs: [`fours${step}`], outputs: [`max${step}`], attributes: { axes: [1], keepdims: 0 } });
    rows = `max${step}`;
  }
  nodes.push({ op: 'ReduceMax', inputs: [rows], outputs: ['columnMax'], attributes: { axes: [0], keepdims: 0 } });
  return {
    nodes,
    inputs: [
      floatValue('queries', ['q', 'dim']),
      floatValue('pool', ['p', 'dim']),
      int64Value('k', [1]),
      int64Value('groupShape', [3]),
      int64Value('groupRowsShape', [2]),
      int64Value('rowStart', ['q', 1]),
      int64Value('columnShape', [3]),
    ],
    outputs: [floatValue('groupMax', ['q', 'k']), int64Value('groups', ['q', 'k']), floatValue('candidates', ['q', 'k', GROUP]), floatValue('columnMax', ['p'])],
  };
}

async function openGraph(spec: ModelSpec, executionProviders: readonly string[] | undefined): Promise<ModelSession> {
  const model = buildModel({ producer: 'evalens', graphName: 'nearest-neighbours', ...spec });
  // The session reads the model while it opens; the file is not needed after.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalens-knn-'));
  try {
    const file = path.join(dir, 'nearest-neighbours.onnx');
    writeFileSync(file, model);
    return await openModelSession(file, executionProviders ? { executionProviders } : {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
