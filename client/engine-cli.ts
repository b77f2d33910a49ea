import { fork } from 'node:child_process';
import path from 'node:path';
// Types only: this module runs no VS Code API, so its tests run in plain Node.
import type * as vscode from 'vscode';

/** How long a cancelled CLI gets to stop on SIGINT before it is killed (user code may trap SIGINT). */
const KILL_AFTER_MS = 3_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the engine's CLI (dist/cli.js) in a child process. Everything that loads user code
 * (integration test, preflight of a run) goes through here, never through the extension host.
 */
export function runEngineCli(
  extensionPath: string,
  args: string[],
  options: { cwd: string; log: Pick<vscode.OutputChannel, 'append' | 'appendLine'>; token?: vscode.CancellationToken; memoryLimitMb?: number },
): Promise<CliResult> {
  const cli = path.join(extensionPath, 'dist', 'cli.js');
  options.log.appendLine(`$ evalens ${args.join(' ')}`);
  const child = fork(cli, args, {
    cwd: options.cwd,
    silent: true,
    execArgv: options.memoryLimitMb ? [`--max-old-space-size=${options.memoryLimitMb}`] : [],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    options.log.append(d.toString());
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  };
  const cancel = options.token?.onCancellationRequested(stop);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      cancel?.dispose();
      clearTimeout(killTimer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one-paragraph message of a failed CLI call: its JSON error when it printed one, else its stderr. */
export function cliErrorMessage(result: CliResult): string {
  try {
    const parsed = JSON.parse(result.stdout) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON: fall back to stderr
  }
  return result.stderr.replace(/^error:\s*/, '').trim() || `evalens exited with code ${result.code}`;
}
