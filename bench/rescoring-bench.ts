/**
 * The bench's `reuse` and `series` sections: what `evalens eval --reuse` saves against a full
 * run, and what a checkpoint series saves against one run per checkpoint. Both on
 * digits_cnn_big.onnx (32x32 digits), where the model costs more than the rest; timed end to end
 * as a user runs the CLI (process start, preparation, every sample, results), medians of rounds.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { evalensSync, readManifest, readResults } from '../test/helpers/eval-runs';
import { CHECKPOINTS, writeCheckpoints } from '../test/helpers/checkpoint-series';

export interface BenchRow {
  section: string;
  metric: string;
  value: string;
  note?: string;
}

export interface RescoringBenchOptions {
  dir: string;
  integration: string;
  model: string;
  samples: number;
  rounds: number;
  batchSize: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function config(options: RescoringBenchOptions, name: string, model?: Record<string, string>): string {
  const file = path.join(options.dir, `${name}.eval.json`);
  const benchmarks = [{ name: 'digits', subset: 'all', parameters: { samples: options.samples } }];
  writeFileSync(file, JSON.stringify({ name, integration: options.integration, ...(model === undefined ? {} : { model }), benchmarks, batchSize: options.batchSize, memoryLimitMb: 4096 }, null, 2));
  return file;
}

/** `evalens eval` as a user runs it; its wall time and run id. */
function timedEval(configFile: string, runsDir: string, extra: string[] = []): { ms: number; runId: string } {
  const started = performance.now();
  const result = evalensSync(['eval', '--config', configFile, '--runs-dir', runsDir, '--json', ...extra]);
  const ms = performance.now() - started;
  const summary = JSON.parse(result.stdout) as { runId: string; status: string };
  if (summary.status !== 'completed') throw new Error(`evalens eval ${extra.join(' ')} did not complete (exit ${result.code}): ${result.stderr}`);
  return { ms, runId: summary.runId };
}

/** The runner's own time: from its `started` event to its `completed` event (every sample and the results, without process starts and preparation). */
function runnerMs(runsDir: string, runId: string): number {
  const { events } = readManifest(runsDir, runId);
  const at = (kind: string) => Date.parse(events.find((e) => e.kind === kind)!.at);
  return at('completed') - at('started');
}

function sameResults(runsDir: string, a: string, b: string): boolean {
  const { runId: _a, ...ra } = readResults(runsDir, a);
  const { runId: _b, ...rb } = readResults(runsDir, b);
  return JSON.stringify(ra) === JSON.stringify(rb);
}

/** A full run, then a run that reuses its outputs, per round. */
export function reuseBench(options: RescoringBenchOptions): { rows: BenchRow[]; figures: Record<string, unknown> } {
  const runsDir = path.join(options.dir, 'runs-reuse');
  const file = config(options, 'reuse');
  const full: number[] = [];
  const reused: number[] = [];
  const fullRunner: number[] = [];
  const reusedRunner: number[] = [];
  let identical = true;
  for (let round = 0; round < options.rounds; round++) {
    const a = timedEval(file, runsDir);
    const b = timedEval(file, runsDir, ['--reuse', a.runId]);
    full.push(a.ms);
    reused.push(b.ms);
    fullRunner.push(runnerMs(runsDir, a.runId));
    reusedRunner.push(runnerMs(runsDir, b.runId));
    identical &&= sameResults(runsDir, a.runId, b.runId);
  }
  const speedup = median(full) / median(reused);
  return {
    rows: [
      { section: 'reuse', metric: `full run, ${options.samples} samples`, value: seconds(median(full)), note: `median of ${options.rounds}, end to end (CLI start to summary); the runner's samples and results ${seconds(median(fullRunner))}` },
      { section: 'reuse', metric: 'eval --reuse of that run', value: seconds(median(reused)), note: `runner ${seconds(median(reusedRunner))}; same results: ${identical ? 'yes' : 'NO'}` },
      { section: 'reuse', metric: 'speed-up', value: `${speedup.toFixed(1)}×`, note: `runner alone ${(median(fullRunner) / median(reusedRunner)).toFixed(1)}×; the model is not run, metadata, custom metrics, losses and gates are` },
    ],
    figures: { samples: options.samples, fullMs: full, reuseMs: reused, fullRunnerMs: fullRunner, reuseRunnerMs: reusedRunner, identical },
  };
}

/** Three checkpoints as one series, then as three runs, per round. */
export function seriesBench(options: RescoringBenchOptions): { rows: BenchRow[]; figures: Record<string, unknown> } {
  const runsDir = path.join(options.dir, 'runs-series');
  const folder = path.join(options.dir, 'checkpoints');
  writeCheckpoints(options.model, folder);
  const seriesFile = config(options, 'series', { path: folder, checkpoint: 'all' });
  const singleFiles = CHECKPOINTS.map(({ name }) => config(options, `single-${name}`, { path: folder, checkpoint: name }));
  const series: number[] = [];
  const separate: number[] = [];
  let identical = true;
  for (let round = 0; round < options.rounds; round++) {
    const s = timedEval(seriesFile, runsDir);
    const singles = singleFiles.map((f) => timedEval(f, runsDir));
    series.push(s.ms);
    separate.push(singles.reduce((n, r) => n + r.ms, 0));
    const perCheckpoint = readResults(runsDir, s.runId).checkpoints!;
    identical &&= singles.every((r, i) => JSON.stringify(readResults(runsDir, r.runId).benchmarks) === JSON.stringify(perCheckpoint[i]!.benchmarks));
  }
  return {
    rows: [
      { section: 'series', metric: `3 checkpoints in one series run, ${options.samples} samples`, value: seconds(median(series)), note: `median of ${options.rounds}; each sample encoded once` },
      { section: 'series', metric: 'the same 3 checkpoints as 3 runs', value: seconds(median(separate)), note: `sum of the three; same per-checkpoint results: ${identical ? 'yes' : 'NO'}` },
      { section: 'series', metric: 'series / separate runs', value: (median(series) / median(separate)).toFixed(2), note: 'below 1: the series is faster' },
    ],
    figures: { samples: options.samples, seriesMs: series, separateMs: separate, identical },
  };
}
