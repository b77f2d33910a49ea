import { emptyAccumulatorError, MetricError } from './errors';
import { CompensatedSum } from './float';

const MAX_ORDER = 4;
/** nltk's stand-in for a zero precision without smoothing, `sys.float_info.min`. */
const SMALLEST_NORMAL = 2.2250738585072014e-308;
/** nltk `SmoothingFunction().method1`'s default epsilon. */
const METHOD1_EPSILON = 0.1;

/** Python's `str.split()`: runs of whitespace separate tokens, none empty. */
export function whitespaceTokenize(text: string): string[] {
  return text.split(/\s+/).filter((token) => token.length > 0);
}

export interface TextResult {
  n: number;
  /** nltk 3.8 `corpus_bleu`, BLEU-4 with uniform weights, no smoothing. */
  corpus_bleu4: number;
  /** The same with `SmoothingFunction().method1` (0.1 added to zero n-gram matches). */
  corpus_bleu4_smoothing_method1: number;
  /** Clipped n-gram matches over hypothesis n-grams, corpus-wide, for n = 1..4. */
  bleu_precisions: number[];
  brevity_penalty: number;
  hypothesis_length: number;
  /** Sum over hypotheses of the closest reference length (the shorter one on a tie). */
  reference_length: number;
  /** Share of hypotheses whose tokens equal those of one of their references. */
  exact_match: number;
}

/**
 * Text generation metrics over a stream of (hypothesis, references) samples, already
 * tokenized by the caller. Only corpus totals are kept: constant memory.
 */
export class TextAccumulator {
  private n = 0;
  private exactMatches = 0;
  private hypothesisLength = 0;
  private referenceLength = 0;
  private readonly matches = new Array<number>(MAX_ORDER).fill(0);
  private readonly totals = new Array<number>(MAX_ORDER).fill(0);

  get count(): number {
    return this.n;
  }

  add(hypothesis: readonly string[], references: readonly (readonly string[])[]): void {
    if (references.length === 0) {
      throw new MetricError('invalid-input', `Sample ${this.n}: a hypothesis needs at least one reference.`);
    }
    for (let order = 1; order <= MAX_ORDER; order++) {
      const hypothesisCounts = ngramCounts(hypothesis, order);
      const maxReferenceCounts = new Map<string, number>();
      for (const reference of references) {
        for (const [ngram, count] of ngramCounts(reference, order)) {
          maxReferenceCounts.set(ngram, Math.max(count, maxReferenceCounts.get(ngram) ?? 0));
        }
      }
      let clipped = 0;
      let total = 0;
      for (const [ngram, count] of hypothesisCounts) {
        clipped += Math.min(count, maxReferenceCounts.get(ngram) ?? 0);
        total += count;
      }
      this.matches[order - 1]! += clipped;
      // nltk's modified_precision never returns a zero denominator, even without n-grams.
      this.totals[order - 1]! += Math.max(1, total);
    }
    this.hypothesisLength += hypothesis.length;
    this.referenceLength += closestReferenceLength(references, hypothesis.length);
    if (references.some((reference) => sameTokens(reference, hypothesis))) this.exactMatches++;
    this.n++;
  }

  result(): TextResult {
    if (this.n === 0) throw emptyAccumulatorError('text');
    const brevityPenalty = this.brevityPenalty();
    return {
      n: this.n,
      corpus_bleu4: this.bleu(brevityPenalty, (matches) => (matches === 0 ? SMALLEST_NORMAL : null)),
      corpus_bleu4_smoothing_method1: this.bleu(brevityPenalty, (matches, total) =>
        matches === 0 ? (matches + METHOD1_EPSILON) / total : null,
      ),
      bleu_precisions: this.matches.map((matches, k) => matches / this.totals[k]!),
      brevity_penalty: brevityPenalty,
      hypothesis_length: this.hypothesisLength,
      reference_length: this.referenceLength,
      exact_match: this.exactMatches / this.n,
    };
  }

  /** `smooth` returns the precision to use in place of matches/total, or null to keep it. */
  private bleu(brevityPenalty: number, smooth: (matches: number, total: number) => number | null): number {
    // nltk returns 0 outright without a single unigram match, smoothing or not.
    if (this.matches[0] === 0) return 0;
    const logSum = new CompensatedSum();
    for (let k = 0; k < MAX_ORDER; k++) {
      const matches = this.matches[k]!;
      const total = this.totals[k]!;
      const precision = smooth(matches, total) ?? matches / total;
      logSum.add((1 / MAX_ORDER) * Math.log(precision));
    }
    return brevityPenalty * Math.exp(logSum.value);
  }

  private brevityPenalty(): number {
    const c = this.hypothesisLength;
    const r = this.referenceLength;
    if (c > r) return 1;
    if (c === 0) return 0;
    return Math.exp(1 - r / c);
  }
}

function ngramCounts(tokens: readonly string[], order: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + order <= tokens.length; i++) {
    // JSON keeps n-grams distinct whatever characters the tokens contain.
    const key = JSON.stringify(tokens.slice(i, i + order));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function closestReferenceLength(references: readonly (readonly string[])[], hypothesisLength: number): number {
  let best = references[0]!.length;
  for (const reference of references) {
    const length = reference.length;
    const distance = Math.abs(length - hypothesisLength);
    const bestDistance = Math.abs(best - hypothesisLength);
    if (distance < bestDistance || (distance === bestDistance && length < best)) best = length;
  }
  return best;
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((token, i) => token === b[i]);
}
