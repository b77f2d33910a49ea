import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { thresholdMetrics } from '../../webview/analysis/threshold-metrics';
import { sklearnAtThresholds, sklearnMissing } from './sklearn';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'shared', 'fixtures');

test('threshold metrics equal scikit-learn on the breast-cancer predictions', { skip: sklearnMissing() }, () => {
  const preds = JSON.parse(readFileSync(path.join(FIXTURES, 'preds_bc_logreg.json'), 'utf8')) as { probability: number[]; y: number[] };
  const scores = preds.probability;
  // Thresholds on both sides of 0.5, one equal to a stored score (the >= boundary), and the extremes.
  const thresholds = [0, 0.1, 0.3, 0.5, scores[7]!, 0.7, 0.9, 0.999, 1];
  const reference = sklearnAtThresholds(scores, preds.y, thresholds);
  for (const expected of reference) {
    const actual = thresholdMetrics(scores, preds.y, expected.threshold);
    assert.deepEqual(actual.confusionMatrix, expected.confusion_matrix, `confusion matrix at ${expected.threshold}`);
    for (const key of ['precision', 'recall', 'f1', 'accuracy'] as const) {
      assert.ok(Math.abs(actual[key] - expected[key]) < 1e-12, `${key} at ${expected.threshold}: ${actual[key]} against scikit-learn's ${expected[key]}`);
    }
  }
});

test('threshold metrics leave out rows without a score or a truth, and read boolean truths', () => {
  const m = thresholdMetrics([0.9, null, 0.2, 0.6, 0.4], [1, 1, null, false, true], 0.5);
  assert.deepEqual(m.confusionMatrix, [
    [0, 1],
    [1, 1],
  ]);
  assert.equal(m.samples, 3);
  assert.equal(m.precision, 0.5);
  assert.equal(m.recall, 0.5);
});

test('with nothing predicted positive, precision and F1 are 0 (scikit-learn zero_division=0)', () => {
  const m = thresholdMetrics([0.1, 0.2], [1, 0], 0.9);
  assert.equal(m.precision, 0);
  assert.equal(m.f1, 0);
  assert.equal(m.accuracy, 0.5);
});
