import * as vscode from 'vscode';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IntegrationCommandArgs } from '../shared/lsp-protocol';
import type { RunManifest } from '../shared/run-types';
import { readModelSignatureSync } from '../engine/onnx/model-signature';
import { markdownReport } from '../engine/report/markdown-report';
import { exportRun, EXPORT_FORMATS } from '../engine/report/export-run';
import { EVAL_CONFIG_FILE } from '../engine/config/eval-config';
import type { ResolvedEvalConfig } from '../engine/config/load-config';
import type { EvalensContext } from './context';
import type { IntegrationTestExplorer } from './test-explorer/integration-test-explorer';
import type { EvaluationRunner } from './runs/evaluation-runner';
import { pickRun } from './runs/run-picker';
import { integrationTemplate } from './scaffold/integration-template';
import { requireTrust } from './trust';
import type { Panel } from './panel/panel';
import { deleteRun, liveEvaluator, runAction } from './panel/run-actions';
import { crossValidate } from './cross-validate';

export interface Parts {
  ctx: EvalensContext;
  explorer: IntegrationTestExplorer;
  runner: EvaluationRunner;
  panel: Panel;
  restartServer(): Promise<void>;
}

type Command = (parts: Parts, ...args: unknown[]) => unknown;

/** Command id → a small function of the extension's parts. */
const COMMANDS: Record<string, Command> = {
  'evalens.runIntegrationTest': async ({ explorer }, arg) => {
    if (!(await requireTrust('run the integration test'))) return;
    const script = uriOf(arg) ?? (await pickScript());
    if (script !== undefined) await explorer.runScript(script);
  },

  'evalens.evaluate': async ({ ctx, runner }, arg) => {
    if (!(await requireTrust('start the evaluation'))) return;
    const config = await pickConfig(ctx, uriOf(arg));
    if (config === undefined) return;
    const benchmarks = await pickBenchmarks(config);
    if (benchmarks !== undefined) await runner.evaluate(config, benchmarks);
  },

  'evalens.resumeEvaluation': async ({ ctx, runner }, arg) => {
    if (!(await requireTrust('resume the evaluation'))) return;
    const runId = typeof arg === 'string' ? arg : (await pickRun(ctx.store(), 'Resume which evaluation?', ['failed', 'cancelled', 'queued']))?.runId;
    if (runId !== undefined) await runner.resume(runId, false);
  },

  // The run's config and benchmarks again, scored from its model outputs by the integration as it is now.
  'evalens.rescoreRun': async ({ ctx, runner }, arg) => {
    if (!(await requireTrust('re-score the run'))) return;
    const runId = typeof arg === 'string' ? arg : (await pickRun(ctx.store(), 'Re-score which evaluation with the metrics as they are now?', ['completed']))?.runId;
    if (runId === undefined) return;
    const manifest = ctx.store().read(runId);
    await runner.evaluate(vscode.Uri.file((manifest.config as ResolvedEvalConfig).configFile), manifest.benchmarks.map((b) => b.name), runId);
  },

  'evalens.cancelEvaluation': async ({ ctx }, arg) => {
    if (typeof arg === 'string' && !ctx.active.has(arg)) return explainNotCancelled(ctx, arg);
    const ids = [...ctx.active.keys()];
    if (ids.length === 0) {
      void vscode.window.showInformationMessage('No evaluation is running in this window.');
      return;
    }
    const runId = typeof arg === 'string' ? arg : ids.length === 1 ? ids[0] : await vscode.window.showQuickPick(ids, { title: 'Cancel which evaluation?' });
    if (runId === undefined) return;
    ctx.active.get(runId)?.cancel();
    ctx.log(`cancel requested for run ${runId}`);
  },

  'evalens.showRunReport': async ({ ctx, panel }, arg) => {
    const manifest = await runArg(ctx, arg, 'Show the report of which run?');
    if (manifest !== undefined) panel.reports.show(manifest.runId);
  },

  'evalens.showMarkdownReport': async ({ ctx }, arg) => {
    const manifest = await runArg(ctx, arg, 'Show the Markdown report of which run?');
    if (manifest === undefined) return;
    const markdown = markdownReport(manifest, ctx.store().readResults(manifest.runId), { baseDir: ctx.folder()?.uri.fsPath });
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(doc, { preview: true });
    await vscode.commands.executeCommand('markdown.showPreviewToSide');
  },

  'evalens.compareRuns': async ({ ctx, panel }, arg) => {
    const manifest = await runArg(ctx, arg, 'Compare which run (its report opens)?');
    if (manifest !== undefined) await runAction(panel.actions, { type: 'runAction', action: 'compare', runId: manifest.runId });
  },

  'evalens.crossValidate': async ({ ctx, panel }, arg) => {
    if (!(await requireTrust('cross-validate'))) return;
    const config = await pickConfig(ctx, uriOf(arg));
    if (config !== undefined) await crossValidate(ctx, panel, config);
  },

  'evalens.refreshRuns': ({ panel }) => panel.view.refresh(),

  'evalens.exportRunResults': async ({ ctx }, arg) => {
    const manifest = await runArg(ctx, arg, 'Export the results of which run?');
    if (manifest === undefined) return;
    const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here', defaultUri: ctx.folder()?.uri });
    if (target?.[0] === undefined) return;
    const outDir = path.join(target[0].fsPath, `evalens-export-${manifest.runId}`);
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting run ${manifest.runId}…` }, () =>
      exportRun(ctx.store(), manifest, ctx.store().readResults(manifest.runId), { outDir, formats: EXPORT_FORMATS }),
    );
    const open = 'Reveal';
    const choice = await vscode.window.showInformationMessage(`Exported ${report.files.length} files (${report.records} samples) to ${outDir}.${report.notes.length ? ` ${report.notes.join(' ')}` : ''}`, open);
    if (choice === open) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(outDir));
  },

  'evalens.deleteRun': async ({ ctx, panel }, arg) => {
    const manifest = await runArg(ctx, arg, 'Delete which run?');
    if (manifest !== undefined) await deleteRun(ctx, ctx.store(), manifest, () => panel.reports.close(manifest.runId));
  },

  'evalens.newIntegrationScript': async ({ ctx }) => {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, openLabel: 'Use this model', defaultUri: ctx.folder()?.uri });
    const model = picked?.[0];
    if (model === undefined) return;
    let signature;
    try {
      signature = readModelSignatureSync(model.fsPath);
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return;
    }
    const base = path.basename(model.fsPath, '.onnx').replace(/[^\w-]+/g, '-');
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(model.fsPath), `${base}.integration.ts`)), filters: { 'Integration script': ['ts'] } });
    if (target === undefined) return;
    if (!target.fsPath.endsWith('.integration.ts')) {
      void vscode.window.showErrorMessage(`Integration scripts are named *.integration.ts so Evalens finds them; ${path.basename(target.fsPath)} is not. Choose a name ending in .integration.ts.`);
      return;
    }
    writeFileSync(target.fsPath, integrationTemplate(target.fsPath, signature));
    await vscode.window.showTextDocument(target);
  },

  'evalens.showLogs': ({ ctx }) => ctx.output.show(),

  'evalens.restartLanguageServer': ({ restartServer }) => restartServer(),
};

export function registerCommands(parts: Parts): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, command]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await command(parts, ...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        parts.ctx.log(`${id} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
        void vscode.window.showErrorMessage(message, 'Show Logs').then((c) => c && parts.ctx.output.show());
      }
    }),
  );
}

/** The script a command was invoked for: a code lens argument, an explorer URI, or the active editor. */
function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as IntegrationCommandArgs).path === 'string') return vscode.Uri.file((arg as IntegrationCommandArgs).path);
  const active = vscode.window.activeTextEditor?.document.uri;
  return active !== undefined && /\.integration\.(ts|js|mjs)$/.test(active.fsPath) ? active : undefined;
}

async function pickScript(): Promise<vscode.Uri | undefined> {
  const scripts = await vscode.workspace.findFiles('**/*.integration.{ts,js,mjs}', '**/node_modules/**');
  if (scripts.length === 0) {
    void vscode.window.showWarningMessage('No integration script (*.integration.ts, .js or .mjs) in this workspace. Create one with "Evalens: New Integration Script".');
    return undefined;
  }
  if (scripts.length === 1) return scripts[0];
  const picked = await vscode.window.showQuickPick(
    scripts.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Run the integration test of which script?' },
  );
  return picked?.uri;
}

/** An eval config for the script (or any): an existing one, or a new one written beside the script. */
async function pickConfig(ctx: EvalensContext, script: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const configs = await vscode.workspace.findFiles('**/*.eval.json', '**/node_modules/**');
  const create = { label: '$(new-file) Create an eval config…', create: true as const };
  const items = [...configs.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), ...(script ? [create] : [])];
  if (configs.length === 1 && script === undefined) return configs[0];
  if (items.length === 0) {
    void vscode.window.showWarningMessage(`No eval config (${EVAL_CONFIG_FILE}) in this workspace. Open an integration script and use its "Evaluate" code lens to create one.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Evaluate with which eval config?' });
  if (picked === undefined) return undefined;
  if ('uri' in picked) return picked.uri;
  const file = path.join(path.dirname(script!.fsPath), EVAL_CONFIG_FILE);
  if (existsSync(file)) return vscode.Uri.file(file);
  const settings = ctx.settings(script);
  const config = {
    $schema: 'https://evalens.dev/evalens.eval.schema.json',
    name: path.basename(script!.fsPath).replace(/\.integration\.(ts|js|mjs)$/, ''),
    integration: path.basename(script!.fsPath),
    benchmarks: [{ name: 'test', subset: 'test' }],
    batchSize: settings.batchSize,
    executionProviders: settings.executionProviders,
    memoryLimitMb: settings.memoryLimitMb,
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  void vscode.window.showInformationMessage(`Created ${EVAL_CONFIG_FILE} with a 'test' benchmark. Add benchmarks and gates, then run Evaluate again.`);
  return undefined;
}

async function pickBenchmarks(config: vscode.Uri): Promise<string[] | undefined> {
  const doc = await vscode.workspace.openTextDocument(config);
  let names: string[] = [];
  try {
    names = ((JSON.parse(doc.getText()) as { benchmarks?: { name?: unknown }[] }).benchmarks ?? []).map((b) => b.name).filter((n): n is string => typeof n === 'string');
  } catch {
    return []; // the CLI reports what is wrong with the file
  }
  if (names.length <= 1) return [];
  const picked = await vscode.window.showQuickPick(
    names.map((label) => ({ label, picked: true })),
    { title: 'Evaluate which benchmarks?', canPickMany: true },
  );
  if (picked === undefined || picked.length === 0) return undefined;
  return picked.length === names.length ? [] : picked.map((p) => p.label);
}

/** Cancel asked for a run this window is not evaluating: say who is, or that nobody is. */
function explainNotCancelled(ctx: EvalensContext, runId: string): void {
  const manifest = ctx.store().read(runId);
  const evaluator = liveEvaluator(ctx, manifest);
  void vscode.window.showWarningMessage(
    evaluator === undefined
      ? `Run "${manifest.name}" (${runId}) is ${manifest.status}, not being evaluated: there is nothing to cancel.`
      : `Run "${manifest.name}" (${runId}) is being evaluated ${evaluator}, not by this window: stop it there (Ctrl+C in its terminal). Its finished samples are kept, and Resume finishes it.`,
  );
}

async function runArg(ctx: EvalensContext, arg: unknown, title: string): Promise<RunManifest | undefined> {
  if (typeof arg === 'string') return ctx.store().read(arg);
  return pickRun(ctx.store(), title);
}
