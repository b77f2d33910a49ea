/**
 * The bench's `shards` section: one evaluation run unsharded, then as 2 and 4 shards evaluated
 * by parallel processes on this machine (`evalens eval --shard I/N`, each with a run store of
 * its own), wall time from start to the last shard's end; then `evalens runs merge` of the
 * shards: its wall time and peak resident memory (the kernel's maxrss of the CLI process),
 * at `samples` and at a tenth of them, to show the merge streams. The run is the digits CNN on
 * the digits test split repeated to `samples` (test/fixtures/report/digits-repeated), the
 * fixture of the report's 100k-sample benchmark.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { evalensSync, readManifest } from '../test/helpers/eval-runs';
import { CLI, ROOT } from '../test/helpers/paths';
import type { BenchRow } from './rescoring-bench';

export interface ShardBenchOptions {
  dir: string;
  samples: number;
  batchSize: number;
}

const INTEGRATION = path.join(ROOT, 'test', 'fixtures', 'report', 'digits-repeated.integration.ts');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

export async function shardBench(options: ShardBenchOptions): Promise<{ rows: BenchRow[]; figures: Record<string, unknown> }> {
  const rows: BenchRow[] = [];
  const figures: Record<string, unknown> = {};
  // The CLI's own peak RSS and CPU time, as the kernel counts them, printed as it exits: CPU time
  // says what the merge costs whatever else the machine runs meanwhile.
  const usage = path.join(options.dir, 'usage.cjs');
  writeFileSync(usage, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nusage ${u.maxRSS} ${(u.userCPUTime + u.systemCPUTime) / 1000}\\n`); });\n");

  for (const samples of [Math.round(options.samples / 10), options.samples]) {
    const config = path.join(options.dir, `shards-${samples}.eval.json`);
    writeFileSync(config, JSON.stringify({ name: `digits repeated to ${samples}`, integration: INTEGRATION, benchmarks: [{ name: 'test', subset: 'test', parameters: { samples } }], batchSize: options.batchSize, memoryLimitMb: 2048 }));
    const started = performance.now();
    const unsharded = evalensSync(['eval', '--config', config, '--runs-dir', path.join(options.dir, `unsharded-${samples}`), '--json']);
    const unshardedMs = performance.now() - started;
    const refId = (JSON.parse(unsharded.stdout) as { runId: string }).runId;
    const counts = samples === options.samples ? [2, 4] : [4];
    if (samples === options.samples) rows.push({ section: 'shards', metric: `${fmt(samples)} samples, unsharded`, value: seconds(unshardedMs), note: 'evalens eval, end to end' });
    for (const count of counts) {
      const started = performance.now();
      const shards = await Promise.all(Array.from({ length: count }, (_, i) => run(['eval', '--config', config, '--runs-dir', path.join(options.dir, `shards-${samples}-${count}`, String(i + 1)), '--shard', `${i + 1}/${count}`, '--json'])));
      const ms = performance.now() - started;
      const ids = shards.map((s) => (JSON.parse(s.stdout) as { runId: string }).runId);
      if (samples === options.samples) {
        rows.push({ section: 'shards', metric: `${fmt(samples)} samples, ${count} shards in parallel`, value: seconds(ms), note: `${(unshardedMs / ms).toFixed(2)}× the unsharded run's speed; the slowest shard ends it` });
        figures[`parallel${count}Ms`] = ms;
      }
      if (count !== 4) continue;
      const store = path.join(options.dir, `store-${samples}`);
      mkdirSync(store);
      ids.forEach((id, i) => cpSync(path.join(options.dir, `shards-${samples}-${count}`, String(i + 1), id), path.join(store, id), { recursive: true }));
      const mergeStarted = performance.now();
      const merged = await run(['runs', 'merge', ...ids, '--runs-dir', store, '--json'], ['--require', usage]);
      const mergeMs = performance.now() - mergeStarted;
      const [, peakKib, cpuMs] = (/usage (\d+) ([\d.]+)/.exec(merged.stderr) ?? []).map(Number) as [number, number, number];
      const mergedId = (JSON.parse(merged.stdout) as { runId: string }).runId;
      const records = (id: string, dir: string) => readFileSync(path.join(dir, id, 'records.jsonl'));
      const identical = records(mergedId, store).equals(records(refId, path.join(options.dir, `unsharded-${samples}`)));
      const bytes = readManifest(store, mergedId).checkpoint.recordsBytes;
      rows.push({ section: 'shards', metric: `runs merge of 4 shards, ${fmt(samples)} samples`, value: seconds(mergeMs), note: `CPU time ${seconds(cpuMs)}; peak RSS ${mib(peakKib)}; records ${(bytes / 2 ** 20).toFixed(1)} MiB; identical to the unsharded run: ${identical ? 'yes' : 'NO'}` });
      figures[`merge${samples}`] = { ms: mergeMs, cpuMs, peakRssKib: peakKib, recordsBytes: bytes, identical };
      figures[`unsharded${samples}Ms`] = unshardedMs;
    }
  }
  return { rows, figures };
}

/** The CLI in a child process, to completion; rejects unless it exits 0. */
function run(args: string[], nodeFlags: string[] = []): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`evalens ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
