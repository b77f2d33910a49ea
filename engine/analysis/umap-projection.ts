import { UMAP } from 'umap-js';
import { seededRandom } from '../runner/sample-selection';
import { nearestNeighbours } from './nearest-neighbours';

export interface UmapOptions {
  readonly seed: number;
  /** Neighbours of each row in the fuzzy graph (umap-learn's default 15). */
  readonly nNeighbors?: number;
  readonly minDist?: number;
  /** onnxruntime execution providers for the neighbour search; default CPU. */
  readonly executionProviders?: readonly string[];
}

/**
 * 2-D UMAP of `rows × dim` embeddings through umap-js, reproducible: every random draw comes
 * from the engine's seeded generator, so the same seed gives the same points. The fuzzy graph
 * is built from exact cosine neighbours (the ONNX search of nearest-neighbours.ts, the row
 * itself included at distance 0 as umap-learn does) rather than umap-js's approximate,
 * euclidean NN-descent: faster, and the same metric as the rest of the analysis.
 */
export async function umapProjection(data: Float32Array, rows: number, dim: number, options: UmapOptions): Promise<Float32Array> {
  if (data.length !== rows * dim) throw new RangeError(`data holds ${data.length} values, expected ${rows} rows × ${dim}`);
  const nNeighbors = options.nNeighbors ?? 15;
  if (rows <= nNeighbors) throw new RangeError(`UMAP needs more than ${nNeighbors} rows (its neighbour count), got ${rows}`);

  const knn = await nearestNeighbours({ queries: data, queryRows: rows, pool: data, poolRows: rows, dim, k: nNeighbors, ...(options.executionProviders && { executionProviders: options.executionProviders }) });
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  for (let r = 0; r < rows; r++) {
    knnIndices.push(Array.from(knn.indices.subarray(r * nNeighbors, (r + 1) * nNeighbors)));
    knnDistances.push(Array.from(knn.similarities.subarray(r * nNeighbors, (r + 1) * nNeighbors), (s) => Math.max(0, 1 - s)));
  }

  const umap = new UMAP({ nComponents: 2, nNeighbors, minDist: options.minDist ?? 0.1, random: seededRandom(options.seed) });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  // Given the neighbours, umap-js reads only X's length (the data matters only to its transform()).
  const X = Array.from({ length: rows }, (): number[] => []);
  const embedding = await umap.fitAsync(X);
  const points = new Float32Array(rows * 2);
  embedding.forEach((p, r) => points.set(p, r * 2));
  return points;
}
