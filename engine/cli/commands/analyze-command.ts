import path from 'node:path';
import type { Analysis } from '../../../shared/analysis-types';
import { readAnalysis } from '../../analysis/analysis-store';
import { analyzeRun } from '../../analysis/analyze-run';
import { EvalensError } from '../../errors';
import { writeSuggestionsCsv } from '../../analysis/suggestions-csv';
import { RunStore } from '../../runs/run-store';
import { positiveInt, type RegisterCommand } from '../cli-context';
import { formatAnalysisSummary } from '../output/analysis-summary';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';

/** `evalens analyze`: insights from a completed run's latent space and records, kept in its analysis/ folder. */
export const registerAnalyzeCommand: RegisterCommand = (program, ctx) => {
  program
    .command('analyze')
    .description("analyse a completed run: projections, nearest neighbours, label suggestions, likely label mistakes, duplicates, weakest slices (written to the run's analysis/ folder)")
    .argument('<runId>', 'the run to analyse')
    .option('--umap', 'also a UMAP projection (seeded), besides PCA')
    .option('--k <n>', 'nearest labeled neighbours per sample', positiveInt, 5)
    .option('--latent <name>', "latent output to analyse (default: the first output bound as 'latent')")
    .option('--suggest-labels <file>', 'also write the label suggestions as CSV, most uncertain first')
    .option('--reuse', "use the analysis the run already has instead of analysing it again (with --suggest-labels: the CSV in seconds)")
    .option('--runs-dir <dir>', `run store (default: ${DEFAULT_RUNS_DIR} in the current folder)`)
    .option('--json', 'print the analysis (analysis.json) as JSON')
    .action(async (runId: string, options: { umap?: boolean; k: number; latent?: string; suggestLabels?: string; reuse?: boolean; runsDir?: string; json?: boolean }) => {
      ctx.setJson(options.json === true);
      const store = new RunStore(options.runsDir ?? DEFAULT_RUNS_DIR);
      const analysis = options.reuse ? storedAnalysis(store, runId) : await analyzeRun(store, runId, { umap: options.umap === true, k: options.k, latent: options.latent });
      const manifest = store.read(runId);
      let csvRows: number | undefined;
      if (options.suggestLabels !== undefined) csvRows = await writeSuggestionsCsv(store, manifest, analysis, path.resolve(options.suggestLabels));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(analysis, null, 2)}\n`);
        return;
      }
      const paint = colour(process.stdout);
      process.stdout.write(`${formatAnalysisSummary(manifest, analysis, paint)}\n`);
      if (csvRows !== undefined) process.stdout.write(`\nWrote ${csvRows} label suggestions to ${options.suggestLabels}\n`);
    });
};

/** The analysis a run already has, for --reuse; none, or a failed one, says what to run first. */
function storedAnalysis(store: RunStore, runId: string): Analysis {
  store.read(runId);
  const analysis = readAnalysis(store, runId);
  if (analysis === undefined || analysis.status !== 'completed') {
    const why = analysis === undefined ? 'has not been analysed' : `has a failed analysis (${analysis.error ?? 'no reason recorded'})`;
    throw new EvalensError('usage', `Run ${runId} ${why}, so --reuse has nothing to use. Analyse it first: evalens analyze ${runId}`);
  }
  return analysis;
}
