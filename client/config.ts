import * as vscode from 'vscode';
import path from 'node:path';

/** A typed view over the `evalens.*` settings; every read of them goes through here. */
export interface EvalensSettings {
  /** Run store folder, absolute. */
  runsDirectory: string;
  integrationTestSamples: number;
  batchSize: number;
  executionProviders: string[];
  memoryLimitMb: number;
  queueConcurrency: number;
}

export function readSettings(folder: vscode.WorkspaceFolder | undefined): EvalensSettings {
  const config = vscode.workspace.getConfiguration('evalens', folder);
  const runs = config.get<string>('runsDirectory', '.evalens/runs');
  const base = folder?.uri.fsPath ?? process.cwd();
  return {
    runsDirectory: path.isAbsolute(runs) ? runs : path.join(base, runs),
    integrationTestSamples: config.get<number>('integrationTest.samples', 100),
    batchSize: config.get<number>('batchSize', 32),
    executionProviders: config.get<string[]>('executionProviders', ['cpu']),
    memoryLimitMb: config.get<number>('memoryLimitMb', 4096),
    queueConcurrency: config.get<number>('queue.concurrency', 1),
  };
}

/** Fires when any Evalens setting changes. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('evalens')) listener();
  });
}
