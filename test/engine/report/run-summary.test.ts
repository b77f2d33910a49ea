import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSummary } from '../../../engine/report/run-summary';
import { RunStore } from '../../../engine/runs/run-store';
import { runSummarySchema } from '../../../shared/report-data';
import { evalensSync, onlyRunId, writeEvalConfig } from '../../helpers/eval-runs';
import { ROOT } from '../../helpers/paths';
import { binaryRun } from '../../helpers/report-fixtures';

test('a completed run: evaluating time from its events, samples/s, score, gates, model', async () => {
  const { storeDir, runId } = await binaryRun();
  const store = new RunStore(storeDir);
  const manifest = store.read(runId);
  const summary = runSummarySchema.parse(runSummary(store, manifest));
  const at = (kind: string) => Date.parse(manifest.events.find((e) => e.kind === kind)!.at);
  assert.equal(summary.durationMs, at('completed') - at('started'));
  assert.equal(summary.samplesPerSecond, 171 / (summary.durationMs! / 1000));
  assert.equal(summary.overallScore, store.readResults(runId)!.overallScore);
  assert.deepEqual(summary.gates, { passed: 1, failed: 1 });
  assert.deepEqual(summary.progress, { done: 171, total: 171 });
  assert.equal(path.basename(summary.model.path), 'bc_logreg.onnx');
  assert.equal(summary.model.hash, manifest.hashes.model);
  assert.equal(summary.interrupted, false);
});

test('a run left evaluating by a process that is gone is interrupted; its time counts to its last write', async () => {
  const { storeDir, runId } = await binaryRun();
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'evalens-summary-')), 'store');
  cpSync(storeDir, copy, { recursive: true });
  const store = new RunStore(copy);
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  const manifest = store.update(runId, (m) => {
    m.status = 'evaluating';
    m.pid = gone;
    m.events = m.events.filter((e) => e.kind !== 'completed');
  });
  const summary = runSummary(store, manifest, { now: new Date(Date.parse(manifest.updatedAt) + 3_600_000) });
  assert.equal(summary.interrupted, true);
  assert.equal(summary.durationMs, Date.parse(manifest.updatedAt) - Date.parse(manifest.events.find((e) => e.kind === 'started')!.at));
  // Live, the same run counts up to now.
  const live = runSummary(store, { ...manifest, pid: process.pid }, { now: new Date(Date.parse(manifest.updatedAt) + 60_000) });
  assert.equal(live.interrupted, false);
  assert.equal(live.durationMs, summary.durationMs! + 60_000);
});

test('a run failed by the user\'s code records the script line, for a link to it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-summary-fail-'));
  copyFileSync(path.join(ROOT, 'test', 'fixtures', 'models', 'bc_logreg.onnx'), path.join(dir, 'bc_logreg.onnx'));
  const lines = [
    "const { defineIntegration } = require('evalens');",
    'module.exports = defineIntegration({',
    '  preprocess: () => ({ test: { length: 10, data: null } }),',
    "  inputs: { features: { shape: [30], dtype: 'float32', encode: () => new Float32Array(30) } },",
    "  groundTruths: { y: { shape: [], dtype: 'int64', encode: () => BigInt64Array.of(1n) } },",
    '  metadata: {',
    '    row: (index) => {',
    "      if (index === 3) throw new Error('row 3 is unreadable');",
    '      return index;',
    '    },',
    '  },',
    "  model: { path: 'bc_logreg.onnx', inputs: { features: 'features' }, outputs: { probability: { role: 'prediction', task: 'binary', labels: ['no', 'yes'], groundTruth: 'y' } } },",
    '});',
  ];
  const script = path.join(dir, 'failing.integration.js');
  writeFileSync(script, `${lines.join('\n')}\n`);
  const runsDir = path.join(dir, 'runs');
  const result = evalensSync(['eval', '--config', writeEvalConfig(dir, 'evalens.eval.json', { name: 'failing', integration: 'failing.integration.js', benchmarks: [{ name: 'test', subset: 'test' }], batchSize: 2 }), '--runs-dir', runsDir, '--json'], { cwd: dir });
  assert.equal(result.code, 1, result.stderr);
  const store = new RunStore(runsDir);
  const summary = runSummary(store, store.read(onlyRunId(runsDir)!));
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error?.component, 'metadata:row');
  assert.equal(summary.error?.sample, 3);
  assert.deepEqual({ file: summary.error?.location?.file, line: summary.error?.location?.line }, { file: script, line: 8 });
});
