import type { Command } from 'commander';
import { leaderboard } from '../../report/leaderboard';
import { reconcileInterruptedRuns } from '../../runner/run-queue';
import { RunStore } from '../../runs/run-store';
import { positiveInt, type CliContext } from '../cli-context';
import { formatLeaderboard } from '../output/leaderboard-text';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';

/** `evalens runs leaderboard`: completed runs ranked by a metric, to choose between model versions. */
export function registerLeaderboard(runs: Command, ctx: CliContext): void {
  runs
    .command('leaderboard')
    .description('rank the completed evaluation runs by a metric on a benchmark, best first, with model hash, checkpoint and date')
    .requiredOption('--benchmark <name>', 'the benchmark the runs are ranked on')
    .requiredOption('--metric <name>', "metric to rank by (as in results: accuracy, f1_macro, log_loss, mae, overall_score, a custom metric or loss, or 'output.metric' for another output)")
    .option('--limit <n>', 'show the best n runs', positiveInt)
    .option('--runs-dir <dir>', `run store (default: ${DEFAULT_RUNS_DIR} in the current folder)`)
    .option('--json', 'print the ranking as JSON')
    .action(async (options: { benchmark: string; metric: string; limit?: number; runsDir?: string; json?: boolean }) => {
      ctx.setJson(options.json === true);
      const store = new RunStore(options.runsDir ?? DEFAULT_RUNS_DIR);
      reconcileInterruptedRuns(store);
      const board = await leaderboard(store, { benchmark: options.benchmark, metric: options.metric, limit: options.limit });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(board, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatLeaderboard(board, colour(process.stdout))}\n`);
    });
}
