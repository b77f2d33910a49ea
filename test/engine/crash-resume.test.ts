/**
 * Crash test: kill -9 the evaluation at random moments, resume each time, and check that the
 * finished run equals an uninterrupted one bit for bit.
 *
 * The run is the digits example (840 samples: test 540 + train-sample 300) through a wrapper
 * integration whose input encoder busy-waits a little per sample, so that a run lasts long
 * enough to be killed many times. Commits happen after every batch (EVALENS_COMMIT_EVERY_MS=0
 * in most rounds), so kills also land in the middle of commits.
 *
 * Each round starts `evalens eval` (first) or `evalens resume <id>` and kills, at a random
 * moment, one of:
 *  - worker:  the runner child process (what an out-of-memory kill does);
 *  - write:   the runner, the instant a commit is seen writing records, embeddings or the
 *             manifest's temporary file (a kill in the middle of a commit);
 *  - cli:     the CLI only: the orphaned runner must notice the IPC disconnect, stop at the
 *             next batch and leave the run cancelled;
 *  - both:    the CLI and the runner at once (the run is left `evaluating` by dead processes);
 *  - startup: the CLI and whatever it started, early (while loading, before or during prepare).
 * After each round the committed prefix of the run's files must be a byte prefix of the
 * reference run's files.
 *
 * EVALENS_CRASH_KILLS (default 10; the bench runs 30) sets the number of kills,
 * EVALENS_CRASH_SEED replays a schedule, EVALENS_CRASH_REPORT names a JSON file for a summary.
 * Needs Linux (/proc) and the built CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunManifest } from '../../shared/run-types';
import { CLI } from '../helpers/paths';
import {
  childPids,
  copyExample,
  evaluate,
  exampleConfig,
  isAlive,
  onlyRunId,
  readManifest,
  readRecords,
  readResults,
  seededRandom,
  slowIntegration,
  tryReadManifest,
  writeEvalConfig,
} from '../helpers/eval-runs';

const KILLS = positiveInt(process.env.EVALENS_CRASH_KILLS, 10);
const SEED = positiveInt(process.env.EVALENS_CRASH_SEED, Math.floor(Math.random() * 2 ** 31));
const MODES = ['worker', 'write', 'cli', 'both', 'startup'] as const;
type Mode = (typeof MODES)[number];
/** Samples of the example config: test (540) and train-sample (300). */
const TOTAL = 840;
const BATCH = 16;

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

interface Round {
  mode: Mode | 'none';
  killedAt?: number;
  /** The kill left bytes past the checkpoint (records or embeddings), or a manifest temp file. */
  midCommit: boolean;
  status: string;
  checkpoint: number;
}

test(`kill -9 at ${KILLS} random moments, resume each time: records, embeddings and results equal the uninterrupted run's`, { skip: process.platform !== 'linux' && 'needs /proc (Linux)', timeout: 120_000 + KILLS * 15_000 }, async (t) => {
  const started = performance.now();
  const random = seededRandom(SEED);
  t.diagnostic(`seed ${SEED} (replay with EVALENS_CRASH_SEED=${SEED}), ${KILLS} kills`);
  const dir = copyExample('evalens-crash-');
  const evalSeconds = Math.max(2.5, 0.25 * KILLS);
  const spinMs = Number(((evalSeconds * 1000) / TOTAL).toFixed(3));
  writeFileSync(path.join(dir, 'slow.integration.ts'), slowIntegration(spinMs));
  const config = writeEvalConfig(dir, 'crash.eval.json', { ...exampleConfig(), name: 'crash test', integration: 'slow.integration.ts', batchSize: BATCH });
  const env = { ...process.env, NO_COLOR: '1', EVALENS_COMMIT_EVERY_MS: '0' };

  // The uninterrupted reference.
  const refRuns = path.join(dir, 'runs-reference');
  const ref = evaluate(config, refRuns, env).runId;
  const refManifest = readManifest(refRuns, ref);
  const refRecords = readFileSync(path.join(refRuns, ref, 'records.jsonl'));
  const refEmbeddings = readFileSync(path.join(refRuns, ref, 'embeddings.embedding.f32'));
  const at = (kind: string) => Date.parse(refManifest.events.find((e) => e.kind === kind)!.at);
  const samplesPerMs = TOTAL / Math.max(at('completed') - at('started'), 1);
  assert.equal(refManifest.checkpoint.records, TOTAL);

  // Each kind of kill at least once, then a random mix.
  const schedule: Mode[] = [...MODES].sort(() => random() - 0.5);
  while (schedule.length < KILLS) schedule.push(pick(random, ['worker', 'worker', 'write', 'write', 'cli', 'both', 'startup']));
  schedule.length = KILLS;

  const runsDir = path.join(dir, 'runs');
  const rounds: Round[] = [];
  let runId: string | undefined;
  for (;;) {
    assert.ok(rounds.length <= KILLS + 3, `the run did not complete after ${rounds.length} rounds`);
    const mode: Mode | 'none' = rounds.length < KILLS ? schedule[rounds.length]! : 'none';
    const args = runId === undefined ? ['eval', '--config', config] : ['resume', runId];
    // Commit after every batch in most rounds (always when killing mid-commit); every 20 ms or the default (1 s) in others.
    const commitEvery = mode === 'write' ? '0' : pick(random, ['0', '0', '0', '20', '']);
    const cli = startCli([...args, '--runs-dir', runsDir, '--json'], dir, { ...env, EVALENS_COMMIT_EVERY_MS: commitEvery });
    const round: Round = { mode, midCommit: false, status: '', checkpoint: 0 };
    const tmpBefore = runId === undefined ? [] : tmpFiles(runsDir, runId);
    const done = runId === undefined ? 0 : readManifest(runsDir, runId).checkpoint.records;
    const killsLeft = KILLS - rounds.length;
    // Spread the kills over what is left of the run: a random moment within an equal share of
    // the remaining time (at the reference run's speed), and in any case before this round
    // commits more than 9/10 of an equal share of the remaining samples (less the one batch a
    // kill can still let through), so that every kill lands before the run ends however fast it goes.
    const moment = { delayMs: random() * ((TOTAL - done) / samplesPerMs / killsLeft), maxRecords: done + Math.max(0, Math.floor((0.9 * (TOTAL - done)) / killsLeft) - BATCH) };
    if (mode !== 'none') await kill(mode, cli, moment, runsDir, () => runId ?? onlyRunId(runsDir), random, round);
    const exit = await cli.exited;
    await waitGone(cli.descendants(), 20_000, 'the runner did not exit');
    runId ??= onlyRunId(runsDir);
    if (runId === undefined) {
      // Killed before the run was created: start over.
      round.status = 'none';
      rounds.push(round);
      continue;
    }
    const manifest = readManifest(runsDir, runId);
    round.status = manifest.status;
    round.checkpoint = manifest.checkpoint.records;
    round.midCommit = leftBehind(runsDir, runId, manifest, tmpBefore);
    rounds.push(round);
    checkCommittedPrefix(runsDir, runId, manifest, refRecords, refEmbeddings, `round ${rounds.length} (${mode})`);
    if (mode === 'cli' && manifest.status !== 'completed') {
      assert.equal(manifest.status, 'cancelled', `round ${rounds.length}: the orphaned runner should stop at a batch and cancel the run:\n${exit.stderr}`);
      assert.match(manifest.error?.message ?? '', /process supervising the run\b.* stopped/);
      assert.equal(manifest.events.at(-1)?.kind, 'interrupted');
    }
    if (manifest.status === 'completed') {
      assert.equal(mode, 'none', `the run completed before kill ${rounds.length} of ${KILLS}; rounds: ${JSON.stringify(rounds)}`);
      break;
    }
    assert.ok(mode !== 'none', `round ${rounds.length} was not killed but ended ${manifest.status}:\n${exit.stdout}\n${exit.stderr}\nrounds: ${JSON.stringify(rounds)}`);
  }

  // Bit for bit: the records and embeddings files, then record by record for a readable diff.
  const id = runId!;
  const manifest = readManifest(runsDir, id);
  assert.equal(manifest.status, 'completed');
  assert.deepStrictEqual(manifest.checkpoint, refManifest.checkpoint);
  assert.deepStrictEqual(manifest.benchmarks, refManifest.benchmarks);
  const records = readRecords(runsDir, id);
  const expected = readRecords(refRuns, ref);
  assert.equal(records.length, TOTAL);
  const keys = new Set(records.map((r) => `${r.benchmark}/${r.position}`));
  assert.equal(keys.size, TOTAL, 'a (benchmark, position) is recorded twice');
  records.forEach((r, i) => assert.deepStrictEqual(r, expected[i], `record ${i} (${r.benchmark} #${r.position})`));
  assert.ok(readFileSync(path.join(runsDir, id, 'records.jsonl')).equals(refRecords), 'records.jsonl differs from the reference byte for byte');
  assert.ok(readFileSync(path.join(runsDir, id, 'embeddings.embedding.f32')).equals(refEmbeddings), 'embeddings differ from the reference byte for byte');
  const { runId: _a, ...results } = readResults(runsDir, id);
  const { runId: _b, ...refResults } = readResults(refRuns, ref);
  assert.deepStrictEqual(results, refResults);

  const killed = rounds.filter((r) => r.mode !== 'none');
  assert.equal(killed.length, KILLS);
  const kinds = Object.fromEntries(MODES.map((m) => [m, killed.filter((r) => r.mode === m).length]));
  const midCommit = killed.filter((r) => r.midCommit).length;
  const midCommitByKind = Object.fromEntries(MODES.map((m) => [m, killed.filter((r) => r.mode === m && r.midCommit).length]));
  const events = manifest.events.map((e) => e.kind);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    kills: KILLS,
    rounds: rounds.length,
    kinds,
    midCommit,
    midCommitByKind,
    leftoverTmpFiles: tmpFiles(runsDir, id).length,
    resumes: events.filter((e) => e === 'resumed').length,
    interrupted: events.filter((e) => e === 'interrupted').length,
    cancelled: events.filter((e) => e === 'cancelled').length,
    seconds: Number(seconds.toFixed(1)),
    referenceEvalSeconds: Number((TOTAL / samplesPerMs / 1000).toFixed(2)),
    spinMsPerSample: spinMs,
    seed: SEED,
    checkpoints: rounds.map((r) => r.checkpoint),
  };
  t.diagnostic(`crash-resume: ${JSON.stringify(summary)}`);
  if (process.env.EVALENS_CRASH_REPORT) writeFileSync(process.env.EVALENS_CRASH_REPORT, `${JSON.stringify(summary, null, 2)}\n`);
  // A kill mid-commit must have happened: the truncate-on-resume path was exercised.
  if (kinds.write! > 0) assert.ok(midCommit > 0, 'no kill landed in the middle of a commit');
  rmSync(dir, { recursive: true, force: true }); // kept when the test fails, to look at
});

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

interface Cli {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  running(): boolean;
  /** Children seen so far (the runner), remembered even after the CLI died. */
  descendants(): number[];
}

function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let running = true;
  const seen = new Set<number>();
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      running = false;
      resolve({ code, signal, stdout, stderr });
    });
  });
  const pid = child.pid!;
  return {
    child,
    pid,
    exited,
    running: () => running,
    descendants: () => {
      if (running) for (const p of childPids(pid)) seen.add(p);
      return [...seen];
    },
  };
}

function sigkill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Waits for the moment, then kills what `mode` says. */
async function kill(mode: Mode, cli: Cli, moment: { delayMs: number; maxRecords: number }, runsDir: string, runIdOf: () => string | undefined, random: () => number, round: Round): Promise<void> {
  if (mode === 'startup') {
    await sleepWhile(cli, random() * 700, () => (tryReadManifestOf(runsDir, runIdOf())?.checkpoint.records ?? 0) >= moment.maxRecords);
    const children = cli.descendants();
    sigkill(cli.pid);
    children.forEach(sigkill);
    return;
  }
  const worker = await evaluatingWorker(cli, runsDir, runIdOf);
  if (worker === undefined) return;
  cli.descendants();
  await sleepWhile(cli, moment.delayMs, () => (tryReadManifestOf(runsDir, runIdOf())?.checkpoint.records ?? 0) >= moment.maxRecords);
  if (!cli.running()) return;
  round.killedAt = readManifest(runsDir, runIdOf()!).checkpoint.records;
  switch (mode) {
    case 'worker':
      sigkill(worker);
      return;
    case 'write':
      killMidCommit(worker, path.join(runsDir, runIdOf()!), random);
      return;
    case 'cli':
      sigkill(cli.pid);
      return;
    case 'both':
      sigkill(cli.pid);
      sigkill(worker);
      return;
  }
}

/** The pid of the runner once the run's manifest says it is evaluating; undefined when the CLI ended first. */
async function evaluatingWorker(cli: Cli, runsDir: string, runIdOf: () => string | undefined): Promise<number | undefined> {
  while (cli.running()) {
    const id = runIdOf();
    const manifest = id === undefined ? undefined : tryReadManifest(runsDir, id);
    if (manifest?.status === 'evaluating' && manifest.pid !== undefined && manifest.pid !== cli.pid && isAlive(manifest.pid) && cli.descendants().includes(manifest.pid)) {
      return manifest.pid;
    }
    await sleep(3);
  }
  return undefined;
}

/** Waits `ms`, or less when the CLI exits or `enough()` holds (polled every 3 ms). */
async function sleepWhile(cli: Cli, ms: number, enough: () => boolean): Promise<void> {
  const end = performance.now() + ms;
  while (cli.running() && performance.now() < end && !enough()) await sleep(Math.min(3, Math.max(0, end - performance.now())));
}

function tryReadManifestOf(runsDir: string, runId: string | undefined): RunManifest | undefined {
  return runId === undefined ? undefined : tryReadManifest(runsDir, runId);
}

/**
 * Watches one file of the commit protocol in a tight synchronous loop and kills the runner
 * the instant it changes: just after records or embeddings were written (before their fsync
 * and the manifest), or while the manifest's temporary file exists (before the rename).
 */
function killMidCommit(worker: number, dir: string, random: () => number): void {
  const target = pick(random, ['records', 'embeddings', 'manifest'] as const);
  const file = target === 'records' ? path.join(dir, 'records.jsonl') : target === 'embeddings' ? path.join(dir, 'embeddings.embedding.f32') : path.join(dir, `manifest.json.${worker}.tmp`);
  const size = () => {
    try {
      return statSync(file).size;
    } catch {
      return -1;
    }
  };
  // Let this watcher win the CPU whenever it competes with the runner (2 cores, onnxruntime
  // threads): it then sees the write within microseconds, well before the commit ends.
  try {
    setPriority(worker, 19);
  } catch {
    // Not allowed here: the kill may land a little later.
  }
  const before = target === 'manifest' ? -1 : size();
  const end = performance.now() + 3000;
  while (performance.now() < end && isAliveFast(worker)) {
    const now = size();
    if (target === 'manifest' ? now >= 0 : now !== before) break;
  }
  sigkill(worker);
}

function isAliveFast(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], timeoutMs: number, message: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (pids.some(isAlive)) {
    assert.ok(performance.now() < end, `${message} (pids ${pids.filter(isAlive).join(', ')})`);
    await sleep(10);
  }
}

/** Whether the kill left uncommitted bytes past the checkpoint, or a new manifest temporary file. */
function leftBehind(runsDir: string, runId: string, manifest: RunManifest, tmpBefore: readonly string[]): boolean {
  const dir = path.join(runsDir, runId);
  const size = (name: string) => (existsSync(path.join(dir, name)) ? statSync(path.join(dir, name)).size : 0);
  const embeddingBytes = manifest.checkpoint.embeddings.embedding?.bytes ?? 0;
  return size('records.jsonl') > manifest.checkpoint.recordsBytes || size('embeddings.embedding.f32') > embeddingBytes || tmpFiles(runsDir, runId).some((f) => !tmpBefore.includes(f));
}

/** Temporary files of atomic replacements that a kill interrupted (nothing removes them). */
function tmpFiles(runsDir: string, runId: string): string[] {
  const dir = path.join(runsDir, runId);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : [];
}

/** After every round: what the checkpoint covers is exactly the reference run's beginning. */
function checkCommittedPrefix(runsDir: string, runId: string, manifest: RunManifest, refRecords: Buffer, refEmbeddings: Buffer, where: string): void {
  const { records, recordsBytes, embeddings } = manifest.checkpoint;
  assert.equal(manifest.benchmarks.reduce((n, b) => n + b.done, 0), records, `${where}: benchmark progress disagrees with the checkpoint`);
  if (recordsBytes === 0) return;
  const file = readFileSync(path.join(runsDir, runId, 'records.jsonl'));
  assert.ok(file.length >= recordsBytes, `${where}: records.jsonl is shorter than its checkpoint`);
  const prefix = file.subarray(0, recordsBytes);
  assert.ok(prefix.equals(refRecords.subarray(0, recordsBytes)), `${where}: the committed records differ from the reference's first ${records}`);
  assert.equal(prefix.filter((b) => b === 0x0a).length, records, `${where}: the checkpoint's byte length does not end at record ${records}`);
  const emb = embeddings.embedding;
  assert.ok(emb !== undefined && emb.bytes === records * emb.dim * 4, `${where}: embeddings checkpoint ${JSON.stringify(emb)} for ${records} records`);
  const rows = readFileSync(path.join(runsDir, runId, 'embeddings.embedding.f32')).subarray(0, emb.bytes);
  assert.ok(rows.equals(refEmbeddings.subarray(0, emb.bytes)), `${where}: the committed embeddings differ from the reference's`);
}
