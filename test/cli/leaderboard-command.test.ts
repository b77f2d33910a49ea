import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Leaderboard } from '../../engine/report/leaderboard';
import { evaluate, evalensSync, readManifest, readRecords, writeConfig, writeEvalConfig } from '../helpers/eval-runs';
import { buildModel, DataType } from '../helpers/onnx-writer';
import { ROOT } from '../helpers/paths';
import { AREA_WEIGHTS } from '../helpers/report-fixtures';
import { centroidModel, comparisonRuns } from '../webview/comparison-fixture';

/**
 * `evalens runs leaderboard` on one store of real runs: three digits classifiers on the test
 * split (the CNN; nearest centroids of the whole train split; nearest centroids of its first
 * 100 rows, evaluated as a checkpoint of a folder), a digits run without the test benchmark,
 * and a regression run whose test benchmark reports no accuracy. The ranking and each value
 * are checked against accuracies recomputed from the runs' records, hashes against the files.
 */

let storeDir = '';
let dir = '';
const runs: Record<'cnn' | 'centroids' | 'few' | 'holdout' | 'regression', string> = { cnn: '', centroids: '', few: '', holdout: '', regression: '' };

before(async () => {
  const fixture = await comparisonRuns();
  storeDir = fixture.storeDir;
  dir = path.dirname(storeDir);
  runs.cnn = fixture.runA;
  runs.centroids = fixture.runB;
  mkdirSync(path.join(dir, 'checkpoints'));
  writeFileSync(path.join(dir, 'checkpoints', 'centroids-100.onnx'), centroidModel(100));
  writeFileSync(path.join(dir, 'checkpoints', 'centroids-all.onnx'), centroidModel());
  runs.few = evaluate(
    writeConfig(dir, (c) => {
      c.name = 'digits: centroids of 100 train rows';
      c.model = { path: './checkpoints', checkpoint: 'centroids-100.onnx' };
      c.benchmarks = [{ name: 'test', subset: 'test' }];
      delete c.gates;
    }, 'few.eval.json'),
    storeDir,
  ).runId;
  runs.holdout = evaluate(writeEvalConfig(dir, 'holdout.eval.json', { name: 'digits: holdout', integration: 'digits.integration.ts', benchmarks: [{ name: 'holdout', subset: 'test', sampleCount: 40, seed: 3 }] }), storeDir).runId;
  // The breast-cancer mean-area regression, benchmark 'test' too: it has no accuracy to rank.
  const reportFixtures = path.join(ROOT, 'test', 'fixtures', 'report');
  const bc = path.join(dir, 'bc');
  mkdirSync(bc);
  copyFileSync(path.join(reportFixtures, 'bc-regression.integration.ts'), path.join(bc, 'bc-regression.integration.ts'));
  cpSync(path.join(reportFixtures, 'data'), path.join(bc, 'data'), { recursive: true });
  writeFileSync(
    path.join(bc, 'bc_area_linear.onnx'),
    buildModel({
      nodes: [{ op: 'MatMul', inputs: ['features', 'w'], outputs: ['area'] }],
      inputs: [{ name: 'features', type: { tensor: DataType.FLOAT, dims: ['batch', 30] } }],
      outputs: [{ name: 'area', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
      initializers: [{ name: 'w', dataType: DataType.FLOAT, dims: [30, 1], floats: Array.from({ length: 30 }, (_, k) => AREA_WEIGHTS[k] ?? 0) }],
    }),
  );
  runs.regression = evaluate(writeEvalConfig(bc, 'bc.eval.json', { name: 'breast cancer: mean area', integration: 'bc-regression.integration.ts', benchmarks: [{ name: 'test', subset: 'test' }] }), storeDir).runId;
});

function leaderboard(args: string[]) {
  return evalensSync(['runs', 'leaderboard', ...args, '--runs-dir', storeDir], { cwd: dir });
}

function leaderboardJson(args: string[]): Leaderboard {
  const result = leaderboard([...args, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Leaderboard;
}

/** Accuracy on 'test' from the records: argmax of the logits against the label. */
function recordedAccuracy(runId: string): number {
  const records = readRecords(storeDir, runId).filter((r) => r.benchmark === 'test');
  const right = records.filter((r) => {
    const logits = r.outputs.logits!;
    return logits.indexOf(Math.max(...logits)) === r.groundTruths.label![0];
  }).length;
  return right / records.length;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('accuracy on test: the three classifiers best first, with their model, hash, checkpoint and date; the other two runs counted', () => {
  const board = leaderboardJson(['--benchmark', 'test', '--metric', 'accuracy']);
  const expected = (['cnn', 'centroids', 'few'] as const).map((k) => ({ runId: runs[k], value: recordedAccuracy(runs[k]) })).sort((x, y) => y.value - x.value);
  assert.ok(new Set(expected.map((x) => x.value)).size === 3, `three different accuracies: ${JSON.stringify(expected)}`);
  assert.deepEqual(board.entries.map((e) => [e.rank, e.runId, e.value]), expected.map((x, i) => [i + 1, x.runId, x.value]));
  assert.equal(board.lowerIsBetter, false);
  assert.equal(board.ranked, 3);
  assert.deepEqual(board.leftOut, { withoutBenchmark: 1, withoutMetric: 1 });
  const few = board.entries.find((e) => e.runId === runs.few)!;
  assert.equal(few.checkpoint, 'centroids-100.onnx');
  assert.equal(few.modelPath, path.join(dir, 'checkpoints', 'centroids-100.onnx'));
  assert.equal(few.modelHash, sha256(path.join(dir, 'checkpoints', 'centroids-100.onnx')));
  const cnn = board.entries.find((e) => e.runId === runs.cnn)!;
  assert.deepEqual([cnn.checkpoint, cnn.modelHash, cnn.createdAt], [null, sha256(path.join(dir, 'digits_cnn.onnx')), readManifest(storeDir, runs.cnn).createdAt]);
});

test('the terminal table: rank, value, run, model, short hash, checkpoint, date; what was left out and why', () => {
  const result = leaderboard(['--benchmark', 'test', '--metric', 'accuracy']);
  assert.equal(result.code, 0, result.stderr);
  const board = leaderboardJson(['--benchmark', 'test', '--metric', 'accuracy']);
  const lines = result.stdout.split('\n');
  assert.match(lines[0]!, /^accuracy on test \(higher is better\): 3 runs ranked$/);
  board.entries.forEach((e, i) => {
    const row = lines[2 + i]!;
    assert.match(row, new RegExp(`^ +${e.rank} +${e.value.toFixed(4)}  ${e.runId}  `));
    assert.ok(row.includes(e.modelHash.slice(0, 12)) && row.includes(path.relative(dir, e.modelPath)) && row.includes(e.createdAt.slice(0, 19).replace('T', ' ')), row);
    assert.ok(row.includes(e.checkpoint ?? '—'), row);
  });
  assert.match(result.stdout, /Left out: 2 completed evaluation runs \(1 without benchmark 'test', 1 not reporting accuracy on it\)\./);
});

test('losses rank lowest first: log_loss and the integration\'s own cross_entropy; --limit shows the best n', () => {
  const logLoss = leaderboardJson(['--benchmark', 'test', '--metric', 'log_loss', '--limit', '2']);
  assert.equal(logLoss.lowerIsBetter, true);
  assert.equal(logLoss.ranked, 3);
  assert.equal(logLoss.entries.length, 2);
  assert.ok(logLoss.entries[0]!.value < logLoss.entries[1]!.value);
  const all = leaderboardJson(['--benchmark', 'test', '--metric', 'log_loss']);
  assert.ok(all.entries[1]!.value < all.entries[2]!.value);
  const crossEntropy = leaderboardJson(['--benchmark', 'test', '--metric', 'cross_entropy']);
  assert.equal(crossEntropy.lowerIsBetter, true);
  assert.deepEqual(crossEntropy.entries.map((e) => e.runId), [...crossEntropy.entries].sort((x, y) => x.value - y.value).map((e) => e.runId));
  const text = leaderboard(['--benchmark', 'test', '--metric', 'log_loss', '--limit', '2']);
  assert.match(text.stdout, /log_loss on test \(lower is better\): 3 runs ranked/);
  assert.match(text.stdout, /… 1 more ranked \(--limit\)/);
  // The regression's MAE: one run ranked, the three classifiers left out for lacking it.
  const mae = leaderboardJson(['--benchmark', 'test', '--metric', 'mae']);
  assert.deepEqual([mae.lowerIsBetter, mae.entries.map((e) => e.runId), mae.leftOut], [true, [runs.regression], { withoutBenchmark: 1, withoutMetric: 3 }]);
});

test('an unknown metric or benchmark: exit 2, what the runs have, and the closest name', () => {
  const metric = leaderboard(['--benchmark', 'test', '--metric', 'acuracy']);
  assert.equal(metric.code, 2);
  assert.match(metric.stderr, /No run reports a metric 'acuracy' on benchmark 'test'\. Did you mean 'accuracy'\? Metrics the runs report there: .*'accuracy'.*'f1_macro'.*'log_loss'.*'mae'.*'overall_score'/);
  const benchmark = leaderboard(['--benchmark', 'tset', '--metric', 'accuracy']);
  assert.equal(benchmark.code, 2);
  assert.match(benchmark.stderr, /No completed evaluation run in .* scored a benchmark 'tset'\. Did you mean 'test'\? Benchmarks the runs have: 'holdout', 'test', 'train-sample'\./);
  const missing = leaderboard(['--benchmark', 'test']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /required option '--metric <name>' not specified/);
});
