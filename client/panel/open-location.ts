import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WebviewMessage } from '../../shared/webview-protocol';

/**
 * Opens a file at a line for a webview (a failing sample's script line). A webview's
 * messages carry user data, so only files of the workspace, or the integration scripts of
 * the runs it shows, are opened: never an arbitrary path.
 */
export async function openLocation(message: Extract<WebviewMessage, { type: 'openLocation' }>, scripts: readonly string[]): Promise<void> {
  const file = path.resolve(message.file);
  const inWorkspace = (vscode.workspace.workspaceFolders ?? []).some((f) => isInside(file, f.uri.fsPath));
  if (!inWorkspace && !scripts.includes(file)) {
    void vscode.window.showWarningMessage(`Evalens opens only files of the workspace or a run's integration script; ${file} is neither. Open it from the Explorer if you trust it.`);
    return;
  }
  if (!existsSync(file)) {
    void vscode.window.showWarningMessage(`${file} no longer exists: the run's integration script was moved or deleted since the run.`);
    return;
  }
  const position = new vscode.Position(message.line - 1, (message.column ?? 1) - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: true });
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
