import { createHash } from 'node:crypto';
import path from 'node:path';
import type { RunShard } from '../../shared/run-types';
import type { ResolvedEvalConfig } from '../config/load-config';
import { EvalensError } from '../errors';
import { fixedBatchSize } from '../inference/fixed-batch';
import type { PreparedBenchmark, PreparedEvaluation } from './prepare-evaluation';

/*
 * Sharded runs (`evalens eval --shard I/N`). The partition is by position in each benchmark's
 * sample list, after sampleCount/seed selection, so it is the same on every machine: the
 * positions are cut into batches of the run's batch size (as the unsharded run batches them),
 * and the batches into N runs of consecutive batches, shard I (1-based) taking batches
 * ⌊(I−1)·K/N⌋ to ⌊I·K/N⌋ of the benchmark's K. Every batch of the unsharded run is then a
 * batch of one shard, holding the same samples in the same order, so the model sees exactly
 * the same inputs and the merged records equal the unsharded run's bit for bit.
 */

export interface ShardPart {
  index: number;
  count: number;
}

/** Reads `I/N` (1 ≤ I ≤ N), as given to --shard. */
export function parseShard(text: string): ShardPart {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const usage = `Give it as I/N, the shard's number I from 1 to N and the number of shards N: --shard 1/4 … --shard 4/4.`;
  if (match === null) throw new EvalensError('usage', `--shard '${text}' is not of the form I/N. ${usage}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new EvalensError('usage', `--shard '${text}': the number of shards must be at least 1. ${usage}`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) {
    const zero = index === 0 ? ` Shards are numbered from 1: a 0-based index such as Kubernetes' JOB_COMPLETION_INDEX needs 1 added (--shard $((JOB_COMPLETION_INDEX + 1))/${count}).` : '';
    throw new EvalensError('usage', `--shard '${text}': shard ${index} is not one of 1 to ${count}.${zero} ${usage}`);
  }
  return { index, count };
}

/** The positions [start, end) of a benchmark of `total` samples that shard `index` of `count` evaluates. */
export function shardRange(total: number, batchSize: number, part: ShardPart): { start: number; end: number } {
  const batches = Math.ceil(total / batchSize);
  const first = Math.floor(((part.index - 1) * batches) / part.count);
  const last = Math.floor((part.index * batches) / part.count);
  return { start: Math.min(first * batchSize, total), end: Math.min(last * batchSize, total) };
}

/** What a shard run records: its part, the batch size it is cut at, and the hashes of the evaluation it is part of. */
export function runShard(whole: PreparedEvaluation, part: ShardPart): RunShard {
  if (whole.models.length > 1) {
    throw new EvalensError('usage', `${path.relative(process.cwd(), whole.config.configFile)} evaluates a checkpoint series (${whole.models.length} checkpoints), which --shard does not split. Shard one checkpoint at a time: set model.checkpoint to one of them.`, { file: whole.config.configFile });
  }
  return {
    index: part.index,
    count: part.count,
    batchSize: fixedBatchSize(whole.signature) ?? whole.config.batchSize,
    parent: { config: configHash(whole.config), model: whole.hashes.model, script: whole.hashes.script },
  };
}

/**
 * The evaluation narrowed to a shard's positions of each benchmark. Without gates: they hold for
 * the whole evaluation, so `runs merge` checks them on the merged results, and a shard's part
 * of the samples neither passes nor fails them.
 */
export function shardPrepared(whole: PreparedEvaluation, shard: RunShard): PreparedEvaluation {
  return { ...whole, config: { ...whole.config, gates: [] }, benchmarks: whole.benchmarks.map((b) => shardBenchmark(b, shard)) };
}

function shardBenchmark(bench: PreparedBenchmark, shard: RunShard): PreparedBenchmark {
  const { start, end } = shardRange(bench.indices.length, shard.batchSize, shard);
  return { ...bench, indices: bench.indices.slice(start, end) };
}

/**
 * sha256 of the resolved config, keys sorted, its paths relative to the config's folder: the
 * same evaluation checked out at another place (another CI runner, another pod) hashes the same.
 */
export function configHash(config: ResolvedEvalConfig): string {
  const dir = path.dirname(config.configFile);
  const relative = (file: string | undefined) => (file === undefined ? undefined : path.relative(dir, file).split(path.sep).join('/'));
  const portable = {
    ...config,
    configFile: path.basename(config.configFile),
    integration: relative(config.integration),
    model: relative(config.model),
    benchmarks: config.benchmarks.map((b) => ({ ...b, dataset: relative(b.dataset) })),
  };
  return createHash('sha256').update(sortedJson(portable)).digest('hex');
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
