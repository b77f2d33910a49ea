import * as vscode from 'vscode';
import type { EvalensContext } from './context';

/**
 * Keeps the context keys that decide which commands the palette shows: an integration
 * script in the workspace, runs in the store.
 */
export function trackContextKeys(ctx: EvalensContext): vscode.Disposable {
  const update = async () => {
    const scripts = await vscode.workspace.findFiles('**/*.integration.{ts,js,mjs}', '**/node_modules/**', 1);
    await vscode.commands.executeCommand('setContext', 'evalens.hasIntegration', scripts.length > 0);
    let hasRuns = false;
    try {
      hasRuns = ctx.store().list({ pageSize: 1 }).runs.length > 0;
    } catch (error) {
      ctx.log(`reading the run store failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await vscode.commands.executeCommand('setContext', 'evalens.hasRuns', hasRuns);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.integration.{ts,js,mjs}', false, true, false);
  const disposables = [watcher, watcher.onDidCreate(update), watcher.onDidDelete(update), ctx.onDidChangeRuns(update)];
  void update();
  return vscode.Disposable.from(...disposables);
}
