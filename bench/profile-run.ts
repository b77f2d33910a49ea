/**
 * Evaluates one config in this process (the runner's code without the child process), for
 * run-bench.ts to take a CPU profile of: `node --cpu-prof --import tsx bench/profile-run.ts
 * <config> <runs-dir>`. Prints `{ status, samples, evaluateMs }` as JSON.
 */
import type { ResolvedEvalConfig } from '../engine/config/load-config';
import { evaluateRun } from '../engine/runner/evaluate-run';
import { prepareEvaluation } from '../engine/runner/prepare-evaluation';
import { submitEvaluation } from '../engine/runner/submit-run';
import { RunStore } from '../engine/runs/run-store';

async function main(): Promise<void> {
  const [config, runsDir] = process.argv.slice(2);
  if (config === undefined || runsDir === undefined) throw new Error('usage: profile-run.ts <config> <runs-dir>');
  const store = new RunStore(runsDir);
  const manifest = await submitEvaluation(store, config);
  const prepared = await prepareEvaluation(manifest.config as ResolvedEvalConfig);
  const started = performance.now();
  const status = await evaluateRun(store, manifest.runId, prepared, { stopRequest: () => undefined, onProgress: () => {} });
  const evaluateMs = performance.now() - started;
  console.log(JSON.stringify({ status, samples: manifest.benchmarks.reduce((n, b) => n + b.total, 0), evaluateMs }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
