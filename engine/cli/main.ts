import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isEvalensError } from '../errors';
import { ExitCode } from './exit-codes';
import { testCommand } from './commands/test-command';
import { DEFAULT_SAMPLES } from '../integration-test/run-integration-test';
import { colour } from './terminal';

declare const EVALENS_VERSION: string;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs the CLI; resolves to the exit code instead of exiting, so tests and callers stay in control. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let verbose = argv.includes('--verbose');
  let json = false;
  const program = new Command('evalens')
    .description('Check and evaluate ONNX models through integration scripts.')
    .version(typeof EVALENS_VERSION === 'string' ? EVALENS_VERSION : 'dev')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run evalens --help for usage)')
    .exitOverride();

  let code: number = ExitCode.ok;
  program
    .command('test')
    .description('run the integration test: every component on samples spread over each subset')
    .argument('[script]', 'integration script (default: the only *.integration.ts|js|mjs in the current folder)')
    .option('-n, --samples <n>', 'samples checked per subset', positiveInt, DEFAULT_SAMPLES)
    .option('-s, --subset <name>', 'only this subset (repeatable)', collect)
    .addOption(new Option('--batch-size <n>', 'batch size for the model check').argParser(positiveInt).default(32))
    .option('--json', 'print the report as JSON')
    .action(async (script: string | undefined, options: { samples: number; subset?: string[]; batchSize: number; json?: boolean }) => {
      json = options.json === true;
      code = await testCommand(script, { ...options, json });
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? ExitCode.ok : ExitCode.usage;
    }
    verbose ||= program.opts().verbose === true;
    reportError(error, json, verbose);
    return ExitCode.usage;
  }
}

function reportError(error: unknown, json: boolean, verbose: boolean): void {
  const known = isEvalensError(error);
  const message = known ? error.message : `Internal error: ${error instanceof Error ? error.message : String(error)}. This is a bug in Evalens; run again with --verbose and report the output.`;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code: known ? error.code : 'internal', message } }, null, 2)}\n`);
  }
  const paint = colour(process.stderr);
  process.stderr.write(`${paint('red', 'error:')} ${message}\n`);
  if (verbose && error instanceof Error && error.stack) {
    const cause = error.cause instanceof Error && error.cause.stack ? `\nCaused by: ${error.cause.stack}` : '';
    process.stderr.write(`${paint('dim', `${error.stack}${cause}`)}\n`);
  }
}
