/**
 * Checkpoint series (`"model": { "path": "checkpoints", "checkpoint": "all" }`): one run scores
 * every checkpoint of a folder, in natural order, each sample encoded once; each checkpoint's
 * records and results equal those of a run of that checkpoint alone, and a series killed with
 * -9 in the middle resumes to the same results. The checkpoints are the digits CNN with seeded
 * noise on its weights (test/helpers/checkpoint-series.ts), so their results differ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHECKPOINTS, writeCheckpoints } from '../helpers/checkpoint-series';
import { withWeights } from '../helpers/onnx-edit';
import { copyExample, evalensSync, evaluate, readManifest, readResults, tryReadManifest, writeConfig } from '../helpers/eval-runs';
import { CLI, ROOT } from '../helpers/paths';

const TOTAL = 840;
const BIG_MODEL = path.join(ROOT, '..', 'shared', 'fixtures', 'digits_cnn_big.onnx');

function seriesWorkspace() {
  const dir = copyExample('evalens-series-');
  writeCheckpoints(path.join(dir, 'digits_cnn.onnx'), path.join(dir, 'checkpoints'));
  const series = writeConfig(dir, (c) => (c.model = { path: 'checkpoints', checkpoint: 'all' }), 'series.eval.json');
  return { dir, runsDir: path.join(dir, 'runs'), series };
}

function recordsOf(runsDir: string, runId: string, dir = ''): Buffer {
  return readFileSync(path.join(runsDir, runId, dir, 'records.jsonl'));
}

test('a series of three checkpoints in one run: per checkpoint, the records and results of three separate runs', () => {
  const { dir, runsDir, series } = seriesWorkspace();
  const { runId, result } = evaluate(series, runsDir);
  const summary = JSON.parse(result.stdout) as { checkpoints: { name: string; overallScore: number }[] };
  const manifest = readManifest(runsDir, runId);
  const results = readResults(runsDir, runId);
  // Natural order: epoch-2 before epoch-10.
  assert.deepEqual(results.checkpoints!.map((c) => c.name), ['epoch-1.onnx', 'epoch-2.onnx', 'epoch-10.onnx']);
  assert.deepEqual(summary.checkpoints.map((c) => c.name), ['epoch-1.onnx', 'epoch-2.onnx', 'epoch-10.onnx']);
  assert.deepEqual(manifest.checkpoints!.map((c) => c.dir), [path.join('checkpoints', 'epoch-1'), path.join('checkpoints', 'epoch-2'), '']);

  for (const [i, { name }] of CHECKPOINTS.entries()) {
    const alone = evaluate(writeConfig(dir, (c) => (c.model = { path: 'checkpoints', checkpoint: name }), `${name}.eval.json`), runsDir).runId;
    assert.equal(readManifest(runsDir, alone).modelPath, path.join(dir, 'checkpoints', name), 'a checkpoint named picks that file');
    const separate = readResults(runsDir, alone);
    const inSeries = results.checkpoints![i]!;
    assert.equal(inSeries.overallScore, separate.overallScore, name);
    assert.deepEqual(inSeries.benchmarks, separate.benchmarks, name);
    assert.ok(recordsOf(runsDir, runId, manifest.checkpoints![i]!.dir).equals(recordsOf(runsDir, alone)), `${name}: records.jsonl byte for byte`);
    assert.equal(manifest.checkpoints![i]!.modelHash, readManifest(runsDir, alone).hashes.model);
    if (i === CHECKPOINTS.length - 1) {
      // The run's own results are the last checkpoint's, gates included.
      const { runId: _a, checkpoints: _c, ...own } = results;
      const { runId: _b, ...last } = separate;
      assert.deepEqual(own, last);
    }
  }
  const scores = results.checkpoints!.map((c) => c.overallScore!);
  assert.equal(new Set(scores).size, 3, `the checkpoints score differently: ${scores.join(', ')}`);

  const text = evalensSync(['runs', 'show', runId, '--runs-dir', runsDir]);
  assert.equal(text.code, 0);
  const markdown = evalensSync(['runs', 'show', runId, '--runs-dir', runsDir, '--format', 'md']).stdout;
  const row = (i: number) => `| \`${results.checkpoints![i]!.name}\` | ${scores[i]!.toFixed(4)} | ${results.checkpoints![i]!.benchmarks.map((b) => b.overallScore!.toFixed(4)).join(' | ')} |`;
  assert.ok(markdown.includes(`## Checkpoints`) && [0, 1, 2].every((i) => markdown.includes(row(i))), markdown);
  const shown = evalensSync(['eval', '--config', series, '--runs-dir', runsDir]);
  assert.match(shown.stdout, /Checkpoints \(overall score; the results above are epoch-10\.onnx's\)/);
  assert.match(shown.stdout, new RegExp(`epoch-1\\.onnx +${scores[0]!.toFixed(4)} .*\\n.*epoch-2\\.onnx +${scores[1]!.toFixed(4)} .*\\n.*epoch-10\\.onnx +${scores[2]!.toFixed(4)} .*← best`));
});

test('a checkpoint that does not share the signature of the others is named, before anything runs (exit 2)', () => {
  const { dir, runsDir, series } = seriesWorkspace();
  copyFileSync(BIG_MODEL, path.join(dir, 'checkpoints', 'epoch-3.onnx'));
  const result = evalensSync(['eval', '--config', series, '--runs-dir', runsDir, '--json'], { cwd: dir });
  assert.equal(result.code, 2);
  const message = (JSON.parse(result.stdout) as { error: { message: string } }).error.message;
  assert.match(message, /checkpoints\/epoch-3\.onnx/);
  assert.match(message, /'image'/);
  assert.deepEqual(readdirSync(dir).includes('runs') ? readdirSync(runsDir) : [], [], 'nothing created');
});

test('a sample error of one checkpoint (a NaN output) is that checkpoint\'s, and stops the run at maxSampleErrors naming it; nothing of that sample is written', () => {
  const { dir, runsDir, series } = seriesWorkspace();
  const file = path.join(dir, 'checkpoints', 'epoch-2.onnx');
  writeFileSync(file, withWeights(readFileSync(file), (values, name) => name === 'out.bias' && values.fill(Number.NaN)));
  const result = evalensSync(['eval', '--config', series, '--runs-dir', runsDir, '--json'], { cwd: dir });
  assert.equal(result.code, 1);
  const summary = JSON.parse(result.stdout) as { runId: string; status: string; error: string };
  assert.equal(summary.status, 'failed');
  assert.match(summary.error, /Model output 'logits' is NaN at element 0 for sample 0 of subset 'test'\. .* \(checkpoint epoch-2\.onnx\) The run stops at 1 per-sample error \(maxSampleErrors is 0\)/);
  const manifest = readManifest(runsDir, summary.runId);
  assert.deepEqual(manifest.checkpoints!.map((c) => c.errors), [[0, 0], [0, 0], [0, 0]]);
  for (const c of manifest.checkpoints!) assert.equal(c.recordsBytes, 0, `${c.name}: the failing sample is written for no checkpoint`);

  // Tolerated, the errors are epoch-2's alone.
  const tolerant = writeConfig(dir, (c) => {
    c.model = { path: 'checkpoints', checkpoint: 'all' };
    c.maxSampleErrors = TOTAL;
  }, 'tolerant.eval.json');
  const { runId } = evaluate(tolerant, runsDir);
  const results = readResults(runsDir, runId);
  assert.deepEqual(results.checkpoints!.map((c) => c.benchmarks.map((b) => b.errors)), [[0, 0], [540, 300], [0, 0]]);
  assert.equal(results.checkpoints![1]!.overallScore, null);
});

test('a series killed with -9 in the middle resumes to the results of an uninterrupted one', { skip: process.platform !== 'linux' && 'kills a process tree' }, async () => {
  const { dir, runsDir, series } = seriesWorkspace();
  const reference = evaluate(series, runsDir).runId;
  const config = writeConfig(dir, (c) => {
    c.model = { path: 'checkpoints', checkpoint: 'all' };
    c.batchSize = 4;
  }, 'slow.eval.json');
  // Slow enough to be killed in the middle: each sample's metadata waits a little (same values).
  const script = path.join(dir, 'digits.integration.ts');
  writeFileSync(script, readFileSync(script, 'utf8').replace('source_row: (index, subset) => subset.data.rows[index]!,', 'source_row: (index, subset) => {\n      const until = Date.now() + 2;\n      while (Date.now() < until);\n      return subset.data.rows[index]!;\n    },'));
  const env = { ...process.env, NO_COLOR: '1', EVALENS_COMMIT_EVERY_MS: '0' };
  const child = spawn(process.execPath, [CLI, 'eval', '--config', config, '--runs-dir', runsDir, '--json'], { cwd: dir, env, stdio: 'ignore', detached: true });
  let runId: string | undefined;
  for (let i = 0; i < 2000; i++) {
    await sleep(10);
    runId = readdirSync(runsDir).find((r) => r !== reference);
    const manifest = runId === undefined ? undefined : tryReadManifest(runsDir, runId);
    if (manifest !== undefined && manifest.checkpoint.records > 300) break;
  }
  process.kill(-child.pid!, 'SIGKILL');
  await sleep(200);
  const killed = readManifest(runsDir, runId!);
  assert.ok(killed.checkpoint.records > 0 && killed.checkpoint.records < TOTAL, `killed at ${killed.checkpoint.records} samples`);

  const resumed = evalensSync(['resume', runId!, '--runs-dir', runsDir, '--json'], { cwd: dir, env });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const { runId: _a, ...after } = readResults(runsDir, runId!);
  const { runId: _b, ...expected } = readResults(runsDir, reference);
  assert.deepEqual(after, expected);
  const manifest = readManifest(runsDir, runId!);
  for (const c of manifest.checkpoints!) assert.ok(recordsOf(runsDir, runId!, c.dir).equals(recordsOf(runsDir, reference, c.dir)), `${c.name}: records.jsonl byte for byte`);
});
