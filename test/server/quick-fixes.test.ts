import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { CLI, ROOT } from '../helpers/paths';
import { applyEdits, LspClient, uriOf } from './lsp-client';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** Fixtures whose every diagnostic has a quick fix: applying them, one after another, leaves a script that passes. */
const FIXABLE: Record<string, string[]> = {
  'integrations/metadata-nested.integration.ts': ["Flatten 'size' into dotted keys"],
  'integrations/unknown-model-input.integration.ts': ["Rename 'pixels' to 'image'"],
  'integrations/wrong-dtype.integration.js': ['Wrap the returned value in Float32Array.from(...)'],
  'integrations/shape-disagrees.integration.ts': ["Use the model's shape [1, 8, 8]"],
  'lsp/shape-not-literal.integration.ts': ['Add `as const` to IMAGE_SHAPE'],
  'lsp/encode-number-array.integration.ts': ['Wrap the returned value in Float32Array.from(...)'],
  'lsp/metadata-nested-variable.integration.ts': ["Flatten 'box' into dotted keys"],
  'lsp/model-input-unfed.integration.ts': ["Bind model input 'image' to encoder 'image'"],
};

let client: LspClient;
let workspace: string;
before(async () => {
  client = await LspClient.start();
  // A copy of the fixtures' layout, where fixed scripts are run by the real integration test.
  workspace = mkdtempSync(path.join(os.tmpdir(), 'evalens-fixed-'));
  for (const dir of ['integrations', 'lsp']) {
    mkdirSync(path.join(workspace, dir, 'data'), { recursive: true });
    copyFileSync(path.join(FIXTURES, 'integrations', 'data', 'digits-60.json'), path.join(workspace, dir, 'data', 'digits-60.json'));
  }
  copyFileSync(path.join(FIXTURES, 'integrations', 'common.ts'), path.join(workspace, 'integrations', 'common.ts'));
  mkdirSync(path.join(workspace, 'models'));
  copyFileSync(path.join(FIXTURES, 'models', 'digits_cnn.onnx'), path.join(workspace, 'models', 'digits_cnn.onnx'));
});
after(async () => {
  await client.stop();
  rmSync(workspace, { recursive: true, force: true });
});

/** Applies the preferred fix of the first diagnostic that has one, until none is left; returns the titles applied. */
async function applyAllFixes(file: string, diagnostics: Diagnostic[]): Promise<{ titles: string[]; diagnostics: Diagnostic[] }> {
  const titles: string[] = [];
  for (let round = 0; round < 10 && diagnostics.length > 0; round++) {
    let action: CodeAction | undefined;
    for (const d of diagnostics) {
      const actions = ((await client.codeActions(file, [d])) ?? []) as CodeAction[];
      action = actions.find((a) => a.isPreferred) ?? actions[0];
      if (action !== undefined) break;
    }
    if (action === undefined) break;
    assert.equal(action.kind, 'quickfix');
    titles.push(action.title);
    const edits = action.edit?.changes?.[uriOf(file)];
    assert.ok(edits !== undefined && edits.length > 0, `${action.title} edits the document`);
    const next = applyEdits(client.text(file), edits);
    diagnostics = await client.replace(file, next);
  }
  return { titles, diagnostics };
}

for (const [fixture, expectedTitles] of Object.entries(FIXABLE)) {
  test(`${fixture}: quick fixes leave a script with no diagnostics that passes the integration test`, async () => {
    const file = path.join(FIXTURES, fixture);
    const first = await client.open(file);
    assert.ok(first.length > 0, 'the fixture is broken');
    const { titles, diagnostics } = await applyAllFixes(file, first);
    const fixed = client.text(file);
    await client.close(file);
    assert.deepEqual(titles, expectedTitles);
    assert.deepEqual(diagnostics, [], `no diagnostics left after the fixes:\n${fixed}`);

    const copy = path.join(workspace, fixture);
    writeFileSync(copy, fixed);
    const run = spawnSync(process.execPath, [CLI, 'test', copy, '--json', '--samples', '20'], { encoding: 'utf8', cwd: workspace });
    const report = JSON.parse(run.stdout) as { ok: boolean; checks?: { id: string; status: string; message: string }[]; error?: unknown };
    const failed = report.checks?.filter((c) => c.status === 'failed') ?? [report.error];
    assert.equal(report.ok, true, `the fixed script passes \`evalens test\`: ${JSON.stringify(failed)}\n${fixed}`);
  });
}

test('a code action request without diagnostics offers the fixes under the cursor', async () => {
  const file = path.join(FIXTURES, 'lsp', 'shape-not-literal.integration.ts');
  const [diagnostic] = await client.open(file);
  const actions = ((await client.codeActions(file, [], diagnostic!.range)) ?? []) as CodeAction[];
  assert.deepEqual(actions.map((a) => a.title), ['Add `as const` to IMAGE_SHAPE', 'Write the shape as [1, 8, 8]']);
  const rewritten = applyEdits(client.text(file), actions[1]!.edit!.changes![uriOf(file)]!);
  assert.match(rewritten, /shape: \[1, 8, 8\] \}/);
  assert.deepEqual(await client.replace(file, rewritten), []);
  await client.close(file);
});
