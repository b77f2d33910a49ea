import { runProgress } from '../../../shared/run-types';
import path from 'node:path';
import { RunStore } from '../../runs/run-store';
import { requeueForResume, submitEvaluation } from '../../runner/submit-run';
import { EVAL_CONFIG_FILE } from '../../config/eval-config';
import { collect, positiveInt, type RegisterCommand } from '../cli-context';
import { followRun } from './follow-run';
import { parseShard } from '../../runner/shard';

export const DEFAULT_RUNS_DIR = path.join('.evalens', 'runs');

/** `evalens eval` and `evalens resume`. */
export const registerEvalCommands: RegisterCommand = (program, ctx) => {
  program
    .command('eval')
    .description('evaluate a model on the benchmarks of an eval config (a new run; queued runs go first)')
    .option('-c, --config <file>', 'eval config', EVAL_CONFIG_FILE)
    .option('-b, --benchmark <name>', 'only this benchmark of the config (repeatable)', collect)
    .option('--runs-dir <dir>', 'run store (default: .evalens/runs beside the config)')
    .option('--concurrency <n>', 'queued runs evaluated at once', positiveInt, 1)
    .option('--shard <I/N>', 'evaluate only shard I of N (1 ≤ I ≤ N) of every benchmark, as a run to merge with the others by evalens runs merge')
    .option('--submit', 'queue the run and exit without evaluating it')
    .option('--json', 'print the result as JSON')
    .option('--reuse <runId>', 'take the model outputs of this completed run (same model; per sample, same input hash) instead of running the model: re-scores edited metadata, metrics, losses and gates')
    .action(async (options: { config: string; benchmark?: string[]; runsDir?: string; concurrency: number; shard?: string; reuse?: string; submit?: boolean; json?: boolean }) => {
      ctx.setJson(options.json === true);
      const part = options.shard === undefined ? undefined : parseShard(options.shard);
      const store = new RunStore(options.runsDir ?? path.join(path.dirname(path.resolve(options.config)), DEFAULT_RUNS_DIR));
      const manifest = await submitEvaluation(store, options.config, options.benchmark, part, options.reuse);
      if (options.submit) {
        process.stdout.write(options.json ? `${JSON.stringify({ runId: manifest.runId, status: manifest.status }, null, 2)}\n` : `Queued run ${manifest.runId} (${manifest.name}). Evaluate the queue with: evalens resume ${manifest.runId}\n`);
        return;
      }
      if (!options.json) process.stderr.write(`Run ${manifest.runId}: ${manifest.name}, ${part === undefined ? '' : `shard ${part.index}/${part.count}: `}${manifest.benchmarks.map((b) => `${b.name} (${b.total} samples)`).join(', ')}\n`);
      ctx.exit(await followRun(store, manifest.runId, { json: options.json === true, concurrency: options.concurrency }));
    });

  program
    .command('resume')
    .description('finish a run that was cancelled, crashed or was killed, from its last checkpoint')
    .argument('<runId>', 'the run to resume')
    .option('--runs-dir <dir>', 'run store', DEFAULT_RUNS_DIR)
    .option('--force', 'resume even though the model or integration changed since the run started (recorded in the run)')
    .option('--concurrency <n>', 'queued runs evaluated at once', positiveInt, 1)
    .option('--submit', 'put the run back in the queue and exit without evaluating it')
    .option('--memory-limit-mb <n>', "the runner's resident memory limit from here on, replacing the run's memoryLimitMb (a run stopped at its limit)", positiveInt)
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, options: { runsDir: string; force?: boolean; concurrency: number; submit?: boolean; memoryLimitMb?: number; json?: boolean }) => {
      ctx.setJson(options.json === true);
      const store = new RunStore(options.runsDir);
      const manifest = await requeueForResume(store, runId, options.force === true, options.memoryLimitMb);
      if (options.submit) {
        process.stdout.write(options.json ? `${JSON.stringify({ runId, status: manifest.status }, null, 2)}\n` : `Queued run ${runId} to resume at ${manifest.checkpoint.records} samples.\n`);
        return;
      }
      if (!options.json) process.stderr.write(`Resuming run ${runId} at ${manifest.checkpoint.records} of ${runProgress(manifest).total} samples\n`);
      ctx.exit(await followRun(store, runId, { json: options.json === true, concurrency: options.concurrency, force: options.force }));
    });
};
