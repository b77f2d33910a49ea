import { Command, CommanderError } from 'commander';
import { isEvalensError } from '../errors';
import { ExitCode } from './exit-codes';
import type { CliContext, RegisterCommand } from './cli-context';
import { registerTestCommand } from './commands/test-command';
import { registerEvalCommands } from './commands/eval-command';
import { registerRunsCommand } from './commands/runs-command';
import { registerLspCommand } from './commands/lsp-command';
import { registerDrawCommand } from './commands/draw-command';
import { registerAnalyzeCommand } from './commands/analyze-command';
import { registerCvCommand } from './commands/cv-command';
import { registerCompareCommand } from './commands/compare-command';
import { colour } from './terminal';

declare const EVALENS_VERSION: string;

const COMMANDS: RegisterCommand[] = [registerTestCommand, registerEvalCommands, registerRunsCommand, registerCompareCommand, registerAnalyzeCommand, registerCvCommand, registerDrawCommand, registerLspCommand];

/**
 * Runs the CLI; resolves to the exit code instead of exiting, so tests and callers stay in
 * control. `onServe` hears of a command that goes on serving after it returns.
 */
export async function runCli(argv: readonly string[], onServe?: () => void): Promise<number> {
  let json = false;
  let code: number = ExitCode.ok;
  const ctx: CliContext = {
    exit: (c) => {
      code = c;
    },
    setJson: (j) => {
      json = j;
    },
    serve: () => onServe?.(),
  };
  const program = new Command('evalens')
    .description('Check and evaluate ONNX models through integration scripts.')
    .version(typeof EVALENS_VERSION === 'string' ? EVALENS_VERSION : 'dev')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run evalens --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? ExitCode.ok : ExitCode.usage;
    }
    reportError(error, json, argv.includes('--verbose'));
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
