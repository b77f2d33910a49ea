import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runIntegrationTest } from '../../engine/integration-test/run-integration-test';
import type { CheckResult } from '../../shared/integration-test-report';
import { buildModel, DataType, type DimSpec } from '../helpers/onnx-writer';

/**
 * Checks that need a model of a particular kind: made here with the test ONNX writer, run
 * for real by onnxruntime-node, with integrations written to a temporary folder.
 */

function workspace(): string {
  return mkdtempSync(path.join(tmpdir(), 'evalens-checks-'));
}

/** y = sqrt(x) for x float32 [dims]: NaN where x < 0. */
function sqrtModel(dir: string, dims: DimSpec[] = ['batch', 2]): void {
  const bytes = buildModel({
    nodes: [{ op: 'Sqrt', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: { tensor: DataType.FLOAT, dims } }],
    outputs: [{ name: 'y', type: { tensor: DataType.FLOAT, dims } }],
  });
  writeFileSync(path.join(dir, 'model.onnx'), bytes);
}

function script(dir: string, body: string): string {
  const file = path.join(dir, 'case.integration.js');
  writeFileSync(
    file,
    `const { defineIntegration } = require('evalens');
const x = { shape: [2], dtype: 'float32', encode: (i) => Float32Array.of(i, i + 1) };
const base = { preprocess: () => ({ test: { length: 10, data: null } }), inputs: { x }, model: { path: 'model.onnx', inputs: { x: 'x' }, outputs: { y: { role: 'latent' } } } };
module.exports = defineIntegration({ ...base, ${body} });`,
  );
  return file;
}

const notPassed = (checks: CheckResult[]) => checks.filter((c) => c.status !== 'passed').map((c) => [c.id, c.component, c.status, c.sample]);
const find = (checks: CheckResult[], id: string) => checks.find((c) => c.id === id && c.status !== 'passed')!;

test('a model output holding NaN fails model.output-finite at that sample', async () => {
  const dir = workspace();
  sqrtModel(dir);
  const file = script(dir, `inputs: { x: { ...x, encode: (i) => Float32Array.of(i === 6 ? -1 : i, 1) } }`);
  const report = await runIntegrationTest({ scriptPath: file });
  assert.deepEqual(notPassed(report.checks), [['model.output-finite', 'output:y', 'failed', 6]]);
  assert.match(find(report.checks, 'model.output-finite').message, /Model output 'y' is NaN at element 0 for sample 6 of subset 'test'/);
});

test('onnxruntime failing on a batch fails model.runs with its message', async () => {
  const dir = workspace();
  // a + b where both have a symbolic dim: the binding accepts sizes 2 and 3, onnxruntime does not.
  writeFileSync(
    path.join(dir, 'model.onnx'),
    buildModel({
      nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
      inputs: [
        { name: 'a', type: { tensor: DataType.FLOAT, dims: ['batch', 'n'] } },
        { name: 'b', type: { tensor: DataType.FLOAT, dims: ['batch', 'n'] } },
      ],
      outputs: [{ name: 'y', type: { tensor: DataType.FLOAT, dims: ['batch', 'n'] } }],
    }),
  );
  const file = script(dir, `inputs: { x, z: { shape: [3], dtype: 'float32', encode: () => new Float32Array(3) } }, model: { ...base.model, inputs: { a: 'x', b: 'z' } }`);
  const report = await runIntegrationTest({ scriptPath: file });
  assert.deepEqual(notPassed(report.checks), [['model.runs', 'model', 'failed', 0]]);
  assert.match(find(report.checks, 'model.runs').message, /onnxruntime failed on the batch starting at sample 0 of subset 'test' \(10 samples\)/);
});

test('a fixed batch dim of 1 runs the model one sample at a time', async () => {
  const dir = workspace();
  sqrtModel(dir, [1, 2]);
  const report = await runIntegrationTest({ scriptPath: script(dir, '') });
  assert.deepEqual(notPassed(report.checks), []);
  assert.equal(report.checks.find((c) => c.id === 'model.runs')!.message, 'ok on 10 samples');
});

test('binding: dtype mismatch, unknown output and an unused encoder', async () => {
  const dir = workspace();
  sqrtModel(dir);
  const file = script(
    dir,
    `inputs: { x: { ...x, dtype: 'int32', encode: () => new Int32Array(2) }, spare: x },
     model: { ...base.model, outputs: { y: { role: 'latent' }, probs: { role: 'latent' } } }`,
  );
  const report = await runIntegrationTest({ scriptPath: file });
  assert.deepEqual(notPassed(report.checks), [
    ['binding.input-dtype', 'input:x', 'failed', undefined],
    ['binding.encoder-used', 'input:spare', 'warning', undefined],
    ['binding.output-exists', 'output:probs', 'failed', undefined],
  ]);
  assert.match(find(report.checks, 'binding.input-dtype').message, /declares dtype 'int32', but model input 'x' of model\.onnx takes 'float32'/);
  assert.match(find(report.checks, 'binding.output-exists').message, /names 'probs', which model\.onnx does not have \(its outputs: 'y' float32 \[batch, 2\]\)/);
});

test('binding: a ground truth whose shape cannot score its output', async () => {
  const dir = workspace();
  sqrtModel(dir);
  const file = script(
    dir,
    `groundTruths: { t: { shape: [3], dtype: 'float32', encode: () => new Float32Array(3) } },
     model: { ...base.model, outputs: { y: { role: 'prediction', task: 'regression', groundTruth: 't' } } }`,
  );
  const report = await runIntegrationTest({ scriptPath: file });
  assert.deepEqual(notPassed(report.checks), [['binding.ground-truth-shape', 'groundTruth:t', 'failed', undefined]]);
  assert.match(find(report.checks, 'binding.ground-truth-shape').message, /shape \[3\] \(3 values\), but output 'y' \(regression, 2 values per sample\) is scored against 2 values per sample/);
});

test('preprocess: a subset without a length fails, an empty one warns', async () => {
  const dir = workspace();
  sqrtModel(dir);
  const bad = await runIntegrationTest({ scriptPath: script(dir, `preprocess: () => ({ test: { data: [] } })`) });
  assert.deepEqual(notPassed(bad.checks), [['preprocess.subsets', 'preprocess', 'failed', undefined]]);
  assert.match(find(bad.checks, 'preprocess.subsets').message, /Subset 'test' returned by preprocess in case\.integration\.js has length undefined/);

  const empty = await runIntegrationTest({ scriptPath: script(dir, `preprocess: async () => ({ test: { length: 10, data: null }, validation: { length: 0, data: null } })`) });
  assert.deepEqual(notPassed(empty.checks), [['preprocess.subsets', 'preprocess', 'warning', undefined]]);
  assert.equal(empty.ok, true);
});

test('metadata, metric and loss functions that throw fail their runs check at that sample', async () => {
  const dir = workspace();
  sqrtModel(dir);
  const file = script(
    dir,
    `groundTruths: { t: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
     metadata: { m: (i) => { if (i === 4) throw new Error('no metadata row'); return i; } },
     metrics: { k: ({ index }) => { if (index === 5) throw new RangeError('bad metric'); return 1; } },
     losses: { l: ({ index }) => { if (index === 9) throw new Error('bad loss'); return 1; } },
     model: { ...base.model, outputs: { y: { role: 'prediction', task: 'regression', groundTruth: 't' } } }`,
  );
  const report = await runIntegrationTest({ scriptPath: file });
  assert.deepEqual(notPassed(report.checks), [
    ['metadata.runs', 'metadata:m', 'failed', 4],
    ['metric.runs', 'metric:k', 'failed', 5],
    ['loss.runs', 'loss:l', 'failed', 9],
  ]);
  assert.match(find(report.checks, 'metric.runs').message, /Custom metric 'k' at sample 5 of subset 'test' threw \(at .*case\.integration\.js:\d+:\d+\): bad metric/);
});
