import { SingleBar } from 'cli-progress';
import path from 'node:path';
import { runIntegrationTest } from '../../integration-test/run-integration-test';
import { findIntegrationScript } from '../find-script';
import { loadEvalConfig } from '../../config/load-config';
import { formatIntegrationTestReport } from '../output/integration-test-text';
import { colour } from '../terminal';
import { ExitCode } from '../exit-codes';
import { Option } from 'commander';
import { DEFAULT_SAMPLES } from '../../integration-test/run-integration-test';
import { collect, positiveInt, type RegisterCommand } from '../cli-context';

export interface TestCommandOptions {
  config?: string;
  samples: number;
  subset?: string[];
  batchSize: number;
  json: boolean;
}

/** `evalens test [script]`: runs the integration test and prints its report; returns the exit code. */
export async function testCommand(script: string | undefined, options: TestCommandOptions): Promise<number> {
  const file = script ?? (options.config !== undefined ? loadEvalConfig(options.config).integration : findIntegrationScript(process.cwd()));
  const bar = !options.json && process.stderr.isTTY ? new SingleBar({ format: ' {phase} [{bar}] {value}/{total} samples', hideCursor: true, clearOnComplete: true, stream: process.stderr }) : undefined;
  let phase = '';
  const report = await runIntegrationTest({
    scriptPath: path.resolve(file),
    samples: options.samples,
    subsets: options.subset,
    batchSize: options.batchSize,
    onProgress: (p) => {
      if (bar === undefined) return;
      if (p.phase !== phase) {
        if (phase !== '') bar.stop();
        phase = p.phase;
        bar.start(p.total, p.done, { phase: p.phase.padEnd(8) });
      }
      bar.update(p.done);
    },
  }).finally(() => bar?.stop());
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatIntegrationTestReport(report, colour(process.stdout))}\n`);
  }
  return report.ok ? ExitCode.ok : ExitCode.checkFailed;
}

export const registerTestCommand: RegisterCommand = (program, ctx) => {
  program
    .command('test')
    .description('run the integration test: every component on samples spread over each subset')
    .argument('[script]', 'integration script (default: the only *.integration.ts|js|mjs in the current folder)')
    .option('-c, --config <file>', 'take the integration named by this eval config')
    .option('-n, --samples <n>', 'samples checked per subset', positiveInt, DEFAULT_SAMPLES)
    .option('-s, --subset <name>', 'only this subset (repeatable)', collect)
    .addOption(new Option('--batch-size <n>', 'batch size for the model check').argParser(positiveInt).default(32))
    .option('--json', 'print the report as JSON')
    .action(async (script: string | undefined, options: { config?: string; samples: number; subset?: string[]; batchSize: number; json?: boolean }) => {
      ctx.setJson(options.json === true);
      ctx.exit(await testCommand(script, { ...options, json: options.json === true }));
    });
};
