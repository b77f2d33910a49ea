import { InvalidArgumentError, Option, type Command } from 'commander';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { runKindSchema, runStatusSchema, type RunKind, type RunManifest, type RunResults, type RunStatus } from '../../../shared/run-types';
import { EvalensError, isEvalensError } from '../../errors';
import { DEFAULT_DELETE_WAIT_MS, deleteRunSafely } from '../../runner/delete-run';
import { reconcileInterruptedRuns } from '../../runner/run-queue';
import { RunStore } from '../../runs/run-store';
import { DEFAULT_EXPORT_FORMATS, EXPORT_FORMATS, exportRun, type ExportFormat } from '../../report/export-run';
import { markdownReport } from '../../report/markdown-report';
import { readAnalysis } from '../../analysis/analysis-store';
import { readCrossValidation } from '../../analysis/cross-validation-store';
import { formatCrossValidation } from '../output/cross-validation-text';
import { positiveInt, type CliContext, type RegisterCommand } from '../cli-context';
import { formatRunDetails, runShowJson } from '../output/run-details';
import { formatRunList, runListEntry, type RunListJson } from '../output/run-list';
import { formatRunSummary } from '../output/run-summary';
import { registerLeaderboard } from './leaderboard-command';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';
import { registerMerge } from './runs-merge-command';

interface StoreOptions {
  runsDir?: string;
  json?: boolean;
}

/** `evalens runs list|show|export|delete|merge|leaderboard`: the run store from a terminal or CI. */
export const registerRunsCommand: RegisterCommand = (program, ctx) => {
  const runs = program.command('runs').description('list, show, export, delete, merge and rank runs of the run store');
  registerList(runs, ctx);
  registerShow(runs, ctx);
  registerExport(runs, ctx);
  registerDelete(runs, ctx);
  registerMerge(runs, ctx);
  registerLeaderboard(runs, ctx);
};

function storeOptions(command: Command): Command {
  return command.option('--runs-dir <dir>', `run store (default: ${DEFAULT_RUNS_DIR} in the current folder)`).option('--json', 'print the result as JSON');
}

function openStore(options: StoreOptions, ctx: CliContext): RunStore {
  ctx.setJson(options.json === true);
  return new RunStore(options.runsDir ?? DEFAULT_RUNS_DIR);
}

function registerList(runs: Command, ctx: CliContext): void {
  storeOptions(
    runs
      .command('list')
      .description('list runs, newest first, a page at a time')
      .option('--status <status>', `only runs with this status (repeatable, or comma-separated: ${runStatusSchema.options.join(', ')})`, oneOf('status', runStatusSchema.options))
      .option('--kind <kind>', `only runs of this kind (repeatable, or comma-separated: ${runKindSchema.options.join(', ')})`, oneOf('kind', runKindSchema.options))
      .option('--limit <n>', 'runs per page', positiveInt, 20)
      .option('--page-token <token>', 'the page after the one that printed this token'),
  ).action((options: StoreOptions & { status?: RunStatus[]; kind?: RunKind[]; limit: number; pageToken?: string }) => {
    const store = openStore(options, ctx);
    reconcileInterruptedRuns(store);
    const page = store.list({ status: options.status, kind: options.kind, pageSize: options.limit, pageToken: options.pageToken });
    const json: RunListJson = { runs: page.runs.map((m) => runListEntry(m, m.status === 'completed' ? resultsForListing(store, m) : undefined)) };
    if (page.nextPageToken !== undefined) json.nextPageToken = page.nextPageToken;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    if (json.runs.length === 0) {
      const filters = [...(options.status ?? []), ...(options.kind ?? [])];
      process.stdout.write(`No ${filters.length > 0 ? `${filters.join(' or ')} ` : ''}runs${options.pageToken !== undefined ? ' on this page' : ''} in ${store.root}.\n`);
      return;
    }
    process.stdout.write(`${formatRunList(json.runs, colour(process.stdout))}\n`);
    if (json.nextPageToken !== undefined) {
      const args = ['evalens', 'runs', 'list', '--page-token', json.nextPageToken, '--limit', String(options.limit)];
      for (const s of options.status ?? []) args.push('--status', s);
      for (const k of options.kind ?? []) args.push('--kind', k);
      if (options.runsDir !== undefined) args.push('--runs-dir', options.runsDir);
      process.stdout.write(`\nNext page: ${args.map(shellQuote).join(' ')}\n`);
    }
  });
}

function registerShow(runs: Command, ctx: CliContext): void {
  storeOptions(
    runs
      .command('show')
      .description('show a run: scores, gates, events and configuration')
      .argument('<runId>', 'the run to show')
      .addOption(new Option('--format <format>', 'text for a terminal, md for a CI job summary or a pull-request comment, json').choices(['text', 'md', 'json']).default('text')),
  ).action((runId: string, options: StoreOptions & { format: 'text' | 'md' | 'json' }) => {
    const format = options.json ? 'json' : options.format;
    const store = openStore({ ...options, json: format === 'json' }, ctx);
    reconcileInterruptedRuns(store);
    const manifest = store.read(runId);
    const results = store.readResults(runId);
    // A cross-validation run's scores are its cross-validation.json, not results.json.
    const crossValidation = manifest.kind === 'cross-validation' && manifest.status === 'completed' ? readCrossValidation(store, runId) : undefined;
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ ...runShowJson(manifest, results), ...(crossValidation === undefined ? {} : { crossValidation }) }, null, 2)}\n`);
    } else if (format === 'md') {
      process.stdout.write(markdownReport(manifest, results, { baseDir: process.cwd(), analysis: readAnalysis(store, runId) }));
    } else {
      const paint = colour(process.stdout);
      const scores = crossValidation === undefined ? formatRunSummary(manifest, results, paint) : formatCrossValidation(manifest, crossValidation, paint);
      process.stdout.write(`${scores}\n\n${formatRunDetails(manifest, paint)}\n`);
    }
  });
}

function registerExport(runs: Command, ctx: CliContext): void {
  storeOptions(
    runs
      .command('export')
      .description('write a run as files: summary.csv, benchmarks/<name>.json, predictions.csv and predictions.parquet; report.html (self-contained) and report.md on request')
      .argument('<runId>', 'the run to export')
      .option('--out <dir>', 'folder to write (default: ./evalens-export-<runId>)')
      .addOption(new Option('--format <formats>', `files to write, comma-separated: ${EXPORT_FORMATS.join(', ')}`).argParser(exportFormats).default([...DEFAULT_EXPORT_FORMATS], DEFAULT_EXPORT_FORMATS.join(','))),
  ).action(async (runId: string, options: StoreOptions & { out?: string; format: ExportFormat[] }) => {
    const store = openStore(options, ctx);
    reconcileInterruptedRuns(store);
    const manifest = store.read(runId);
    const results = store.readResults(runId);
    const report = await exportRun(store, manifest, results, { outDir: options.out ?? `evalens-export-${runId}`, formats: options.format });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const paint = colour(process.stdout);
    const shown = (file: string) => path.relative(process.cwd(), file) || file;
    const lines = [`Exported run ${manifest.runId} (${manifest.name}, ${manifest.status}) to ${shown(report.outDir)}/`];
    const width = Math.max(...report.files.map((f) => shown(f.path).length));
    for (const f of report.files) lines.push(`  ${shown(f.path).padEnd(width)}  ${f.rows === undefined ? '' : `${f.rows} rows: `}${f.description}`);
    for (const note of report.notes) lines.push(paint('yellow', note));
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

function registerDelete(runs: Command, ctx: CliContext): void {
  storeOptions(
    runs
      .command('delete')
      .description('delete one run and all its files; a run being evaluated is cancelled first')
      .argument('<runId>', 'the run to delete')
      .option('-y, --yes', 'delete without asking')
      .option('--wait <seconds>', 'how long a run being evaluated may take to stop once cancelled; past it the delete is refused', positiveInt, DEFAULT_DELETE_WAIT_MS / 1000),
  ).action(async (runId: string, options: StoreOptions & { yes?: boolean; wait: number }) => {
    const store = openStore(options, ctx);
    reconcileInterruptedRuns(store);
    const manifest = store.read(runId);
    const what = `run ${runId} (${manifest.name}, ${manifest.status})`;
    const running = manifest.status === 'evaluating' ? ` It is being evaluated by process ${manifest.pid ?? 'unknown'}: it will be cancelled first.` : '';
    if (!options.yes && !(await confirm(`Delete ${what}?${running} This cannot be undone. [y/N] `, what))) {
      if (options.json) process.stdout.write(`${JSON.stringify({ runId, deleted: false, cancelled: false }, null, 2)}\n`);
      else process.stdout.write(`Kept ${what}.\n`);
      return;
    }
    let cancelled = false;
    await deleteRunSafely(store, runId, {
      requester: `evalens runs delete (pid ${process.pid})`,
      waitMs: options.wait * 1000,
      onCancelling: (m) => {
        cancelled = true;
        if (!options.json) process.stderr.write(`Cancelling run ${runId}, which process ${m.pid} is evaluating; waiting up to ${options.wait} s for it to stop…\n`);
      },
    });
    if (options.json) process.stdout.write(`${JSON.stringify({ runId, deleted: true, cancelled }, null, 2)}\n`);
    else process.stdout.write(`Deleted ${what}${cancelled ? ', cancelled first' : ''}.\n`);
  });
}

/** Asks on the terminal; without one there is nobody to ask, so deleting needs --yes. */
async function confirm(question: string, what: string): Promise<boolean> {
  if (process.stdin.isTTY !== true) {
    throw new EvalensError('usage', `Not deleting ${what}: there is no terminal to confirm on. Pass --yes to delete it without confirmation.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Results shown in a listing; a run whose results file is unreadable is listed without a score rather than hiding the rest. */
function resultsForListing(store: RunStore, manifest: RunManifest): RunResults | undefined {
  try {
    return store.readResults(manifest.runId);
  } catch (error) {
    if (isEvalensError(error)) return undefined;
    throw error;
  }
}

/** A repeatable option whose values may also be comma-separated, each one of `allowed`. */
function oneOf<T extends string>(what: string, allowed: readonly T[]): (value: string, previous?: T[]) => T[] {
  return (value, previous = []) => {
    const values = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    const wrong = values.filter((v) => !(allowed as readonly string[]).includes(v));
    if (wrong.length > 0 || values.length === 0) throw new InvalidArgumentError(`'${value}' is not a valid ${what}; use one of: ${allowed.join(', ')}.`);
    return [...previous, ...(values as T[])];
  };
}

function exportFormats(value: string): ExportFormat[] {
  return oneOf<ExportFormat>('format', EXPORT_FORMATS)(value);
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
