import type { SampleRef } from '../../shared/analysis-types';
import type { NeighbourTable } from './label-suggestions';

/**
 * Duplicates among a run's samples: exact ones (equal hashes of the encoded inputs, so the
 * model saw the same bytes) and near ones (embeddings at cosine similarity ≥ a threshold).
 * A sample scored in two benchmarks is one sample, never its own duplicate; an exact
 * duplicate pair is not listed again among the near ones.
 */

export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.99;
/** Pairs kept, most similar first: beyond this a dataset is mostly duplicates and the count says enough. */
export const MAX_NEAR_DUPLICATE_PAIRS = 10_000;

export interface DuplicateRows {
  refs: readonly SampleRef[];
  inputHashes: readonly string[];
  /** One key per distinct sample (dataset, subset, index): equal for the same sample in two benchmarks. */
  identities: readonly string[];
}

export interface ExactDuplicateGroup {
  inputHash: string;
  samples: SampleRef[];
  leakage: boolean;
}

/** Training subsets, whose duplicates elsewhere leak what the model was trained on. */
const TRAINING_SUBSET = 'train';

/** True when the samples span the training subset and any other: leakage. */
export function spansTrainAndOther(refs: readonly SampleRef[]): boolean {
  return refs.some((r) => r.subset === TRAINING_SUBSET) && refs.some((r) => r.subset !== TRAINING_SUBSET);
}

/** Groups of two or more distinct samples with the same input hash, largest first. */
export function exactDuplicates(rows: DuplicateRows): ExactDuplicateGroup[] {
  const byHash = new Map<string, { members: number[]; identities: Set<string> }>();
  for (let row = 0; row < rows.inputHashes.length; row++) {
    const hash = rows.inputHashes[row]!;
    let group = byHash.get(hash);
    if (group === undefined) byHash.set(hash, (group = { members: [], identities: new Set() }));
    if (group.identities.has(rows.identities[row]!)) continue;
    group.identities.add(rows.identities[row]!);
    group.members.push(row);
  }
  const groups: ExactDuplicateGroup[] = [];
  for (const [inputHash, { members }] of byHash) {
    if (members.length < 2) continue;
    const samples = members.map((row) => rows.refs[row]!);
    groups.push({ inputHash, samples, leakage: spansTrainAndOther(samples) });
  }
  return groups.sort((a, b) => Number(b.leakage) - Number(a.leakage) || b.samples.length - a.samples.length || a.inputHash.localeCompare(b.inputHash));
}

export interface NearDuplicatePair {
  a: number;
  b: number;
  similarity: number;
}

/**
 * Pairs of distinct samples, each once, that are among each other's nearest neighbours at
 * cosine similarity ≥ `threshold` and whose inputs differ; most similar first, at most `max`.
 * Returns the pairs and how many qualified in all.
 */
export function nearDuplicates(table: NeighbourTable, rows: DuplicateRows, threshold: number, max = MAX_NEAR_DUPLICATE_PAIRS): { pairs: NearDuplicatePair[]; total: number } {
  const count = rows.refs.length;
  // a · count + b is exact below 2^53: a number per pair, not a string.
  const seen = new Set<number>();
  const pairs: NearDuplicatePair[] = [];
  for (let row = 0; row < count; row++) {
    for (let j = row * table.k, end = j + table.k; j < end; j++) {
      const other = table.indices[j]!;
      const similarity = table.similarities[j]!;
      if (other < 0 || other === row || similarity < threshold) continue;
      if (rows.identities[other] === rows.identities[row] || rows.inputHashes[other] === rows.inputHashes[row]) continue;
      const a = Math.min(row, other);
      const b = Math.max(row, other);
      const key = a * count + b;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ a, b, similarity });
    }
  }
  pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);
  return { pairs: pairs.slice(0, max), total: pairs.length };
}
