import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evalensSync, copyExample, writeConfig } from '../helpers/eval-runs';

/**
 * Execution providers in order of preference. This onnxruntime-node has CPU only (its CUDA
 * libraries are downloaded by an install script that cannot run here), which is exactly the
 * case a config written for a GPU machine meets on a laptop or in CI.
 */

test("['cuda', 'cpu'] falls back to the CPU and records why", () => {
  const dir = copyExample();
  const config = writeConfig(dir, (c) => ((c.executionProviders = ['cuda', 'cpu']), (c.benchmarks = [{ name: 'test', subset: 'test', sampleCount: 50 }]), (c.gates = [])), 'gpu.eval.json');
  const result = evalensSync(['eval', '--config', config, '--runs-dir', path.join(dir, 'runs'), '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const { runId } = JSON.parse(result.stdout) as { runId: string };
  const manifest = JSON.parse(readFileSync(path.join(dir, 'runs', runId, 'manifest.json'), 'utf8')) as { events: { kind: string; message: string }[] };
  const fallback = manifest.events.find((e) => e.kind === 'provider-fallback');
  assert.ok(fallback, 'the fallback is recorded');
  assert.match(fallback.message, /execution provider 'cuda' is not available .*; using 'cpu'/);
});

test("['cuda'] alone fails with what to do, and the run keeps nothing half-done", () => {
  const dir = copyExample();
  const config = writeConfig(dir, (c) => ((c.executionProviders = ['cuda']), (c.gates = [])), 'gpu-only.eval.json');
  const result = evalensSync(['eval', '--config', config, '--runs-dir', path.join(dir, 'runs'), '--json'], { cwd: dir });
  assert.equal(result.code, 1);
  const summary = JSON.parse(result.stdout) as { status: string; error: string };
  assert.equal(summary.status, 'failed');
  assert.match(summary.error, /onnxruntime-node cannot use the execution provider 'cuda' here .*Add "cpu" to executionProviders as a fallback/);
});
