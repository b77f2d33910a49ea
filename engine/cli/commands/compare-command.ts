import { InvalidArgumentError } from 'commander';
import type { RunManifest } from '../../../shared/run-types';
import { EvalensError } from '../../errors';
import { compareRuns } from '../../report/compare-runs';
import { DEFAULT_BOOTSTRAP } from '../../report/paired-bootstrap';
import { reconcileInterruptedRuns } from '../../runner/run-queue';
import { RunStore } from '../../runs/run-store';
import { positiveInt, type RegisterCommand } from '../cli-context';
import { formatComparison } from '../output/comparison-text';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';

interface CompareOptions {
  resamples: number;
  seed: number;
  runsDir?: string;
  json?: boolean;
}

/** `evalens compare <runA> <runB>`: is B better than A, and is the difference more than chance? */
export const registerCompareCommand: RegisterCommand = (program, ctx) => {
  program
    .command('compare')
    .description("compare two completed runs on their common benchmarks: metric deltas per benchmark and class, McNemar's exact test, bootstrap intervals of the deltas, flipped samples")
    .argument('<runA>', 'the run compared against (A)')
    .argument('<runB>', 'the run compared (B); deltas are B − A')
    .option('--resamples <n>', 'bootstrap resamples for the intervals', positiveInt, DEFAULT_BOOTSTRAP.resamples)
    .option('--seed <n>', 'seed of the bootstrap resampling: the same seed gives the same intervals', seedOf, DEFAULT_BOOTSTRAP.seed)
    .option('--runs-dir <dir>', `run store (default: ${DEFAULT_RUNS_DIR} in the current folder)`)
    .option('--json', 'print the whole comparison as JSON')
    .action(async (runA: string, runB: string, options: CompareOptions) => {
      ctx.setJson(options.json === true);
      const store = new RunStore(options.runsDir ?? DEFAULT_RUNS_DIR);
      reconcileInterruptedRuns(store);
      const a = completedRun(store, runA, 'A');
      const b = completedRun(store, runB, 'B');
      const namesB = new Set(b.benchmarks.map((x) => x.name));
      if (!a.benchmarks.some((x) => namesB.has(x.name))) {
        const names = (m: RunManifest) => m.benchmarks.map((x) => `'${x.name}'`).join(', ');
        throw new EvalensError(
          'usage',
          `Runs ${a.runId} (A) and ${b.runId} (B) have no benchmark in common (A: ${names(a)}; B: ${names(b)}), so no sample can be paired. Compare runs that score a benchmark of the same name.`,
        );
      }
      const comparison = await compareRuns(store, a, b, { resamples: options.resamples, seed: options.seed, confidence: DEFAULT_BOOTSTRAP.confidence });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatComparison(comparison, colour(process.stdout))}\n`);
    });
};

function completedRun(store: RunStore, runId: string, side: 'A' | 'B'): RunManifest {
  const manifest = store.read(runId);
  if (manifest.status !== 'completed') {
    const pick = `pick a completed run from: evalens runs list --status completed --runs-dir ${store.root}`;
    const fix = manifest.error?.resumable ? `Finish it with: evalens resume ${runId}; or ${pick}` : `${pick[0]!.toUpperCase()}${pick.slice(1)}`;
    throw new EvalensError('usage', `Run ${runId} (${side}, '${manifest.name}') is ${manifest.status}, not completed: only completed runs can be compared. ${fix}`);
  }
  return manifest;
}

function seedOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('must be an integer from 0 to 4294967295.');
  return n;
}
