/**
 * Label suggestions from the latent space: each sample's k nearest labeled neighbours vote
 * for their labels, the model's own prediction adds one vote, and the neighbours' recorded
 * losses and confidences, weighted by similarity, estimate how the model does on the sample
 * when its label is unknown.
 *
 * Ties (equal votes) go to the label whose neighbours have the larger summed similarity,
 * then to the model's prediction, then to the lower class index: closer neighbours are the
 * better evidence, and the model breaks what the neighbourhood cannot.
 */

/** The k nearest labeled neighbours of each row: row-major `rows × k`, index −1 where fewer exist. */
export interface NeighbourTable {
  k: number;
  indices: Int32Array;
  similarities: Float32Array;
}

/** What is known of every row (an embedding row: one sample) for one prediction output. */
export interface RowFacts {
  numClasses: number;
  /** True class, −1 for an unlabeled sample. */
  truth: Int32Array;
  /** The model's predicted class, −1 where it has none. */
  predicted: Int32Array;
  /** The model's probability of its predicted class, NaN where it has none. */
  confidence: Float64Array;
  /** The sample's loss (a recorded loss, else its cross-entropy), NaN where it has none. */
  loss: Float64Array;
}

export interface RowSuggestion {
  label: number;
  /** Share of the votes (neighbours found, plus the model) cast for `label`. */
  agreement: number;
  estimatedLoss: number | null;
  estimatedConfidence: number | null;
}

/** Per-class vote counts and summed similarities, reused across rows. */
export class Ballot {
  readonly votes: Float64Array;
  readonly similarity: Float64Array;

  constructor(numClasses: number) {
    this.votes = new Float64Array(numClasses);
    this.similarity = new Float64Array(numClasses);
  }

  /** Counts the neighbours' labels of `row`; returns how many neighbours were found. */
  countNeighbours(table: NeighbourTable, facts: RowFacts, row: number): number {
    this.votes.fill(0);
    this.similarity.fill(0);
    let found = 0;
    for (let j = row * table.k, end = j + table.k; j < end; j++) {
      const neighbour = table.indices[j]!;
      if (neighbour < 0) continue;
      const label = facts.truth[neighbour]!;
      if (label < 0) continue;
      this.votes[label]! += 1;
      this.similarity[label]! += table.similarities[j]!;
      found++;
    }
    return found;
  }

  /** The winning class: most votes, then most summed similarity, then `preferred`, then the lowest index; −1 when nobody voted. */
  winner(preferred: number): number {
    let best = -1;
    for (let c = 0; c < this.votes.length; c++) {
      if (this.votes[c] === 0) continue;
      if (best < 0 || this.beats(c, best, preferred)) best = c;
    }
    return best;
  }

  private beats(c: number, best: number, preferred: number): boolean {
    if (this.votes[c] !== this.votes[best]) return this.votes[c]! > this.votes[best]!;
    if (this.similarity[c] !== this.similarity[best]) return this.similarity[c]! > this.similarity[best]!;
    return c === preferred;
  }
}

/** The suggestion for one row; undefined when it has neither a labeled neighbour nor a prediction. */
export function suggestForRow(table: NeighbourTable, facts: RowFacts, row: number, ballot: Ballot): RowSuggestion | undefined {
  const found = ballot.countNeighbours(table, facts, row);
  const predicted = facts.predicted[row]!;
  if (predicted >= 0) ballot.votes[predicted]! += 1;
  const label = ballot.winner(predicted);
  if (label < 0) return undefined;
  return {
    label,
    agreement: ballot.votes[label]! / (found + (predicted >= 0 ? 1 : 0)),
    estimatedLoss: weightedMean(table, row, facts.loss),
    estimatedConfidence: weightedMean(table, row, facts.confidence),
  };
}

/** The neighbours' plain majority (no model vote), −1 without labeled neighbours: what suggestion accuracy scores. */
export function neighbourMajority(table: NeighbourTable, facts: RowFacts, row: number, ballot: Ballot): number {
  ballot.countNeighbours(table, facts, row);
  return ballot.winner(-1);
}

/** Accuracy of the neighbours' majority on labeled `rows`; null when none of them has a labeled neighbour. */
export function majorityAccuracy(table: NeighbourTable, facts: RowFacts, rows: Iterable<number>): { value: number; samples: number } | null {
  const ballot = new Ballot(facts.numClasses);
  let correct = 0;
  let samples = 0;
  for (const row of rows) {
    const truth = facts.truth[row]!;
    if (truth < 0) continue;
    const majority = neighbourMajority(table, facts, row, ballot);
    if (majority < 0) continue;
    samples++;
    if (majority === truth) correct++;
  }
  return samples === 0 ? null : { value: correct / samples, samples };
}

/**
 * Mean of a per-row value over the row's neighbours, weighted by similarity (negative
 * similarities count as 0: an opposite direction is no evidence; all-zero weights fall back
 * to the plain mean). Neighbours without the value are skipped; null when none has it.
 */
function weightedMean(table: NeighbourTable, row: number, values: Float64Array): number | null {
  let weighted = 0;
  let weights = 0;
  let plain = 0;
  let count = 0;
  for (let j = row * table.k, end = j + table.k; j < end; j++) {
    const neighbour = table.indices[j]!;
    if (neighbour < 0) continue;
    const value = values[neighbour]!;
    if (Number.isNaN(value)) continue;
    const weight = Math.max(table.similarities[j]!, 0);
    weighted += weight * value;
    weights += weight;
    plain += value;
    count++;
  }
  if (count === 0) return null;
  return weights > 0 ? weighted / weights : plain / count;
}
