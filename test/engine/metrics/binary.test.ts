import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinaryAccumulator, MetricError, type BinaryResult } from '../../../engine/metrics';
import { assertClose, assertResultsClose } from './assertions';
import { binaryPredictions, reference, shuffled } from './reference-data';

const TOLERANCE = 1e-9;
const binaryReference = reference.bc_logreg;

function binaryResult(order: readonly number[] = binaryPredictions.y.map((_, i) => i), threshold?: number): BinaryResult {
  const accumulator = new BinaryAccumulator(threshold === undefined ? {} : { threshold });
  for (const i of order) accumulator.add(binaryPredictions.probability[i]!, binaryPredictions.y[i]!);
  return accumulator.result();
}

describe('BinaryAccumulator on the breast-cancer logistic regression reference (scikit-learn 1.2)', () => {
  const result = binaryResult();

  for (const [name, expected] of Object.entries(binaryReference)) {
    it(`matches ${name}`, () => {
      const actual = (result as unknown as Record<string, unknown>)[name];
      if (name === 'confusion_matrix') assert.deepEqual(actual, expected);
      else assertClose(actual, expected as number, TOLERANCE, name);
    });
  }

  it('reproduces best_f1 when best_f1_threshold is used as the threshold (positive when p >= threshold)', () => {
    const atBest = binaryResult(undefined, result.best_f1_threshold!);
    assert.equal(atBest.f1, result.best_f1);
    // Just above it, the sample scored exactly at the threshold turns negative.
    const above = binaryResult(undefined, result.best_f1_threshold! + 1e-12);
    assert.notEqual(above.confusion_matrix[1][1] + above.confusion_matrix[0][1], atBest.confusion_matrix[1][1] + atBest.confusion_matrix[0][1]);
  });

  it('returns plain JSON without warnings', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
    assert.deepEqual(result.warnings, []);
  });

  it('gives the same results whatever order the samples come in', () => {
    for (const seed of [7, 8, 9]) {
      assertResultsClose(binaryResult(shuffled(binaryPredictions.y.map((_, i) => i), seed)), result, 1e-12, `seed ${seed}`);
    }
  });

  it('treats probabilities as float32 on request (scikit-learn computes 1 - p in the input dtype)', () => {
    const accumulator = new BinaryAccumulator({ dtype: 'float32' });
    binaryPredictions.probability.forEach((p, i) => accumulator.add(p, binaryPredictions.y[i]!));
    const float32 = accumulator.result();
    // The reference used float64: the float32 1 - p moves log_loss in the tenth digit.
    const difference = Math.abs(float32.log_loss - (binaryReference.log_loss as number));
    assert.ok(difference > 0 && difference < 1e-9, `difference ${difference}`);
    assert.equal(float32.roc_auc, result.roc_auc);
  });
});

describe('BinaryAccumulator edge cases', () => {
  it('counts a probability equal to the threshold as positive', () => {
    const accumulator = new BinaryAccumulator({ threshold: 0.5 });
    accumulator.add(0.5, 1);
    accumulator.add(0.5, 0);
    accumulator.add(0.2, 0);
    const result = accumulator.result();
    assert.deepEqual(result.confusion_matrix, [
      [1, 1],
      [0, 1],
    ]);
    assert.equal(result.precision, 0.5);
    assert.equal(result.recall, 1);
    assertClose(result.f1, 2 / 3, 1e-15, 'f1');
  });

  it('with only negatives: threshold-free metrics are null and precision, recall, F1 are 0', () => {
    const accumulator = new BinaryAccumulator();
    accumulator.add(0.9, 0);
    accumulator.add(0.1, 0);
    const result = accumulator.result();
    assert.equal(result.accuracy, 0.5);
    assert.deepEqual([result.precision, result.recall, result.f1], [0, 0, 0]);
    assert.deepEqual([result.roc_auc, result.average_precision, result.best_f1, result.best_f1_threshold], [null, null, null, null]);
    assert.ok(result.warnings[0]?.startsWith('No sample has label 1'));
  });

  it('with only positives: ROC AUC is null, average precision is 1', () => {
    const accumulator = new BinaryAccumulator();
    accumulator.add(0.9, 1);
    accumulator.add(0.3, 1);
    const result = accumulator.result();
    assert.equal(result.roc_auc, null);
    assert.equal(result.average_precision, 1);
    assert.equal(result.best_f1, 1);
    assert.equal(result.best_f1_threshold, 0.3);
    assert.ok(result.warnings[0]?.startsWith('No sample has label 0'));
  });

  it('clips probabilities of exactly 0 and 1 in log_loss', () => {
    const accumulator = new BinaryAccumulator();
    accumulator.add(0, 1);
    accumulator.add(1, 1);
    const logLoss = accumulator.result().log_loss;
    assertClose(logLoss, -(Math.log(Number.EPSILON) + Math.log(1 - Number.EPSILON)) / 2, 1e-12, 'log_loss');
  });

  it('throws a clear error when empty', () => {
    assert.throws(
      () => new BinaryAccumulator().result(),
      (error: unknown) => error instanceof MetricError && error.code === 'empty' && /binary classification/.test(error.message),
    );
  });

  it('rejects malformed samples', () => {
    const accumulator = new BinaryAccumulator();
    const invalid = (pattern: RegExp) => (error: unknown) => error instanceof MetricError && error.code === 'invalid-input' && pattern.test(error.message);
    assert.throws(() => accumulator.add(0.5, 2 as 0 | 1), invalid(/Sample 0: a binary label must be 0 or 1; got 2/));
    assert.throws(() => accumulator.add(1.7, 1), invalid(/sigmoid/));
    assert.throws(() => accumulator.add(Number.NaN, 1), invalid(/got NaN/));
    assert.throws(() => new BinaryAccumulator({ threshold: Number.NaN }), invalid(/threshold/));
    assert.equal(accumulator.count, 0);
  });
});
