import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricError, TextAccumulator, whitespaceTokenize } from '../../../engine/metrics';
import { assertClose, assertResultsClose } from './assertions';
import { bleuPairs, reference, shuffled } from './reference-data';

const bleuReference = reference.bleu;

function corpusResult(pairs = bleuPairs) {
  const accumulator = new TextAccumulator();
  for (const { hypothesis, reference } of pairs) accumulator.add(whitespaceTokenize(hypothesis), [whitespaceTokenize(reference)]);
  return accumulator.result();
}

describe('TextAccumulator on the nltk 3.8 reference', () => {
  const result = corpusResult();

  it('matches corpus_bleu4', () => assertClose(result.corpus_bleu4, bleuReference.corpus_bleu4 as number, 1e-9, 'corpus_bleu4'));

  it('matches corpus_bleu4_smoothing_method1', () =>
    assertClose(result.corpus_bleu4_smoothing_method1, bleuReference.corpus_bleu4_smoothing_method1 as number, 1e-9, 'method1'));

  it('uses the reference weights', () => assert.deepEqual(bleuReference.weights, [0.25, 0.25, 0.25, 0.25]));

  it('is the same whatever order the pairs come in', () => {
    assertResultsClose(corpusResult(shuffled(bleuPairs, 5)), result, 1e-12, 'shuffled');
  });

  it('reports exact matches over the corpus', () => {
    const exact = bleuPairs.filter((p) => whitespaceTokenize(p.hypothesis).join(' ') === whitespaceTokenize(p.reference).join(' ')).length;
    assert.equal(result.exact_match, exact / bleuPairs.length);
  });
});

describe('TextAccumulator, BLEU semantics', () => {
  // nltk's corpus_bleu docstring example: several references for one hypothesis.
  const hyp1 = 'It is a guide to action which ensures that the military always obeys the commands of the party'.split(' ');
  const ref1a = 'It is a guide to action that ensures that the military will forever heed Party commands'.split(' ');
  const ref1b = 'It is the guiding principle which guarantees the military forces always being under the command of the Party'.split(' ');
  const ref1c = 'It is the practical guide for the army always to heed the directions of the party'.split(' ');
  const hyp2 = 'he read the book because he was interested in world history'.split(' ');
  const ref2a = 'he was interested in world history because he read the book'.split(' ');

  it('supports several references per hypothesis (nltk docstring values)', () => {
    const corpus = new TextAccumulator();
    corpus.add(hyp1, [ref1a, ref1b, ref1c]);
    corpus.add(hyp2, [ref2a]);
    assertClose(corpus.result().corpus_bleu4, 0.5920778868801042, 1e-12, 'corpus');
    const sentence = new TextAccumulator();
    sentence.add(hyp1, [ref1a, ref1b, ref1c]);
    assert.equal(sentence.result().corpus_bleu4.toFixed(4), '0.5046');
  });

  it('smooths zero n-gram matches with method1 (0.1 over the n-gram count) and not otherwise', () => {
    const accumulator = new TextAccumulator();
    accumulator.add(['a', 'b', 'c', 'd'], [['a', 'b', 'x', 'd', 'y']]);
    const result = accumulator.result();
    // Matches: unigrams 3/4, bigrams 1/3, trigrams 0/2, 4-grams 0/1; closest reference length 5.
    assert.deepEqual(result.bleu_precisions, [3 / 4, 1 / 3, 0, 0]);
    const brevityPenalty = Math.exp(1 - 5 / 4);
    assertClose(result.brevity_penalty, brevityPenalty, 1e-15, 'brevity_penalty');
    const geometricMean = (precisions: number[]) => Math.exp(precisions.reduce((sum, p) => sum + 0.25 * Math.log(p), 0));
    assertClose(result.corpus_bleu4_smoothing_method1, brevityPenalty * geometricMean([3 / 4, 1 / 3, 0.1 / 2, 0.1 / 1]), 1e-15, 'method1');
    // nltk replaces a zero precision by sys.float_info.min: tiny, not zero.
    const smallestNormal = 2.2250738585072014e-308;
    assertClose(result.corpus_bleu4, brevityPenalty * geometricMean([3 / 4, 1 / 3, smallestNormal, smallestNormal]), 1e-300, 'unsmoothed');
    assert.ok(result.corpus_bleu4 > 0 && result.corpus_bleu4 < 1e-100);
  });

  it('is 0 without a single unigram match, smoothing or not', () => {
    const accumulator = new TextAccumulator();
    accumulator.add(['x', 'y'], [['a', 'b']]);
    const result = accumulator.result();
    assert.equal(result.corpus_bleu4, 0);
    assert.equal(result.corpus_bleu4_smoothing_method1, 0);
  });

  it('clips counts to the most any one reference has, and takes the shorter reference on a length tie', () => {
    const accumulator = new TextAccumulator();
    accumulator.add(['the', 'the', 'the', 'the'], [['the', 'cat', 'the'], ['the', 'dog', 'on', 'a', 'mat']]);
    const result = accumulator.result();
    assert.equal(result.bleu_precisions[0], 2 / 4);
    assert.equal(result.reference_length, 3);
    assert.equal(result.brevity_penalty, 1);
  });

  it('counts an empty hypothesis with denominator 1 at every order, as nltk does', () => {
    const accumulator = new TextAccumulator();
    accumulator.add(['a', 'b', 'c', 'd'], [['a', 'b', 'c', 'd']]);
    accumulator.add([], [['a']]);
    const result = accumulator.result();
    assert.deepEqual(result.bleu_precisions, [4 / 5, 3 / 4, 2 / 3, 1 / 2]);
    assert.equal(result.hypothesis_length, 4);
    assert.equal(result.reference_length, 5);
    assert.equal(result.exact_match, 0.5);
  });

  it('keeps n-grams distinct whatever characters tokens contain', () => {
    const accumulator = new TextAccumulator();
    accumulator.add(['a b', 'c'], [['a', 'b c']]);
    assert.equal(accumulator.result().bleu_precisions[0], 0);
  });

  it('throws a clear error when empty or without references', () => {
    assert.throws(() => new TextAccumulator().result(), (error: unknown) => error instanceof MetricError && error.code === 'empty');
    assert.throws(
      () => new TextAccumulator().add(['a'], []),
      (error: unknown) => error instanceof MetricError && error.code === 'invalid-input' && /at least one reference/.test(error.message),
    );
  });
});

describe('whitespaceTokenize', () => {
  it('splits like Python str.split()', () => {
    assert.deepEqual(whitespaceTokenize('  The cat\tsat\n on  '), ['The', 'cat', 'sat', 'on']);
    assert.deepEqual(whitespaceTokenize('   '), []);
  });
});
