import { seededRandom } from '../runner/sample-selection';

/**
 * Blocks of close rows for the exact nearest-neighbour search to skip: rows (unit or zero,
 * `rows × dim`) grouped by a short spherical k-means whose scoring runs in onnxruntime, each
 * group cut into blocks of at most `blockRows`, and each block bounded by a ball on the unit
 * sphere. The search scores a pair of blocks only when the balls let a pair of their rows reach
 * a row's current k-th best. The grouping only changes which pairs are skipped, never a result.
 */

/** Each query row's `k` best pool rows of one Gemm + TopK run (row-major `[queryRows, k]`), best first, ties to the lower index. */
export type TopKRun = (queries: Float32Array, queryRows: number, pool: Float32Array, poolRows: number, k: number) => Promise<{ values: Float32Array; indices: BigInt64Array }>;

/** Mean rows per k-means cell: a cell makes one or two blocks. */
const CELL_ROWS = 192;
/** Sample rows per cell from which the k-means++ seeds are drawn. */
const SEED_SAMPLE = 8;
/** Scorings of the rows against the centres (k-means rounds). */
const ROUNDS = 2;
/** Rows per scoring run: rows × cells of float32 scores at a time. */
const CHUNK = 8192;
/** Rows whose k-th best similarity is found to estimate the share of pairs pruning would keep. */
const PROBES = 256;
/** Above this estimated share of pairs kept, pruning costs more than it saves (it gathers rows). */
const MAX_KEPT = 0.6;
/**
 * Float32 rounding allowance: a float32 dot product of `dim` ≤ ~1000 unit-length float32 rows
 * is within dim · 2⁻²⁴ (6e-5 at 1,000, 4e-6 at 64) of the exact one. The search adds it to the
 * bound before comparing with a k-th best, and radii are taken from scores less it.
 */
export const ROUNDING = 1e-4;

/**
 * Blocks of positions in a row order (`order[position]` = row; each block's rows ascend), each
 * with a ball: its k-means cell's centre and the largest angle of a row of the block from it.
 * A row x and a row y of block b are at least angle(x, centre(b)) − radius(b) apart: one
 * radius, not two as between two balls, which in many dimensions is much tighter (a row's
 * offset from its centre is nearly orthogonal to another cell's centre).
 */
export class RowBlocks {
  readonly count: number;

  constructor(
    readonly order: Int32Array,
    /** Block b holds positions `starts[b]` … `starts[b + 1]` − 1. */
    readonly starts: Int32Array,
    /** Block → its k-means cell; -1 for a block of zero rows. */
    private readonly cellOf: Int32Array,
    /** Block → largest angle of a row from its cell's centre. */
    private readonly radii: Float64Array,
    /** Cell centres, unit length, `cells × dim`. */
    readonly centres: Float32Array,
    readonly cells: number,
    /** Rows that are not zero: they come first, the zero rows' blocks after. */
    readonly nonZeroRows: number,
  ) {
    this.count = starts.length - 1;
  }

  /** Whether block `b` holds zero rows (they are never mixed with others). */
  zero(b: number): boolean {
    return this.cellOf[b]! < 0;
  }

  /**
   * An upper bound of the cosine of some rows with any row of block `b`, given `nearest`: per
   * cell, the highest float32 score of those rows with its centre. Before rounding: see ROUNDING.
   */
  bound(nearest: Float32Array, b: number): number {
    const cell = this.cellOf[b]!;
    // A zero row has similarity 0 with everything.
    if (cell < 0) return 0;
    const gap = Math.acos(Math.min(1, nearest[cell]! + ROUNDING)) - this.radii[b]!;
    return gap <= 0 ? 1 : Math.cos(gap);
  }
}

/**
 * The blocks of `rows`, or undefined where pruning would keep most pairs (rows without
 * structure): then the search scores every pair, as cheaply as it can. `wanted` is how many
 * best rows each row keeps, its own row included in a self search.
 */
export async function rowBlocks(data: Float32Array, rows: number, dim: number, blockRows: number, wanted: number, topK: TopKRun): Promise<RowBlocks | undefined> {
  const nonZero: number[] = [];
  const zero: number[] = [];
  for (let r = 0; r < rows; r++) (isZeroRow(data, r, dim) ? zero : nonZero).push(r);
  if (nonZero.length === 0) return undefined;
  const cells = Math.max(1, Math.ceil(nonZero.length / CELL_ROWS));
  const { centres, sample } = await seedCentres(data, dim, nonZero, cells, topK);
  if ((await keptShare(data, rows, dim, sample, nonZero.length, zero.length, centres, cells, wanted, topK)) > MAX_KEPT) return undefined;
  const cell = new Int32Array(rows);
  const second = new Int32Array(rows);
  const score = new Float32Array(rows);
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) moveCentres(data, dim, nonZero, cell, centres);
    await assign(data, rows, dim, centres, cells, topK, cell, second, score);
  }

  const order = cellOrder(nonZero, zero, cell, second, cells);
  const starts: number[] = [0];
  const cellOf: number[] = [];
  const radii: number[] = [];
  forEachBlock(order, nonZero.length, cell, blockRows, (start, end) => {
    const cellIndex = start < nonZero.length ? cell[order[start]!]! : -1;
    let lowest = 1;
    for (let p = start; p < end; p++) lowest = Math.min(lowest, score[order[p]!]!);
    starts.push(end);
    cellOf.push(cellIndex);
    radii.push(cellIndex < 0 ? 0 : Math.acos(Math.max(-1, lowest - ROUNDING)));
  });
  return new RowBlocks(order, Int32Array.from(starts), Int32Array.from(cellOf), Float64Array.from(radii), centres, cells, nonZero.length);
}

/**
 * Other rows (the queries of a search against `blocks`' rows) grouped alike: by their nearest
 * cell of `blocks`, cut into blocks of at most `blockRows`, each in row order, zero rows last.
 * They need no balls: the search bounds a query block by its rows' scores with the centres.
 */
export async function blocksAlong(blocks: RowBlocks, data: Float32Array, rows: number, dim: number, blockRows: number, topK: TopKRun): Promise<{ order: Int32Array; starts: Int32Array; nonZeroRows: number }> {
  const nonZero: number[] = [];
  const zero: number[] = [];
  for (let r = 0; r < rows; r++) (isZeroRow(data, r, dim) ? zero : nonZero).push(r);
  const cell = new Int32Array(rows);
  const second = new Int32Array(rows);
  await assign(data, rows, dim, blocks.centres, blocks.cells, topK, cell, second, new Float32Array(rows));
  const order = cellOrder(nonZero, zero, cell, second, blocks.cells);
  const starts = [0];
  forEachBlock(order, nonZero.length, cell, blockRows, (_, end) => starts.push(end));
  return { order, starts: Int32Array.from(starts), nonZeroRows: nonZero.length };
}

/** Rows by cell, then by the next nearest cell (rows leaning the same way), zero rows last. */
function cellOrder(nonZero: readonly number[], zero: readonly number[], cell: Int32Array, second: Int32Array, cells: number): Int32Array {
  const order = new Int32Array(nonZero.length + zero.length);
  order.set(sortedBy(sortedBy(Int32Array.from(nonZero), second, cells), cell, cells));
  order.set(zero, nonZero.length);
  return order;
}

/**
 * Cuts `order` into blocks of at most `blockRows`: each cell's rows (the first `nonZero`
 * positions, by cell) into near-equal blocks, then the zero rows; sorts each block's rows.
 */
function forEachBlock(order: Int32Array, nonZero: number, cell: Int32Array, blockRows: number, block: (start: number, end: number) => void): void {
  const cut = (from: number, to: number) => {
    const blocks = Math.ceil((to - from) / blockRows);
    for (let b = 0; b < blocks; b++) {
      const start = from + Math.round((b * (to - from)) / blocks);
      const end = from + Math.round(((b + 1) * (to - from)) / blocks);
      order.subarray(start, end).sort();
      block(start, end);
    }
  };
  let from = 0;
  for (let p = 1; p <= nonZero; p++) {
    if (p < nonZero && cell[order[p]!] === cell[order[from]!]) continue;
    cut(from, p);
    from = p;
  }
  if (order.length > nonZero) cut(nonZero, order.length);
}

/**
 * k-means++ seeds on a sample of the rows, drawn in rounds: a round draws sample rows with
 * a weight that grows fast with their distance from the centres so far (see `weight`),
 * evenly through the weights, so the centres spread over every cluster; one run scores the sample
 * against the round's centres. A round draws at most a quarter of the centres still to draw,
 * so the last ones go, one at a time, where the earlier ones left rows far from any centre.
 */
async function seedCentres(data: Float32Array, dim: number, nonZero: readonly number[], cells: number, topK: TopKRun): Promise<{ centres: Float32Array; sample: Float32Array }> {
  const size = Math.min(nonZero.length, SEED_SAMPLE * cells);
  const sample = new Float32Array(size * dim);
  for (let s = 0; s < size; s++) {
    const row = nonZero[Math.floor((s * nonZero.length) / size)]!;
    sample.set(data.subarray(row * dim, (row + 1) * dim), s * dim);
  }
  const random = seededRandom(size);
  const centres = new Float32Array(cells * dim);
  const best = new Float64Array(size).fill(-Infinity);
  const picks = [0];
  for (let count = 0; count < cells; ) {
    picks.forEach((s, i) => centres.set(sample.subarray(s * dim, (s + 1) * dim), (count + i) * dim));
    const { values } = await topK(sample, size, centres.subarray(count * dim, (count + picks.length) * dim), picks.length, 1);
    count += picks.length;
    let total = 0;
    for (let s = 0; s < size; s++) {
      best[s] = Math.max(best[s]!, values[s]!);
      total += weight(best[s]!);
    }
    // Every sample row already at a centre: the rest repeat one and stay empty.
    const draws = Math.min(count, Math.ceil((cells - count) / 4));
    picks.length = 0;
    let s = 0;
    let reached = weight(best[0]!);
    for (let i = 0; i < draws; i++) {
      const target = ((i + random()) * total) / draws;
      while (s < size - 1 && reached <= target) reached += weight(best[++s]!);
      picks.push(s);
    }
  }
  return { centres, sample };
}

/**
 * A sample row's weight in the seeding: (1 − its best score)², half its squared distance from
 * the nearest centre, squared. k-means++ takes the squared distance, but in many dimensions a cluster's own rows are far
 * from each other too (64 dimensions of noise), and a cluster without a centre must outweigh
 * the spread of the clusters with one.
 */
const weight = (bestScore: number) => Math.max(0, 1 - bestScore) ** 2;

/** `rows` stably sorted by `key[row]` (0 … keys − 1): a counting sort. */
function sortedBy(rows: Int32Array, key: Int32Array, keys: number): Int32Array {
  const next = new Int32Array(keys + 1);
  for (const r of rows) next[key[r]! + 1] = next[key[r]! + 1]! + 1;
  for (let k = 1; k <= keys; k++) next[k] = next[k]! + next[k - 1]!;
  const out = new Int32Array(rows.length);
  for (const r of rows) {
    out[next[key[r]!]!] = r;
    next[key[r]!] = next[key[r]!]! + 1;
  }
  return out;
}

function isZeroRow(data: Float32Array, row: number, dim: number): boolean {
  for (let d = row * dim; d < (row + 1) * dim; d++) if (data[d] !== 0) return false;
  return true;
}

/** Each row's nearest and next nearest centre, and its score with the nearest. */
async function assign(data: Float32Array, rows: number, dim: number, centres: Float32Array, cells: number, topK: TopKRun, cell: Int32Array, second: Int32Array, score: Float32Array): Promise<void> {
  const take = Math.min(2, cells);
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = Math.min(CHUNK, rows - r0);
    const { values, indices } = await topK(data.subarray(r0 * dim, (r0 + n) * dim), n, centres, cells, take);
    for (let r = 0; r < n; r++) {
      cell[r0 + r] = Number(indices[r * take]!);
      second[r0 + r] = Number(indices[r * take + take - 1]!);
      score[r0 + r] = values[r * take]!;
    }
  }
}

/** Each centre to its rows' mean direction; a centre without rows stays. */
function moveCentres(data: Float32Array, dim: number, nonZero: readonly number[], cell: Int32Array, centres: Float32Array): void {
  const sums = new Float64Array(centres.length);
  for (const r of nonZero) for (let d = 0; d < dim; d++) sums[cell[r]! * dim + d] = sums[cell[r]! * dim + d]! + data[r * dim + d]!;
  for (let c = 0; c < centres.length / dim; c++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += sums[c * dim + d]! ** 2;
    if (norm === 0) continue;
    for (let d = 0; d < dim; d++) centres[c * dim + d] = sums[c * dim + d]! / Math.sqrt(norm);
  }
}

/**
 * The estimated share of pairs the search would still score, from the seeding's sample: its
 * rows' cells give the cells' sizes and radii (a little short of the whole cells'), and for a
 * few of them, their `wanted`-th best similarity (one search against every row) and the rows
 * of the cells whose balls can reach it.
 */
async function keptShare(data: Float32Array, rows: number, dim: number, sample: Float32Array, nonZeroRows: number, zeroRows: number, centres: Float32Array, cells: number, wanted: number, topK: TopKRun): Promise<number> {
  const sampled = sample.length / dim;
  const radius = new Float64Array(cells);
  const size = new Float64Array(cells);
  const own = await topK(sample, sampled, centres, cells, 1);
  for (let s = 0; s < sampled; s++) {
    const c = Number(own.indices[s]!);
    size[c] = size[c]! + nonZeroRows / sampled;
    radius[c] = Math.max(radius[c]!, Math.acos(Math.max(-1, own.values[s]! - ROUNDING)));
  }
  const probes = Math.min(PROBES, sampled);
  const probe = new Float32Array(probes * dim);
  for (let p = 0; p < probes; p++) {
    const s = Math.floor((p * sampled) / probes);
    probe.set(sample.subarray(s * dim, (s + 1) * dim), p * dim);
  }
  // Each probe's best `wanted` of every chunk: its `wanted`-th best overall is among them.
  const found: number[][] = Array.from({ length: probes }, () => []);
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = Math.min(CHUNK, rows - r0);
    const take = Math.min(wanted, n);
    const { values } = await topK(probe, probes, data.subarray(r0 * dim, (r0 + n) * dim), n, take);
    found.forEach((list, p) => list.push(...values.subarray(p * take, (p + 1) * take)));
  }
  const { values: nearest, indices: nearestCell } = await topK(probe, probes, centres, cells, cells);
  let kept = 0;
  found.forEach((list, p) => {
    list.sort((a, b) => b - a);
    const kth = list.length >= wanted ? list[wanted - 1]! : -Infinity;
    // Zero rows score 0: kept where 0 can reach the k-th best.
    let keptRows = ROUNDING >= kth ? zeroRows : 0;
    for (let j = p * cells; j < (p + 1) * cells; j++) {
      const c = Number(nearestCell[j]!);
      const gap = Math.acos(Math.min(1, nearest[j]! + ROUNDING)) - radius[c]!;
      if ((gap <= 0 ? 1 : Math.cos(gap)) + ROUNDING >= kth) keptRows += size[c]!;
    }
    kept += keptRows / rows;
  });
  return kept / probes;
}
