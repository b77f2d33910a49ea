import type { Command } from 'commander';
import { reconcileInterruptedRuns } from '../../runner/run-queue';
import { mergeShards } from '../../runs/merge-runs';
import { RunStore } from '../../runs/run-store';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { formatRunSummary, runSummaryJson } from '../output/run-summary';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';

/** `evalens runs merge <runId>...`: the shards of one evaluation as one run; exits as `evalens eval` does (3 when a gate fails). */
export function registerMerge(runs: Command, ctx: CliContext): void {
  runs
    .command('merge')
    .description('merge the completed shard runs of one evaluation (evalens eval --shard I/N), copied into one run store, into one run equal to the unsharded run')
    .argument('<runIds...>', 'the shard runs, one per shard, in any order')
    .option('--runs-dir <dir>', `run store holding the shards, where the merged run is written (default: ${DEFAULT_RUNS_DIR} in the current folder)`)
    .option('--json', 'print the result as JSON')
    .action(async (runIds: string[], options: { runsDir?: string; json?: boolean }) => {
      ctx.setJson(options.json === true);
      const store = new RunStore(options.runsDir ?? DEFAULT_RUNS_DIR);
      reconcileInterruptedRuns(store);
      const manifest = await mergeShards(store, runIds, (message) => process.stderr.write(`${message}\n`));
      const results = store.readResults(manifest.runId);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...runSummaryJson(manifest, results), mergedFrom: manifest.mergedFrom }, null, 2)}\n`);
      } else {
        process.stderr.write(`Merged ${runIds.length} shard${runIds.length === 1 ? '' : 's'} into run ${manifest.runId}\n`);
        process.stdout.write(`${formatRunSummary(manifest, results, colour(process.stdout))}\n`);
      }
      ctx.exit(results?.gates.some((g) => !g.passed) ? ExitCode.gateFailed : ExitCode.ok);
    });
}
