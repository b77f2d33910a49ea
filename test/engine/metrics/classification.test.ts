import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricError, MulticlassAccumulator, softmax, type MulticlassResult } from '../../../engine/metrics';
import { assertClose, assertResultsClose } from './assertions';
import { digitsPredictions, reference, shuffled } from './reference-data';

const TOLERANCE = 1e-9;
const digitsReference = reference.digits_cnn;
/** Metrics of digits_cnn that belong to the analysis (embeddings), not to these accumulators. */
const NOT_METRICS = new Set(['cross_validation_logreg_5fold', 'knn5_cosine_label_suggestion_accuracy']);

/** The reference was computed by scikit-learn on PyTorch's float32 array, so rows go in as Float32Array. */
function digitsResult(order: readonly number[] = digitsPredictions.y.map((_, i) => i)): MulticlassResult {
  const accumulator = new MulticlassAccumulator({ numClasses: 10 });
  for (const i of order) accumulator.add(Float32Array.from(digitsPredictions.probabilities[i]!), digitsPredictions.y[i]!);
  return accumulator.result();
}

describe('MulticlassAccumulator on the digits CNN reference (scikit-learn 1.2)', () => {
  const result = digitsResult();

  for (const [name, expected] of Object.entries(digitsReference)) {
    if (NOT_METRICS.has(name)) continue;
    it(`matches ${name}`, () => {
      const actual = (result as unknown as Record<string, unknown>)[name];
      if (name === 'confusion_matrix') assert.deepEqual(actual, expected);
      else if (typeof expected === 'number') assertClose(actual, expected, TOLERANCE, name);
      else assertResultsClose(actual, expected, TOLERANCE, name);
    });
  }

  it('reports every top-k accuracy up to k = 5 and the macro average precision', () => {
    for (const k of [2, 3, 4, 5]) assert.equal(typeof result[`top_${k}_accuracy`], 'number');
    assert.equal(result.top_6_accuracy, undefined);
    assert.ok(result.top_5_accuracy! >= result.top_4_accuracy! && result.top_4_accuracy! >= result.top_3_accuracy!);
    assert.ok(result.average_precision_macro !== null && result.average_precision_macro > 0.9);
    assert.deepEqual(result.warnings, []);
  });

  it('returns plain JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  });

  it('gives the same results whatever order the samples come in', () => {
    for (const seed of [1, 2, 3]) {
      const order = shuffled(digitsPredictions.y.map((_, i) => i), seed);
      const { mean_cross_entropy: shuffledCrossEntropy, ...rest } = digitsResult(order);
      const { mean_cross_entropy: crossEntropy, ...expected } = result;
      assertResultsClose(rest, expected, 1e-12, `seed ${seed}`);
      // A float32 mean depends on the summation order, by about one float32 unit (3e-8 here).
      assertClose(shuffledCrossEntropy, crossEntropy!, 1e-7, 'mean_cross_entropy');
    }
  });

  it('treats plain-number rows as float64, and a dtype option restores the float32 semantics', () => {
    const float64 = new MulticlassAccumulator({ numClasses: 10 });
    const float32 = new MulticlassAccumulator({ numClasses: 10, dtype: 'float32' });
    digitsPredictions.probabilities.forEach((row, i) => {
      float64.add(row, digitsPredictions.y[i]!);
      float32.add(row, digitsPredictions.y[i]!);
    });
    const expected = digitsReference.log_loss as number;
    // float64 clipping (eps 2.2e-16) leaves the tiny probabilities alone; float32 clipping (eps 1.2e-7) does not.
    const difference = Math.abs(float64.result().log_loss - expected);
    assert.ok(difference > 1e-9 && difference < 1e-6, `float64 log_loss differs by ${difference}`);
    assertClose(float32.result().log_loss, expected, TOLERANCE, 'log_loss');
    assertClose(float32.result().mean_cross_entropy, digitsReference.mean_cross_entropy as number, TOLERANCE, 'mean_cross_entropy');
  });
});

describe('MulticlassAccumulator edge cases', () => {
  it('scores a class that never appears as scikit-learn does with labels 0..C-1 given', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 3 });
    accumulator.add([0.7, 0.2, 0.1], 0);
    accumulator.add([0.2, 0.5, 0.3], 1);
    accumulator.add([0.1, 0.3, 0.6], 1); // predicted 2, never a true label
    accumulator.add([0.6, 0.3, 0.1], 0);
    const result = accumulator.result();
    assert.deepEqual(result.confusion_matrix, [
      [2, 0, 0],
      [0, 1, 1],
      [0, 0, 0],
    ]);
    assert.deepEqual(result.per_class['2'], { precision: 0, recall: 0, f1: 0, support: 0 });
    assert.deepEqual(result.per_class['1'], { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    assert.equal(result.accuracy, 0.75);
    assertClose(result.precision_macro, (1 + 1 + 0) / 3, 1e-15, 'precision_macro');
    assertClose(result.recall_macro, (1 + 0.5 + 0) / 3, 1e-15, 'recall_macro');
    assertClose(result.f1_macro, (1 + 2 / 3 + 0) / 3, 1e-15, 'f1_macro');
    assertClose(result.recall_weighted, (2 * 1 + 2 * 0.5) / 4, 1e-15, 'recall_weighted');
    assertClose(result.log_loss, -(Math.log(0.7) + Math.log(0.5) + Math.log(0.3) + Math.log(0.6)) / 4, 1e-15, 'log_loss');
    assert.equal(result.roc_auc_ovr_macro, null);
    assert.equal(result.average_precision_macro, null);
    assert.ok(result.warnings.some((w) => w.includes('Class 2 never appears')));
    assert.ok(result.warnings.some((w) => w.startsWith('roc_auc_ovr_macro is undefined')));
  });

  it('handles a single class present', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 3 });
    accumulator.add([0.8, 0.1, 0.1], 0);
    accumulator.add([0.3, 0.6, 0.1], 0);
    const result = accumulator.result();
    assert.equal(result.accuracy, 0.5);
    assert.deepEqual(result.per_class['0'], { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    assert.deepEqual(result.per_class['1'], { precision: 0, recall: 0, f1: 0, support: 0 });
    assert.equal(result.roc_auc_ovr_macro, null);
    assert.equal(result.average_precision_macro, null);
  });

  it('breaks top-k ties as top_k_accuracy_score does: the higher class index ranks first', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 3 });
    accumulator.add([0.4, 0.3, 0.3], 1); // class 2 ties with 1 and ranks ahead: not in the top 2
    accumulator.add([0.4, 0.3, 0.3], 2);
    assert.equal(accumulator.result().top_2_accuracy, 0.5);
  });

  it('predicts the first class of a tied maximum, as numpy argmax', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 2 });
    accumulator.add([0.5, 0.5], 0);
    const result = accumulator.result();
    assert.equal(result.accuracy, 1);
    assert.equal(Object.keys(result).some((key) => key.startsWith('top_')), false);
  });

  it('warns when rows do not sum to 1, and returns null for an infinite cross-entropy', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 2 });
    accumulator.add([0.9, 0.9], 0);
    accumulator.add([1, 0], 1);
    const result = accumulator.result();
    assert.equal(result.mean_cross_entropy, null);
    assert.ok(Number.isFinite(result.log_loss));
    assert.ok(result.warnings.some((w) => w.includes('do not sum to 1')));
    assert.ok(result.warnings.some((w) => w.startsWith('mean_cross_entropy is infinite')));
  });

  it('can skip the ranking metrics and their per-sample storage', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 2, ranking: false });
    accumulator.add([0.8, 0.2], 0);
    accumulator.add([0.3, 0.7], 1);
    const result = accumulator.result();
    assert.equal(result.roc_auc_ovr_macro, null);
    assert.equal(result.accuracy, 1);
    assert.ok(result.warnings.some((w) => w.includes('turned off')));
  });

  it('throws a clear error when empty', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 3 });
    assert.throws(() => accumulator.result(), (error: unknown) => error instanceof MetricError && error.code === 'empty' && /No samples/.test(error.message));
  });

  it('rejects malformed samples, naming the sample', () => {
    const accumulator = new MulticlassAccumulator({ numClasses: 3 });
    accumulator.add([0.2, 0.3, 0.5], 2);
    const invalid = (pattern: RegExp) => (error: unknown) => error instanceof MetricError && error.code === 'invalid-input' && pattern.test(error.message);
    assert.throws(() => accumulator.add([0.5, 0.5], 0), invalid(/Sample 1: expected 3 class probabilities, got 2/));
    assert.throws(() => accumulator.add([0.2, 0.3, 0.5], 3), invalid(/label must be an integer class index from 0 to 2/));
    assert.throws(() => accumulator.add([0.2, 0.3, 0.5], 1.5), invalid(/got 1\.5/));
    assert.throws(() => accumulator.add([0.2, Number.NaN, 0.5], 1), invalid(/class 1 has probability NaN/));
    assert.throws(() => accumulator.add([2.1, -0.3, 0.5], 1), invalid(/softmax/));
    assert.throws(() => new MulticlassAccumulator({ numClasses: 1 }), invalid(/at least 2/));
    assert.equal(accumulator.count, 1);
  });
});

describe('softmax', () => {
  it('matches the textbook formula and sums to 1', () => {
    const logits = [1.5, -0.25, 3, 0];
    const exps = logits.map(Math.exp);
    const total = exps.reduce((a, b) => a + b, 0);
    const probabilities = softmax(logits);
    probabilities.forEach((p, j) => assertClose(p, exps[j]! / total, 1e-15, `class ${j}`));
    assertClose(probabilities.reduce((a, b) => a + b, 0), 1, 1e-15, 'sum');
  });

  it('does not overflow on large logits', () => {
    const probabilities = softmax(Float32Array.of(1000, 1000, 999));
    assert.ok(probabilities.every(Number.isFinite));
    assertClose(probabilities[0], 1 / (2 + Math.exp(-1)), 1e-15, 'class 0');
  });
});
