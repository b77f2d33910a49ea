import path from 'node:path';
import type { BenchmarkResult, RunManifest } from '../../shared/run-types';
import { closestName } from '../config/closest-name';
import { EvalensError } from '../errors';
import { lowerIsBetter } from '../../shared/metric-direction';
import type { RunStore } from '../runs/run-store';
import { scalarMetrics } from './export-run';

/** One ranked run: the metric's value on the benchmark, and what model made it. */
export interface LeaderboardEntry {
  rank: number;
  value: number;
  runId: string;
  name: string;
  /** The model file evaluated, as the run recorded it. */
  modelPath: string;
  /** sha256 of the model file. */
  modelHash: string;
  /** The checkpoint file evaluated, when the run's config picked one from a folder of checkpoints; null otherwise. */
  checkpoint: string | null;
  createdAt: string;
}

/** What `evalens runs leaderboard --json` prints. */
export interface Leaderboard {
  benchmark: string;
  metric: string;
  lowerIsBetter: boolean;
  /** Best first; at most `limit` of the `ranked` runs. */
  entries: LeaderboardEntry[];
  ranked: number;
  /** Completed evaluation runs left out: without the benchmark, or whose benchmark does not report the metric. */
  leftOut: { withoutBenchmark: number; withoutMetric: number };
}

export interface LeaderboardOptions {
  benchmark: string;
  metric: string;
  limit?: number;
}

/**
 * The completed evaluation runs of a store ranked by one metric on one benchmark, best first
 * (higher is better but for losses and errors: shared/metric-direction.ts). Equal values
 * share a rank and keep the older run first. `overall_score` is the benchmark's overall score;
 * a non-headline output's metric is named `output.metric`, as in the run's exports.
 */
export async function leaderboard(store: RunStore, options: LeaderboardOptions): Promise<Leaderboard> {
  const { benchmark, metric } = options;
  const runs = store.all().filter((m) => m.status === 'completed' && m.kind === 'evaluation');
  if (runs.length === 0) throw new EvalensError('run-not-found', `No completed evaluation run in ${store.root} to rank. Evaluate first (evalens eval --config F --runs-dir ${store.root}), or pass the store that holds your runs with --runs-dir.`);
  const scored: { manifest: RunManifest; bench: BenchmarkResult }[] = [];
  let withoutBenchmark = 0;
  for (const manifest of runs) {
    const bench = store.readResults(manifest.runId)?.benchmarks.find((b) => b.name === benchmark);
    if (bench === undefined) withoutBenchmark++;
    else scored.push({ manifest, bench });
  }
  if (scored.length === 0) {
    const names = [...new Set(runs.flatMap((m) => m.benchmarks.map((b) => b.name)))].sort();
    throw new EvalensError('benchmark-not-found', `No completed evaluation run in ${store.root} scored a benchmark '${benchmark}'.${hint(benchmark, names)} Benchmarks the runs have: ${quote(names)}.`);
  }
  const ranked = scored.flatMap(({ manifest, bench }) => {
    const value = metricValue(bench, metric);
    return value === null ? [] : [{ manifest, value }];
  });
  if (ranked.length === 0) {
    const names = [...new Set(scored.flatMap(({ bench }) => ['overall_score', ...[...scalarMetrics(bench)].filter(([, v]) => v !== null).map(([k]) => k)]))].sort();
    throw new EvalensError('usage', `No run reports a metric '${metric}' on benchmark '${benchmark}'.${hint(metric, names)} Metrics the runs report there: ${quote(names)}.`);
  }
  const lower = lowerIsBetter(metric, await lossesOf(store, ranked[0]!.manifest));
  ranked.sort((x, y) => (lower ? x.value - y.value : y.value - x.value) || x.manifest.createdAt.localeCompare(y.manifest.createdAt));
  // Competition ranking: a run tied with the one before shares its rank (1, 2, 2, 4).
  const ranks = ranked.map((r, i) => i + 1);
  for (let i = 1; i < ranked.length; i++) if (ranked[i]!.value === ranked[i - 1]!.value) ranks[i] = ranks[i - 1]!;
  return {
    benchmark,
    metric,
    lowerIsBetter: lower,
    entries: ranked.slice(0, options.limit ?? ranked.length).map(({ manifest, value }, i) => ({
      rank: ranks[i]!,
      value,
      runId: manifest.runId,
      name: manifest.name,
      modelPath: manifest.modelPath ?? '',
      modelHash: manifest.hashes.model,
      checkpoint: checkpointOf(manifest),
      createdAt: manifest.createdAt,
    })),
    ranked: ranked.length,
    leftOut: { withoutBenchmark, withoutMetric: scored.length - ranked.length },
  };
}

function metricValue(bench: BenchmarkResult, metric: string): number | null {
  const value = metric === 'overall_score' ? bench.overallScore : scalarMetrics(bench).get(metric);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The integration's losses, as a sample of the run recorded them (the results list them among the metrics). */
async function lossesOf(store: RunStore, manifest: RunManifest): Promise<string[]> {
  for await (const record of store.records(manifest)) if (record.error === undefined) return Object.keys(record.losses);
  return [];
}

function checkpointOf(manifest: RunManifest): string | null {
  const { checkpoint } = manifest.config as { checkpoint?: unknown };
  if (typeof checkpoint !== 'string') return null;
  // 'latest' names no file: the one the run chose does.
  return checkpoint === 'latest' && manifest.modelPath !== undefined ? path.basename(manifest.modelPath) : checkpoint;
}

function hint(word: string, names: readonly string[]): string {
  const close = closestName(word, names);
  return close === undefined ? '' : ` Did you mean '${close}'?`;
}

function quote(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
