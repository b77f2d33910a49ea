import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRun } from '../../../engine/analysis/analyze-run';
import { buildReportData } from '../../../engine/report/report-data';
import { RunStore } from '../../../engine/runs/run-store';
import { REPORT_GROUP_SAMPLES, reportDataSchema, type OutputReport, type ReportData } from '../../../shared/report-data';
import { MARKUP_NOTE } from '../../fixtures/report/bc-binary.integration';
import { binaryRun, digitsRun, largeDigitsRun, regressionRun, type RunFixture } from '../../helpers/report-fixtures';
import { reference } from '../metrics/reference-data';
import { reportReference } from './report-reference';

/** Reports of real runs (the CLI, onnxruntime) against scikit-learn's and numpy's numbers. */

async function reportOf(fixture: Promise<RunFixture>): Promise<ReportData> {
  const { storeDir, runId } = await fixture;
  const store = new RunStore(storeDir);
  // What the webview receives must pass its own validation.
  return reportDataSchema.parse(await buildReportData(store, store.read(runId)));
}

function output<T extends OutputReport['task']>(data: ReportData, benchmark: string, task: T): Extract<OutputReport, { task: T }> {
  const found = data.benchmarks.find((b) => b.name === benchmark)?.outputs.find((o) => o.task === task);
  assert.ok(found, `benchmark ${benchmark} has a ${task} output`);
  return found as Extract<OutputReport, { task: T }>;
}

function column(data: ReportData, benchmark: string, key: string): unknown[] {
  const table = data.benchmarks.find((b) => b.name === benchmark)!.table;
  const c = table.columns.findIndex((col) => col.key === key);
  assert.ok(c >= 0, `column ${key} among ${table.columns.map((col) => col.key).join(', ')}`);
  return table.values[c]!;
}

const close = (actual: number | null, expected: number, tolerance: number, what: string) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected} (±${tolerance})`);

test('digits: per-class scores and confusion matrix are scikit-learn\'s, curves match roc_auc_ovr_macro, the table holds every sample', async () => {
  const data = await reportOf(digitsRun());
  const ref = reference.digits_cnn as { confusion_matrix: number[][]; per_class: Record<string, { precision: number; recall: number; f1: number; support: number }>; roc_auc_ovr_macro: number };
  const logits = output(data, 'test', 'classification');
  assert.deepEqual(logits.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(logits.confusionMatrix, ref.confusion_matrix);
  for (const row of logits.perClass) {
    const expected = ref.per_class[row.label]!;
    assert.equal(row.support, expected.support);
    for (const m of ['precision', 'recall', 'f1'] as const) close(row[m], expected[m], 1e-9, `class ${row.label} ${m}`);
  }
  assert.equal(logits.roc.length, 10);
  close(logits.roc.reduce((s, c) => s + c.area!, 0) / 10, ref.roc_auc_ovr_macro, 1e-5, 'mean ROC AUC');
  for (const curve of [...logits.roc, ...logits.precisionRecall]) {
    assert.ok(curve.x.length <= 500 && curve.x.length === curve.y.length);
  }
  assert.deepEqual([logits.roc[0]!.x[0], logits.roc[0]!.y[0], logits.roc[0]!.x.at(-1), logits.roc[0]!.y.at(-1)], [0, 0, 1, 1]);

  const test = data.benchmarks.find((b) => b.name === 'test')!;
  assert.equal(test.table.rows, 540);
  assert.ok(test.table.values.every((v) => v.length === 540));
  const roles = Object.fromEntries(test.table.columns.map((c) => [c.key, c.role]));
  assert.deepEqual(
    { position: roles.position, index: roles.index, hash: roles.input_hash, predicted: roles['logits.predicted_class'], truth: roles['logits.true_class'], correct: roles['logits.correct'], confidence: roles['logits.probability'], ink: roles['metadata.ink.faint'], metric: roles['metric.confidence_margin'], loss: roles['loss.cross_entropy'] },
    { position: 'position', index: 'index', hash: 'inputHash', predicted: 'predicted', truth: 'truth', correct: 'correct', confidence: 'confidence', ink: 'metadata', metric: 'metric', loss: 'loss' },
  );
  assert.equal(column(data, 'test', 'logits.correct').filter((c) => c === true).length, Math.round(0.8518518518518519 * 540));
  assert.deepEqual(logits.columns, { predicted: 'logits.predicted_class', truth: 'logits.true_class', correct: 'logits.correct', confidence: 'logits.probability' });
  assert.equal(test.metrics.accuracy, test.overallScore);
  assert.ok('confidence_margin' in test.metrics && 'cross_entropy' in test.metrics, 'custom metrics and losses');

  assert.deepEqual(data.configuration.seeds, [{ benchmark: 'test', seed: null }, { benchmark: 'train-sample', seed: 7 }]);
  assert.deepEqual(data.configuration.executionProviders, { requested: ['cpu'], used: ['cpu'] });
  assert.equal(data.configuration.batchSize, 64);
  assert.match(data.configuration.integration, /digits\.integration\.ts$/);
  assert.ok(data.configuration.versions.evalens && data.configuration.versions['onnxruntime-node'], JSON.stringify(data.configuration.versions));
  assert.equal(data.gates.length, 3);
  assert.deepEqual(data.run.gates, { passed: 3, failed: 0 });
  assert.match(data.run.model.path, /digits_cnn\.onnx$/);
  assert.deepEqual(data.sampleErrors, []);
});

test('binary: confusion matrix, both classes, ROC AUC and average precision are scikit-learn\'s; markup in metadata stays text', async () => {
  const data = await reportOf(binaryRun());
  const ref = reference.bc_logreg as { confusion_matrix: number[][]; roc_auc: number; average_precision: number; threshold: number };
  const probability = output(data, 'test', 'binary');
  assert.deepEqual(probability.labels, ['malignant', 'benign']);
  assert.deepEqual(probability.confusionMatrix, ref.confusion_matrix);
  assert.equal(probability.threshold, ref.threshold);
  probability.perClass.forEach((row, c) => {
    const expected = reportReference.bc_logreg_per_class[c]!;
    assert.equal(row.support, expected.support);
    for (const m of ['precision', 'recall', 'f1'] as const) close(row[m], expected[m], 1e-12, `${row.label} ${m}`);
  });
  assert.equal(probability.roc.length, 1);
  assert.equal(probability.roc[0]!.label, 'benign');
  close(probability.roc[0]!.area, ref.roc_auc, 1e-5, 'ROC AUC');
  close(probability.precisionRecall[0]!.area, ref.average_precision, 1e-5, 'average precision');
  // onnxruntime's float32 probabilities order the samples as PyTorch's did: the same ROC points.
  assert.equal(probability.roc[0]!.x.length, reportReference.bc_logreg.roc.x.length);
  assert.equal(probability.columns.positiveProbability, 'probability.positive_probability');
  assert.deepEqual(data.run.gates, { passed: 1, failed: 1 });
  assert.equal(column(data, 'test', 'metadata.note')[0], MARKUP_NOTE);
});

test('regression: predicted against actual, and the residual histogram of numpy with the same edges', async () => {
  const data = await reportOf(regressionRun());
  const area = output(data, 'test', 'regression');
  assert.equal(area.predicted.length, 171);
  assert.equal(area.actual.length, 171);
  const expected = reportReference.residual_histogram;
  area.predicted.forEach((p, i) => close(p - area.actual[i]!, expected.residuals[i]!, 1e-6, `residual ${i}`));
  assert.equal(area.residualHistogram.edges.length, expected.edges.length);
  area.residualHistogram.edges.forEach((e, k) => close(e, expected.edges[k]!, 1e-6, `edge ${k}`));
  assert.deepEqual(area.residualHistogram.counts, expected.counts);
  assert.deepEqual(area.columns, { value: 'area', trueValue: 'area.true' });
  close(data.benchmarks[0]!.metrics.r2 ?? null, 0.45, 0.01, 'r2');
});

test('a large analysed run: every sample in the table, groups of equal inputs named in part and counted whole', { timeout: 600_000 }, async () => {
  // The test split repeated to 20,000 samples: 540 groups of equal inputs, 37 samples each. (Its build time is npm run bench's.)
  const { storeDir, runId } = await largeDigitsRun(20_000);
  const store = new RunStore(storeDir);
  const analysis = await analyzeRun(store, runId);
  const data = reportDataSchema.parse(await buildReportData(store, store.read(runId)));
  assert.equal(data.benchmarks[0]!.table.rows, 20_000);
  const groups = data.analysis!.exactDuplicates;
  assert.equal(groups.length, analysis.exactDuplicates.length);
  groups.forEach((group, g) => {
    const stored = analysis.exactDuplicates[g]!;
    assert.equal(group.total, stored.samples.length);
    assert.deepEqual(group.samples, stored.samples.slice(0, REPORT_GROUP_SAMPLES));
  });
  assert.ok(groups.some((group) => group.total > REPORT_GROUP_SAMPLES));
});
