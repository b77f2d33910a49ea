import { spawnSync } from 'node:child_process';

/**
 * Runs npm as a user's shell would: without the npm_* variables an outer `npm test` sets (an
 * inner npm would read them as its own configuration). `npm10` runs the latest npm 10 from the
 * registry through `npm exec`. Returns the exit status and stdout and stderr together.
 */
export function npm(args: string[], options: { cwd: string; npm10?: boolean; env?: Record<string, string> }): { status: number | null; output: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const command = options.npm10 === true ? ['exec', '--yes', '--', 'npm@10', ...args] : args;
  const result = spawnSync('npm', command, { cwd: options.cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1', ...options.env }, shell: process.platform === 'win32' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
