import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CV_METRICS, type CvMetric } from '../../../shared/cross-validation-types';
import { crossValidate } from '../../../engine/analysis/cross-validation';
import { digitsEmbeddings } from './digits-embeddings';

/** scikit-learn's 5-fold cross-validation of the same head, row i held out by fold i % 5 (make_logistic_regression_reference.py). */
const reference = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/reference/logistic_regression_reference.json'), 'utf8')) as {
    cross_validation: { k: number; folds: Record<CvMetric, number[]>; mean: Record<CvMetric, number>; std: Record<CvMetric, number>; confusion_matrix: number[][] };
  }
).cross_validation;

test("every number of a cross-validation equals scikit-learn's: per-fold metrics, mean, population std (to 1e-6), the pooled confusion matrix", () => {
  const { data, rows, dim, labels } = digitsEmbeddings();
  const k = reference.k;
  const seen: number[] = [];
  const result = crossValidate({
    features: data,
    rows,
    dim,
    labels,
    numClasses: 10,
    foldOf: Int32Array.from({ length: rows }, (_, i) => i % k),
    k,
    sampleIndices: Array.from({ length: rows }, (_, i) => i),
    onFold: (fold) => seen.push(fold.fold),
  });
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  for (const m of CV_METRICS) {
    result.folds.forEach((fold, f) => assert.ok(Math.abs(fold.metrics[m] - reference.folds[m][f]!) <= 1e-6, `${m}, fold ${f}: ${fold.metrics[m]} vs ${reference.folds[m][f]}`));
    assert.ok(Math.abs(result.summary[m].mean - reference.mean[m]) <= 1e-6, `${m} mean`);
    assert.ok(Math.abs(result.summary[m].std - reference.std[m]) <= 1e-6, `${m} std: ${result.summary[m].std} vs ${reference.std[m]}`);
    assert.equal(result.summary[m].min, Math.min(...result.folds.map((f) => f.metrics[m])));
  }
  assert.deepEqual(result.confusionMatrix, reference.confusion_matrix);
  for (const fold of result.folds) {
    assert.equal(fold.testSize, 108);
    assert.equal(fold.trainSize, 432);
    assert.deepEqual(fold.testIndices, Array.from({ length: 108 }, (_, i) => i * k + fold.fold));
    assert.ok(fold.converged);
  }
});
