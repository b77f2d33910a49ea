import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, DataType, type ModelSpec, type NodeSpec, type ValueSpec } from '../onnx/onnx-writer';
import { openModelSession, type BatchTensor, type ModelSession } from '../inference/onnx-session';

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
 * groups of rows (see `selfGraph`). On 2 cores 100k × 64 went from 23 s of CPU to 16 s (wall
 * 12–14 s to 7.5–10 s, with other work on the machine).
 *
 * Ties are broken by the lower pool row first, so equal inputs give equal outputs: TopK orders
 * equal values by index, and the running top-k orders equal similarities by row. Similarities
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
  try {
    const search = new BlockSearch(plain, dim, best);
    if (input.queries === input.pool && queryRows === poolRows) {
      // Zero rows pad the last query block to SELF_BLOCK, and the last pool block to whole groups.
      const data = normalisedRows(input.pool, poolRows, dim, 'pool', Math.ceil(poolRows / SELF_BLOCK) * SELF_BLOCK);
      const self = await openGraph(selfGraph(), input.executionProviders);
      try {
        await searchSelf(search, self, data, poolRows);
      } finally {
        await self.release();
      }
    } else {
      const queries = normalisedRows(input.queries, queryRows, dim, 'queries', queryRows);
      const pool = normalisedRows(input.pool, poolRows, dim, 'pool', poolRows);
      for (let q0 = 0; q0 < queryRows; q0 += QUERY_BLOCK) {
        const n = Math.min(QUERY_BLOCK, queryRows - q0);
        for (let p0 = 0; p0 < poolRows; p0 += POOL_BLOCK) await search.merge(queries, q0, n, pool, p0, Math.min(POOL_BLOCK, poolRows - p0));
      }
    }
  } finally {
    await plain.release();
  }
  best.write(indices, similarities, k, excludeSelf);
  return { indices, similarities };
}

/** The self search of `nearestNeighbours`: `self` scores the blocks, `plain` rescores passing columns. */
async function searchSelf(plain: BlockSearch, self: ModelSession, data: Float32Array, rows: number): Promise<void> {
  const { dim, best } = plain;
  const passed = new Int32Array(POOL_BLOCK);
  const again = new Float32Array(POOL_BLOCK * dim);
  const rowStart = new BigInt64Array(SELF_BLOCK);
  for (let q0 = Math.floor((rows - 1) / SELF_BLOCK) * SELF_BLOCK; q0 >= 0; q0 -= SELF_BLOCK) {
    const n = Math.min(SELF_BLOCK, rows - q0);
    // Passing columns of all the block's pool blocks are rescored together (a run costs ~0.1 ms
    // beside its work): each is in one pool block, and later pool blocks change only I's rows.
    let count = 0;
    const rescore = async () => {
      for (let c = 0; c < count; c++) again.set(data.subarray(passed[c]! * dim, (passed[c]! + 1) * dim), c * dim);
      if (count > 0) await plain.merge(again, 0, count, data, q0, n, (c) => passed[c]!);
      count = 0;
    };
    for (let p0 = q0; p0 < rows; p0 += POOL_BLOCK) {
      const m = Math.min(POOL_BLOCK, rows - p0);
      const groups = Math.ceil(m / GROUP);
      // The best wanted + 1 groups hold the best `wanted` rows, and a group of padding (see selfGraph).
      const take = Math.min(groups, best.wanted + 1);
      for (let r = 0; r < SELF_BLOCK; r++) rowStart[r] = BigInt(r * groups);
      const out = await self.run(
        new Map<string, BatchTensor>([
          ['queries', { dtype: 'float32', dims: [SELF_BLOCK, dim], data: data.subarray(q0 * dim, (q0 + SELF_BLOCK) * dim) }],
          ['pool', { dtype: 'float32', dims: [groups * GROUP, dim], data: data.subarray(p0 * dim, (p0 + groups * GROUP) * dim) }],
          ['k', int64(take)],
          ['groupShape', int64(SELF_BLOCK, groups, GROUP)],
          ['groupRowsShape', int64(SELF_BLOCK * groups, GROUP)],
          ['rowStart', { dtype: 'int64', dims: [SELF_BLOCK, 1], data: rowStart }],
          ['columnShape', int64(-1, 4, groups * GROUP)],
        ]),
        self.outputNames,
      );
      const groupMax = out.get('groupMax') as Float32Array;
      const groupAt = out.get('groups') as BigInt64Array;
      const candidates = out.get('candidates') as Float32Array;
      for (let r = 0; r < n; r++) {
        // Groups come best maximum first: once one cannot reach the list, none after it can.
        for (let g = r * take; g < (r + 1) * take && best.reaches(q0 + r, groupMax[g]!); g++) {
          const first = p0 + Number(groupAt[g]!) * GROUP;
          for (let c = 0; c < GROUP && first + c < rows; c++) best.offer(q0 + r, candidates[g * GROUP + c]!, first + c);
        }
      }

      // Columns of the query block's own rows got their neighbours from it as rows, just above.
      const columnMax = out.get('columnMax') as Float32Array;
      for (let j = Math.max(p0, q0 + n); j < p0 + m; j++) {
        if (!best.reaches(j, columnMax[j - p0]!)) continue;
        passed[count++] = j;
        if (count === passed.length) await rescore();
      }
    }
    await rescore();
  }
}

/** Runs a graph on a query block × pool block of row-major `dim`-wide rows, and merges its TopK into `best`. */
class BlockSearch {
  constructor(
    private readonly session: ModelSession,
    readonly dim: number,
    readonly best: RunningTopK,
  ) {}

  /** Scores `rows` queries from `q0` (query `queryOf(r)` in `best`) against `poolRows` pool rows from `p0`. */
  async merge(queries: Float32Array, q0: number, rows: number, pool: Float32Array, p0: number, poolRows: number, queryOf = (r: number) => q0 + r): Promise<void> {
    const { dim } = this;
    const take = Math.min(this.best.wanted, poolRows);
    const out = await this.session.run(
      new Map<string, BatchTensor>([
        ['queries', { dtype: 'float32', dims: [rows, dim], data: queries.subarray(q0 * dim, (q0 + rows) * dim) }],
        ['pool', { dtype: 'float32', dims: [poolRows, dim], data: pool.subarray(p0 * dim, (p0 + poolRows) * dim) }],
        ['k', int64(take)],
      ]),
      ['values', 'indices'],
    );
    const values = out.get('values') as Float32Array;
    const indices = out.get('indices') as BigInt64Array;
    for (let r = 0; r < rows; r++) {
      // Sorted by score, then row: once one misses, the rest of the row do.
      for (let j = r * take; j < (r + 1) * take; j++) if (!this.best.offer(queryOf(r), values[j]!, p0 + Number(indices[j]!))) break;
    }
  }
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

  /** The first `k` of each list, without the query's own row; -1 and 0 where fewer. */
  write(indices: Int32Array, similarities: Float32Array, k: number, excludeSelf: ((queryRow: number) => number) | undefined): void {
    for (let q = 0; q < indices.length / k; q++) {
      const self = excludeSelf ? excludeSelf(q) : -1;
      let filled = 0;
      for (let j = q * this.wanted; j < (q + 1) * this.wanted && filled < k; j++) {
        if (this.rows[j]! < 0 || this.rows[j] === self) continue;
        indices[q * k + filled] = this.rows[j]!;
        similarities[q * k + filled] = this.sims[j]!;
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
