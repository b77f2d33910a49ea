import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { LensCommand } from '../../shared/lsp-protocol';
import { EXAMPLE_SCRIPT, INTEGRATIONS } from '../helpers/paths';
import { LspClient, uriOf } from './lsp-client';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
  await client.open(EXAMPLE_SCRIPT);
});
after(async () => {
  await client.stop();
});

/** The position of the n-th occurrence of `needle` (plus `shift` characters). */
function positionOf(text: string, needle: string, shift = 0, occurrence = 1): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} is in the text`);
  const before = text.slice(0, at + shift).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

async function hoverText(needle: string, shift = 1, occurrence = 1): Promise<string> {
  const p = positionOf(client.text(EXAMPLE_SCRIPT), needle, shift, occurrence);
  const result = await client.hover(EXAMPLE_SCRIPT, p.line, p.character);
  assert.ok(result !== null, `a hover at ${needle}`);
  return (result.contents as MarkupContent).value;
}

test('hover on an input encoder: declared shape and dtype beside the model input', async () => {
  const text = await hoverText('image: {');
  assert.match(text, /\*\*input encoder `image`\*\*/);
  assert.match(text, /\| declared \| `float32` \| `\[1, 8, 8\]` per sample \|/);
  assert.match(text, /\| model input `image` \| `float32` \| `\[batch, 1, 8, 8\]` \|/);
});

test('hover on a ground-truth encoder shows the output it scores', async () => {
  const text = await hoverText('label: {');
  assert.match(text, /\*\*ground-truth encoder `label`\*\*/);
  assert.match(text, /\| declared \| `int64` \| `\[\]` per sample \|/);
  assert.match(text, /\| scores output `logits` \| `float32` \| `\[batch, 10\]` \|/);
});

test('hover on a model output binding: its role, labels and the model dims', async () => {
  const text = await hoverText("logits: { role: 'prediction'");
  assert.match(text, /\*\*model output `logits`\*\* \(prediction, classification, 10 labels\)/);
  assert.match(text, /\| model \| `float32` \| `\[batch, 10\]` \|/);
  assert.match(text, /\| ground truth `label` \| `int64` \| `\[\]` per sample \|/);
});

test('hover on the model path: the model signature', async () => {
  const text = await hoverText("'./digits_cnn.onnx'", 3);
  assert.match(text, /\*\*model\*\* `digits_cnn\.onnx`/);
  assert.match(text, /\| input `image` ← `image` \| `float32` \| `\[batch, 1, 8, 8\]` \|/);
  assert.match(text, /\| output `embedding` \(latent\) \| `float32` \| `\[batch, 32\]` \|/);
});

test('no hover away from the binding', async () => {
  const p = positionOf(client.text(EXAMPLE_SCRIPT), 'function softmax', 3);
  assert.equal(await client.hover(EXAMPLE_SCRIPT, p.line, p.character), null);
});

test('code lenses above defineIntegration: Run integration test and Evaluate', async () => {
  const lenses = (await client.codeLenses(EXAMPLE_SCRIPT)) ?? [];
  const line = positionOf(client.text(EXAMPLE_SCRIPT), 'export default defineIntegration').line;
  const args = { uri: uriOf(EXAMPLE_SCRIPT), path: EXAMPLE_SCRIPT };
  assert.deepEqual(
    lenses.map((l) => ({ line: l.range.start.line, title: l.command?.title, command: l.command?.command, args: l.command?.arguments })),
    [
      { line, title: 'Run integration test', command: LensCommand.runIntegrationTest, args: [args] },
      { line, title: 'Evaluate', command: LensCommand.evaluate, args: [args] },
    ],
  );
});

const SCRIPT = path.join(INTEGRATIONS, 'completion.integration.ts');
const TEXT = `import { defineIntegration } from 'evalens';
import { digitsSubsets, image, label, LABELS } from './common';

export default defineIntegration({
  preprocess: digitsSubsets,
  inputs: { image },
  groundTruths: { label },
  model: {
    path: '../models/digits_cnn.onnx',
    inputs: { },
    outputs: { emb, logits: { role: 'prediction', task: 'classification', labels: LABELS, groundTruth: '' } },
  },
});
`;

test('completion of model input and output names, and of encoder names, inside the model binding', async () => {
  await client.open(SCRIPT, TEXT);
  try {
    const at = async (needle: string, shift: number) => {
      const p = positionOf(client.text(SCRIPT), needle, shift);
      return client.completion(SCRIPT, p.line, p.character);
    };
    const inputs = await at('inputs: { }', 10);
    assert.deepEqual(inputs.map((i) => [i.label, i.detail]), [['image', 'model input: float32 [batch, 1, 8, 8]']]);

    const outputs = await at('{ emb,', 5);
    assert.deepEqual(outputs.map((i) => i.label), ['embedding'], "the output being typed is completed, 'logits' is already bound");
    const edit = outputs[0]!.textEdit as { range: { start: { character: number }; end: { character: number } }; newText: string };
    assert.equal(edit.newText, 'embedding');
    assert.equal(edit.range.end.character - edit.range.start.character, 'emb'.length, 'replaces what was typed');

    const groundTruths = await at("groundTruth: ''", 14);
    assert.deepEqual(groundTruths.map((i) => i.label), ['label']);

    await client.replace(SCRIPT, client.text(SCRIPT).replace('inputs: { }', "inputs: { image: '' }"));
    const encoders = await at("image: ''", 8);
    assert.deepEqual(encoders.map((i) => [i.label, i.detail]), [['image', 'input encoder: float32 [1, 8, 8]']]);

    assert.deepEqual(await at('preprocess: digits', 12), [], 'nothing outside the binding');
  } finally {
    await client.close(SCRIPT);
  }
});
