import * as vscode from 'vscode';
import path from 'node:path';
import type { RunManifest } from '../../shared/run-types';
import { runProgress } from '../../shared/run-types';
import type { ExportFormat, RunAction, WebviewMessage } from '../../shared/webview-protocol';
import type { ResolvedEvalConfig } from '../../engine/config/load-config';
import type { RunStore } from '../../engine/runs/run-store';
import { isInterrupted } from '../../engine/runner/run-queue';
import { DEFAULT_DELETE_WAIT_MS, deleteRunSafely } from '../../engine/runner/delete-run';
import { isEvalensError } from '../../engine/errors';
import type { EvalensContext } from '../context';
import { cliErrorMessage, runEngineCli } from '../engine-cli';
import { pickRun } from '../runs/run-picker';

/** What a run action needs: the context, the store the panel shows, and the report panels. */
export interface ActionParts {
  ctx: EvalensContext;
  store(): RunStore;
  reports: { show(runId: string): void; compare(runId: string, otherRunId: string): void; close(runId: string): void };
}

type RunActionMessage = Extract<WebviewMessage, { type: 'runAction' }>;
type Action = (parts: ActionParts, manifest: RunManifest, message: RunActionMessage) => unknown;

/** A row action of the runs list or a report header action → a small function of the parts and the run. */
const ACTIONS: Record<RunAction, Action> = {
  viewReport: ({ reports }, m) => reports.show(m.runId),

  // Resume and cancel are the commands' own: a resume runs until the run ends, so it is not awaited.
  resume: (_, m) => void vscode.commands.executeCommand('evalens.resumeEvaluation', m.runId),

  cancel: (_, m) => vscode.commands.executeCommand('evalens.cancelEvaluation', m.runId),

  export: async (parts, m, message) => {
    const format = message.format ?? (await pickFormat());
    if (format !== undefined) await exportRun(parts, m, format);
  },

  delete: ({ ctx, store, reports }, m) => deleteRun(ctx, store(), m, () => reports.close(m.runId)),

  compare: async ({ store, reports }, m, message) => {
    const other = message.otherRunId ?? (await pickRun(store(), `Compare ${m.name} with which run?`, ['completed'], m.runId))?.runId;
    if (other === undefined) return;
    if (other === m.runId) {
      void vscode.window.showWarningMessage(`A run compared with itself shows no difference: pick another run to compare ${m.name} with.`);
      return;
    }
    reports.compare(m.runId, other);
  },

  rescore: (_, m) => void vscode.commands.executeCommand('evalens.rescoreRun', m.runId),

  reveal: ({ store }, m) => vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(store().runDir(m.runId))),

  copyId: async (_, m) => {
    await vscode.env.clipboard.writeText(m.runId);
    vscode.window.setStatusBarMessage(`Copied run id ${m.runId}`, 3000);
  },
};

export async function runAction(parts: ActionParts, message: RunActionMessage): Promise<void> {
  const store = parts.store();
  if (!store.exists(message.runId)) {
    void vscode.window.showWarningMessage(`Run ${message.runId} is no longer in ${store.root}: it was deleted, or the runs folder setting (evalens.runsDirectory) changed. Refresh the Evaluations view.`);
    return;
  }
  await ACTIONS[message.action](parts, store.read(message.runId), message);
}

/**
 * Deletes a run after a modal confirmation that says what is lost. A run being evaluated (here
 * or by another process) is cancelled first and deleted once its runner has stopped; one that
 * does not stop in time is kept, and the error says why.
 */
export async function deleteRun(ctx: EvalensContext, store: RunStore, m: RunManifest, deleted: () => void = () => undefined): Promise<void> {
  const evaluator = liveEvaluator(ctx, m);
  const { done, total } = runProgress(m);
  const remove = 'Delete';
  const answer = await vscode.window.showWarningMessage(
    `Delete run "${m.name}" (${m.runId}, ${m.status})?`,
    {
      modal: true,
      detail: `${evaluator === undefined ? '' : `It is being evaluated ${evaluator}: it is cancelled first, and deleted once it has stopped. `}Its ${done} of ${total} evaluated samples' records, their embeddings and the run's results and report are removed from ${store.root}. This cannot be undone; export the run first to keep them.`,
    },
    remove,
  );
  if (answer !== remove) return;
  const removeRun = () => deleteRunSafely(store, m.runId, { requester: `VS Code (pid ${process.pid})`, waitMs: DEFAULT_DELETE_WAIT_MS });
  try {
    await (evaluator === undefined ? removeRun() : vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Cancelling run "${m.name}" to delete it…` }, removeRun));
  } catch (error) {
    if (!isEvalensError(error)) throw error;
    void vscode.window.showErrorMessage(error.message);
    ctx.runsDidChange();
    return;
  }
  deleted();
  ctx.runsDidChange();
  ctx.log(`deleted run ${m.runId} (${m.name})`);
}

/** Who is evaluating a run right now ("in this window", "by process 123"), or undefined when nobody is. */
export function liveEvaluator(ctx: EvalensContext, m: RunManifest): string | undefined {
  if (ctx.active.has(m.runId)) return 'in this window';
  if (m.status !== 'evaluating' || isInterrupted(m)) return undefined;
  return `by another process${m.pid === undefined ? '' : ` (pid ${m.pid})`}, e.g. evalens eval in a terminal`;
}

/** The integration script a run evaluated, absolute: the one file outside the workspace a report may open. */
export function integrationOf(m: RunManifest): string | undefined {
  const integration = (m.config as Partial<ResolvedEvalConfig> | undefined)?.integration;
  return typeof integration === 'string' ? integration : undefined;
}

const FORMATS: { format: ExportFormat; label: string; detail: string }[] = [
  { format: 'html', label: 'HTML report', detail: 'one self-contained file: opens in any browser, no server, no network' },
  { format: 'md', label: 'Markdown report', detail: 'the summary as Markdown, for a pull request' },
  { format: 'csv', label: 'CSV', detail: 'summary.csv and predictions.csv' },
  { format: 'json', label: 'JSON', detail: 'benchmarks/<name>.json: every result' },
  { format: 'parquet', label: 'Parquet', detail: 'predictions.parquet: one row per sample' },
];

async function pickFormat(): Promise<ExportFormat | undefined> {
  return (await vscode.window.showQuickPick(FORMATS, { title: 'Export the run as…' }))?.format;
}

/** Exports through the CLI (`evalens runs export`) in a child process: the extension host stays free for 100k-sample runs. */
async function exportRun({ ctx, store }: ActionParts, m: RunManifest, format: ExportFormat): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here', title: `Export ${m.name} as ${format}`, defaultUri: folder });
  if (target?.[0] === undefined) return;
  const outDir = path.join(target[0].fsPath, `evalens-export-${m.runId}`);
  const args = ['runs', 'export', m.runId, '--format', format, '--out', outDir, '--json', '--runs-dir', store().root];
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting ${m.name} as ${format}…`, cancellable: true }, (_, token) =>
    runEngineCli(ctx.extensionPath, args, { cwd: folder?.fsPath ?? outDir, log: ctx.output, token }),
  );
  if (result.code !== 0) {
    void vscode.window.showErrorMessage(`Exporting ${m.name} as ${format} failed: ${cliErrorMessage(result)}`, 'Show Logs').then((c) => c && ctx.output.show());
    return;
  }
  const report = JSON.parse(result.stdout) as { files: { path: string }[]; notes: string[] };
  const main = report.files.find((f) => f.path.endsWith(`.${format}`))?.path;
  const open = format === 'html' ? 'Open in Browser' : 'Open';
  const actions = main !== undefined && (format === 'html' || format === 'md') ? [open, 'Reveal'] : ['Reveal'];
  const choice = await vscode.window.showInformationMessage(`Exported ${m.name} (${report.files.length} file${report.files.length === 1 ? '' : 's'}) to ${outDir}.${report.notes.length ? ` ${report.notes.join(' ')}` : ''}`, ...actions);
  if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(main ?? outDir));
  else if (choice === open && main !== undefined) await (format === 'html' ? vscode.env.openExternal(vscode.Uri.file(main)) : vscode.window.showTextDocument(vscode.Uri.file(main)));
}
