import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers/paths';
import { buildModel, DataType } from '../helpers/onnx-writer';
import { childPids, evalensSync, readManifest, readRecords, readResults } from '../helpers/eval-runs';
import { kibField } from '../../engine/runner/memory-budget';

/**
 * The memory limit holds the runner's resident memory, native allocations included. The model's
 * native memory grows with the batch: each sample's [1] input becomes a WIDE × WIDE float32
 * outer product (164 MB) inside onnxruntime, from weights of a few kilobytes, so no V8 heap
 * limit can see it. The runner's resident memory is read from outside (/proc) every 10 ms.
 */

const WIDE = 6400;
const SAMPLES = 24;

function workspace(batchSize: number, memoryLimitMb: number): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-memory-'));
  const ones = new Float32Array(WIDE).fill(1);
  writeFileSync(
    path.join(dir, 'outer.onnx'),
    buildModel({
      nodes: [
        { op: 'MatMul', inputs: ['x', 'row'], outputs: ['line'] },
        { op: 'Transpose', inputs: ['line'], outputs: ['column'], attributes: { perm: [0, 2, 1] } },
        { op: 'MatMul', inputs: ['column', 'row'], outputs: ['square'] },
        { op: 'ReduceMean', inputs: ['square'], outputs: ['rows'], attributes: { axes: [2], keepdims: 0 } },
        { op: 'ReduceMean', inputs: ['rows'], outputs: ['y'], attributes: { axes: [1], keepdims: 1 } },
      ],
      inputs: [{ name: 'x', type: { tensor: DataType.FLOAT, dims: ['batch', 1, 1] } }],
      outputs: [{ name: 'y', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
      initializers: [{ name: 'row', dataType: DataType.FLOAT, dims: [1, WIDE], floats: ones }],
    }),
  );
  writeFileSync(
    path.join(dir, 'outer.integration.js'),
    `const { defineIntegration } = require('evalens');
module.exports = defineIntegration({
  preprocess: () => ({ test: { length: ${SAMPLES}, data: null } }),
  inputs: { x: { shape: [1, 1], dtype: 'float32', encode: (i) => Float32Array.of(i / 8) } },
  groundTruths: { t: { shape: [1], dtype: 'float32', encode: (i) => Float32Array.of(i / 8) } },
  model: { path: 'outer.onnx', inputs: { x: 'x' }, outputs: { y: { role: 'prediction', task: 'regression', groundTruth: 't' } } },
});`,
  );
  const config = path.join(dir, 'evalens.eval.json');
  writeFileSync(config, JSON.stringify({ name: 'outer', integration: 'outer.integration.js', benchmarks: [{ name: 'test', subset: 'test' }], batchSize, memoryLimitMb }));
  return { dir, config };
}

/** `evalens ...args` in `dir`, and the highest resident memory of its runner child, read from /proc every 10 ms. */
async function evalensWatched(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakRunnerMb: number }> {
  const cli = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakKib = 0;
  const watch = setInterval(() => {
    for (const pid of childPids(cli.pid!)) {
      try {
        // A process that exited since the listing has no VmRSS line (NaN): skip it.
        const kib = kibField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
        if (kib > 0) peakKib = Math.max(peakKib, kib);
      } catch {
        // The runner exited between the listing and the read.
      }
    }
  }, 10);
  const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
  clearInterval(watch);
  return { code, stdout, stderr, peakRunnerMb: peakKib / 1024 };
}

test('a limit below what the batch needs: the run halves its batch, completes, and stays under the limit', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const limitMb = 1200;
  const { dir, config } = workspace(16, limitMb);
  const runsDir = path.join(dir, 'runs');
  const result = await evalensWatched(dir, ['eval', '--config', config, '--runs-dir', runsDir, '--json']);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const { runId, status } = JSON.parse(result.stdout) as { runId: string; status: string };
  assert.equal(status, 'completed');
  assert.ok(result.peakRunnerMb > 0, 'the runner was seen');
  assert.ok(result.peakRunnerMb < limitMb, `the runner's resident memory peaked at ${result.peakRunnerMb.toFixed(0)} MiB, over the ${limitMb} MiB limit`);

  const manifest = readManifest(runsDir, runId);
  const halved = manifest.events.filter((e) => e.kind === 'batch-size-halved');
  assert.ok(halved.length >= 1, 'the halving is recorded');
  assert.match(halved[0]!.message, /resident memory of about \d+ MiB on a batch of 16, over the limit of 1200 MiB .*continuing with batches of [1-8]$/);
  assert.ok(manifest.batchSize < 16);
  assert.deepEqual(
    readRecords(runsDir, runId).map((r) => r.position),
    Array.from({ length: SAMPLES }, (_, i) => i),
  );
  assert.equal(readResults(runsDir, runId).benchmarks[0]!.samples, SAMPLES);
});

test('a limit no batch fits: the run fails resumable with the figure and what to change, and resumes once the limit is raised', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const { dir, config } = workspace(16, 200);
  const runsDir = path.join(dir, 'runs');
  const first = await evalensWatched(dir, ['eval', '--config', config, '--runs-dir', runsDir, '--json']);
  assert.notEqual(first.code, 0);
  const { runId, status } = JSON.parse(first.stdout) as { runId: string; status: string };
  assert.equal(status, 'failed');
  const failed = readManifest(runsDir, runId);
  assert.equal(failed.error?.resumable, true);
  // The runner's own check after its one-sample probe, or the supervisor's if the probe passed the limit first.
  assert.match(failed.error!.message, /\d+ MiB.*above memoryLimitMb \(200 MiB\).*raise memoryLimitMb/);

  const resumed = evalensSync(['resume', runId, '--runs-dir', runsDir, '--memory-limit-mb', '1200', '--json'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  assert.equal((JSON.parse(resumed.stdout) as { status: string }).status, 'completed');
  const done = readManifest(runsDir, runId);
  assert.equal((done.config as { memoryLimitMb: number }).memoryLimitMb, 1200);
  assert.equal(readResults(runsDir, runId).benchmarks[0]!.samples, SAMPLES);
});
