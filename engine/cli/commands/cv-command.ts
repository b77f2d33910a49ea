import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { runCrossValidation } from '../../analysis/cross-validation-run';
import { EVAL_CONFIG_FILE } from '../../config/eval-config';
import type { SupervisedRun } from '../../runner/supervisor';
import { RunStore } from '../../runs/run-store';
import { positiveInt, type RegisterCommand } from '../cli-context';
import { formatCrossValidation } from '../output/cross-validation-text';
import { progressView } from '../run-progress';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';

/** `evalens cv`: K-split cross-validation of a logistic-regression head on the model's embeddings of a benchmark. */
export const registerCvCommand: RegisterCommand = (program, ctx) => {
  program
    .command('cv')
    .description("cross-validate a logistic-regression head on the model's embeddings of a benchmark's labeled samples (a run of kind cross-validation)")
    .option('-c, --config <file>', 'eval config', EVAL_CONFIG_FILE)
    .option('-b, --benchmark <name>', "the benchmark whose labeled samples are cross-validated (default: the config's first)")
    .option('-k, --folds <k>', 'number of folds, from 2 to the smallest class count (default 5)', positiveInt)
    .option('--seed <n>', 'seed of the stratified fold assignment', nonNegativeInt, 0)
    .option('--folds-file <file>', "the folds to use instead: JSON array of test-index arrays (sample indices of the benchmark's subset), or an object with them as cv_test_folds")
    .option('--latent <name>', "latent output whose embeddings are the features (default: the first bound as 'latent')")
    .option('--runs-dir <dir>', 'run store (default: .evalens/runs beside the config)')
    .option('--json', 'print the result (cross-validation.json) as JSON on stdout (progress stays on stderr)')
    .action(async (options: { config: string; benchmark?: string; folds?: number; seed: number; foldsFile?: string; latent?: string; runsDir?: string; json?: boolean }) => {
      ctx.setJson(options.json === true);
      const store = new RunStore(options.runsDir ?? path.join(path.dirname(path.resolve(options.config)), DEFAULT_RUNS_DIR));
      // Progress goes to stderr with --json too (lines, not a bar): the extension reads it for its notification.
      const view = progressView(process.stderr.isTTY && options.json !== true ? 'bar' : 'lines');
      const say = (line: string) => process.stderr.write(`${line}\n`);
      let evaluation: SupervisedRun | undefined;
      let interrupts = 0;
      const onSigint = () => {
        if (++interrupts > 1 || evaluation === undefined) process.exit(130);
        evaluation.cancel();
        say('\nCancelling the evaluation at the next batch; finished samples are kept (Ctrl+C again to stop at once).');
      };
      process.on('SIGINT', onSigint);
      let outcome: Awaited<ReturnType<typeof runCrossValidation>>;
      try {
        outcome = await runCrossValidation(
          store,
          { configPath: options.config, benchmark: options.benchmark, k: options.folds, seed: options.seed, foldsFile: options.foldsFile, latent: options.latent },
          {
            onWarning: (message) => say(`warning: ${message}`),
            onSource: (runId, evaluated) => say(evaluated ? `No completed run of this model scored these inputs: evaluating them first (run ${runId}).` : `Embeddings from run ${runId} (same model and inputs).`),
            onEvaluationStart: (run) => {
              evaluation = run;
            },
            onProgress: (runId, p) => view.update(runId, p),
            onFold: (fold, k) => {
              view.stop();
              say(`fold ${fold.fold + 1}/${k}: accuracy ${fold.metrics.accuracy.toFixed(4)} (${fold.iterations} iterations, ${(fold.durationMs / 1000).toFixed(1)} s)`);
            },
          },
        );
      } finally {
        view.stop();
        process.off('SIGINT', onSigint);
      }
      const { manifest, result } = outcome;
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatCrossValidation(manifest, result, colour(process.stdout))}\n`);
    });
};

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer.');
  return n;
}
