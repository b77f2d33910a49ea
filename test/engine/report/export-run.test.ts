import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RunStore } from '../../../engine/runs/run-store';
import { exportRun } from '../../../engine/report/export-run';
import { copyExample, evaluate, readManifest, readRecords } from '../../helpers/eval-runs';
import { csvObjects } from '../../helpers/csv-parse';
import { assertCsvMatchesRecords, assertParquetMatchesRecords } from '../../helpers/export-checks';

let workspace = '';
let runsDir = '';
let runId = '';

before(() => {
  workspace = copyExample('evalens-export-');
  runsDir = path.join(workspace, 'runs');
  runId = evaluate(path.join(workspace, 'evalens.eval.json'), runsDir).runId;
});

after(() => rmSync(workspace, { recursive: true, force: true }));

test('a completed run exports rows equal to its records, Parquet in row groups of the size asked', async () => {
  const store = new RunStore(runsDir);
  const manifest = store.read(runId);
  const outDir = path.join(workspace, 'export-small-groups');
  const report = await exportRun(store, manifest, store.readResults(runId), { outDir, formats: ['csv', 'json', 'parquet'], rowGroupSize: 100 });
  assert.deepEqual(report.notes, []);
  assert.equal(report.predictionOutputs.source, 'run');
  assert.deepEqual(
    report.files.map((f) => [path.relative(outDir, f.path), f.rows]),
    [['summary.csv', 2], ['benchmarks/test.json', undefined], ['benchmarks/train-sample.json', undefined], ['predictions.csv', 840], ['predictions.parquet', 840]],
  );
  const records = readRecords(runsDir, runId);
  assertCsvMatchesRecords(path.join(outDir, 'predictions.csv'), records);
  await assertParquetMatchesRecords(path.join(outDir, 'predictions.parquet'), records, 100);
  assert.ok(!existsSync(path.join(outDir, 'predictions.csv.partial')), 'no temporary file is left');
});

test('a failed run exports the samples committed at its last checkpoint, never a torn tail, and says it is not completed', async () => {
  // A copy of the run as a crash leaves it: 100 records committed, half a record after them, no results.
  const failedId = '20200101-000000-fa11ed';
  cpSync(path.join(runsDir, runId), path.join(runsDir, failedId), { recursive: true });
  rmSync(path.join(runsDir, failedId, 'results.json'));
  const recordsFile = path.join(runsDir, failedId, 'records.jsonl');
  const lines = readFileSync(recordsFile, 'utf8').split('\n');
  const committed = `${lines.slice(0, 100).join('\n')}\n`;
  writeFileSync(recordsFile, `${committed}${lines[100]!.slice(0, 40)}`);
  const manifest = readManifest(runsDir, runId);
  manifest.runId = failedId;
  manifest.status = 'failed';
  manifest.error = { message: 'Interrupted.', resumable: true };
  manifest.checkpoint = { ...manifest.checkpoint, records: 100, recordsBytes: Buffer.byteLength(committed) };
  manifest.benchmarks = [
    { name: 'test', total: 540, done: 100, errors: 0 },
    { name: 'train-sample', total: 300, done: 0, errors: 0 },
  ];
  writeFileSync(path.join(runsDir, failedId, 'manifest.json'), JSON.stringify(manifest));

  const store = new RunStore(runsDir);
  const outDir = path.join(workspace, 'export-failed');
  const report = await exportRun(store, store.read(failedId), store.readResults(failedId), { outDir, formats: ['csv', 'json', 'parquet'] });
  assert.match(report.notes.join('\n'), /is failed, not completed: the export holds the 100 of 840 samples it committed/);
  assert.match(report.notes.join('\n'), /benchmarks\/\*\.json were not written/);
  assert.ok(!existsSync(path.join(outDir, 'benchmarks')));
  assert.deepEqual(csvObjects(readFileSync(path.join(outDir, 'summary.csv'), 'utf8')), [
    { benchmark: 'test', samples: '100', errors: '0', overall_score: '', total: '540' },
    { benchmark: 'train-sample', samples: '0', errors: '0', overall_score: '', total: '300' },
  ]);
  const records = readRecords(runsDir, failedId, Buffer.byteLength(committed));
  assert.equal(records.length, 100);
  assertCsvMatchesRecords(path.join(outDir, 'predictions.csv'), records);
  await assertParquetMatchesRecords(path.join(outDir, 'predictions.parquet'), records, 10_000);
});

test('--format picks the files: json alone writes only the per-benchmark details', async () => {
  const store = new RunStore(runsDir);
  const outDir = path.join(workspace, 'export-json');
  const results = store.readResults(runId);
  await exportRun(store, store.read(runId), results, { outDir, formats: ['json'] });
  assert.ok(!existsSync(path.join(outDir, 'summary.csv')));
  assert.ok(!existsSync(path.join(outDir, 'predictions.csv')));
  assert.ok(!existsSync(path.join(outDir, 'predictions.parquet')));
  const details = JSON.parse(readFileSync(path.join(outDir, 'benchmarks', 'test.json'), 'utf8')) as Record<string, any>;
  assert.equal(details.benchmark, 'test');
  assert.equal(details.samples, 540);
  assert.equal(details.outputs.logits.confusion_matrix.length, 10);
  assert.equal(details.outputs.logits.per_class['8'].support, 52);
  assert.deepEqual(details.labels, { logits: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  assert.deepEqual(details.gates.map((g: { metric: string }) => g.metric), ['accuracy', 'log_loss']);
});

test('a run that recorded no output binding is exported with tasks inferred from its results, and says so', async () => {
  const unboundId = '20200101-000001-0b0b0b';
  cpSync(path.join(runsDir, runId), path.join(runsDir, unboundId), { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(runsDir, runId, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.outputs;
  writeFileSync(path.join(runsDir, unboundId, 'manifest.json'), JSON.stringify({ ...manifest, runId: unboundId }));

  const store = new RunStore(runsDir);
  const outDir = path.join(workspace, 'export-unbound');
  const report = await exportRun(store, store.read(unboundId), store.readResults(runId), { outDir, formats: ['csv'] });
  assert.deepEqual(report.predictionOutputs, { source: 'inferred', outputs: [{ name: 'logits', task: 'classification', groundTruth: 'label' }] });
  assert.match(report.notes.join('\n'), /did not record how its integration binds the model outputs: tasks were inferred from the results \(logits: classification\)/);
  assertCsvMatchesRecords(path.join(outDir, 'predictions.csv'), readRecords(runsDir, runId));
});
