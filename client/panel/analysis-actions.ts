import * as vscode from 'vscode';
import path from 'node:path';
import type { WebviewMessage } from '../../shared/webview-protocol';
import type { RunStore } from '../../engine/runs/run-store';
import type { EvalensContext } from '../context';
import { cliErrorMessage, runEngineCli } from '../engine-cli';

/**
 * The report's analysis actions, each through the CLI in a child process (`evalens analyze`
 * reads every embedding of a run: 100k samples must not hold up the extension host). The
 * analysis reads only the run store, never the user's script, so it needs no workspace trust.
 */

/** Runs `evalens analyze` with progress; true when it completed (the report is then rebuilt by the caller). */
export async function analyzeRun(ctx: EvalensContext, store: RunStore, message: Extract<WebviewMessage, { type: 'analyzeRun' }>): Promise<{ ok: true } | { ok: false; error: string }> {
  if (!store.exists(message.runId)) return { ok: false, error: `Run ${message.runId} is no longer in ${store.root}.` };
  const args = ['analyze', message.runId, ...(message.umap ? ['--umap'] : []), '--json', '--runs-dir', store.root];
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Analysing run ${message.runId}${message.umap ? ' (with UMAP)' : ''}…`, cancellable: true },
    (_, token) => runEngineCli(ctx.extensionPath, args, { cwd: workspaceDir(store), log: ctx.output, token }),
  );
  if (result.code === 0) return { ok: true };
  return { ok: false, error: result.code === null ? 'The analysis was cancelled.' : `The analysis failed: ${cliErrorMessage(result)}` };
}

/** Asks where, then has `evalens analyze --reuse --suggest-labels <file>` write the suggestions of the run's analysis there. */
export async function exportSuggestions(ctx: EvalensContext, store: RunStore, message: Extract<WebviewMessage, { type: 'exportSuggestions' }>): Promise<boolean> {
  const defaultUri = vscode.Uri.file(path.join(workspaceDir(store), `suggested-labels-${message.runId}.csv`));
  const target = await vscode.window.showSaveDialog({ defaultUri, filters: { CSV: ['csv'] }, saveLabel: 'Export suggestions', title: `Suggested labels of run ${message.runId}` });
  if (target === undefined) return false;
  const args = ['analyze', message.runId, '--reuse', '--suggest-labels', target.fsPath, '--json', '--runs-dir', store.root];
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Writing the suggested labels of run ${message.runId}…`, cancellable: true }, (_, token) =>
    runEngineCli(ctx.extensionPath, args, { cwd: workspaceDir(store), log: ctx.output, token }),
  );
  if (result.code !== 0) {
    void vscode.window.showErrorMessage(`Exporting the suggested labels of run ${message.runId} failed: ${cliErrorMessage(result)}`, 'Show Logs').then((c) => c && ctx.output.show());
    return false;
  }
  void vscode.window.showInformationMessage(`Suggested labels of run ${message.runId} written to ${target.fsPath}.`, 'Open', 'Reveal').then(async (choice) => {
    if (choice === 'Open') await vscode.window.showTextDocument(target);
    else if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', target);
  });
  return true;
}

function workspaceDir(store: RunStore): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? store.root;
}
