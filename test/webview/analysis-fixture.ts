/**
 * Real analysed runs for the report's insight sections: the digits example evaluated by the
 * CLI on its train, test and unlabeled subsets (the unlabeled one gets label suggestions from
 * the train split's neighbours), then analysed by the engine's analysis step with PCA and UMAP.
 * One metadata value holds markup, on every 25th sample: it must show as text wherever it
 * appears (slices, colour legend). And a run the analysis fails on (no latent output).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportData } from '../../shared/report-data';
import { analyzeRun } from '../../engine/analysis/analyze-run';
import { RunStore } from '../../engine/runs/run-store';
import { copyExample, evaluate, writeEvalConfig } from '../helpers/eval-runs';
import { binaryRun } from '../helpers/report-fixtures';
import { reportOf } from './fixtures';

export const MARKUP = '<img src=x onerror="document.title=\'pwned\'">';

let analysed: Promise<{ storeDir: string; runId: string }> | undefined;

/** The digits run (train, test, unlabeled) with its analysis (PCA and UMAP), once per process. */
export function analysedDigitsRun(): Promise<{ storeDir: string; runId: string }> {
  analysed ??= (async () => {
    const dir = copyExample('evalens-insights-');
    const script = path.join(dir, 'digits.integration.ts');
    const source = readFileSync(script, 'utf8');
    const anchor = 'source_row: (index, subset) => subset.data.rows[index]!,';
    if (!source.includes(anchor)) throw new Error(`examples/digits changed: no '${anchor}' to add the markup metadata after`);
    writeFileSync(script, source.replace(anchor, `${anchor}\n    note: (index) => (index % 25 === 0 ? ${JSON.stringify(MARKUP)} : 'plain'),`));
    const storeDir = path.join(dir, '.evalens');
    const config = writeEvalConfig(dir, 'insights.eval.json', {
      name: 'digits CNN: train, test and unlabeled, analysed',
      integration: 'digits.integration.ts',
      benchmarks: [
        { name: 'train', subset: 'train' },
        { name: 'test', subset: 'test' },
        { name: 'unlabeled', subset: 'unlabeled' },
      ],
      batchSize: 128,
      memoryLimitMb: 1024,
    });
    const { runId } = evaluate(config, storeDir);
    await analyzeRun(new RunStore(storeDir), runId, { umap: true });
    return { storeDir, runId };
  })();
  return analysed;
}

export const analysedDigitsReport = (): Promise<ReportData> => reportOf(analysedDigitsRun());

/** The breast-cancer run, which binds no latent output: its analysis fails, and says why. */
export async function failedAnalysisReport(): Promise<ReportData> {
  const run = await binaryRun();
  await analyzeRun(new RunStore(run.storeDir), run.runId).then(
    () => {
      throw new Error('the analysis of a run without a latent output completed');
    },
    () => undefined,
  );
  return reportOf(Promise.resolve(run));
}
