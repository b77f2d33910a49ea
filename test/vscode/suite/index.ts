import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { EvalensApi } from '../../../client/main';

/** Runs inside VS Code's extension host, opened on a copy of examples/digits. */

const tests: [string, () => Promise<void>][] = [];
const test = (name: string, fn: () => Promise<void>) => tests.push([name, fn]);

async function api(): Promise<EvalensApi> {
  const extension = vscode.extensions.getExtension<EvalensApi>('evalens.evalens');
  assert.ok(extension, 'the extension is installed');
  return extension.activate();
}

const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

async function until(condition: () => boolean, timeout: number, what: string): Promise<void> {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('activates on the example folder and registers every command', async () => {
  await api();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['runIntegrationTest', 'evaluate', 'resumeEvaluation', 'cancelEvaluation', 'showRunReport', 'exportRunResults', 'deleteRun', 'newIntegrationScript', 'showLogs', 'restartLanguageServer']) {
    assert.ok(commands.includes(`evalens.${id}`), `evalens.${id} is registered`);
  }
});

test('diagnostics come from the language server for a broken script', async () => {
  const script = vscode.Uri.file(path.join(folder(), 'digits.integration.ts'));
  const doc = await vscode.workspace.openTextDocument(script);
  const editor = await vscode.window.showTextDocument(doc);
  await editor.edit((e) => {
    const text = doc.getText();
    const at = text.indexOf('mean_intensity:');
    e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'mean_intensity:'.length)), 'stats: { mean: 1 }, mean_intensity:');
  });
  await until(() => vscode.languages.getDiagnostics(script).some((d) => d.source === 'evalens'), 30_000, 'an Evalens diagnostic');
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('Run Integration Test fills the Test Explorer with checks', async () => {
  const { testController } = await api();
  await vscode.commands.executeCommand('evalens.runIntegrationTest', vscode.Uri.file(path.join(folder(), 'digits.integration.ts')));
  const script = [...iterate(testController.items)].find((i) => i.uri?.fsPath.endsWith('digits.integration.ts'));
  assert.ok(script, 'a test item for the script');
  const components = [...iterate(script.children)].map((c) => c.label);
  assert.ok(components.includes('input:image') && components.includes('model'), components.join(', '));
});

test('a dead language server is restarted', async () => {
  const { languageClient } = await api();
  await vscode.commands.executeCommand('evalens.restartLanguageServer');
  await until(() => languageClient.isRunning(), 30_000, 'the language server to run again');
});

test('Evaluate runs a queued evaluation to completion in a runner process', async () => {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const runs = path.join(folder(), '.evalens', 'runs');
  // With one eval config in the workspace and both benchmarks accepted, Evaluate asks nothing else.
  const pending = vscode.commands.executeCommand('evalens.evaluate');
  await new Promise((r) => setTimeout(r, 1500));
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  await pending;
  await until(() => existsSync(runs) && readdirSync(runs).some((id) => /^\d{8}-/.test(id)), 120_000, 'a run');
});

function* iterate(items: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of items) yield item;
}

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, fn] of tests) {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (error) {
      failures.push(name);
      console.log(`not ok - ${name}\n  ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${tests.length} VS Code tests failed: ${failures.join('; ')}`);
}
