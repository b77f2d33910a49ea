import type { ResolvedEvalConfig } from '../config/load-config';
import type { RunStore } from '../runs/run-store';
import { analyzeRun } from './analyze-run';

/**
 * The analysis an eval config asks for (`analysis: { enabled, umap, k }`) once its run has
 * completed. It never fails the evaluation: analyzeRun records its own failures in the run's
 * analysis.json, and anything else it throws is told in `onFailure` and dropped.
 */
export async function analyzeAfterEvaluation(store: RunStore, runId: string, config: Pick<ResolvedEvalConfig, 'analysis' | 'executionProviders'>, onFailure: (message: string) => void): Promise<void> {
  const options = config.analysis;
  if (options === undefined || !options.enabled) return;
  try {
    await analyzeRun(store, runId, { umap: options.umap, k: options.k, executionProviders: config.executionProviders });
  } catch (error) {
    onFailure(`The analysis of run ${runId} failed (the run itself completed): ${error instanceof Error ? error.message : String(error)}`);
  }
}
