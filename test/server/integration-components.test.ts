import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { integrationTestReportSchema } from '../../shared/integration-test-report';
import { INTEGRATION_COMPONENTS_REQUEST, type DeclarationLocation, type IntegrationComponents, type IntegrationComponentsParams } from '../../shared/lsp-protocol';
import { CLI, EXAMPLE_SCRIPT } from '../helpers/paths';
import { LspClient, uriOf } from './lsp-client';

/**
 * `evalens/integrationComponents` over a real LSP connection: the place of every component
 * the integration test reports is its property in the example's defineIntegration, whether
 * the script is open or only on disk.
 */

/** Each component of the example, and a snippet of its declaration: the component's name is its first occurrence in the snippet. */
const DECLARATIONS: Record<string, string> = {
  preprocess: 'preprocess(ctx) {',
  'input:image': 'image: {\n      shape',
  'groundTruth:label': 'label: {\n      shape',
  'metadata:ink': 'ink: (index, subset) => {',
  'metadata:source_row': 'source_row: (index',
  'metric:confidence_margin': 'confidence_margin: (',
  'loss:cross_entropy': 'cross_entropy: (',
  'visualizer:image': "image: {\n      kind: 'image'",
  'visualizer:label': "label: {\n      kind: 'text'",
  model: 'model: {',
  'model-input:image': "inputs: { image: 'image' }",
  'output:logits': "logits: { role: 'prediction'",
  'output:embedding': "embedding: { role: 'latent' }",
};

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

function components(file: string): Promise<IntegrationComponents | null> {
  const params: IntegrationComponentsParams = { textDocument: { uri: uriOf(file) } };
  return client.connection.sendRequest(INTEGRATION_COMPONENTS_REQUEST, params);
}

/** What a location covers in a text, and where it starts. */
function textAt(text: string, location: DeclarationLocation): { text: string; line: number; character: number } {
  const lines = text.split('\n');
  const { start, end } = location.range;
  assert.equal(start.line, end.line, 'a property name is on one line');
  return { text: lines[start.line]!.slice(start.character, end.character), line: start.line, character: start.character };
}

function declarationOf(text: string, snippet: string, name: string): { text: string; line: number; character: number } {
  const at = text.indexOf(snippet);
  assert.ok(at >= 0 && text.indexOf(snippet, at + 1) < 0, `'${snippet}' occurs once in the example`);
  const before = text.slice(0, at + snippet.indexOf(name)).split('\n');
  return { text: name, line: before.length - 1, character: before[before.length - 1]!.length };
}

test('every component the integration test reports for the example points at its declaration, open or only on disk', async () => {
  const report = integrationTestReportSchema.parse(JSON.parse(execFileSync(process.execPath, [CLI, 'test', EXAMPLE_SCRIPT, '--json', '--samples', '20'], { encoding: 'utf8' })));
  const reported = [...new Set(report.checks.map((c) => c.component))].sort();
  assert.deepEqual(reported, Object.keys(DECLARATIONS).sort(), 'the table covers every component the integration test checks');

  // Not open: the Test Explorer lists scripts nobody opened.
  const fromDisk = await components(EXAMPLE_SCRIPT);
  await client.open(EXAMPLE_SCRIPT);
  const fromEditor = await components(EXAMPLE_SCRIPT);
  assert.deepEqual(fromDisk, fromEditor);
  assert.ok(fromEditor !== null);

  const text = readFileSync(EXAMPLE_SCRIPT, 'utf8');
  for (const component of reported) {
    const location: DeclarationLocation | undefined = fromEditor.components[component];
    assert.ok(location !== undefined, `${component} has a place`);
    assert.equal(location.uri, uriOf(EXAMPLE_SCRIPT));
    const name = component.slice(component.indexOf(':') + 1);
    assert.deepEqual(textAt(text, location), declarationOf(text, DECLARATIONS[component]!, name), component);
  }
  assert.deepEqual(Object.keys(fromEditor.components).sort(), reported, 'nothing else is listed');
  assert.equal(textAt(text, fromEditor.definition).line, declarationOf(text, 'export default defineIntegration', 'defineIntegration').line);
});

test('a component imported from another file points there; one whose place cannot be known gets none', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalens-components-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'shared-metadata.ts'), 'export const metadata = {\n  size: (index: number) => index,\n};\n');
  const script = path.join(dir, 'split.integration.ts');
  writeFileSync(
    script,
    [
      "import { defineIntegration } from 'evalens';",
      "import { metadata } from './shared-metadata';",
      'const inputs: any = {};',
      'export default defineIntegration({',
      "  name: 'split',",
      '  preprocess: () => ({ test: { length: 2, data: null } }),',
      '  inputs: { ...inputs },',
      '  metadata,',
      "  model: { path: './none.onnx', inputs: {}, outputs: {} },",
      '});',
      '',
    ].join('\n'),
  );
  const answer = await components(script);
  assert.ok(answer !== null);
  assert.deepEqual(answer.components['metadata:size'], { uri: uriOf(path.join(dir, 'shared-metadata.ts')), range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } } });
  assert.deepEqual(Object.keys(answer.components).sort(), ['metadata:size', 'model', 'preprocess'], 'no input is listed: a spread of `any` hides them');
  assert.equal(answer.components.preprocess!.range.start.line, 5);
});

test('a file without defineIntegration has no components', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalens-components-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'helpers.integration.ts');
  writeFileSync(file, 'export const half = (x: number) => x / 2;\n');
  assert.equal(await components(file), null);
});
