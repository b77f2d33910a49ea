import { EvalensError } from '../errors';
import { loadEvalConfig, type ResolvedEvalConfig } from '../config/load-config';
import { fixedBatchSize } from '../inference/fixed-batch';
import type { RunManifest } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { changedInputs, prepareEvaluation, resumeRefusal } from './prepare-evaluation';
import { reconcileInterruptedRuns } from './run-queue';
import { boundOutputNames } from '../loader/bound-outputs';
import { checkReuse } from './reused-outputs';
import { newSeries } from './model-records';
import { runShard, shardPrepared, type ShardPart } from './shard';

/*
 * Putting runs in the queue. Both load the integration (user code) to check it before any
 * inference, so they run in the CLI process, never in the extension host.
 */

/**
 * Validates a config, checks everything that can be checked before inference, and queues a run
 * (of one shard of it, given `part`); given `reuse`, one that takes the model outputs of that
 * completed run where it can.
 */
export async function submitEvaluation(store: RunStore, configPath: string, only?: readonly string[], part?: ShardPart, reuse?: string): Promise<RunManifest> {
  const config = selectBenchmarks(loadEvalConfig(configPath), only);
  const whole = await prepareEvaluation(config);
  const shard = part === undefined ? undefined : runShard(whole, part);
  const prepared = shard === undefined ? whole : shardPrepared(whole, shard);
  if (reuse !== undefined) checkReuse(store, reuse, prepared);
  return store.create({
    kind: 'evaluation',
    name: config.name,
    config,
    hashes: prepared.hashes,
    modelPath: prepared.modelPath,
    outputs: Object.fromEntries(
      boundOutputNames(prepared.integration.definition, prepared.signature).map((name) => {
        const b = prepared.integration.definition.model.outputs[name]!;
        return [name, b.role === 'latent' ? { role: 'latent' as const, tensor: b.tensor } : b.task === 'text' ? { role: 'prediction' as const, task: 'text' as const } : { role: b.role, task: b.task, labels: b.labels, groundTruth: b.groundTruth, activation: b.activation, threshold: b.threshold }];
      }),
    ),
    benchmarks: prepared.benchmarks.map((b) => ({ name: b.name, total: b.indices.length })),
    batchSize: fixedBatchSize(prepared.signature) ?? config.batchSize,
    shard,
    ...(reuse === undefined ? {} : { reuse: { runId: reuse, reused: 0, inferred: 0 } }),
    ...(prepared.models.length > 1 ? { checkpoints: newSeries(prepared) } : {}),
  });
}

/**
 * Puts a stopped run back in the queue, to continue from its last checkpoint. Refuses, before
 * touching the run, when its model or script changed since it started (unless forced).
 * `memoryLimitMb` replaces the run's memory limit from here on (a run stopped at its limit).
 */
export async function requeueForResume(store: RunStore, runId: string, force: boolean, memoryLimitMb?: number): Promise<RunManifest> {
  reconcileInterruptedRuns(store);
  const manifest = store.read(runId);
  if (manifest.status === 'completed') throw new EvalensError('resume-refused', `Run ${runId} is already completed: nothing to resume. Show it with: evalens runs show ${runId}`);
  if (manifest.status === 'evaluating') throw new EvalensError('resume-refused', `Run ${runId} is being evaluated right now (process ${manifest.pid}). Cancel it first, or wait for it.`);
  if (manifest.error !== undefined && !manifest.error.resumable) throw new EvalensError('resume-refused', `Run ${runId} cannot be resumed: ${manifest.error.message}`);
  const what = changedInputs(manifest, await prepareEvaluation(manifest.config as ResolvedEvalConfig));
  if (what !== undefined && !force) throw new EvalensError('resume-refused', resumeRefusal(runId, what));
  return store.update(runId, (m) => {
    m.status = 'queued';
    if (memoryLimitMb !== undefined) (m.config as ResolvedEvalConfig).memoryLimitMb = memoryLimitMb;
  });
}


/** The config narrowed to the named benchmarks (and the gates that apply to them). */
function selectBenchmarks(config: ResolvedEvalConfig, only: readonly string[] | undefined): ResolvedEvalConfig {
  if (only === undefined || only.length === 0) return config;
  const names = config.benchmarks.map((b) => b.name);
  const unknown = only.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new EvalensError('usage', `${unknown.map((n) => `'${n}'`).join(', ')} ${unknown.length === 1 ? 'is not a benchmark' : 'are not benchmarks'} of ${config.configFile}; it defines ${names.map((n) => `'${n}'`).join(', ')}.`);
  }
  return {
    ...config,
    benchmarks: config.benchmarks.filter((b) => only.includes(b.name)),
    gates: config.gates.filter((g) => g.benchmark === undefined || only.includes(g.benchmark)),
  };
}
