/**
 * Sharded runs through the built CLI (npm run build first): `evalens eval --shard I/4` in four
 * parallel processes, each with a run store of its own as on four machines, the shard runs
 * copied into one store and merged by `evalens runs merge`, against the same evaluation run
 * unsharded. The merged run must hold the same records.jsonl and embeddings byte for byte,
 * and the same results.json but for the run id; so too when every shard was killed with -9 and
 * resumed, and when a merge was itself killed midway. Every refusal of the merge is checked:
 * its message, exit code 2, and nothing written to the store.
 *
 * The evaluation is the digits example (840 samples: test 540 + train-sample 300) in batches
 * of 16, through a wrapper integration whose input encoder busy-waits a little per sample, so
 * that a shard runs long enough to be killed midway.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunManifest } from '../../shared/run-types';
import { childPids, copyExample, evaluate, evalensSync, exampleConfig, isAlive, readManifest, readResults, slowIntegration, tryReadManifest, writeEvalConfig, type CliResult } from '../helpers/eval-runs';
import { CLI } from '../helpers/paths';
import { buildReportData } from '../../engine/report/report-data';
import { RunStore } from '../../engine/runs/run-store';
import { writeCheckpoints } from '../helpers/checkpoint-series';

const BATCH = 16;
const SHARDS = 4;
/** Samples of the example config: test (540) and train-sample (300). */
const TOTAL = 840;
const SPIN_MS = 6;

let workspace = '';
let config = '';
let refRuns = '';
let refId = '';

before(() => {
  workspace = copyExample('evalens-shards-');
  writeFileSync(path.join(workspace, 'slow.integration.ts'), slowIntegration(SPIN_MS));
  config = writeEvalConfig(workspace, 'sharded.eval.json', { ...exampleConfig(), name: 'sharded digits', integration: 'slow.integration.ts', batchSize: BATCH });
  refRuns = path.join(workspace, 'runs-unsharded');
  refId = evaluate(config, refRuns).runId;
});

after(() => rmSync(workspace, { recursive: true, force: true }));

test('4 shards evaluated as parallel processes merge into a run equal to the unsharded one, byte for byte; it is listed, shown and exported', { timeout: 180_000 }, async () => {
  const store = path.join(workspace, 'store-parallel');
  const shards = await Promise.all(Array.from({ length: SHARDS }, (_, i) => startCli(['eval', '--config', config, '--runs-dir', shardStore('parallel', i + 1), '--shard', `${i + 1}/${SHARDS}`, '--json']).exited));
  const ids = shards.map((s, i) => {
    assert.equal(s.code, 0, `shard ${i + 1}: ${s.stdout}\n${s.stderr}`);
    return (JSON.parse(s.stdout) as { runId: string }).runId;
  });
  // Each shard holds whole batches of the unsharded run: the positions of its part, in batches of 16.
  const ref = readManifest(refRuns, refId);
  for (const [bi, b] of ref.benchmarks.entries()) {
    const parts = ids.map((id, i) => readManifest(shardStore('parallel', i + 1), id).benchmarks[bi]!.total);
    assert.equal(parts.reduce((a, n) => a + n, 0), b.total, `${b.name}: shard totals ${parts.join(' + ')}`);
    parts.slice(0, -1).forEach((n, i) => assert.equal(n % BATCH, 0, `${b.name}: shard ${i + 1} holds ${n} samples, not whole batches`));
  }
  const shard2 = readManifest(shardStore('parallel', 2), ids[1]!);
  assert.deepEqual({ index: shard2.shard?.index, count: shard2.shard?.count, batchSize: shard2.shard?.batchSize }, { index: 2, count: 4, batchSize: BATCH });
  assert.deepEqual({ model: shard2.shard?.parent.model, script: shard2.shard?.parent.script }, ref.hashes);
  assert.match(shard2.shard!.parent.config, /^[0-9a-f]{64}$/);

  ids.forEach((id, i) => copyRun(shardStore('parallel', i + 1), id, store));
  // Named in any order.
  const merged = evalensSync(['runs', 'merge', ...[...ids].reverse(), '--runs-dir', store, '--json']);
  assert.equal(merged.code, 0, merged.stderr);
  const summary = JSON.parse(merged.stdout) as { runId: string; status: string; mergedFrom: string[]; gates: { passed: boolean }[] };
  assert.equal(summary.status, 'completed');
  assert.deepEqual(summary.mergedFrom, ids);
  assertEqualsUnsharded(store, summary.runId);
  assert.deepEqual(leftovers(store), [], 'the merge left its scratch folder behind');

  // A run like any other: listed, shown, exported.
  const list = evalensSync(['runs', 'list', '--runs-dir', store, '--json']);
  const listed = (JSON.parse(list.stdout) as { runs: { runId: string; status: string }[] }).runs;
  assert.deepEqual(listed.find((r) => r.runId === summary.runId)?.status, 'completed');
  assert.equal(listed.length, SHARDS + 1);
  const shown = evalensSync(['runs', 'show', summary.runId, '--runs-dir', store, '--format', 'md']);
  assert.equal(shown.code, 0, shown.stderr);
  // The same report but for the run's id, its times and events.
  const report = (text: string, runId: string) => text.replaceAll(runId, '<run>').split('\n').filter((line) => !/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/.test(line));
  assert.deepEqual(report(shown.stdout, summary.runId), report(evalensSync(['runs', 'show', refId, '--runs-dir', refRuns, '--format', 'md']).stdout, refId));
  const showJson = JSON.parse(evalensSync(['runs', 'show', summary.runId, '--runs-dir', store, '--json']).stdout) as { mergedFrom?: string[] };
  assert.deepEqual(showJson.mergedFrom, ids);
  assert.match(evalensSync(['runs', 'show', summary.runId, '--runs-dir', store]).stdout, new RegExp(`merged from\\s+${ids.join(', ')}`));
  assert.match(evalensSync(['runs', 'show', ids[1]!, '--runs-dir', store]).stdout, /shard\s+2 of 4, cut at batches of 16; eval config sha256 [0-9a-f]{12}/);
  const out = path.join(workspace, 'export-merged');
  const exported = evalensSync(['runs', 'export', summary.runId, '--runs-dir', store, '--out', out, '--format', 'md,csv', '--json']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(readFileSync(path.join(out, 'predictions.csv'), 'utf8'), exportCsv(refRuns, refId));
  // What the panel shows: the report data of the unsharded run, but for the run's id, times and events.
  const data = await buildReportData(new RunStore(store), readManifest(store, summary.runId));
  const refData = await buildReportData(new RunStore(refRuns), readManifest(refRuns, refId));
  const panelView = (d: typeof data) => ({ configuration: d.configuration, gates: d.gates, sampleErrors: d.sampleErrors, benchmarks: d.benchmarks, overallScore: d.run.overallScore });
  assert.deepStrictEqual(panelView(data), panelView(refData));
});

test('shards killed with -9 midway and resumed merge into the same run as the unsharded one', { skip: process.platform !== 'linux' && 'needs /proc (Linux)', timeout: 180_000 }, async () => {
  const store = path.join(workspace, 'store-killed');
  const env = { EVALENS_COMMIT_EVERY_MS: '0' };
  const clis = Array.from({ length: SHARDS }, (_, i) => startCli(['eval', '--config', config, '--runs-dir', shardStore('killed', i + 1), '--shard', `${i + 1}/${SHARDS}`, '--json'], env));
  // Each shard is killed, CLI and runner at once, once it has committed a batch and before it ends.
  const killedAt = await Promise.all(clis.map((cli, i) => killAfterFirstCommit(cli, shardStore('killed', i + 1))));
  const ids = killedAt.map((k, i) => {
    assert.ok(k.records > 0 && k.records < k.total, `shard ${i + 1} was killed at ${k.records} of ${k.total} samples`);
    return k.runId;
  });
  const resumed = await Promise.all(ids.map((id, i) => startCli(['resume', id, '--runs-dir', shardStore('killed', i + 1), '--json']).exited));
  resumed.forEach((r, i) => assert.equal(r.code, 0, `shard ${i + 1} resumed: ${r.stdout}\n${r.stderr}`));
  ids.forEach((id, i) => {
    const m = readManifest(shardStore('killed', i + 1), id);
    assert.equal(m.status, 'completed');
    assert.ok(m.events.some((e) => e.kind === 'resumed'), `shard ${i + 1} has no resumed event: ${m.events.map((e) => e.kind).join(', ')}`);
    copyRun(shardStore('killed', i + 1), id, store);
  });
  const merged = evalensSync(['runs', 'merge', ...ids, '--runs-dir', store, '--json']);
  assert.equal(merged.code, 0, merged.stderr);
  assertEqualsUnsharded(store, (JSON.parse(merged.stdout) as { runId: string }).runId);
});

test('a merge killed with -9 midway leaves no run; the next merge removes what it left and completes', { skip: process.platform !== 'linux' && 'needs Linux', timeout: 120_000 }, async () => {
  const store = path.join(workspace, 'store-parallel');
  const ids = readdirSync(store).filter((name) => /^\d{8}-/.test(name) && readManifest(store, name).shard !== undefined);
  assert.equal(ids.length, SHARDS, 'the shards of the first test');
  const before = readdirSync(store).sort();
  const cli = startCli(['runs', 'merge', ...ids, '--runs-dir', store, '--json']);
  // Killed the instant its scratch folder appears in the store.
  const watcher = watch(store, (_event, name) => {
    if (name?.startsWith('.merging-')) sigkill(cli.pid);
  });
  const exit = await cli.exited;
  watcher.close();
  assert.equal(exit.signal, 'SIGKILL', `the merge ended before it was killed:\n${exit.stdout}\n${exit.stderr}`);
  const after = readdirSync(store).sort();
  assert.deepEqual(after.filter((n) => !n.startsWith('.merging-')), before, 'a killed merge must not leave a run');
  assert.equal(leftovers(store).length, 1);
  const list = JSON.parse(evalensSync(['runs', 'list', '--runs-dir', store, '--json']).stdout) as { runs: unknown[] };
  assert.equal(list.runs.length, before.filter((n) => /^\d{8}-/.test(n)).length);

  const merged = evalensSync(['runs', 'merge', ...ids, '--runs-dir', store, '--json']);
  assert.equal(merged.code, 0, merged.stderr);
  assertEqualsUnsharded(store, (JSON.parse(merged.stdout) as { runId: string }).runId);
  assert.deepEqual(leftovers(store), [], 'the folder of the killed merge is still there');
});

test('runs merge refuses shards of another config, model or script, a missing, repeated or unfinished shard, another split, a run that is no shard: exit 2, nothing written', { timeout: 180_000 }, () => {
  const dir = copyExample('evalens-shard-refusals-');
  try {
    const store = path.join(dir, 'runs');
    const small = { ...exampleConfig(), name: 'small', benchmarks: [{ name: 'test', subset: 'test', sampleCount: 64, seed: 3 }], batchSize: BATCH, gates: [{ benchmark: 'test', metric: 'accuracy', min: 0.99 }] };
    const smallConfig = writeEvalConfig(dir, 'small.eval.json', small);
    const otherConfig = writeEvalConfig(dir, 'other.eval.json', { ...small, batchSize: 8 });
    const shard = (file: string, part: string, extra: string[] = []) => {
      const r = evalensSync(['eval', '--config', file, '--runs-dir', store, '--shard', part, '--json', ...extra], { cwd: dir });
      assert.ok(r.code === 0 || r.code === 3, `eval --shard ${part}: ${r.stdout}\n${r.stderr}`);
      return (JSON.parse(r.stdout) as { runId: string }).runId;
    };
    const first = shard(smallConfig, '1/2');
    const second = shard(smallConfig, '2/2');
    const otherConfigRun = shard(otherConfig, '2/2');
    const model = path.join(dir, 'digits_cnn.onnx');
    const modelBytes = readFileSync(model);
    // The same graph with a doc_string (ModelProto field 6) appended: another file, the same model to onnxruntime.
    writeFileSync(model, Buffer.concat([modelBytes, Buffer.from([0x32, 0x01, 0x78])]));
    const otherModelRun = shard(smallConfig, '2/2');
    writeFileSync(model, modelBytes);
    const script = path.join(dir, 'digits.integration.ts');
    const scriptText = readFileSync(script, 'utf8');
    writeFileSync(script, `${scriptText}\nexport const edited = true;\n`);
    const otherScriptRun = shard(smallConfig, '2/2');
    writeFileSync(script, scriptText);
    const unsharded = evaluate(smallConfig, store).runId;
    // Queued after every evaluation: an eval evaluates the store's queued runs first.
    const queuedRun = shard(smallConfig, '2/2', ['--submit']);
    const secondFirst = shard(smallConfig, '1/2', ['--submit']);
    const otherSplit = shard(smallConfig, '1/3', ['--submit']);

    const refusals: [string[], RegExp][] = [
      [[first, otherConfigRun], new RegExp(`run ${otherConfigRun} \\(shard 2/2\\) evaluated a different eval config than run ${first} \\(shard 1/2\\)`)],
      [[first, otherModelRun], new RegExp(`run ${otherModelRun} \\(shard 2/2\\) evaluated a different model than run ${first} \\(shard 1/2\\)`)],
      [[first, otherScriptRun], new RegExp(`run ${otherScriptRun} \\(shard 2/2\\) evaluated a different integration script than run ${first}`)],
      [[first], /shard 2\/2 is missing \(given: 1\)\. Evaluate it with evalens eval --shard 2\/2/],
      [[first, secondFirst, second], new RegExp(`shard 1/2 is given twice: runs ${first} and ${secondFirst}`)],
      [[first, first, second], new RegExp(`run ${first} is given twice`)],
      [[first, queuedRun], new RegExp(`run ${queuedRun} \\(shard 2/2\\) is queued, not completed; finish it with evalens resume ${queuedRun}`)],
      [[first, otherSplit], new RegExp(`run ${otherSplit} \\(shard 1/3\\) is one of 3 shards, but run ${first} \\(shard 1/2\\) is one of 2`)],
      [[first, unsharded], new RegExp(`run ${unsharded} \\(small\\) is not a shard`)],
      [[first, '20200101-000000-abcdef'], /No run '20200101-000000-abcdef' in /],
    ];
    const before = readdirSync(store).sort();
    for (const [ids, message] of refusals) {
      const r = evalensSync(['runs', 'merge', ...ids, '--runs-dir', store]);
      assert.equal(r.code, 2, `merge ${ids.join(' ')} (expected: ${message.source}): exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(store).sort(), before, `merge ${ids.join(' ')} wrote to the store`);
    }
    const json = evalensSync(['runs', 'merge', first, '--runs-dir', store, '--json']);
    assert.equal(json.code, 2);
    assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'merge-refused');

    // Gated as eval is: the merged results fail the gate (accuracy ≥ 0.99), exit 3.
    const merged = evalensSync(['runs', 'merge', second, first, '--runs-dir', store, '--json']);
    assert.equal(merged.code, 3, merged.stderr);
    const gates = (JSON.parse(merged.stdout) as { gates: { passed: boolean; message: string }[] }).gates;
    assert.equal(gates.length, 1);
    assert.equal(gates[0]!.passed, false);
    assert.deepEqual(gates, readResults(store, unsharded).gates);

    // A checkpoint series is not split: refused before anything is written.
    writeCheckpoints(model, path.join(dir, 'checkpoints'));
    const seriesConfig = writeEvalConfig(dir, 'series.eval.json', { ...small, model: { path: 'checkpoints', checkpoint: 'all' } });
    const runs = readdirSync(store).sort();
    const series = evalensSync(['eval', '--config', seriesConfig, '--runs-dir', store, '--shard', '1/2'], { cwd: dir });
    assert.equal(series.code, 2, series.stderr);
    assert.match(series.stderr, /series\.eval\.json evaluates a checkpoint series \(\d+ checkpoints\), which --shard does not split/);
    assert.deepEqual(readdirSync(store).sort(), runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function shardStore(name: string, index: number): string {
  return path.join(workspace, `shards-${name}`, String(index));
}

function copyRun(from: string, runId: string, to: string): void {
  mkdirSync(to, { recursive: true });
  cpSync(path.join(from, runId), path.join(to, runId), { recursive: true });
}

function leftovers(store: string): string[] {
  return readdirSync(store).filter((n) => n.startsWith('.merging-'));
}

/** The merged run's files against the unsharded run's: records and embeddings byte for byte, results but for the run id. */
function assertEqualsUnsharded(store: string, runId: string): void {
  const file = (dir: string, id: string, name: string) => readFileSync(path.join(dir, id, name));
  assert.ok(file(store, runId, 'records.jsonl').equals(file(refRuns, refId, 'records.jsonl')), 'records.jsonl differs from the unsharded run byte for byte');
  assert.ok(file(store, runId, 'embeddings.embedding.f32').equals(file(refRuns, refId, 'embeddings.embedding.f32')), 'embeddings differ from the unsharded run byte for byte');
  assert.equal(file(store, runId, 'results.json').toString('utf8'), file(refRuns, refId, 'results.json').toString('utf8').replace(refId, runId), 'results.json');
  const m = readManifest(store, runId);
  const ref = readManifest(refRuns, refId);
  const same = (x: RunManifest) => ({ kind: x.kind, name: x.name, status: x.status, config: x.config, hashes: x.hashes, modelPath: x.modelPath, outputs: x.outputs, benchmarks: x.benchmarks, batchSize: x.batchSize, checkpoint: x.checkpoint });
  assert.deepStrictEqual(same(m), same(ref));
  assert.equal(m.checkpoint.records, TOTAL);
  assert.equal(m.shard, undefined);
}

/** predictions.csv of a run, exported to a scratch folder. */
function exportCsv(runsDir: string, runId: string): string {
  const out = path.join(workspace, `export-${runId}`);
  const r = evalensSync(['runs', 'export', runId, '--runs-dir', runsDir, '--out', out, '--format', 'csv', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(path.join(out, 'predictions.csv'), 'utf8');
}

interface Cli {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<CliResult & { signal: NodeJS.Signals | null }>;
  running(): boolean;
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: workspace, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let running = true;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      running = false;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, pid: child.pid!, exited, running: () => running };
}

function sigkill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Waits until the shard's run has committed samples, then kills its CLI and runner with -9 at once. */
async function killAfterFirstCommit(cli: Cli, runsDir: string): Promise<{ runId: string; records: number; total: number }> {
  for (;;) {
    if (!cli.running()) assert.fail(`the shard ended before it was killed:\n${(await cli.exited).stderr}`);
    const runId = existsSync(runsDir) ? readdirSync(runsDir).find((n) => /^\d{8}-/.test(n)) : undefined;
    const manifest = runId === undefined ? undefined : tryReadManifest(runsDir, runId);
    if (manifest !== undefined && manifest.checkpoint.records > 0) {
      const runner = childPids(cli.pid);
      sigkill(cli.pid);
      for (const pid of runner) sigkill(pid);
      await cli.exited;
      while (runner.some(isAlive)) await sleep(10);
      const total = manifest.benchmarks.reduce((n, b) => n + b.total, 0);
      return { runId: runId!, records: readManifest(runsDir, runId!).checkpoint.records, total };
    }
    await sleep(5);
  }
}
