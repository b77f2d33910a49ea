/**
 * Helpers for tests (and the bench) that evaluate through the built CLI: a scratch copy of
 * the digits example, eval configs written beside it, the CLI run as a user runs it, and the
 * run store read back as plain files.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runManifestSchema, runResultsSchema, sampleRecordSchema, type RunManifest, type RunResults, type SampleRecord } from '../../shared/run-types';
import { CLI, EXAMPLE_SCRIPT, ROOT } from './paths';
import { decodeOutputs } from '../../engine/runs/record-format';

export const EXAMPLE_DIR = path.dirname(EXAMPLE_SCRIPT);

/** A temporary folder holding a copy of examples/digits (script, model, data, eval config). */
export function copyExample(prefix = 'evalens-example-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(EXAMPLE_DIR, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  return dir;
}

/** A config as parsed JSON: tests reach into it freely. */
export type ConfigJson = Record<string, any>;

/** Writes the workspace's eval config with `change` applied under `name`; returns its path. */
export function writeConfig(dir: string, change: (config: ConfigJson) => void, name = 'evalens.eval.json'): string {
  const config = JSON.parse(readFileSync(path.join(dir, 'evalens.eval.json'), 'utf8')) as ConfigJson;
  change(config);
  return writeEvalConfig(dir, name, config);
}

/** Writes an eval config (JSON) into `dir` and returns its path. */
export function writeEvalConfig(dir: string, file: string, config: Record<string, unknown>): string {
  const full = path.join(dir, file);
  writeFileSync(full, `${JSON.stringify(config, null, 2)}\n`);
  return full;
}

/**
 * The example's integration (`digits.integration.ts` beside it) with an input encoder that
 * busy-waits `spinMs` per sample, so a run lasts long enough to act on while it goes.
 */
export function slowIntegration(spinMs: number): string {
  return `import { defineIntegration } from 'evalens';
import base from './digits.integration';

function spin(): void {
  const end = performance.now() + ${spinMs};
  while (performance.now() < end);
}

export default defineIntegration({
  ...base,
  inputs: {
    image: { ...base.inputs.image, encode: (index, subset) => (spin(), base.inputs.image.encode(index, subset)) },
  },
});
`;
}

/** The example's eval config, parsed, to derive variants from. */
export function exampleConfig(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'evalens.eval.json'), 'utf8')) as Record<string, unknown>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` to completion. */
export function evalensSync(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build).`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `evalens eval --config F --runs-dir D --json`, expected to complete; returns the run id. */
export function evaluate(config: string, runsDir: string, env?: NodeJS.ProcessEnv): { runId: string; result: CliResult } {
  const result = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--json'], { cwd: path.dirname(config), env });
  let summary: { runId?: string; status?: string };
  try {
    summary = JSON.parse(result.stdout) as typeof summary;
  } catch {
    throw new Error(`evalens eval printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  if (summary.status !== 'completed' || summary.runId === undefined) {
    throw new Error(`evalens eval did not complete (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
  return { runId: summary.runId, result };
}

export function runDir(runsDir: string, runId: string): string {
  return path.join(runsDir, runId);
}

export function readManifest(runsDir: string, runId: string): RunManifest {
  return runManifestSchema.parse(JSON.parse(readFileSync(path.join(runsDir, runId, 'manifest.json'), 'utf8')));
}

/** The manifest, or undefined while it cannot be read (it is replaced atomically, so this is rare). */
export function tryReadManifest(runsDir: string, runId: string): RunManifest | undefined {
  try {
    return readManifest(runsDir, runId);
  } catch {
    return undefined;
  }
}

export function readResults(runsDir: string, runId: string): RunResults {
  return runResultsSchema.parse(JSON.parse(readFileSync(path.join(runsDir, runId, 'results.json'), 'utf8')));
}

/** Every line of records.jsonl up to `bytes` (default: the whole file), parsed and validated. */
export function readRecords(runsDir: string, runId: string, bytes?: number): SampleRecord[] {
  const buf = readFileSync(path.join(runsDir, runId, 'records.jsonl'));
  const text = buf.subarray(0, bytes ?? buf.length).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const raw = JSON.parse(line) as { outputs: Record<string, unknown> };
      return sampleRecordSchema.parse({ ...raw, outputs: decodeOutputs(raw.outputs) });
    });
}

/** The only run folder of a runs dir (a test that starts one run). */
export function onlyRunId(runsDir: string): string | undefined {
  if (!existsSync(runsDir)) return undefined;
  const runs = readdirSync(runsDir).filter((name) => existsSync(path.join(runsDir, name, 'manifest.json')));
  if (runs.length > 1) throw new Error(`expected one run in ${runsDir}, found ${runs.join(', ')}`);
  return runs[0];
}

/** Pids of the live children of `pid` (Linux: read from /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/** Whether a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Peak resident set size of a live process in KiB (VmHWM), or undefined once it is gone. */
export function peakRssKib(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The engine's seeded PRNG, so a failing crash schedule can be replayed from its seed. */
export { seededRandom } from '../../engine/runner/sample-selection';
