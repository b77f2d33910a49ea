import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadIntegration } from '../../engine/loader/load-script';
import { EvalensError } from '../../engine/errors';
import { userFrame } from '../../engine/loader/user-stack';
import { fixture } from '../helpers/paths';

async function loadError(file: string): Promise<EvalensError> {
  try {
    await loadIntegration(file);
  } catch (error) {
    assert.ok(error instanceof EvalensError, `expected an EvalensError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${file} loaded without error`);
}

for (const name of ['valid.integration.ts', 'valid.integration.js', 'valid.integration.mjs']) {
  test(`loads ${name}, resolving 'evalens' and relative imports`, async () => {
    const loaded = await loadIntegration(fixture(name));
    assert.equal(loaded.file, fixture(name));
    assert.equal(loaded.modelPath, path.join(path.dirname(fixture(name)), '..', 'models', 'digits_cnn.onnx'));
    assert.deepEqual(Object.keys(loaded.definition.inputs), ['image']);
    assert.equal(loaded.definition.inputs.image!.dtype, 'float32');
    assert.deepEqual(loaded.definition.model.outputs.embedding, { role: 'latent' });
  });
}

test('a missing script is named, with what to do', async () => {
  const error = await loadError(fixture('nope.integration.ts'));
  assert.equal(error.code, 'script-not-found');
  assert.match(error.message, /Integration script '.*nope\.integration\.ts' does not exist\. Check the path/);
});

test('a script that does not compile names file, line and column', async () => {
  const error = await loadError(fixture('syntax-error.integration.ts'));
  assert.equal(error.code, 'script-compile');
  assert.match(error.message, /test\/fixtures\/integrations\/syntax-error\.integration\.ts:7:3: Expected "\}" but found "model"/);
});

test('a script that throws on load points at its own line', async () => {
  const error = await loadError(fixture('top-level-throws.integration.ts'));
  assert.equal(error.code, 'script-runtime');
  assert.match(error.message, /threw while loading \(at .*top-level-throws\.integration\.ts:4:\d+\): .*JSON/);
  assert.match(error.message, /move it into preprocess/);
});

test('a script without a default-exported integration says how to export one', async () => {
  const error = await loadError(fixture('no-export.integration.ts'));
  assert.equal(error.code, 'script-no-integration');
  assert.match(error.message, /export default defineIntegration/);
});

test('an invalid definition lists every bad field by path', async () => {
  const error = await loadError(fixture('invalid-definition.integration.js'));
  assert.equal(error.code, 'definition-invalid');
  assert.match(error.message, /inputs\.image\.shape\[1\]: dimensions must be positive integers/);
  assert.match(error.message, /model\.inputs\.image: names input encoder 'pixels', which is not declared in 'inputs' \(declared: 'image'\)/);
});

test('definition checks: unknown ground truth, missing labels, duplicate names, a plain object export', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-loader-'));
  const write = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    return file;
  };
  const common = `const { defineIntegration } = require('evalens');
const enc = { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) };`;
  const bad = write(
    'bad.integration.js',
    `${common}
module.exports = defineIntegration({
  preprocess: () => ({}),
  inputs: { x: enc },
  metadata: { x: () => 1 },
  model: { path: 'm.onnx', inputs: { in: 'x' }, outputs: { y: { role: 'prediction', task: 'classification', groundTruth: 'label' } } },
});`,
  );
  const error = await loadError(bad);
  assert.equal(error.code, 'definition-invalid');
  assert.match(error.message, /model\.outputs\.y\.groundTruth: names ground-truth encoder 'label', which is not declared in 'groundTruths' \(declared: none\)/);
  assert.match(error.message, /model\.outputs\.y\.labels: is required for a classification output/);
  assert.match(error.message, /metadata\.x: reuses the name 'x' already declared in 'inputs'/);

  const plain = write('plain.integration.js', `module.exports = { default: { inputs: {} } };`);
  const plainError = await loadError(plain);
  assert.equal(plainError.code, 'script-no-integration');
  assert.match(plainError.message, /an object with keys 'inputs', not made by defineIntegration/);
});

test('visualizers are checked by path: an unknown or missing kind, a draw that is not a function; a name shared with an input is fine', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-loader-'));
  const file = path.join(dir, 'visualizers.integration.js');
  writeFileSync(
    file,
    `const { defineIntegration } = require('evalens');
module.exports = defineIntegration({
  preprocess: () => ({}),
  inputs: { image: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  visualizers: { image: { kind: 'image', draw: () => null }, plot: { kind: 'chart', draw: () => '' }, caption: { draw: () => '' }, label: { kind: 'text', draw: 'digit' } },
  model: { path: 'm.onnx', inputs: { in: 'image' }, outputs: {} },
});`,
  );
  const error = await loadError(file);
  assert.equal(error.code, 'definition-invalid');
  assert.match(error.message, /visualizers\.plot\.kind: is "chart": give each visualizer kind 'image' \(draw returns \{ data, width, height, channels \}\) or 'text'/);
  assert.match(error.message, /visualizers\.caption\.kind: is missing/);
  assert.match(error.message, /visualizers\.label\.draw: must be a function/);
  assert.doesNotMatch(error.message, /visualizers\.image/);
});

test('stack frames of user code map back to the .ts source', async () => {
  const loaded = await loadIntegration(fixture('encoder-throws.integration.ts'));
  const subset = { name: 'test', length: 60, data: { x: [], y: [] } };
  try {
    loaded.definition.inputs.image!.encode(37, subset);
    assert.fail('encode should throw at sample 37');
  } catch (error) {
    assert.deepEqual(userFrame(error, loaded.file), { file: loaded.file, line: 10, column: 40 });
  }
});
