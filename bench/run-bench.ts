/**
 * `npm run bench`: the figures of the runner.
 *
 *  throughput  `evalens eval` on digits_cnn_big.onnx (32x32 digits, repeated to --samples)
 *              against a plain loop calling `session.run` on the same pre-encoded batches,
 *              started the same way (a forked process, the runner's node flags), same batch
 *              size, interleaved for --rounds rounds; medians. Target: ratio ≥ 0.9. Twice:
 *              onnxruntime on every core, then on one core fewer (both sides alike).
 *  profile     where the runner's two threads (main: encoding, records, aggregation; inference:
 *              onnxruntime) spend the same run, from CPU profiles of a real runner process.
 *  memory      peak RSS (VmHWM) of the runner process for 10k and 100k samples. Target: flat.
 *  report      the report of a 100k-sample run: the engine building its data from the run store,
 *              then the webview (headless Chromium) rendering it, sorting its sample table and
 *              scrolling it; goals: first render < 1 s, sort < 200 ms.
 *  analysis    exact cosine neighbours (k = 5) and PCA of 100k × 64 embeddings, beside a plain
 *              loop; peak RSS at 10k and 100k rows (bench/analysis-bench.ts). Goals: 10 s, 2 s, flat.
 *  reuse       `evalens eval` on digits_cnn_big.onnx, then `eval --reuse` of that run: the speed-up
 *              of re-scoring without inference (bench/rescoring-bench.ts). --rescore-samples N (5000).
 *  series      three checkpoints of digits_cnn_big.onnx as one checkpoint series against three
 *              runs, same --rescore-samples (bench/rescoring-bench.ts).
 *  shards      one run unsharded, then as 2 and 4 shards in parallel processes (`eval --shard`),
 *              and `runs merge` of 4 shards: time and peak RSS at --shard-samples (100000) and
 *              a tenth of it (bench/shard-bench.ts).
 *  crash       the crash test in its long mode (30 kills), as the last section.
 *
 * Options: --samples N (20000) --rounds N (3) --batch N (64) --memory 10000,100000
 *          --kills N (30) --only SECTION / --skip SECTION (repeatable) --out FILE (JSON figures)
 * Needs the built CLI (npm run bench builds first) and Linux (/proc) for the memory section.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import type { RunManifest } from '../shared/run-types';
import { runnerNodeFlags } from '../engine/runner/supervisor';
import { childPids, onlyRunId, peakRssKib, readManifest, tryReadManifest } from '../test/helpers/eval-runs';
import { CLI, ROOT } from '../test/helpers/paths';
import type { PlainLoopJob, PlainLoopResult } from './plain-loop';
import { loadReportData, REPORT_CACHE } from '../engine/report/report-cache';
import { RunStore } from '../engine/runs/run-store';
import { largeDigitsRun } from '../test/helpers/report-fixtures';
import { webviewBench } from './webview-bench';
import { analysisBench } from './analysis-bench';
import { reuseBench, seriesBench } from './rescoring-bench';
import { shardBench } from './shard-bench';

const SECTIONS = ['throughput', 'profile', 'memory', 'report', 'analysis', 'reuse', 'series', 'shards', 'crash'] as const;
type Section = (typeof SECTIONS)[number];

const { values: options } = parseArgs({
  options: {
    samples: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '64' },
    memory: { type: 'string', default: '10000,100000' },
    kills: { type: 'string', default: '30' },
    'rescore-samples': { type: 'string', default: '5000' },
    'shard-samples': { type: 'string', default: '100000' },
    only: { type: 'string', multiple: true },
    skip: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
});

const FIXTURES = path.join(ROOT, 'bench', 'fixtures');
const INTEGRATION = path.join(FIXTURES, 'digits-big.integration.ts');
const MODEL = path.join(FIXTURES, 'digits_cnn_big.onnx');
const DATASET = path.join(ROOT, 'examples', 'digits', 'data', 'digits.json');
const MEMORY_LIMIT_MB = 4096;
const RUNNER_FLAGS = runnerNodeFlags(MEMORY_LIMIT_MB);

const rows: { section: string; metric: string; value: string; note?: string }[] = [];
const figures: Record<string, unknown> = {};
let failed = false;

function int(name: keyof typeof options): number {
  const n = Number(options[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${String(options[name])}`);
  return n;
}

for (const name of [...(options.only ?? []), ...(options.skip ?? [])]) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section '${name}': the sections are ${SECTIONS.join(', ')}`);
}

function wanted(section: Section): boolean {
  if (options.only?.length) return options.only.includes(section);
  return !options.skip?.includes(section);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (line: string) => process.stderr.write(`${line}\n`);

function writeConfig(dir: string, name: string, benchmarks: unknown[], batchSize: number, intraOpThreads?: number): string {
  const file = path.join(dir, `${name}.eval.json`);
  writeFileSync(file, JSON.stringify({ name, integration: INTEGRATION, benchmarks, batchSize, memoryLimitMb: MEMORY_LIMIT_MB, intraOpThreads }, null, 2));
  return file;
}

interface EvalensRun {
  runId: string;
  manifest: RunManifest;
  wallMs: number;
  /** From the runner's `started` event to its `completed` event: model load, every sample, aggregation. */
  runnerMs: number;
  /** Peak RSS of the runner process (last VmHWM read before it exited), KiB. */
  peakRssKib: number;
  /** With `phases`: the runner's peak RSS up to the moment every sample was committed (before the final results), KiB. */
  loopPeakRssKib?: number;
  /** With `phases`: the runner's RSS (KiB) as the committed samples grew. */
  rssByRecords?: [records: number, rssKib: number][];
  summary: { status: string; benchmarks: { name: string; samples: number; metrics: Record<string, number | null> }[] };
}

/**
 * Runs `evalens eval` as a user does, watching the runner's peak RSS every 20 ms. With
 * `phases`, also reads the run's manifest each time, to tell the peak of the evaluation loop
 * (until every sample is committed) from that of the final results after it (the ROC AUC sorts).
 */
async function runEvalens(config: string, runsDir: string, phases = false): Promise<EvalensRun> {
  const started = performance.now();
  const cli = spawn(process.execPath, [CLI, 'eval', '--config', config, '--runs-dir', runsDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let runner: number | undefined;
  let peak = 0;
  let loopPeak: number | undefined;
  const rssByRecords: [number, number][] = [];
  const watch = setInterval(() => {
    runner ??= childPids(cli.pid!).find((pid) => readCmdline(pid).includes('worker.js'));
    if (runner === undefined) return;
    const hwm = peakRssKib(runner) ?? 0;
    peak = Math.max(peak, hwm);
    if (phases && loopPeak === undefined) {
      const id = onlyRunId(runsDir);
      const m = id === undefined ? undefined : tryReadManifest(runsDir, id);
      if (m !== undefined && m.checkpoint.records > 0) rssByRecords.push([m.checkpoint.records, currentRssKib(runner) ?? 0]);
      if (m !== undefined && m.checkpoint.records === m.benchmarks.reduce((n, b) => n + b.total, 0) && m.checkpoint.records > 0) loopPeak = hwm;
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
  clearInterval(watch);
  const wallMs = performance.now() - started;
  let summary: EvalensRun['summary'] & { runId: string };
  try {
    summary = JSON.parse(stdout) as typeof summary;
  } catch {
    throw new Error(`evalens eval printed no JSON (exit ${code}): ${stdout}\n${stderr}`);
  }
  if (summary.status !== 'completed') throw new Error(`evalens eval ended ${summary.status} (exit ${code}): ${stdout}\n${stderr}`);
  const manifest = readManifest(runsDir, summary.runId);
  const at = (kind: string) => Date.parse(manifest.events.findLast((e) => e.kind === kind)!.at);
  return { runId: summary.runId, manifest, wallMs, runnerMs: at('completed') - at('started'), peakRssKib: peak, loopPeakRssKib: loopPeak, rssByRecords, summary };
}

function currentRssKib(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** The plain loop, bundled like the runner (onnxruntime-node left external, resolved from this project). */
async function bundlePlainLoop(dir: string): Promise<string> {
  const outfile = path.join(dir, 'plain-loop.js');
  const ortEntry = require.resolve('onnxruntime-node');
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'plain-loop.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [{ name: 'onnxruntime-external', setup: (b) => b.onResolve({ filter: /^onnxruntime-node$/ }, () => ({ path: ortEntry, external: true })) }],
  });
  return outfile;
}

async function runPlainLoop(script: string, job: PlainLoopJob): Promise<PlainLoopResult & { wallMs: number }> {
  const started = performance.now();
  const child = fork(script, [JSON.stringify(job)], { execArgv: RUNNER_FLAGS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let result: PlainLoopResult | undefined;
  child.on('message', (m) => (result = m as PlainLoopResult));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (result === undefined) throw new Error(`the plain loop exited ${code} without a result`);
  return { ...result, wallMs: performance.now() - started };
}

async function throughput(dir: string): Promise<void> {
  const samples = int('samples');
  const rounds = int('rounds');
  const batchSize = int('batch');
  log(`\n== throughput: ${fmt(samples)} samples of digits_cnn_big.onnx, batch ${batchSize}, ${rounds} rounds`);

  // The integration feeds the model what it was trained on: test accuracy as scikit-learn computed it.
  const reference = (JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'reference.json'), 'utf8')) as Record<string, Record<string, number>>).digits_cnn_big!;
  const check = await runEvalens(writeConfig(dir, 'big-test', [{ name: 'test', subset: 'test' }], batchSize), path.join(dir, 'runs-check'));
  const testMetrics = check.summary.benchmarks[0]!.metrics;
  const accuracyOk = testMetrics.accuracy === reference.accuracy && Math.abs(testMetrics.log_loss! - reference.log_loss!) < 1e-5;
  log(`check: test accuracy ${testMetrics.accuracy} (reference ${reference.accuracy}), log loss ${testMetrics.log_loss} (reference ${reference.log_loss})`);
  if (!accuracyOk) {
    failed = true;
    log('  the benchmark integration does not reproduce the reference metrics: its upsampling differs from the training data');
  }

  // Two setups, each the same on both sides: onnxruntime on every core (its default), and on
  // one core fewer (intraOpThreads), which leaves the runner's main thread a core to encode on.
  const cores = availableParallelism();
  const setups: { label: string; intraOpThreads?: number }[] = [{ label: `onnxruntime on all ${cores} cores` }];
  if (cores > 1) setups.push({ label: `onnxruntime on ${cores - 1} of ${cores} cores`, intraOpThreads: cores - 1 });
  const plainLoop = await bundlePlainLoop(dir);
  const results: Record<string, unknown>[] = [];
  for (const setup of setups) {
    log(`-- ${setup.label}`);
    const config = writeConfig(dir, 'big-throughput', [{ name: 'repeated', subset: 'all', parameters: { samples } }], batchSize, setup.intraOpThreads);
    const job: PlainLoopJob = { model: MODEL, dataset: DATASET, samples, batchSize, executionProviders: ['cpu'], intraOpThreads: setup.intraOpThreads, outputs: ['logits', 'embedding'] };
    const evalensRates: number[] = [];
    const evalensWallRates: number[] = [];
    const plainRates: number[] = [];
    const plainLoopRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate who goes first, so a warm cache or a noisy neighbour favours neither.
      const order = round % 2 === 0 ? (['evalens', 'plain'] as const) : (['plain', 'evalens'] as const);
      for (const who of order) {
        if (who === 'evalens') {
          const runsDir = path.join(dir, `runs-throughput-${round}`);
          const run = await runEvalens(config, runsDir);
          evalensRates.push(samples / (run.runnerMs / 1000));
          evalensWallRates.push(samples / (run.wallMs / 1000));
          log(`round ${round + 1}: evalens eval   ${fmt(samples / (run.runnerMs / 1000))} samples/s in the runner (${fmt(run.runnerMs)} ms), ${fmt(samples / (run.wallMs / 1000))} samples/s end to end (${fmt(run.wallMs)} ms)`);
          rmSync(runsDir, { recursive: true, force: true });
        } else {
          const result = await runPlainLoop(plainLoop, job);
          plainRates.push(samples / ((result.sessionMs + result.loopMs) / 1000));
          plainLoopRates.push(samples / (result.loopMs / 1000));
          log(`round ${round + 1}: plain loop     ${fmt(samples / ((result.sessionMs + result.loopMs) / 1000))} samples/s with the model load (${fmt(result.sessionMs + result.loopMs)} ms), ${fmt(samples / (result.loopMs / 1000))} samples/s in the loop`);
        }
      }
    }
    const ratio = median(evalensRates) / median(plainRates);
    const perRound = evalensRates.map((r, i) => r / plainRates[i]!);
    rows.push(
      { section: 'throughput', metric: `${setup.label}: evalens eval, runner`, value: `${fmt(median(evalensRates))} samples/s`, note: `median of ${rounds}: model load + ${fmt(samples)} samples + aggregation; end to end ${fmt(median(evalensWallRates))} samples/s` },
      { section: 'throughput', metric: `${setup.label}: plain session.run loop`, value: `${fmt(median(plainRates))} samples/s`, note: `median of ${rounds}: model load + loop; loop alone ${fmt(median(plainLoopRates))} samples/s` },
      { section: 'throughput', metric: `${setup.label}: ratio evalens / plain`, value: fmt(ratio, 2), note: `target ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'MISSED'}; per round ${perRound.map((r) => fmt(r, 2)).join(', ')}` },
    );
    results.push({ setup: setup.label, intraOpThreads: setup.intraOpThreads ?? null, evalensRates, evalensWallRates, plainRates, plainLoopRates, ratio });
  }
  figures.throughput = { samples, batchSize, rounds, setups: results, check: { accuracy: testMetrics.accuracy, logLoss: testMetrics.log_loss } };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a profile sample's time goes, by the functions on its stack (the first rule that matches). */
type Rule = [string, (stack: { functionName: string; url: string }[]) => boolean];
const has = (name: string) => (st: { functionName: string }[]) => st.some((f) => f.functionName === name);

/** The runner's main thread: encoding, records, commits, aggregation, and waiting for the model. */
const MAIN_THREAD: Rule[] = [
  ['model load and release', (st) => st.some((f) => ['openInferenceThread', 'release'].includes(f.functionName))],
  ['aggregation (metrics as records are written)', (st) => st.some((f) => ['add', 'addPrediction', 'addText', 'addMean', 'replay', 'results'].includes(f.functionName))],
  ['encoders, input checks, input hash (encode)', has('encode')],
  ['output checks, custom metrics (finish)', has('finish')],
  ['commits (write, fsync, manifest)', (st) => st.some((f) => f.functionName === 'flush' || f.functionName === 'writeFileAtomic' || (f.functionName === 'update' && f.url.includes('run-store')))],
  ['batch tensors (infer)', has('infer')],
  ['loop: JSON records, appends, progress', (st) => st.some((f) => f.functionName === 'evaluateRun' || f.functionName === 'encodeBatch')],
  ['garbage collection', (st) => st[0]?.functionName === '(garbage collector)'],
  ['idle: waiting for the model', (st) => st[0]?.functionName === '(idle)'],
];

/** The inference thread: onnxruntime, and handing results back. */
const INFERENCE_THREAD: Rule[] = [
  ['model load and release', (st) => st.some((f) => ['openModelSession', 'OnnxruntimeSessionHandler', 'initOrt', 'release', 'dispose'].includes(f.functionName))],
  ['onnxruntime session.run', (st) => st.some((f) => f.url.includes('onnxruntime-node'))],
  ['results back to the main thread', (st) => st.some((f) => f.functionName === 'postMessage')],
  ['idle: waiting for a batch', (st) => st[0]?.functionName === '(idle)'],
];

function profileBreakdown(profile: CpuProfile, rules: Rule[]): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const category = new Map<number, string>();
  const out = new Map<string, number>([...rules.map(([name]) => [name, 0] as [string, number]), ['startup, loading, other', 0]]);
  profile.samples.forEach((id, i) => {
    let name = category.get(id);
    if (name === undefined) {
      const stack: { functionName: string; url: string }[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
      name = rules.find(([, matches]) => matches(stack))?.[0] ?? 'startup, loading, other';
      category.set(id, name);
    }
    out.set(name, out.get(name)! + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

/** CPU profiles of both threads of a real runner process (--cpu-prof), on the throughput run. */
async function profile(dir: string): Promise<void> {
  const samples = int('samples');
  log(`\n== profile: where the runner's two threads spend a ${fmt(samples)}-sample run (CPU profiles of the runner process)`);
  const config = writeConfig(dir, 'big-profile', [{ name: 'repeated', subset: 'all', parameters: { samples } }], int('batch'));
  const profileDir = path.join(dir, 'cpu-profile');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'profile-run.ts'), config, path.join(dir, 'runs-profile'), profileDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench/profile-run.ts exited ${code}: ${stdout}`);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { status: string; samples: number; runnerMs: number };
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread, 1 the inference thread.
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  const threadFile = (thread: number) => files.find((f) => f.split('.')[4] === String(thread));
  const [mainFile, inferenceFile] = [threadFile(0), threadFile(1)];
  if (mainFile === undefined || inferenceFile === undefined) throw new Error(`expected CPU profiles of both runner threads, found ${files.join(', ')}`);
  const read = (file: string) => JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
  const main = profileBreakdown(read(mainFile), MAIN_THREAD);
  const inference = profileBreakdown(read(inferenceFile), INFERENCE_THREAD);
  const perSample = (ms: number) => (ms * 1000) / result.samples;
  log(`the run took ${fmt(result.runnerMs)} ms in the runner (${fmt(samples / (result.runnerMs / 1000))} samples/s)`);
  for (const [thread, breakdown] of [['main thread', main], ['inference thread', inference]] as const) {
    log(`  ${thread}:`);
    for (const [name, ms] of [...breakdown].sort((a, b) => b[1] - a[1])) log(`    ${name.padEnd(46)} ${fmt(ms).padStart(7)} ms  ${fmt(perSample(ms), 1).padStart(6)} µs/sample`);
  }
  const own = ['encoders, input checks, input hash (encode)', 'output checks, custom metrics (finish)', 'loop: JSON records, appends, progress', 'commits (write, fsync, manifest)', 'batch tensors (infer)', 'aggregation (metrics as records are written)', 'garbage collection'];
  const ownMs = own.reduce((sum, k) => sum + main.get(k)!, 0);
  const busy = inference.get('onnxruntime session.run')!;
  rows.push(
    { section: 'profile', metric: 'onnxruntime session.run (inference thread)', value: `${fmt(perSample(busy), 1)} µs/sample`, note: `idle waiting for a batch ${fmt(perSample(inference.get('idle: waiting for a batch')!), 1)} µs/sample` },
    {
      section: 'profile',
      metric: "the runner's own work (main thread)",
      value: `${fmt(perSample(ownMs), 1)} µs/sample`,
      note: `encode ${fmt(perSample(main.get(own[0]!)!), 1)}, finish ${fmt(perSample(main.get(own[1]!)!), 1)}, loop ${fmt(perSample(main.get(own[2]!)!), 1)}, commits ${fmt(perSample(main.get(own[3]!)!), 1)}, tensors ${fmt(perSample(main.get(own[4]!)!), 1)}, aggregation ${fmt(perSample(main.get(own[5]!)!), 1)}, GC ${fmt(perSample(main.get(own[6]!)!), 1)}`,
    },
  );
  figures.profile = { samples: result.samples, runnerMs: result.runnerMs, mainThreadMs: Object.fromEntries(main), inferenceThreadMs: Object.fromEntries(inference) };
}

async function memory(dir: string): Promise<void> {
  if (process.platform !== 'linux') {
    rows.push({ section: 'memory', metric: 'runner peak RSS', value: 'skipped', note: 'needs /proc (Linux)' });
    return;
  }
  const sizes = (options.memory ?? '').split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--memory takes sample counts separated by commas, got ${options.memory}`);
  log(`\n== memory: peak RSS of the runner for ${sizes.map((n) => fmt(n)).join(' and ')} samples (batch ${int('batch')})`);
  const peaks: Record<string, number> = {};
  const loopPeaks: Record<string, number> = {};
  const seriesOf: Record<string, [number, number][]> = {};
  for (const n of sizes) {
    const runsDir = path.join(dir, `runs-memory-${n}`);
    const run = await runEvalens(writeConfig(dir, `big-memory-${n}`, [{ name: 'repeated', subset: 'all', parameters: { samples: n } }], int('batch')), runsDir, true);
    peaks[n] = run.peakRssKib;
    loopPeaks[n] = run.loopPeakRssKib ?? Number.NaN;
    seriesOf[n] = run.rssByRecords ?? [];
    const bytes = run.manifest.checkpoint.recordsBytes + Object.values(run.manifest.checkpoint.embeddings).reduce((s, e) => s + e.bytes, 0);
    const mib = (kib: number) => `${fmt(kib / 1024, 1)} MiB`;
    log(`${fmt(n)} samples: runner peak RSS ${mib(run.peakRssKib)}; until every sample was committed ${mib(loopPeaks[n]!)} (run files ${fmt(bytes / 2 ** 20, 1)} MiB, ${fmt(run.runnerMs)} ms)`);
    // RSS as the run went: flat once the heap has settled, whatever the number of samples.
    const series = [0.1, 0.25, 0.5, 0.75, 0.95].map((f) => run.rssByRecords!.find(([records]) => records >= f * n)).filter((p) => p !== undefined);
    log(`  RSS during the loop: ${series.map(([records, kib]) => `${fmt(records)}: ${mib(kib)}`).join(', ')}`);
    rows.push({ section: 'memory', metric: `runner peak RSS, ${fmt(n)} samples`, value: mib(run.peakRssKib), note: `evaluation loop alone ${mib(loopPeaks[n]!)}, then the results (ROC AUC sorts); run files ${fmt(bytes / 2 ** 20, 1)} MiB` });
    rmSync(runsDir, { recursive: true, force: true });
  }
  if (sizes.length >= 2) {
    const [small, large] = [sizes[0]!, sizes.at(-1)!];
    const ratio = peaks[large]! / peaks[small]!;
    const loopRatio = loopPeaks[large]! / loopPeaks[small]!;
    rows.push({ section: 'memory', metric: `peak ratio ${fmt(large)} / ${fmt(small)}`, value: fmt(ratio, 2), note: `target flat (≤ 1.10): ${ratio <= 1.1 ? 'met' : 'MISSED'}; evaluation loop alone ${fmt(loopRatio, 2)}` });
    // The loop's own trend, once the heap has settled: the second half of the largest run.
    const series = seriesOf[large] ?? [];
    const half = series.find(([records]) => records >= large / 2);
    const end = series.findLast(([records]) => records < large);
    if (half !== undefined && end !== undefined) {
      rows.push({ section: 'memory', metric: `loop RSS at ${fmt(end[0])} / at ${fmt(half[0])} samples`, value: fmt(end[1] / half[1], 2), note: `${fmt(half[1] / 1024, 1)} → ${fmt(end[1] / 1024, 1)} MiB: flat once the heap has settled` });
    }
    const resultsPerSample = ((peaks[large]! - loopPeaks[large]!) - (peaks[small]! - loopPeaks[small]!)) * 1024 / (large - small);
    rows.push({ section: 'memory', metric: 'final results, growth per sample', value: `${fmt(resultsPerSample, 0)} B`, note: 'peak minus loop peak, between the two runs: sort buffers of exact ROC AUC / average precision' });
    figures.memory = { peaksKib: peaks, loopPeaksKib: loopPeaks, ratio, loopRatio, resultsBytesPerSample: resultsPerSample, series: seriesOf };
  }
}

async function analysis(): Promise<void> {
  const result = await analysisBench(log);
  figures.analysis = result.figures;
  rows.push(...result.rows);
}

async function report(): Promise<void> {
  const samples = 100_000;
  const { storeDir, runId } = await largeDigitsRun(samples);
  const store = new RunStore(storeDir);
  const timed = async (load: () => Promise<unknown>) => {
    const started = performance.now();
    await load();
    return performance.now() - started;
  };
  // The webview bench analyses the run first (its latent scatter), so both sides time the same report.
  const view = await webviewBench(samples);
  rmSync(path.join(store.runDir(runId), REPORT_CACHE), { force: true });
  const buildMs = await timed(() => loadReportData(store, store.read(runId)));
  const cachedMs = await timed(() => loadReportData(store, store.read(runId)));
  const firstRender = buildMs + view.firstRenderMs;
  const reopen = cachedMs + view.firstRenderMs;
  figures.report = { buildMs, cachedMs, ...view };
  rows.push(
    { section: 'report', metric: `report data built from the run store, ${fmt(samples)} samples`, value: `${fmt(buildMs, 0)} ms`, note: 'engine: one pass over the records, curves, sample table; then kept in the run folder' },
    { section: 'report', metric: 'report data read back from the run folder', value: `${fmt(cachedMs, 0)} ms`, note: `${fmt(buildMs / cachedMs, 1)}× faster; the panel builds it when it sees a run finish` },
    { section: 'report', metric: 'webview: report message to first rows drawn', value: `${fmt(view.firstRenderMs, 0)} ms`, note: 'validation, state, render' },
    { section: 'report', metric: 'first render, data kept / goal 1 s', value: fmt(reopen / 1000, 2), note: `${fmt(reopen, 0)} ms: ${reopen < 1000 ? 'met' : 'MISSED'}` },
    { section: 'report', metric: 'first render, data built / goal 1 s', value: fmt(firstRender / 1000, 2), note: `${fmt(firstRender, 0)} ms: ${firstRender < 1000 ? 'met' : 'MISSED'} (a run finished while no window watched)` },
    { section: 'report', metric: 'sort the sample table / goal 200 ms', value: fmt(view.sortMs / 200, 2), note: `${fmt(view.sortMs, 0)} ms: ${view.sortMs < 200 ? 'met' : 'MISSED'}` },
    { section: 'report', metric: 'scroll frame times', value: `${fmt(view.scrollFrameMs.median, 1)} ms median`, note: `p95 ${fmt(view.scrollFrameMs.p95, 1)} ms, max ${fmt(view.scrollFrameMs.max, 1)} ms (16.7 ms = 60 fps)` },
    { section: 'report', metric: 'webview JS heap', value: `${fmt(view.heapMb, 0)} MB`, note: 'after a garbage collection, report shown' },
  );
}

async function crash(dir: string): Promise<void> {
  const kills = int('kills');
  log(`\n== crash: kill -9 at ${kills} random moments (test/engine/crash-resume.test.ts, long mode)`);
  const report = path.join(dir, 'crash-report.json');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/engine/crash-resume.test.ts'], {
    cwd: ROOT,
    env: { ...process.env, EVALENS_CRASH_KILLS: String(kills), EVALENS_CRASH_REPORT: report },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || !existsSync(report)) {
    failed = true;
    log(output);
    rows.push({ section: 'crash', metric: `${kills} kills`, value: 'FAILED', note: `exit ${code} after ${fmt(seconds, 1)} s` });
    return;
  }
  const summary = JSON.parse(readFileSync(report, 'utf8')) as { kills: number; rounds: number; kinds: Record<string, number>; midCommit: number; seconds: number; seed: number };
  log(`passed: ${summary.kills} kills in ${summary.rounds} rounds, ${summary.midCommit} mid-commit, ${fmt(summary.seconds, 1)} s (seed ${summary.seed})`);
  rows.push(
    { section: 'crash', metric: 'kills / rounds', value: `${summary.kills} / ${summary.rounds}`, note: Object.entries(summary.kinds).map(([k, v]) => `${k} ${v}`).join(', ') },
    { section: 'crash', metric: 'kills mid-commit', value: String(summary.midCommit), note: 'left bytes past the checkpoint or a manifest temp file' },
    { section: 'crash', metric: 'time', value: `${fmt(summary.seconds, 1)} s`, note: `records, embeddings, results equal the uninterrupted run's (seed ${summary.seed})` },
  );
  figures.crash = summary;
}

/** A section of bench/rescoring-bench.ts on the bench's digits_cnn_big integration. */
function rescoring(section: typeof reuseBench): (dir: string) => Promise<void> {
  return async (dir) => {
    const samples = int('rescore-samples');
    log(`\n== rescoring: ${fmt(samples)} samples of digits_cnn_big.onnx, batch ${int('batch')}, ${int('rounds')} rounds`);
    const result = section({ dir, integration: INTEGRATION, model: MODEL, samples, rounds: int('rounds'), batchSize: int('batch') });
    rows.push(...result.rows);
    Object.assign(figures, { [result.rows[0]!.section]: result.figures });
  };
}

async function shards(dir: string): Promise<void> {
  const samples = int('shard-samples');
  log(`\n== shards: ${fmt(samples)} samples of digits_cnn.onnx, unsharded, then 2 and 4 shards in parallel, then merged`);
  const result = await shardBench({ dir, samples, batchSize: 256 });
  rows.push(...result.rows);
  figures.shards = result.figures;
}

/** 1-minute load average: how busy the machine was while measuring. */
function loadAverage(): string {
  return loadavg()[0]!.toFixed(2);
}

function printTable(): void {
  const headers = ['section', 'metric', 'value', 'note'];
  const table = rows.map((r) => [r.section, r.metric, r.value, r.note ?? '']);
  const widths = headers.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(`\n${line(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of table) console.log(line(r));
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench builds first).`);
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-bench-'));
  const started = performance.now();
  const loadBefore = loadAverage();
  try {
    for (const [section, run] of [
      ['throughput', throughput],
      ['profile', profile],
      ['memory', memory],
      ['report', report],
      ['analysis', analysis],
      ['reuse', rescoring(reuseBench)],
      ['series', rescoring(seriesBench)],
      ['shards', shards],
      ['crash', crash],
    ] as const) {
      if (!wanted(section)) continue;
      try {
        await run(dir);
      } catch (error) {
        failed = true;
        log(`${section} failed: ${error instanceof Error ? error.stack : String(error)}`);
        rows.push({ section, metric: 'error', value: 'FAILED', note: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable();
  console.log(`\n${process.platform} ${process.arch}, node ${process.version}, ${availableParallelism()} cores; ${fmt((performance.now() - started) / 1000, 0)} s; load average ${loadBefore} before, ${loadAverage()} after`);
  console.log('Timings are only comparable within one bench run: other processes on the machine slow both sides, not always equally.');
  if (options.out) writeFileSync(options.out, `${JSON.stringify({ figures, rows }, null, 2)}\n`);
  if (failed) process.exitCode = 1;
}

void main();
