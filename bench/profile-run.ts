/**
 * Evaluates one config in a runner process started with --cpu-prof (the runner as `evalens
 * eval` starts it, plus the profiler), for run-bench.ts to read where its threads spend their
 * time: `node --import tsx bench/profile-run.ts <config> <runs-dir> <profile-dir>`. Prints
 * `{ status, samples, runnerMs }` as JSON. Needs the built dist/.
 */
import path from 'node:path';
import { submitEvaluation } from '../engine/runner/submit-run';
import { superviseRun } from '../engine/runner/supervisor';
import { RunStore } from '../engine/runs/run-store';
import { ROOT } from '../test/helpers/paths';

async function main(): Promise<void> {
  const [config, runsDir, profileDir] = process.argv.slice(2);
  if (config === undefined || runsDir === undefined || profileDir === undefined) throw new Error('usage: profile-run.ts <config> <runs-dir> <profile-dir>');
  const store = new RunStore(runsDir);
  const manifest = await submitEvaluation(store, config);
  const run = superviseRun(store, manifest.runId, {
    memoryLimitMb: 4096,
    workerPath: path.join(ROOT, 'dist', 'worker.js'),
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const { status } = await run.done;
  const m = store.read(manifest.runId);
  const at = (kind: string) => Date.parse(m.events.findLast((e) => e.kind === kind)!.at);
  console.log(JSON.stringify({ status, samples: m.checkpoint.records, runnerMs: at('completed') - at('started') }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
