import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { withExtraOutputs } from '../../engine/onnx/graph-outputs';
import { parseModelSignature } from '../../engine/onnx/model-signature';
import { DataType, buildModel, intField, messageField, stringField } from '../../engine/onnx/onnx-writer';
import { runIntegrationTest } from '../../engine/integration-test/run-integration-test';
import { isEvalensError } from '../../engine/errors';
import { appendToGraph, withoutGraphOutputs } from '../helpers/onnx-edit';
import { fixture, ROOT } from '../helpers/paths';

/**
 * Latents read from an intermediate tensor: the edited copy of the model, run by
 * onnxruntime-node, on digits_cnn_hidden.onnx (digits_cnn.onnx without its `embedding`
 * output, so its penultimate layer is a hidden tensor).
 */

const MODELS = path.join(ROOT, 'test', 'fixtures', 'models');
const ORIGINAL = path.join(MODELS, 'digits_cnn.onnx');
const HIDDEN = path.join(MODELS, 'digits_cnn_hidden.onnx');
const digits = JSON.parse(readFileSync(path.join(ROOT, '..', 'shared', 'fixtures', 'digits_test.json'), 'utf8')) as { x: number[][]; y: number[] };

async function run(model: Uint8Array, outputs: string[]): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    const image = new ort.Tensor('float32', Float32Array.from(digits.x.flat()), [digits.x.length, 1, 8, 8]);
    return await session.run({ image }, outputs);
  } finally {
    await session.release();
  }
}

function bytesOf(tensor: ort.Tensor): Buffer {
  const data = tensor.data as Float32Array;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function expectError(fn: () => unknown, code: string, ...says: RegExp[]): void {
  assert.throws(fn, (error) => {
    assert.ok(isEvalensError(error), String(error));
    assert.equal(error.code, code);
    for (const pattern of says) assert.match(error.message, pattern);
    return true;
  });
}

test('the fixture is digits_cnn.onnx without its embedding output, which is left as a hidden tensor', () => {
  const hidden = readFileSync(HIDDEN);
  assert.ok(hidden.equals(withoutGraphOutputs(readFileSync(ORIGINAL), ['embedding'])), 'regenerate it: node --import tsx test/fixtures/models/make_digits_cnn_hidden.ts');
  const signature = parseModelSignature(hidden, HIDDEN);
  assert.deepEqual(signature.outputs.map((o) => o.name), ['logits']);
  assert.deepEqual(
    signature.values.map((v) => v.name),
    ['image', '/c1/Conv_output_0', '/Relu_output_0', '/c2/Conv_output_0', '/Relu_1_output_0', '/MaxPool_output_0', '/Flatten_output_0', '/fc/Gemm_output_0', 'embedding', 'logits'],
  );
  // The graph records no value_info: intermediate tensors are untyped until onnxruntime infers them.
  assert.deepEqual(signature.values.find((v) => v.name === 'embedding'), { name: 'embedding', elementType: 'unknown', dims: null });
  assert.deepEqual(signature.values.find((v) => v.name === 'logits'), { name: 'logits', elementType: 'float32', dims: ['batch', 10] });
});

test('the edited copy outputs the hidden tensor, under its own name or the key, equal to the original output bit for bit', async () => {
  const hidden = readFileSync(HIDDEN);
  const before = Buffer.from(hidden);
  const edited = withExtraOutputs(hidden, [
    { name: 'embedding', tensor: 'embedding' },
    { name: 'hidden', tensor: 'embedding' },
    { name: 'pre_relu', tensor: '/fc/Gemm_output_0' },
  ], HIDDEN);
  assert.ok(hidden.equals(before), 'the model bytes given are not changed');
  assert.deepEqual(parseModelSignature(edited, HIDDEN).outputs.map((o) => o.name), ['logits', 'embedding', 'hidden', 'pre_relu']);

  const reference = await run(readFileSync(ORIGINAL), ['logits', 'embedding']);
  const out = await run(edited, ['logits', 'embedding', 'hidden', 'pre_relu']);
  assert.deepEqual(out.hidden!.dims, [540, 32]);
  assert.equal(out.hidden!.type, 'float32');
  assert.ok(bytesOf(out.embedding!).equals(bytesOf(reference.embedding!)));
  assert.ok(bytesOf(out.hidden!).equals(bytesOf(reference.embedding!)));
  assert.ok(bytesOf(out.logits!).equals(bytesOf(reference.logits!)));
  // The Relu's input, another hidden tensor: the embedding is its positive part.
  const pre = out.pre_relu!.data as Float32Array;
  assert.deepEqual(Float32Array.from(pre, (v) => Math.max(v, 0)), reference.embedding!.data);
  assert.ok(pre.some((v) => v < 0));
});

test('a tensor typed in value_info keeps its type and dims as an output; an output the model has is left alone', async () => {
  const model = buildModel({
    nodes: [
      { op: 'Neg', inputs: ['x'], outputs: ['h'] },
      { op: 'Abs', inputs: ['h'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: { tensor: DataType.FLOAT, dims: ['batch', 3] } }],
    outputs: [{ name: 'y', type: { tensor: DataType.FLOAT, dims: ['batch', 3] } }],
  });
  // buildModel writes no value_info: add one for h (GraphProto field 13) to the graph.
  const valueInfo = messageField(13, [stringField(1, 'h'), messageField(2, [messageField(1, [intField(1, DataType.FLOAT), messageField(2, [messageField(1, [stringField(2, 'batch')]), messageField(1, [intField(1, 3)])])])])]);
  const typed = appendToGraph(model, valueInfo);
  const edited = withExtraOutputs(typed, [{ name: 'h', tensor: 'h' }, { name: 'y', tensor: 'y' }, { name: 'minus_x', tensor: 'h' }], 'typed.onnx');
  assert.deepEqual(parseModelSignature(edited, 'typed.onnx').outputs, [
    { name: 'y', elementType: 'float32', dims: ['batch', 3] },
    { name: 'h', elementType: 'float32', dims: ['batch', 3] },
    { name: 'minus_x', elementType: 'float32', dims: ['batch', 3] },
  ]);
  const session = await ort.InferenceSession.create(edited);
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, -2, 3), [1, 3]) });
  await session.release();
  assert.deepEqual(Array.from(out.h!.data as Float32Array), [-1, 2, -3]);
  assert.deepEqual(Array.from(out.minus_x!.data as Float32Array), [-1, 2, -3]);
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [1, 2, 3]);
  assert.equal(withExtraOutputs(typed, [{ name: 'y', tensor: 'y' }], 'typed.onnx'), typed, 'nothing to add: the same bytes');
});

test('a tensor the graph does not compute, a key taken by another tensor, and weights in external data are refused with what to do', () => {
  const hidden = readFileSync(HIDDEN);
  expectError(() => withExtraOutputs(hidden, [{ name: 'hidden', tensor: 'embeding' }], HIDDEN), 'definition-invalid', /model\.outputs\.hidden\.tensor names 'embeding', which digits_cnn_hidden\.onnx does not compute\. Did you mean 'embedding'\?/, /the last values it computes are 'logits' float32 \[batch, 10\], 'embedding', '\/fc\/Gemm_output_0'/);
  expectError(() => withExtraOutputs(hidden, [{ name: 'w', tensor: 'fc.weight' }], HIDDEN), 'definition-invalid', /names 'fc\.weight', which digits_cnn_hidden\.onnx does not compute/, /weights are not per-sample values/);
  expectError(() => withExtraOutputs(hidden, [{ name: 'logits', tensor: 'embedding' }], HIDDEN), 'definition-invalid', /key 'logits' is also the name of a tensor of digits_cnn_hidden\.onnx/, /Rename the key \(for example 'logits_latent'\)/);

  const external = buildModel({
    nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['h'] }, { op: 'Relu', inputs: ['h'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: { tensor: DataType.FLOAT, dims: [2] } }],
    outputs: [{ name: 'y', type: { tensor: DataType.FLOAT, dims: [2] } }],
  });
  // TensorProto: dims (1), data_type (2), name (8), external_data (13) { key, value }, data_location (14) = EXTERNAL.
  const weights = messageField(5, [intField(1, 2), intField(2, DataType.FLOAT), stringField(8, 'w'), messageField(13, [stringField(1, 'location'), stringField(2, 'weights.bin')]), intField(14, 1)]);
  expectError(() => withExtraOutputs(appendToGraph(external, weights), [{ name: 'h', tensor: 'h' }], 'big.onnx'), 'model-invalid', /big\.onnx keeps its weights in an external data file \('weights\.bin'\)/, /Export the model with that tensor as an output/);
});

test('integration test: a latent bound to the hidden tensor passes and goes through the model; a misspelled tensor fails its check with close names', async () => {
  const report = await runIntegrationTest({ scriptPath: fixture('hidden-latent.integration.ts') });
  assert.deepEqual(report.checks.filter((c) => c.status !== 'passed'), []);
  const check = (id: string, component: string) => report.checks.find((c) => c.id === id && c.component === component);
  assert.equal(check('binding.tensor-exists', 'output:hidden')?.status, 'passed');
  assert.equal(check('model.output-finite', 'output:hidden')?.message, 'ok on 60 samples');

  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-tensor-'));
  cpSync(fixture('data'), path.join(dir, 'data'), { recursive: true });
  const script = path.join(dir, 'misspelled.integration.ts');
  writeFileSync(script, readFileSync(fixture('hidden-latent.integration.ts'), 'utf8').replace("'./common'", JSON.stringify(fixture('common'))).replace("'../models/", `'${MODELS}/`).replace("tensor: 'embedding'", "tensor: 'Embedding_output'"));
  const broken = await runIntegrationTest({ scriptPath: script });
  assert.deepEqual(
    broken.checks.filter((c) => c.status !== 'passed').map((c) => [c.id, c.component]),
    [['binding.tensor-exists', 'output:hidden']],
  );
  assert.match(broken.checks.find((c) => c.id === 'binding.tensor-exists')!.message, /names 'Embedding_output', which digits_cnn_hidden\.onnx does not compute\. Name a graph input or a node output/);
  // The rest of the model still runs.
  assert.equal(broken.checks.find((c) => c.id === 'model.output-finite' && c.component === 'output:logits')?.message, 'ok on 60 samples');
});
