import type { RunManifest } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { shardRange } from '../runner/shard';
import type { RunStore } from './run-store';

/**
 * The runs `evalens runs merge` was given, in shard order, once they are known to be every
 * shard of one evaluation, each completed; otherwise an error naming the run and what to do.
 */
export function validShards(store: RunStore, runIds: readonly string[]): RunManifest[] {
  const refuse = (message: string) => new EvalensError('merge-refused', `Nothing was merged: ${message}`);
  const twice = runIds.find((id, i) => runIds.indexOf(id) !== i);
  if (twice !== undefined) throw refuse(`run ${twice} is given twice. Name each shard's run once.`);
  const runs = runIds.map((id) => store.read(id));
  for (const m of runs) {
    if (m.shard === undefined) throw refuse(`run ${m.runId} (${m.name}) is not a shard: it was evaluated without --shard. Merge the runs of \`evalens eval --shard I/N\`.`);
  }
  const [first, ...others] = runs as (RunManifest & { shard: NonNullable<RunManifest['shard']> })[];
  if (first === undefined) throw refuse('no run given. Name the shard runs to merge.');
  const shown = (m: RunManifest) => `run ${m.runId} (shard ${m.shard!.index}/${m.shard!.count})`;
  for (const m of others) {
    if (m.shard.count !== first.shard.count) throw refuse(`${shown(m)} is one of ${m.shard.count} shards, but ${shown(first)} is one of ${first.shard.count}. Merge the shards of one split.`);
    const differs = (what: string, a: string, b: string) =>
      refuse(`${shown(m)} evaluated a different ${what} than ${shown(first)} (sha256 ${b.slice(0, 12)}… against ${a.slice(0, 12)}…). Merge the shards of one evaluation: the same eval config, model and integration script, each run with --shard I/${first.shard.count}.`);
    if (m.shard.parent.config !== first.shard.parent.config) throw differs('eval config', first.shard.parent.config, m.shard.parent.config);
    if (m.hashes.model !== first.hashes.model) throw differs('model', first.hashes.model, m.hashes.model);
    if (m.hashes.script !== first.hashes.script) throw differs('integration script', first.hashes.script, m.hashes.script);
  }
  const byIndex = new Map<number, RunManifest>();
  for (const m of runs) {
    const seen = byIndex.get(m.shard!.index);
    if (seen !== undefined) throw refuse(`shard ${m.shard!.index}/${m.shard!.count} is given twice: runs ${seen.runId} and ${m.runId}. Name one run per shard.`);
    byIndex.set(m.shard!.index, m);
  }
  const missing = Array.from({ length: first.shard.count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const list = missing.map((i) => `${i}/${first.shard.count}`).join(', ');
    throw refuse(`shard${missing.length === 1 ? '' : 's'} ${list} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')}). Evaluate ${missing.length === 1 ? 'it' : 'them'} with evalens eval --shard ${missing[0]}/${first.shard.count}, copy the run folder${missing.length === 1 ? '' : 's'} into ${store.root}, and name ${missing.length === 1 ? 'it' : 'them'} too.`);
  }
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  for (const m of ordered) {
    if (m.status !== 'completed') {
      const what = m.status === 'evaluating' ? `is being evaluated (process ${m.pid ?? 'unknown'}); wait for it to complete` : `is ${m.status}, not completed; finish it with evalens resume ${m.runId} --runs-dir ${store.root}`;
      throw refuse(`${shown(m)} ${what}, then merge.`);
    }
  }
  checkPartition(ordered);
  return ordered;
}

/** Each shard holds the benchmarks of the first, with the samples its part of them counts. */
function checkPartition(shards: readonly RunManifest[]): void {
  const names = shards[0]!.benchmarks.map((b) => b.name);
  for (const [bi, name] of names.entries()) {
    const total = shards.reduce((n, s) => n + (s.benchmarks[bi]?.total ?? 0), 0);
    for (const s of shards) {
      const { start, end } = shardRange(total, s.shard!.batchSize, s.shard!);
      const b = s.benchmarks[bi];
      if (s.benchmarks.length !== names.length || b?.name !== name || b.total !== end - start || b.done !== b.total) {
        throw new EvalensError('run-corrupt', `Nothing was merged: run ${s.runId} (shard ${s.shard!.index}/${s.shard!.count}) does not hold its part of benchmark '${name}' (${end - start} samples of ${total}): its manifest was changed outside Evalens. Evaluate the shard again.`);
      }
    }
  }
}
