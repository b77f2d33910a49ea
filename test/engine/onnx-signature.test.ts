import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { EvalensError } from '../../engine/errors';
import {
  formatDims,
  parseModelSignature,
  readModelSignature,
  readModelSignatureSync,
  type ModelSignature,
  type TensorInfo,
} from '../../engine/onnx/model-signature';
import { ProtobufError, ProtobufReader } from '../../engine/onnx/protobuf-reader';
import { buildModel, concat, DataType, intField, messageField, stringField, varint, type ModelSpec } from '../helpers/onnx-writer';

const MODELS = path.resolve(__dirname, '../fixtures/models');
const DIGITS = path.join(MODELS, 'digits_cnn.onnx');
const LOGREG = path.join(MODELS, 'bc_logreg.onnx');

const tmp = mkdtempSync(path.join(tmpdir(), 'evalens-onnx-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function writeTemp(name: string, bytes: Uint8Array | string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

/** Our signature in onnxruntime's terms: it reports an unknown dim as "" and an unknown rank as []. */
function asOrt(values: TensorInfo[]) {
  return values.map((v) => ({
    name: v.name,
    isTensor: v.elementType !== 'unknown',
    type: v.elementType,
    shape: (v.dims ?? []).map((d) => d ?? ''),
  }));
}

async function assertMatchesOrt(file: string, signature: ModelSignature): Promise<void> {
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 });
  try {
    assert.deepEqual(asOrt(signature.inputs), session.inputMetadata);
    assert.deepEqual(asOrt(signature.outputs), session.outputMetadata);
  } finally {
    await session.release();
  }
}

function expectModelError(fn: () => unknown, code: 'model-not-found' | 'model-invalid', pattern: RegExp): EvalensError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof EvalensError, `expected an EvalensError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.match(caught.message, pattern);
  return caught;
}

const identity = (type: ModelSpec['inputs'][number]['type']): ModelSpec => ({
  nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  inputs: [{ name: 'x', type }],
  outputs: [{ name: 'y', type }],
});

test('digits_cnn.onnx: signature agrees with onnxruntime', async () => {
  const signature = readModelSignatureSync(DIGITS);
  assert.deepEqual(signature.inputs, [{ name: 'image', elementType: 'float32', dims: ['batch', 1, 8, 8] }]);
  assert.deepEqual(
    signature.outputs.map((o) => o.name),
    ['logits', 'embedding'],
  );
  assert.ok(signature.irVersion >= 3);
  assert.ok(signature.opsets.some((o) => o.domain === '' && o.version > 0));
  await assertMatchesOrt(DIGITS, signature);
});

test('bc_logreg.onnx: signature agrees with onnxruntime (async reader)', async () => {
  const signature = await readModelSignature(LOGREG);
  assert.equal(signature.file, LOGREG);
  assert.deepEqual(signature.inputs, [{ name: 'features', elementType: 'float32', dims: ['batch', 30] }]);
  await assertMatchesOrt(LOGREG, signature);
});

test('in-memory Identity model: int64 [batch, 3], opset 13, ir_version 8', async () => {
  const file = writeTemp('identity.onnx', buildModel(identity({ tensor: DataType.INT64, dims: ['batch', 3] })));
  const signature = readModelSignatureSync(file);
  assert.deepEqual(signature, {
    file,
    irVersion: 8,
    opsets: [{ domain: '', version: 13 }],
    producer: 'evalens-test',
    inputs: [{ name: 'x', elementType: 'int64', dims: ['batch', 3] }],
    outputs: [{ name: 'y', elementType: 'int64', dims: ['batch', 3] }],
    values: [
      { name: 'x', elementType: 'int64', dims: ['batch', 3] },
      { name: 'y', elementType: 'int64', dims: ['batch', 3] },
    ],
  });
  await assertMatchesOrt(file, signature);
});

test('graph inputs that are initializers are not model inputs', async () => {
  const float2 = { tensor: DataType.FLOAT, dims: [2] };
  const file = writeTemp(
    'weights-as-inputs.onnx',
    buildModel({
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      initializers: [{ name: 'w', dataType: DataType.FLOAT, dims: [2], floats: [1, 2] }],
      inputs: [
        { name: 'x', type: float2 },
        { name: 'w', type: float2 },
      ],
      outputs: [{ name: 'y', type: float2 }],
    }),
  );
  const signature = readModelSignatureSync(file);
  assert.deepEqual(signature.inputs, [{ name: 'x', elementType: 'float32', dims: [2] }]);
  await assertMatchesOrt(file, signature);
});

test('a tensor type without a shape has unknown rank', async () => {
  const file = writeTemp('unknown-rank.onnx', buildModel(identity({ tensor: DataType.FLOAT })));
  const signature = readModelSignatureSync(file);
  assert.deepEqual(signature.inputs, [{ name: 'x', elementType: 'float32', dims: null }]);
  assert.equal(formatDims(signature.inputs[0]!.dims), '[...]');
  await assertMatchesOrt(file, signature);
});

test('a dim with neither value nor name is null', async () => {
  const file = writeTemp('unknown-dim.onnx', buildModel(identity({ tensor: DataType.FLOAT, dims: [null, 4] })));
  const signature = readModelSignatureSync(file);
  assert.deepEqual(signature.inputs, [{ name: 'x', elementType: 'float32', dims: [null, 4] }]);
  assert.equal(formatDims(signature.inputs[0]!.dims), '[?, 4]');
  await assertMatchesOrt(file, signature);
});

test('a non-tensor input has element type unknown and no dims', () => {
  const signature = parseModelSignature(buildModel(identity({ sequenceOf: DataType.FLOAT })), 'seq.onnx');
  assert.deepEqual(signature.inputs, [{ name: 'x', elementType: 'unknown', dims: null }]);
});

test('formatDims', () => {
  assert.equal(formatDims(['batch', 1, 8, 8]), '[batch, 1, 8, 8]');
  assert.equal(formatDims([]), '[]');
  assert.equal(formatDims([null]), '[?]');
  assert.equal(formatDims(null), '[...]');
});

test('a missing file is model-not-found and names the path', async () => {
  const missing = path.join(tmp, 'nope', 'model.onnx');
  expectModelError(() => readModelSignatureSync(missing), 'model-not-found', /'model\.onnx' was not found/);
  const error = expectModelError(() => readModelSignatureSync(missing), 'model-not-found', /nope/);
  assert.ok(error.message.includes(missing));
  await assert.rejects(readModelSignature(missing), (e: unknown) => e instanceof EvalensError && e.code === 'model-not-found');
});

test('text files are model-invalid, not ONNX', () => {
  const json = writeTemp('model.json.onnx', '{"hello": 1}\n');
  expectModelError(() => readModelSignatureSync(json), 'model-invalid', /'model\.json\.onnx'.*not an ONNX model/s);
  const readme = writeTemp('README.md', '# Digits\n\nA small CNN for 8x8 digits. Export with `python export.py`.\n');
  expectModelError(() => readModelSignatureSync(readme), 'model-invalid', /not an ONNX model/);
  const lfs = writeTemp(
    'lfs.onnx',
    'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 40443\n',
  );
  expectModelError(() => readModelSignatureSync(lfs), 'model-invalid', /Git LFS pointer.*git lfs pull/s);
});

test('a directory is model-invalid', () => {
  expectModelError(() => readModelSignatureSync(tmp), 'model-invalid', /is a directory/);
});

test('an empty file is model-invalid', () => {
  const empty = writeTemp('empty.onnx', '');
  expectModelError(() => readModelSignatureSync(empty), 'model-invalid', /'empty\.onnx'.*empty/s);
});

test('a truncated model is model-invalid and says it looks truncated', () => {
  const bytes = readFileSync(DIGITS);
  for (const length of [1, 10, 1000, Math.floor(bytes.length / 2), bytes.length - 1]) {
    const file = writeTemp(`digits-${length}.onnx`, bytes.subarray(0, length));
    const error = expectModelError(() => readModelSignatureSync(file), 'model-invalid', /truncated/);
    assert.match(error.message, /re-export or re-download/);
    assert.ok(error.message.includes(file), 'names the file');
  }
});

test('protobuf that is not ONNX is model-invalid', () => {
  // ir_version but no graph
  expectModelError(() => parseModelSignature(intField(1, 8), 'm.onnx'), 'model-invalid', /not an ONNX model: it has no graph/);
  // a graph but no ir_version
  const noIr = messageField(7, [stringField(2, 'g')]);
  expectModelError(() => parseModelSignature(noIr, 'm.onnx'), 'model-invalid', /not an ONNX model: it has no IR version/);
  // binary garbage: a group wire type
  expectModelError(() => parseModelSignature(Uint8Array.from([0x0b, 0x00, 0x01]), 'm.onnx'), 'model-invalid', /not a valid protobuf/);
});

test('ProtobufReader: varints, skipping, groups and truncation', () => {
  const bytes = concat([
    intField(1, 2 ** 40 + 3),
    intField(2, -1),
    concat([varint(3 * 8 + 5), Uint8Array.of(1, 2, 3, 4)]), // fixed32
    concat([varint(4 * 8 + 1), new Uint8Array(8)]), // fixed64
    stringField(5, 'héllo'),
    intField(6, 300),
  ]);
  const r = new ProtobufReader(bytes);
  const seen: unknown[] = [];
  while (r.next()) {
    if (r.field === 1 || r.field === 2 || r.field === 6) seen.push(r.int64());
    else if (r.field === 5) seen.push(r.string());
    else r.skip();
  }
  assert.deepEqual(seen, [2 ** 40 + 3, -1, 'héllo', 300]);

  const group = new ProtobufReader(Uint8Array.of(0x0b));
  assert.throws(() => group.next(), (e: unknown) => e instanceof ProtobufError && !e.truncated && /group/.test(e.message));

  const cut = new ProtobufReader(stringField(1, 'hello').subarray(0, 4));
  assert.ok(cut.next());
  assert.throws(() => cut.skip(), (e: unknown) => e instanceof ProtobufError && e.truncated);

  const cutVarint = new ProtobufReader(Uint8Array.of(0x08, 0xff, 0xff));
  assert.ok(cutVarint.next());
  assert.throws(() => cutVarint.int64(), (e: unknown) => e instanceof ProtobufError && e.truncated);

  // A field overrunning its enclosing message is corruption, not truncation.
  const inner = new ProtobufReader(messageField(1, [Uint8Array.of(0x12, 0x05, 0x61)]));
  assert.ok(inner.next());
  const nested = inner.message();
  assert.ok(nested.next());
  assert.throws(() => nested.skip(), (e: unknown) => e instanceof ProtobufError && !e.truncated);
});
