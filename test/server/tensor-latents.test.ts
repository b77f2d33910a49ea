import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction, MarkupContent } from 'vscode-languageserver-protocol';
import { ROOT } from '../helpers/paths';
import { applyEdits, LspClient, uriOf } from './lsp-client';

/**
 * Latents read from a tensor of the graph, in the language server: EV314 with its quick fix,
 * completion of the tensor names and the hover, over the real connection, on
 * digits_cnn_hidden.onnx (whose penultimate layer 'embedding' is not an output).
 */

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const UNKNOWN = path.join(FIXTURES, 'lsp', 'tensor-unknown.integration.ts');
const VALID = path.join(FIXTURES, 'integrations', 'hidden-latent.integration.ts');

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

function positionOf(text: string, needle: string, shift = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  const lines = text.slice(0, at + shift).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

test('EV314 names the misspelled tensor, the closest one and the last tensors of the graph; its quick fix leaves no diagnostic', async () => {
  const diagnostics = await client.open(UNKNOWN);
  try {
    assert.deepEqual(diagnostics.map((d) => d.code), ['EV314']);
    assert.equal(
      diagnostics[0]!.message,
      "model.outputs.hidden.tensor names 'embeding', which digits_cnn_hidden.onnx does not compute. Did you mean 'embedding'? Name a graph input or a node output (weights are not per-sample values); the last values it computes are 'logits' float32 [batch, 10], 'embedding', '/fc/Gemm_output_0', '/Flatten_output_0', '/MaxPool_output_0', '/Relu_1_output_0', '/c2/Conv_output_0', '/Relu_output_0'.",
    );
    const actions = ((await client.codeActions(UNKNOWN, diagnostics)) ?? []) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ["Read tensor 'embedding'"]);
    const fixed = applyEdits(client.text(UNKNOWN), actions[0]!.edit!.changes![uriOf(UNKNOWN)]!);
    assert.match(fixed, /hidden: \{ role: 'latent', tensor: 'embedding' \}/);
    assert.deepEqual(await client.replace(UNKNOWN, fixed), []);
  } finally {
    await client.close(UNKNOWN);
  }
});

test("completion inside a latent's tensor lists the graph's tensors, the last computed first; hover shows the tensor read", async () => {
  assert.deepEqual(await client.open(VALID), []);
  try {
    const text = client.text(VALID);
    const p = positionOf(text, "tensor: 'embedding'", "tensor: '".length);
    const items = await client.completion(VALID, p.line, p.character);
    const ordered = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.deepEqual(ordered.slice(0, 3).map((i) => [i.label, i.detail]), [
      ['logits', 'tensor: float32 [batch, 10]'],
      ['embedding', 'tensor (type known when the model runs)'],
      ['/fc/Gemm_output_0', 'tensor (type known when the model runs)'],
    ]);
    assert.equal(items.length, 10, 'the input and the outputs of the 9 nodes');
    const edit = items.find((i) => i.label === '/fc/Gemm_output_0')!.textEdit as { newText: string; range: { start: { character: number }; end: { character: number } } };
    assert.equal(edit.newText, '/fc/Gemm_output_0');
    assert.equal(edit.range.end.character - edit.range.start.character, 'embedding'.length, 'replaces the string\'s content');

    const at = positionOf(text, 'hidden:', 1);
    const hover = await client.hover(VALID, at.line, at.character);
    const markdown = (hover!.contents as MarkupContent).value;
    assert.match(markdown, /\*\*latent `hidden`\*\* \(read from an intermediate tensor\)/);
    assert.match(markdown, /\| tensor `embedding` \| \(inferred when the model runs\) \|  \|/);
  } finally {
    await client.close(VALID);
  }
});
