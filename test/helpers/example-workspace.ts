import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from './paths';

/** A private copy of examples/digits (no .evalens state), so tests never write into the repo. */
export function exampleWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-example-'));
  cpSync(path.join(ROOT, 'examples', 'digits'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  return dir;
}

/** Rewrites the workspace's eval config with `change` applied; returns its path. */
/** A config as parsed JSON: tests reach into it freely. */
export type ConfigJson = Record<string, any>;

export function writeConfig(dir: string, change: (config: ConfigJson) => void, name = 'evalens.eval.json'): string {
  const config = JSON.parse(readFileSync(path.join(dir, 'evalens.eval.json'), 'utf8')) as ConfigJson;
  change(config);
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Runs the bundled CLI as a user would, without a terminal. */
export function evalens(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
