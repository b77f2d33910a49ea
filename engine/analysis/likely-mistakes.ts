/**
 * Likely label mistakes by confident learning, as cleanlab's find_label_issues does with
 * filter_by='confident_learning': the threshold of class j is the mean probability of j
 * over the samples labeled j (how confident the model is when j is right). A sample counts
 * for class j when p(j) ≥ t_j; among the classes it counts for, the one with the highest
 * probability is its likely label, and a sample whose likely label is not its given label
 * is a likely mistake (cleanlab's off-diagonal of the confident joint).
 *
 * Ranked by self-confidence p(given), lowest first (cleanlab's default rank_by), ties by the
 * larger margin p(likely) − p(given), which `score` keeps. On the digits fixture with 5% of
 * its labels flipped, self-confidence puts 64 of the 90 flipped labels in the top 90, the
 * margin 60 (test/engine/analysis/flipped-labels.test.ts).
 */

export interface MistakeCandidate {
  row: number;
  givenLabel: number;
  likelyLabel: number;
  selfConfidence: number;
  score: number;
}

/**
 * @param probabilities row-major `rows × numClasses` class probabilities
 * @param truth the given label of each row, −1 for an unlabeled row
 * @param rows the rows to judge (labeled ones; each sample once)
 */
export function findLikelyMistakes(probabilities: Float32Array, numClasses: number, truth: Int32Array, rows: readonly number[]): MistakeCandidate[] {
  const thresholds = perClassThresholds(probabilities, numClasses, truth, rows);
  const mistakes: MistakeCandidate[] = [];
  for (const row of rows) {
    const given = truth[row]!;
    if (given < 0) continue;
    const offset = row * numClasses;
    let likely = -1;
    for (let c = 0; c < numClasses; c++) {
      const p = probabilities[offset + c]!;
      if (p >= thresholds[c]! && (likely < 0 || p > probabilities[offset + likely]!)) likely = c;
    }
    if (likely < 0 || likely === given) continue;
    const selfConfidence = probabilities[offset + given]!;
    mistakes.push({ row, givenLabel: given, likelyLabel: likely, selfConfidence, score: probabilities[offset + likely]! - selfConfidence });
  }
  return mistakes.sort((a, b) => a.selfConfidence - b.selfConfidence || b.score - a.score || a.row - b.row);
}

/** t_j: mean p(j) over the rows labeled j; +∞ for a class no row is labeled with (nothing can count for it). */
export function perClassThresholds(probabilities: Float32Array, numClasses: number, truth: Int32Array, rows: readonly number[]): Float64Array {
  const sums = new Float64Array(numClasses);
  const counts = new Float64Array(numClasses);
  for (const row of rows) {
    const given = truth[row]!;
    if (given < 0) continue;
    sums[given]! += probabilities[row * numClasses + given]!;
    counts[given]!++;
  }
  return sums.map((sum, c) => (counts[c]! > 0 ? sum / counts[c]! : Number.POSITIVE_INFINITY));
}
