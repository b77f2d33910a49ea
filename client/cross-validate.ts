import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { EvalensContext } from './context';
import { cliErrorMessage, runEngineCli } from './engine-cli';
import type { Panel } from './panel/panel';
import { progressLog } from './cross-validation-progress';

/**
 * "Evalens: Cross-validate…": asks for the benchmark and the number of folds, runs `evalens cv`
 * (it loads the integration, so it runs in a CLI child process, never in the extension host)
 * with a cancellable progress notification fed by the CLI's progress lines, then opens the
 * cross-validation run's report. A refused requirement shows the CLI's message as is.
 */
export async function crossValidate(ctx: EvalensContext, panel: Panel, config: vscode.Uri): Promise<void> {
  const benchmark = await pickBenchmark(config);
  if (benchmark === null) return;
  const folds = await vscode.window.showInputBox({
    title: 'Cross-validate: how many folds?',
    prompt: 'Between 2 and the number of labeled samples of the smallest class',
    value: '5',
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 2 ? undefined : 'A whole number of folds, 2 or more'),
  });
  if (folds === undefined) return;
  const args = ['cv', '--config', config.fsPath, '--folds', folds.trim(), '--json', '--runs-dir', ctx.settings(config).runsDirectory, ...(benchmark === undefined ? [] : ['--benchmark', benchmark])];
  let cancelled = false;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Cross-validating ${benchmark ?? 'the first benchmark'} (${folds.trim()} folds)`, cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => (cancelled = true));
      const log = progressLog(ctx.output, (message, increment) => progress.report({ message, increment }));
      return runEngineCli(ctx.extensionPath, args, { cwd: ctx.folder(config)?.uri.fsPath ?? process.cwd(), log, token });
    },
  );
  ctx.runsDidChange();
  if (cancelled) {
    void vscode.window.showInformationMessage('The cross-validation was cancelled; nothing was kept of it (an evaluation it started keeps its finished samples and can be resumed).');
    return;
  }
  if (result.code !== 0) {
    void vscode.window.showErrorMessage(`Cross-validation: ${cliErrorMessage(result)}`, 'Show Logs').then((c) => c && ctx.output.show());
    return;
  }
  const { runId } = JSON.parse(result.stdout) as { runId: string };
  panel.reports.show(runId);
}

/** The benchmark to cross-validate: asked when the config has several; undefined (the CLI's default) when it has none readable; null when dismissed. */
async function pickBenchmark(config: vscode.Uri): Promise<string | undefined | null> {
  let names: string[];
  try {
    names = ((JSON.parse(readFileSync(config.fsPath, 'utf8')) as { benchmarks?: { name?: unknown }[] }).benchmarks ?? []).map((b) => b.name).filter((n): n is string => typeof n === 'string');
  } catch {
    return undefined; // the CLI says what is wrong with the file
  }
  if (names.length <= 1) return names[0];
  const picked = await vscode.window.showQuickPick(names, { title: 'Cross-validate on the labeled samples of which benchmark?' });
  return picked ?? null;
}
