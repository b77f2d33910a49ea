import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadEvalConfig } from '../../engine/config/load-config';
import { EvalensError } from '../../engine/errors';
import { prepareEvaluation } from '../../engine/runner/prepare-evaluation';
import { evalensSync, copyExample, writeConfig, type ConfigJson } from '../helpers/eval-runs';
import { ROOT } from '../helpers/paths';

function configError(file: string): EvalensError {
  try {
    loadEvalConfig(file);
  } catch (error) {
    assert.ok(error instanceof EvalensError);
    return error;
  }
  assert.fail('the config was accepted');
}

const dir = copyExample();

/** Each field wrong in turn: the error names its JSON path. */
const BAD_FIELDS: [string, (c: ConfigJson) => void, RegExp][] = [
  ['name missing', (c) => delete c.name, /name: Invalid input: expected string, received undefined/],
  ['name empty', (c) => (c.name = ''), /name: Too small/],
  ['integration not a string', (c) => (c.integration = 3), /integration: Invalid input: expected string, received number/],
  ['unknown top-level key', (c) => (c.batchsize = 8), /batchsize: is not a known field \(did you mean 'batchSize'\?\)/],
  ['benchmarks empty', (c) => (c.benchmarks = []), /benchmarks: needs at least one benchmark/],
  ['benchmark without subset or dataset', (c) => (c.benchmarks = [{ name: 'x' }]), /benchmarks\[0\]: needs `subset`/],
  ['benchmark name with a slash', (c) => (c.benchmarks[0].name = 'a/b'), /benchmarks\[0\]\.name: must be a name/],
  ['duplicate benchmark names', (c) => (c.benchmarks[1].name = 'test'), /benchmarks\[1\]\.name: duplicates benchmark name 'test'/],
  ['sampleCount not an integer', (c) => (c.benchmarks[1].sampleCount = 2.5), /benchmarks\[1\]\.sampleCount: Invalid input: expected int/],
  ['seed negative', (c) => (c.benchmarks[1].seed = -1), /benchmarks\[1\]\.seed: Too small/],
  ['unknown benchmark key', (c) => (c.benchmarks[0].subst = 'test'), /benchmarks\[0\]\.subst: is not a known field \(did you mean 'subset'\?\)/],
  ['batchSize zero', (c) => (c.batchSize = 0), /batchSize: Too small/],
  ['executionProviders empty', (c) => (c.executionProviders = []), /executionProviders: Too small/],
  ['memoryLimitMb tiny', (c) => (c.memoryLimitMb = 16), /memoryLimitMb: Too small/],
  ['intraOpThreads zero', (c) => (c.intraOpThreads = 0), /intraOpThreads: Too small/],
  ['maxSampleErrors negative', (c) => (c.maxSampleErrors = -3), /maxSampleErrors: Too small/],
  ['gate without threshold', (c) => (c.gates = [{ metric: 'accuracy' }]), /gates\[0\]: needs a threshold/],
  ['gate change without baseline', (c) => (c.gates = [{ metric: 'accuracy', minChange: -0.01 }]), /gates\[0\]\.baseline: minChange and minRelativeChange compare with a baseline run/],
  ['gate on unknown benchmark', (c) => (c.gates = [{ benchmark: 'val', metric: 'accuracy', min: 0.5 }]), /gates\[0\]\.benchmark: names benchmark 'val', which the config does not define \(defined: 'test', 'train-sample'\)/],
  ['model.path missing file', (c) => (c.model = { path: 'nope.onnx' }), /model\.path: 'nope\.onnx' does not exist/],
  ['integration missing file', (c) => (c.integration = 'nope.integration.ts'), /integration: 'nope\.integration\.ts' does not exist/],
  ['dataset missing', (c) => c.benchmarks.push({ name: 'ext', dataset: 'data/none.json' }), /benchmarks\[2\]\.dataset: 'data\/none\.json' does not exist/],
  ['checkpoint with a file path', (c) => (c.model = { path: 'digits_cnn.onnx', checkpoint: 'x.onnx' }), /model\.checkpoint: given, but model\.path 'digits_cnn\.onnx' is a file/],
];

for (const [what, change, says] of BAD_FIELDS) {
  test(`bad config: ${what}`, () => {
    const error = configError(writeConfig(dir, change, 'bad.eval.json'));
    assert.equal(error.code, 'config-invalid');
    assert.match(error.message, /bad\.eval\.json/);
    assert.match(error.message, says);
  });
}

test('a config that is not JSON says where', () => {
  const file = path.join(dir, 'broken.eval.json');
  writeFileSync(file, '{\n  "name": "x",\n  "integration": "digits.integration.ts",\n}\n');
  const error = configError(file);
  assert.match(error.message, /broken\.eval\.json is not valid JSON: .* at line 4, column 1/);
});

test('a missing config is named', () => {
  const error = configError(path.join(dir, 'none.eval.json'));
  assert.equal(error.code, 'config-not-found');
  assert.match(error.message, /none\.eval\.json' does not exist/);
});

test('checkpoints: a folder of ONNX files, one chosen by name or latest', () => {
  const file = writeConfig(dir, (c) => (c.model = { path: '.', checkpoint: 'digits_cnn.onnx' }), 'ckpt.eval.json');
  assert.equal(loadEvalConfig(file).model, path.join(dir, 'digits_cnn.onnx'));
  assert.equal(loadEvalConfig(writeConfig(dir, (c) => (c.model = { path: '.', checkpoint: 'latest' }), 'ckpt.eval.json')).model, path.join(dir, 'digits_cnn.onnx'));
  assert.match(configError(writeConfig(dir, (c) => (c.model = { path: '.' }), 'ckpt.eval.json')).message, /model\.checkpoint: model\.path is a folder: choose one of 'digits_cnn\.onnx', 'latest' or 'all'/);
});

async function preflightError(change: (c: ConfigJson) => void): Promise<EvalensError> {
  try {
    await prepareEvaluation(loadEvalConfig(writeConfig(dir, change, 'pre.eval.json')));
  } catch (error) {
    assert.ok(error instanceof EvalensError);
    return error;
  }
  assert.fail('preflight passed');
}

test('preflight: a benchmark subset the integration does not return', async () => {
  const error = await preflightError((c) => (c.benchmarks[1].subset = 'validation'));
  assert.match(error.message, /benchmarks\[1\]\.subset 'validation' \('train-sample'\) is not a subset the integration returns; it returns 'train', 'test', 'unlabeled'/);
});

test('preflight: sampleCount larger than the subset', async () => {
  const error = await preflightError((c) => (c.benchmarks[0].sampleCount = 541));
  assert.match(error.message, /benchmarks\[0\]\.sampleCount is 541, but subset 'test' has only 540 samples/);
});

test('preflight: a model whose input names do not match the binding', async () => {
  const error = await preflightError((c) => (c.model = { path: path.join(ROOT, 'test', 'fixtures', 'models', 'bc_logreg.onnx') }));
  assert.equal(error.code, 'definition-invalid');
  assert.match(error.message, /does not match the integration/);
  assert.match(error.message, /Model input 'features' \(float32 \[batch, 30\]\) of bc_logreg\.onnx is not fed by any encoder/);
  assert.match(error.message, /Nothing was evaluated/);
});

test('bad configs fail `evalens eval` with exit 2 before any run is created', () => {
  const store = path.join(dir, 'store');
  const bad = writeConfig(dir, (c) => (c.benchmarks[1].subset = 'validation'), 'cli-bad.eval.json');
  const result = evalensSync(['eval', '--config', bad, '--runs-dir', store]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: .*is not a subset the integration returns/);
  assert.ok(!existsSync(store) || readdirSync(store).length === 0, 'no run was created');
});
