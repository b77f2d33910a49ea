import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunStore } from '../engine/runs/run-store';
import type { SupervisedRun } from '../engine/runner/supervisor';
import type { RunProgress } from '../engine/runner/worker-protocol';
import { readSettings, type EvalensSettings } from './config';

/**
 * Everything the extension's commands share: the output channel (the engine's log), the
 * language client, the evaluations running now, and the settings. Owns the disposables.
 */
export class EvalensContext implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly subscriptions: vscode.Disposable[] = [];
  /** Evaluations this window is running, by run id. */
  readonly active = new Map<string, SupervisedRun>();
  private readonly activeChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeActive = this.activeChanged.event;
  private readonly runsChanged = new vscode.EventEmitter<void>();
  /** Fires when a run was created, finished, deleted or changed status. */
  readonly onDidChangeRuns = this.runsChanged.event;
  private readonly progressReported = new vscode.EventEmitter<{ runId: string; progress: RunProgress }>();
  /** Fires with each progress report of a runner this window supervises. */
  readonly onDidReportProgress = this.progressReported.event;
  languageClient: LanguageClient | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Evalens', { log: true });
    this.subscriptions.push(this.output, this.activeChanged, this.runsChanged, this.progressReported);
  }

  get extensionPath(): string {
    return this.extension.extensionPath;
  }

  /** The workspace folder commands act on: the active editor's, else the first. */
  folder(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    return (target && vscode.workspace.getWorkspaceFolder(target)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  settings(uri?: vscode.Uri): EvalensSettings {
    return readSettings(this.folder(uri));
  }

  store(uri?: vscode.Uri): RunStore {
    return new RunStore(this.settings(uri).runsDirectory);
  }

  setActive(runId: string, run: SupervisedRun | undefined): void {
    if (run === undefined) this.active.delete(runId);
    else this.active.set(runId, run);
    void vscode.commands.executeCommand('setContext', 'evalens.evaluating', this.active.size > 0);
    this.activeChanged.fire();
  }

  runsDidChange(): void {
    this.runsChanged.fire();
  }

  reportProgress(runId: string, progress: RunProgress): void {
    this.progressReported.fire({ runId, progress });
  }

  log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${line}`);
  }

  dispose(): void {
    for (const run of this.active.values()) run.cancel();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
