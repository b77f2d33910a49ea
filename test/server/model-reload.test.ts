import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FileChangeType } from 'vscode-languageserver-protocol';
import { ROOT } from '../helpers/paths';
import { LspClient, uriOf } from './lsp-client';

const MODELS = path.join(ROOT, 'test', 'fixtures', 'models');
const SCRIPT = `import { defineIntegration } from 'evalens';

export default defineIntegration({
  preprocess: () => ({ test: { length: 1, data: [new Array<number>(64).fill(0)] } }),
  inputs: { image: { shape: [1, 8, 8], dtype: 'float32', encode: (index, subset) => Float32Array.from(subset.data[index]!) } },
  model: { path: './model.onnx', inputs: { image: 'image' }, outputs: { embedding: { role: 'latent' } } },
});
`;

let client: LspClient;
let dir: string;
let script: string;
let model: string;
before(async () => {
  client = await LspClient.start(undefined, { watchers: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'evalens-reload-'));
  script = path.join(dir, 'reload.integration.ts');
  model = path.join(dir, 'model.onnx');
  writeFileSync(script, SCRIPT);
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the server re-reads the ONNX signature when the file changes', async () => {
  assert.deepEqual((await client.open(script)).map((d) => d.code), ['EV301'], 'no model yet');

  copyFileSync(path.join(MODELS, 'digits_cnn.onnx'), model);
  let published = client.waitFor(uriOf(script));
  await client.filesChanged([{ uri: uriOf(model), type: FileChangeType.Created }]);
  assert.deepEqual((await published).diagnostics, [], 'the model appeared: it matches the binding');

  // Re-exported as a different model: another input, other outputs.
  copyFileSync(path.join(MODELS, 'bc_logreg.onnx'), model);
  published = client.waitFor(uriOf(script));
  await client.filesChanged([{ uri: uriOf(model), type: FileChangeType.Changed }]);
  const codes = (await published).diagnostics.map((d) => d.code).sort();
  assert.deepEqual(codes, ['EV303', 'EV304', 'EV309']);
});

test('without a file event, a changed model is seen at the next edit (mtime and size)', async () => {
  copyFileSync(path.join(MODELS, 'digits_cnn.onnx'), model);
  const diagnostics = await client.change(script, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '// edited\n' }]);
  assert.deepEqual(diagnostics, []);
});
