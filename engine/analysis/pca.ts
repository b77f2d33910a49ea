export interface PcaProjection {
  /** `rows × 2` row-major: each row's coordinates on the first two principal components. */
  readonly points: Float32Array;
  /** Share of the total variance each component explains (0 when the rows do not vary). */
  readonly explainedVarianceRatio: [number, number];
}

/**
 * Deterministic 2-D PCA: rows centred, covariance `dim × dim` accumulated in float64, its
 * eigenvectors found by cyclic Jacobi rotations (a fixed order of operations: the same input
 * gives the same bits on every run), the two largest projected. Signs follow scikit-learn's
 * `svd_flip`: in each component, the point farthest from 0 (the first of equals, as numpy's
 * argmax) has a positive coordinate.
 * Cost: one pass over the rows for the means, one for the covariance (`rows · dim²/2`), one
 * to project; Jacobi is O(dim³) per sweep, instant for embedding sizes up to a few hundred.
 */
export function pca2d(data: Float32Array, rows: number, dim: number): PcaProjection {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (data.length !== rows * dim) throw new RangeError(`data holds ${data.length} values, expected ${rows} rows × ${dim}`);

  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c]! += data[r * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c]! /= Math.max(rows, 1);

  // Upper triangle of the scatter matrix; the (rows - 1) divisor cancels out of the ratios and the vectors.
  const scatter = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      const v = data[r * dim + c]! - mean[c]!;
      if (!Number.isFinite(v)) throw new RangeError(`row ${r} holds a value that is not a finite number`);
      centred[c] = v;
    }
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      if (ci === 0) continue;
      for (let j = i; j < dim; j++) scatter[i * dim + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) scatter[i * dim + j] = scatter[j * dim + i]!;

  const { values, vectors } = symmetricEigen(scatter, dim);
  const order = Array.from({ length: dim }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const total = values.reduce((sum, v) => sum + Math.max(v, 0), 0);

  const points = new Float32Array(rows * 2);
  const explainedVarianceRatio: [number, number] = [0, 0];
  for (let component = 0; component < Math.min(2, dim); component++) {
    const e = order[component]!;
    explainedVarianceRatio[component] = total > 0 ? Math.max(values[e]!, 0) / total : 0;
    const coords = new Float64Array(rows);
    let far = 0;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += (data[r * dim + c]! - mean[c]!) * vectors[c * dim + e]!;
      coords[r] = s;
      if (Math.abs(s) > Math.abs(coords[far]!)) far = r;
    }
    const sign = rows > 0 && coords[far]! < 0 ? -1 : 1;
    // + 0 keeps a flipped 0 from becoming -0.
    for (let r = 0; r < rows; r++) points[r * 2 + component] = sign * coords[r]! + 0;
  }
  return { points, explainedVarianceRatio };
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: `values[i]` with its
 * eigenvector in column i of `vectors` (row-major `n × n`). Sweeps until the off-diagonal
 * part is negligible next to the diagonal.
 */
function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! * a[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! * a[i * n + j]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // Rotation angle that zeroes a[p][q] (Numerical Recipes' stable form).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
}
