import path from 'node:path';
import { runProgress, type BenchmarkProgress, type RunEvent, type RunKind, type RunManifest, type RunResults } from '../../../shared/run-types';
import { runSummaryJson, type RunSummaryJson } from './run-summary';

/** What `evalens runs show --format json` prints: the summary `evalens eval --json` prints, and the run's manifest. */
export interface RunShowJson extends RunSummaryJson {
  name: string;
  kind: RunKind;
  createdAt: string;
  updatedAt: string;
  progress: { done: number; total: number; benchmarks: BenchmarkProgress[] };
  /** Whether `evalens resume` can finish the run; present when the run stopped with an error. */
  resumable?: boolean;
  config: unknown;
  hashes: RunManifest['hashes'];
  batchSize: number;
  events: RunEvent[];
  /** A shard run's part of its evaluation (`eval --shard`). */
  shard?: RunManifest['shard'];
  /** The shard runs a merged run was made from (`runs merge`). */
  mergedFrom?: string[];
}

export function runShowJson(manifest: RunManifest, results: RunResults | undefined): RunShowJson {
  const json: RunShowJson = {
    ...runSummaryJson(manifest, results),
    name: manifest.name,
    kind: manifest.kind,
    createdAt: manifest.createdAt,
    updatedAt: manifest.updatedAt,
    progress: { ...runProgress(manifest), benchmarks: manifest.benchmarks },
    config: manifest.config,
    hashes: manifest.hashes,
    batchSize: manifest.batchSize,
    events: manifest.events,
  };
  if (manifest.error !== undefined) json.resumable = manifest.error.resumable;
  if (manifest.shard !== undefined) json.shard = manifest.shard;
  if (manifest.mergedFrom !== undefined) json.mergedFrom = manifest.mergedFrom;
  return json;
}

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

interface ShownConfig {
  configFile?: unknown;
  integration?: unknown;
  model?: unknown;
  executionProviders?: unknown;
}

/** The events and configuration of a run, shown under its summary by `evalens runs show`. */
export function formatRunDetails(manifest: RunManifest, paint: Paint, cwd = process.cwd()): string {
  const config = (typeof manifest.config === 'object' && manifest.config !== null ? manifest.config : {}) as ShownConfig;
  const shown = (file: unknown) => (typeof file === 'string' ? path.relative(cwd, file) || file : undefined);
  const rows: [string, string | undefined][] = [
    ['config', shown(config.configFile)],
    ['integration', config.integration === undefined ? undefined : `${shown(config.integration)}  sha256 ${manifest.hashes.script.slice(0, 12)}`],
    ['model', `${shown(config.model) ?? 'bound by the integration'}  sha256 ${manifest.hashes.model.slice(0, 12)}`],
    ['batch size', String(manifest.batchSize)],
    ['shard', manifest.shard === undefined ? undefined : `${manifest.shard.index} of ${manifest.shard.count}, cut at batches of ${manifest.shard.batchSize}; eval config sha256 ${manifest.shard.parent.config.slice(0, 12)}`],
    ['merged from', manifest.mergedFrom?.join(', ')],
    ['providers', Array.isArray(config.executionProviders) ? config.executionProviders.join(', ') : undefined],
    ['created', manifest.createdAt],
    ['updated', manifest.updatedAt],
  ];
  const present = rows.filter((r): r is [string, string] => r[1] !== undefined);
  const width = Math.max(...present.map(([k]) => k.length));
  return [
    paint('bold', 'Events'),
    ...manifest.events.map((e) => `  ${paint('dim', e.at.slice(0, 19).replace('T', ' '))}  ${e.kind.padEnd(17)} ${e.message}`),
    '',
    paint('bold', 'Configuration'),
    ...present.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ].join('\n');
}
