import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildModel, DataType } from '../onnx/onnx-writer';
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

/** Most pool rows one graph run scores: TopK's input stays small enough to stay near the caches. */
const POOL_BLOCK = 8192;
/** Most scores (query rows × pool rows) one run holds: 32 MB of float32, whatever the sizes. */
const SCORES_PER_RUN = 1 << 23;

/**
 * Exact k nearest neighbours by cosine similarity. Rows are L2-normalised (a zero row has
 * similarity 0 with everything), then an ONNX graph `TopK(MatMul(queries, poolBlockᵀ))` runs
 * on blocks of queries against blocks of the pool: onnxruntime uses every core (or the GPU),
 * and a running top-k merge across pool blocks keeps memory at one block's scores, never
 * `queryRows × poolRows`.
 *
 * Ties are broken by the lower pool row first, so equal inputs give equal outputs: TopK
 * orders equal values by index within a block, and the merge keeps an earlier (lower) block's
 * row ahead of an equal later one. Similarities are float32 dot products of the normalised
 * rows, so two rows whose true similarities differ by less than ~1e-7 may rank either way.
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

  // One more candidate per block when a query's own row may be among them and is dropped.
  const wanted = k + (excludeSelf ? 1 : 0);
  const poolBlock = Math.min(poolRows, POOL_BLOCK);
  const queryBlock = Math.max(1, Math.min(queryRows, Math.floor(SCORES_PER_RUN / poolBlock)));
  const poolBlocks = normalisedBlocks(input.pool, poolRows, dim, poolBlock);
  const queries = normalisedRows(input.queries, queryRows, dim, 'queries');

  const session = await openGraph(input.executionProviders);
  try {
    const bestSim = new Float32Array(queryBlock * wanted);
    const bestRow = new Int32Array(queryBlock * wanted);
    for (let q0 = 0; q0 < queryRows; q0 += queryBlock) {
      const rows = Math.min(queryBlock, queryRows - q0);
      const queryTensor: BatchTensor = { dtype: 'float32', dims: [rows, dim], data: queries.subarray(q0 * dim, (q0 + rows) * dim) };
      bestSim.fill(-Infinity);
      bestRow.fill(-1);
      for (let b = 0, p0 = 0; b < poolBlocks.length; b++, p0 += poolBlock) {
        const block = poolBlocks[b]!;
        const blockRows = block.length / dim;
        const take = Math.min(wanted, blockRows);
        const out = await session.run(
          new Map([
            ['queries', queryTensor],
            ['pool', { dtype: 'float32', dims: [dim, blockRows], data: block }],
            ['k', { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(take)) }],
          ]),
          ['values', 'indices'],
        );
        mergeBlock(out.get('values') as Float32Array, out.get('indices') as BigInt64Array, take, rows, p0, bestSim, bestRow, wanted);
      }
      for (let r = 0; r < rows; r++) {
        const self = excludeSelf ? excludeSelf(q0 + r) : -1;
        let filled = 0;
        for (let j = 0; j < wanted && filled < k; j++) {
          const row = bestRow[r * wanted + j]!;
          if (row < 0 || row === self) continue;
          indices[(q0 + r) * k + filled] = row;
          similarities[(q0 + r) * k + filled] = bestSim[r * wanted + j]!;
          filled++;
        }
      }
    }
  } finally {
    await session.release();
  }
  return { indices, similarities };
}

/**
 * Merges one block's sorted top candidates into each query's running list (sorted by
 * similarity, descending). A candidate goes after every entry at least as similar: those come
 * from earlier blocks, so lower rows win ties.
 */
function mergeBlock(values: Float32Array, rowsInBlock: BigInt64Array, take: number, queries: number, offset: number, bestSim: Float32Array, bestRow: Int32Array, wanted: number): void {
  for (let r = 0; r < queries; r++) {
    const base = r * wanted;
    for (let j = 0; j < take; j++) {
      const sim = values[r * take + j]!;
      // Candidates arrive sorted: once one does not beat the worst kept, none after it will.
      if (!(sim > bestSim[base + wanted - 1]!)) break;
      let at = wanted - 1;
      while (at > 0 && bestSim[base + at - 1]! < sim) {
        bestSim[base + at] = bestSim[base + at - 1]!;
        bestRow[base + at] = bestRow[base + at - 1]!;
        at--;
      }
      bestSim[base + at] = sim;
      bestRow[base + at] = offset + Number(rowsInBlock[r * take + j]!);
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

/** Rows scaled to unit length. */
function normalisedRows(data: Float32Array, rows: number, dim: number, what: string): Float32Array {
  const scale = inverseNorms(data, rows, dim, what);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let c = r * dim; c < (r + 1) * dim; c++) out[c] = data[c]! * scale[r]!;
  return out;
}

/**
 * The pool's rows scaled to unit length, cut into blocks of `blockRows` rows, each transposed
 * to `dim × rows` for MatMul: written straight into the blocks, so the pool is copied once.
 */
function normalisedBlocks(pool: Float32Array, rows: number, dim: number, blockRows: number): Float32Array[] {
  const scale = inverseNorms(pool, rows, dim, 'pool');
  const blocks: Float32Array[] = [];
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const n = Math.min(blockRows, rows - r0);
    const block = new Float32Array(dim * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < dim; c++) block[c * n + r] = pool[(r0 + r) * dim + c]! * scale[r0 + r]!;
    blocks.push(block);
  }
  return blocks;
}

/** `values, indices = TopK(MatMul(queries [q, dim], pool [dim, p]), k)`, largest first (TopK's defaults). */
async function openGraph(executionProviders: readonly string[] | undefined): Promise<ModelSession> {
  const model = buildModel({
    producer: 'evalens',
    graphName: 'nearest-neighbours',
    nodes: [
      { op: 'MatMul', inputs: ['queries', 'pool'], outputs: ['scores'] },
      { op: 'TopK', inputs: ['scores', 'k'], outputs: ['values', 'indices'] },
    ],
    inputs: [
      { name: 'queries', type: { tensor: DataType.FLOAT, dims: ['q', 'dim'] } },
      { name: 'pool', type: { tensor: DataType.FLOAT, dims: ['dim', 'p'] } },
      { name: 'k', type: { tensor: DataType.INT64, dims: [1] } },
    ],
    outputs: [
      { name: 'values', type: { tensor: DataType.FLOAT, dims: ['q', 'k'] } },
      { name: 'indices', type: { tensor: DataType.INT64, dims: ['q', 'k'] } },
    ],
  });
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
