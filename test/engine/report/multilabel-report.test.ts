import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildReportData } from '../../../engine/report/report-data';
import { exportRun } from '../../../engine/report/export-run';
import { inferPredictionOutputs } from '../../../engine/report/prediction-outputs';
import { RunStore } from '../../../engine/runs/run-store';
import { csvObjects } from '../../helpers/csv-parse';
import { MULTILABEL_REFERENCE, multilabelRun } from '../../helpers/multilabel-workspace';

/**
 * A multilabel run's report data and exports (the run of test/helpers/multilabel-workspace.ts,
 * evaluated through onnxruntime): per-label rows, results and predictions agree with
 * scikit-learn's reference (make_multilabel_reference.py) at the binding's thresholds.
 */

interface Reference {
  labels: string[];
  scores: number[][];
  y: number[][];
  cases: { per_label_thresholds: { thresholds: number[]; metrics: Record<string, number> & { per_label: Record<string, number>[] } } };
}
const reference = JSON.parse(readFileSync(MULTILABEL_REFERENCE, 'utf8')) as Reference;
const { thresholds, metrics } = reference.cases.per_label_thresholds;
const predictedAt = (scores: number[]) => reference.labels.filter((_, j) => scores[j]! >= thresholds[j]!).join('|');

test('report data: a per-label row for each label, as scikit-learn reports it at its threshold', async () => {
  const { storeDir, runId } = await multilabelRun();
  const store = new RunStore(storeDir);
  const data = await buildReportData(store, store.read(runId));
  const output = data.benchmarks[0]!.outputs[0]!;
  assert.equal(output.task, 'multilabel');
  if (output.task !== 'multilabel') return;
  assert.deepEqual(output.labels, reference.labels);
  assert.deepEqual(output.columns, { predicted: 'topics.predicted_classes', truth: 'topics.true_classes', correct: 'topics.correct' });
  // The exact matches are the samples subset_accuracy counts.
  const correct = data.benchmarks[0]!.table.values[data.benchmarks[0]!.table.columns.findIndex((c) => c.key === 'topics.correct')]!;
  assert.equal(correct.filter((c) => c === true).length, Math.round(metrics.subset_accuracy! * reference.scores.length));
  output.perLabel.forEach((row, j) => {
    const expected = metrics.per_label[j]!;
    assert.equal(row.label, reference.labels[j]);
    assert.equal(row.threshold, thresholds[j]);
    assert.equal(row.support, expected.support);
    for (const [key, ours] of [['precision', row.precision], ['recall', row.recall], ['f1', row.f1], ['average_precision', row.averagePrecision], ['roc_auc', row.rocAuc]] as const) {
      assert.ok(Math.abs(ours! - expected[key]!) <= 1e-5, `${row.label} ${key}: ${ours} vs ${expected[key]}`);
    }
  });
  // A curve per label, its area the label's ROC AUC and average precision.
  assert.deepEqual(output.roc.map((c) => c.label), reference.labels);
  output.roc.forEach((curve, j) => assert.ok(Math.abs(curve.area! - metrics.per_label[j]!.roc_auc!) <= 1e-5, `${curve.label} ROC AUC ${curve.area}`));
  output.precisionRecall.forEach((curve, j) => assert.ok(Math.abs(curve.area! - metrics.per_label[j]!.average_precision!) <= 1e-5, `${curve.label} AP ${curve.area}`));
  assert.deepEqual([output.roc[0]!.x[0], output.roc[0]!.y[0], output.roc[0]!.x.at(-1), output.roc[0]!.y.at(-1)], [0, 0, 1, 1]);
  assert.equal(data.benchmarks[0]!.overallScore, data.benchmarks[0]!.metrics.f1_micro);
});

test('exports: every multilabel metric in summary.csv and benchmarks/test.json, predictions at each label\'s threshold', async () => {
  const { storeDir, runId } = await multilabelRun();
  const store = new RunStore(storeDir);
  const manifest = store.read(runId);
  const outDir = mkdtempSync(path.join(tmpdir(), 'evalens-multilabel-export-'));
  const report = await exportRun(store, manifest, store.readResults(runId), { outDir, formats: ['csv', 'json'] });
  assert.deepEqual(report.predictionOutputs.outputs, [{ name: 'topics', task: 'multilabel', labels: reference.labels, groundTruth: 'topics', activation: 'probabilities', threshold: thresholds }]);

  const [summary] = csvObjects(readFileSync(path.join(outDir, 'summary.csv'), 'utf8'));
  for (const metric of ['subset_accuracy', 'hamming_loss', 'f1_micro', 'f1_samples', 'precision_weighted', 'average_precision_micro', 'roc_auc_macro']) {
    assert.ok(Math.abs(Number(summary![metric]) - metrics[metric]!) <= 1e-5, `${metric}: ${summary![metric]} vs ${metrics[metric]}`);
  }
  const details = JSON.parse(readFileSync(path.join(outDir, 'benchmarks', 'test.json'), 'utf8')) as { labels: Record<string, string[]>; outputs: { topics: { per_label: Record<string, { support: number }>; thresholds: number[] } } };
  assert.deepEqual(details.labels, { topics: reference.labels });
  assert.deepEqual(details.outputs.topics.thresholds, thresholds);
  assert.deepEqual(Object.values(details.outputs.topics.per_label).map((l) => l.support), metrics.per_label.map((l) => l.support));

  const rows = csvObjects(readFileSync(path.join(outDir, 'predictions.csv'), 'utf8'));
  assert.equal(rows.length, reference.scores.length);
  for (const row of rows) {
    const index = Number(row.index);
    assert.equal(row['topics.predicted_labels'], predictedAt(reference.scores[index]!), `sample ${index}`);
    assert.equal(row['topics.true_labels'], reference.labels.filter((_, j) => reference.y[index]![j] === 1).join('|'));
  }
});

test('a run that did not record its binding: a result with per_label is read as multilabel, with its thresholds', () => {
  const results = { runId: 'r', overallScore: 0.5, gates: [], benchmarks: [{ name: 'test', samples: 1, errors: 0, overallScore: 0.5, metrics: {}, outputs: { topics: { per_label: {}, thresholds: [0.2, 0.7] } } }] };
  assert.deepEqual(inferPredictionOutputs(['topics'], ['truth'], results), [{ name: 'topics', task: 'multilabel', groundTruth: 'truth', threshold: [0.2, 0.7] }]);
});
