/**
 * Nearest neighbours by a plain loop, the reference the ONNX implementation is checked
 * against (tests) and timed against (bench): the same float64-normalised rows, scored in
 * float64, every pool row visited, ties to the lower row.
 */
export function plainNearestNeighbours(queries: Float32Array, queryRows: number, pool: Float32Array, poolRows: number, dim: number, k: number, excludeSelf?: (queryRow: number) => number) {
  const q = normalised(queries, queryRows, dim);
  const p = normalised(pool, poolRows, dim);
  const indices = new Int32Array(queryRows * k).fill(-1);
  const similarities = new Float64Array(queryRows * k);
  const bestSim = new Float64Array(k);
  const bestRow = new Int32Array(k);
  for (let r = 0; r < queryRows; r++) {
    bestSim.fill(-Infinity);
    bestRow.fill(-1);
    const self = excludeSelf ? excludeSelf(r) : -1;
    for (let c = 0; c < poolRows; c++) {
      if (c === self) continue;
      let sim = 0;
      for (let d = 0; d < dim; d++) sim += q[r * dim + d]! * p[c * dim + d]!;
      if (!(sim > bestSim[k - 1]!)) continue;
      let at = k - 1;
      while (at > 0 && bestSim[at - 1]! < sim) {
        bestSim[at] = bestSim[at - 1]!;
        bestRow[at] = bestRow[at - 1]!;
        at--;
      }
      bestSim[at] = sim;
      bestRow[at] = c;
    }
    for (let j = 0; j < k && bestRow[j]! >= 0; j++) {
      indices[r * k + j] = bestRow[j]!;
      similarities[r * k + j] = bestSim[j]!;
    }
  }
  return { indices, similarities };
}

/** Rows scaled to unit length as the engine does: norm in float64, stored in float32. */
function normalised(data: Float32Array, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = r * dim; c < (r + 1) * dim; c++) sum += data[c]! * data[c]!;
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let c = r * dim; c < (r + 1) * dim; c++) out[c] = data[c]! * scale;
  }
  return out;
}
