import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { ROOT } from '../helpers/paths';
import { LspClient, uriOf as pathToUri } from './lsp-client';

const CONFIGS = path.join(ROOT, 'test', 'fixtures', 'lsp', 'configs');

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

/** [code, 'l:c-l:c', covered text] per diagnostic, in document order. */
async function check(name: string, text?: string): Promise<[string, string, string][]> {
  const file = path.join(CONFIGS, name);
  const diagnostics: Diagnostic[] = await client.open(file, text);
  const lines = client.text(file).split('\n');
  await client.close(file);
  return diagnostics
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((d) => [String(d.code), `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]);
}

test('a valid eval config has no diagnostics', async () => {
  assert.deepEqual(await check('valid.eval.json'), []);
});

test('schema errors are reported at their JSON path; unknown keys on the key', async () => {
  assert.deepEqual(await check('broken-schema.eval.json'), [
    ['EV501', '3:2-3:13', '"batchsize"'],
    ['EV501', '5:14-5:24', '"test set"'],
    ['EV501', '5:52-5:54', '-1'],
    ['EV501', '6:4-6:5', '{'],
    ['EV501', '8:12-8:13', '{'],
  ]);
});

test('the messages name the field and say how to fix it', async () => {
  const file = path.join(CONFIGS, 'broken-schema.eval.json');
  const messages = (await client.open(file)).map((d) => (typeof d.message === 'string' ? d.message : d.message.value));
  await client.close(file);
  assert.ok(messages.includes("Unknown key 'batchsize' in the config. Did you mean 'batchSize'? Unknown keys are errors, so a typo never silently falls back to a default."), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith("'benchmarks[1]' needs `subset` (a subset of the integration) or `dataset`")));
  assert.ok(messages.some((m) => m.startsWith("'gates[0].baseline' minChange and minRelativeChange compare with a baseline run: add `baseline`")));
});

test('a subset the integration does not return is reported on the subset', async () => {
  const [diagnostic] = await check('unknown-subset.eval.json');
  assert.deepEqual(diagnostic, ['EV404', '5:38-5:50', '"validation"']);
  const file = path.join(CONFIGS, 'unknown-subset.eval.json');
  const [d] = await client.open(file);
  await client.close(file);
  assert.equal(d!.message, "Benchmark subset 'validation' is not returned by the preprocess of valid.integration.ts (it returns 'test'). Use one of those subsets, or return 'validation' from preprocess.");
});

test('an integration script that does not exist', async () => {
  assert.deepEqual(await check('missing-integration.eval.json'), [['EV503', '2:17-2:43', '"./nowhere.integration.ts"']]);
});

test('invalid JSON is reported where it breaks', async () => {
  assert.deepEqual(await check('not-json.eval.json'), [['EV502', '3:54-3:55', ']']]);
});

test('the config is re-checked as it is edited', async () => {
  const file = path.join(CONFIGS, 'valid.eval.json');
  assert.deepEqual(await client.open(file), []);
  const broken = await client.replace(file, client.text(file).replace('"batchSize": 16', '"batchSize": 0'));
  assert.deepEqual(broken.map((d) => [d.code, d.message]), [['EV501', "'batchSize' too small: expected number to be >0. Samples per inference batch."]]);
  await client.close(file);
});

test('editing the integration re-checks the open config that names it', async () => {
  const config = path.join(CONFIGS, 'unknown-subset.eval.json');
  const script = path.join(ROOT, 'test', 'fixtures', 'integrations', 'valid.integration.ts');
  assert.deepEqual((await client.open(config)).map((d) => d.code), ['EV404']);
  await client.open(script);
  const republished = client.waitFor(pathToUri(config));
  await client.replace(script, client.text(script).replace('preprocess: digitsSubsets,', 'preprocess: (ctx) => ({ ...digitsSubsets(ctx), validation: digitsSubsets(ctx).test }),'));
  assert.deepEqual((await republished).diagnostics, []);
  await client.close(script);
  await client.close(config);
});
