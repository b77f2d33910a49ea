import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, ROOT } from '../helpers/paths';
import { buildModel, DataType } from '../helpers/onnx-writer';
import { runManifestSchema, runResultsSchema } from '../../shared/run-types';

/**
 * A real out-of-memory in onnxruntime: the model's intermediate tensor takes 10 MB per sample,
 * and the runner's address space is capped (RLIMIT_AS) so that a batch of 64 cannot be
 * allocated while a batch of 32 can. The run must keep what it finished, halve the batch,
 * record it, and complete with every sample exactly once. The memory limit is far above all
 * this, so that it is onnxruntime's failed allocation that halves the batch, not the limit.
 * With the runner's arena off (see the memory limit), the failure is malloc's bad_alloc rather
 * than the arena's "Failed to allocate memory".
 */

const PER_SAMPLE = 2_500_000;

/**
 * glibc reserves 64 MB of address space for each malloc arena it adds as threads allocate
 * (the runner has several: its inference thread, onnxruntime's, libuv's), and how many it adds
 * depends on timing: one arena keeps the address space of the probe and of the run comparable.
 */
const ONE_MALLOC_ARENA = { ...process.env, MALLOC_ARENA_MAX: '1' };

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-oom-'));
  writeFileSync(
    path.join(dir, 'model.onnx'),
    buildModel({
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['wide'] },
        { op: 'MatMul', inputs: ['wide', 'v'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
      outputs: [{ name: 'y', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
      initializers: [
        { name: 'w', dataType: DataType.FLOAT, dims: [1, PER_SAMPLE], floats: new Array<number>(PER_SAMPLE).fill(1e-3) },
        { name: 'v', dataType: DataType.FLOAT, dims: [PER_SAMPLE, 1], floats: new Array<number>(PER_SAMPLE).fill(1e-3) },
      ],
    }),
  );
  writeFileSync(
    path.join(dir, 'wide.integration.js'),
    `const { defineIntegration } = require('evalens');
module.exports = defineIntegration({
  preprocess: () => ({ test: { length: 200, data: null } }),
  inputs: { x: { shape: [1], dtype: 'float32', encode: (i) => Float32Array.of(i / 200) } },
  groundTruths: { t: { shape: [1], dtype: 'float32', encode: (i) => Float32Array.of(i / 80) } },
  model: { path: 'model.onnx', inputs: { x: 'x' }, outputs: { y: { role: 'prediction', task: 'regression', groundTruth: 't' } } },
});`,
  );
  writeFileSync(
    path.join(dir, 'evalens.eval.json'),
    JSON.stringify({ name: 'wide', integration: 'wide.integration.js', benchmarks: [{ name: 'test', subset: 'test' }], batchSize: 64, memoryLimitMb: 4096 }),
  );
  return dir;
}

/**
 * Virtual memory of a process set up as the runner is (onnxruntime and this model loaded in an
 * inference thread beside the main thread), in kB.
 */
function baselineVmKb(dir: string): number {
  const probe = `const { Worker } = require('node:worker_threads');
const thread = new Worker(${JSON.stringify(path.join(ROOT, 'dist', 'inference-thread.js'))});
thread.on('message', (m) => {
  if (m.type !== 'ready') return;
  console.log(/VmSize:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]);
  thread.postMessage({ type: 'release' });
});
thread.postMessage({ type: 'open', modelPath: ${JSON.stringify(path.join(dir, 'model.onnx'))}, options: { executionProviders: ['cpu'] } });`;
  const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: ONE_MALLOC_ARENA });
  const kb = Number(result.stdout.trim());
  assert.ok(kb > 0, `the memory probe failed: ${result.stderr}`);
  return kb;
}

test('onnxruntime out of memory: finished samples kept, batch halved and recorded, every sample once', (t) => {
  if (process.platform !== 'linux' || spawnSync('prlimit', ['--version']).status !== 0) {
    t.skip('needs Linux and prlimit (util-linux) to cap the runner address space');
    return;
  }
  const dir = workspace();
  // Room for a batch of 32 (320 MB of intermediates) but not of 64 (640 MB).
  const limitKb = baselineVmKb(dir) + 550_000;
  const store = path.join(dir, 'runs');
  const result = spawnSync('prlimit', [`--as=${limitKb * 1024}`, process.execPath, CLI, 'eval', '--config', path.join(dir, 'evalens.eval.json'), '--runs-dir', store, '--json'], { encoding: 'utf8', env: ONE_MALLOC_ARENA });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  const summary = JSON.parse(result.stdout) as { runId: string; status: string };
  assert.equal(summary.status, 'completed');

  const manifest = runManifestSchema.parse(JSON.parse(readFileSync(path.join(store, summary.runId, 'manifest.json'), 'utf8')));
  const halved = manifest.events.filter((e) => e.kind === 'batch-size-halved');
  assert.ok(halved.length >= 1, 'the halving is recorded');
  assert.match(halved[0]!.message, /ran out of memory on a batch of 64 .*(Failed to allocate memory|bad_alloc).*continuing with batches of 32/);
  assert.ok(manifest.batchSize <= 32);

  const records = readFileSync(path.join(store, summary.runId, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { position: number });
  assert.deepEqual(records.map((r) => r.position), Array.from({ length: 200 }, (_, i) => i));
  const results = runResultsSchema.parse(JSON.parse(readFileSync(path.join(store, summary.runId, 'results.json'), 'utf8')));
  assert.equal(results.benchmarks[0]!.samples, 200);
  assert.equal(results.benchmarks[0]!.errors, 0);
});
