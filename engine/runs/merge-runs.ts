import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RunManifest, RunShard } from '../../shared/run-types';
import { analyzeAfterEvaluation } from '../analysis/analyze-after-evaluation';
import type { ResolvedEvalConfig } from '../config/load-config';
import { EvalensError } from '../errors';
import { ResultsAggregator } from '../runner/aggregate-results';
import { shardRange } from '../runner/shard';
import { AppendLog } from './append-log';
import { syncDir } from './atomic-file';
import { embeddingsFile, RECORDS, RunStore } from './run-store';
import { isAlive } from './process-alive';
import { newRunId } from './run-id';
import { validShards } from './shard-check';

/** Bytes of merged records or embeddings gathered before they are written out. */
const WRITE_BYTES = 4 << 20;
/** The folder a merge writes its run in: `.merging-<runId>.<pid of the merging process>`, never read as a run. */
const SCRATCH = /^\.merging-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}\.([0-9]+)$/;

/**
 * `evalens runs merge`: the completed shards of one evaluation (`evalens eval --shard I/N`)
 * made into one run whose records, embeddings and results equal, byte for byte, those of the
 * evaluation run unsharded. A shard's records hold positions and embedding rows of its own;
 * here each benchmark takes its shards' records in shard order, positions moved to where the
 * shard starts and embedding rows numbered across the run, as the unsharded runner numbers
 * them. Each line is otherwise copied as it is: the runner writes a record's benchmark and
 * position first and its embedding row last, so only those bytes change. The results are then
 * computed from the merged records, read back in order (and checked) as a resumed runner
 * replays them: the same float sums in the same order.
 *
 * Streamed: one chunk of each shard's records and a few MiB of output at a time, whatever the
 * number of samples. The run is written in a folder of the store that is not a run id, then
 * renamed to its id at once: a merge killed midway leaves no run, only that folder, which the
 * next merge removes. The analysis the config asks for runs there too, before the rename;
 * `onLog` hears of its failure (the merge itself stands).
 */
export async function mergeShards(store: RunStore, runIds: readonly string[], onLog: (message: string) => void = () => undefined, now = new Date()): Promise<RunManifest> {
  const shards = validShards(store, runIds);
  removeDeadMerges(store);
  const runId = newRunId(now);
  const scratch = path.join(store.root, `.merging-${runId}.${process.pid}`);
  const staging = new RunStore(scratch);
  mkdirSync(staging.runDir(runId), { recursive: true });
  try {
    const manifest = await writeMerged(staging, runId, shards, store, now);
    const aggregator = new ResultsAggregator({ config: manifest.config as ResolvedEvalConfig, integration: { definition: { model: { outputs: manifest.outputs } } } }, manifest.benchmarks);
    const reader = staging.recordReader(manifest);
    for await (const chunk of reader.chunks()) reader.forEach(chunk, (record) => aggregator.add(record));
    // Gates compare with baselines of the store the run goes into.
    staging.writeResults(aggregator.results(store, runId));
    await analyzeAfterEvaluation(staging, runId, manifest.config as ResolvedEvalConfig, onLog);
    renameSync(staging.runDir(runId), store.runDir(runId));
    syncDir(store.root);
    return manifest;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Removes the folders of merges killed midway: their process is gone. */
function removeDeadMerges(store: RunStore): void {
  if (!existsSync(store.root)) return;
  for (const name of readdirSync(store.root)) {
    const pid = SCRATCH.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(path.join(store.root, name), { recursive: true, force: true });
  }
}

/** Writes the merged records, embeddings and manifest of `runId` into `staging`. */
async function writeMerged(staging: RunStore, runId: string, shards: readonly RunManifest[], store: RunStore, now: Date): Promise<RunManifest> {
  const first = shards[0]!;
  const shard = first.shard!;
  const dir = staging.runDir(runId);
  const latents = Object.keys(first.outputs).filter((o) => first.outputs[o]!.role === 'latent');
  const records = new AppendLog(path.join(dir, RECORDS), 0);
  const embeddings = new Map(latents.map((o) => [o, new AppendLog(path.join(dir, embeddingsFile(o)), 0)]));
  const dims = new Map<string, number>();
  for (const manifest of shards) for (const [o, e] of Object.entries(manifest.checkpoint.embeddings)) dims.set(o, e.dim);
  const cursors = shards.map((s) => new ShardCursor(store, s));
  let pending = 0;
  let row = 0;
  const flush = () => {
    records.flush();
    for (const log of embeddings.values()) log.flush();
    pending = 0;
  };
  try {
    const benchmarks: RunManifest['benchmarks'] = [];
    for (const [bi, b] of first.benchmarks.entries()) {
      const total = shards.reduce((n, s) => n + s.benchmarks[bi]!.total, 0);
      const name = JSON.stringify(b.name);
      for (const cursor of cursors) {
        const start = shardRange(total, shard.batchSize, cursor.shard).start;
        const rows = cursor.rowsBefore;
        for (let position = 0; position < cursor.manifest.benchmarks[bi]!.done; position++) {
          const line = await cursor.nextLine(name, position);
          const body = line.text.slice(line.head, line.embedded ? line.text.length - line.tail : line.text.length);
          const text = `{"benchmark":${name},"position":${start + position},${body}${line.embedded ? `,"embeddingRow":${row++}}` : ''}\n`;
          records.append(text);
          pending += text.length;
          if (pending >= WRITE_BYTES) flush();
        }
        for (const [o, log] of embeddings) pending += cursor.copyRows(o, dims.get(o), cursor.rowsBefore - rows, log);
        if (pending >= WRITE_BYTES) flush();
      }
      benchmarks.push({ name: b.name, total, done: total, errors: shards.reduce((n, s) => n + s.benchmarks[bi]!.errors, 0) });
    }
    flush();
    for (const cursor of cursors) cursor.checkAllRowsCopied();
    const checkpoint: RunManifest['checkpoint'] = { records: benchmarks.reduce((n, b) => n + b.done, 0), recordsBytes: records.flush(), embeddings: {} };
    for (const [o, log] of embeddings) {
      const dim = dims.get(o);
      if (dim !== undefined) checkpoint.embeddings[o] = { dim, bytes: log.flush() };
    }
    const at = now.toISOString();
    const from = shards.map((s) => `${s.shard!.index}/${s.shard!.count} (${s.runId})`).join(', ');
    const manifest: RunManifest = {
      schemaVersion: 1,
      runId,
      kind: 'evaluation',
      name: first.name,
      status: 'completed',
      createdAt: at,
      updatedAt: at,
      seq: now.getTime() * 1000,
      config: first.config,
      hashes: first.hashes,
      ...(first.modelPath === undefined ? {} : { modelPath: first.modelPath }),
      ...(first.versions === undefined ? {} : { versions: first.versions }),
      outputs: first.outputs,
      benchmarks,
      batchSize: shard.batchSize,
      checkpoint,
      events: [
        { at, kind: 'submitted', message: `merged from shards ${from}` },
        { at, kind: 'started', message: `merging ${shards.length} shards` },
        // How the shards ran, which the report reads from events (the execution providers used).
        ...shards.flatMap((s) => s.events.filter((e) => e.kind === 'provider-fallback' || e.kind === 'batch-size-halved').map((e) => ({ ...e, message: `shard ${s.shard!.index}/${s.shard!.count}: ${e.message}` }))),
        { at, kind: 'completed', message: `completed ${checkpoint.records} samples` },
      ],
      mergedFrom: shards.map((s) => s.runId),
    };
    staging.write(manifest);
    return manifest;
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
    records.close();
    for (const log of embeddings.values()) log.close();
  }
}

/** A shard's record line: `head` characters of benchmark and position, and `tail` of its embedding row at the end when `embedded`. */
interface ShardLine {
  text: string;
  head: number;
  embedded: boolean;
  tail: number;
}

/**
 * One shard's committed records, a line at a time in file order, and its embedding rows, read
 * as far as its records have gone. The merged run is read back and checked record by record
 * once written; here each line is only checked to be the record its manifest counts next.
 */
class ShardCursor {
  readonly shard: RunShard;
  /** Embedding rows of the records read so far. */
  rowsBefore = 0;
  private readonly chunks: AsyncGenerator<string>;
  private chunk = '';
  private at = 0;
  private line = 0;
  private readonly copied = new Map<string, number>();

  constructor(
    private readonly store: RunStore,
    readonly manifest: RunManifest,
  ) {
    this.shard = manifest.shard!;
    this.chunks = store.recordReader(manifest).chunks();
  }

  /** The next line, which must be the record at `position` of the benchmark named `name` (as JSON). */
  async nextLine(name: string, position: number): Promise<ShardLine> {
    while (this.at >= this.chunk.length) {
      const next = await this.chunks.next();
      if (next.done === true) throw this.corrupt(`it ends before position ${position} of benchmark ${name}`);
      this.chunk = next.value;
      this.at = 0;
    }
    let end = this.chunk.indexOf('\n', this.at);
    if (end < 0) end = this.chunk.length;
    const text = this.chunk.slice(this.at, end);
    this.at = end + 1;
    this.line++;
    const head = `{"benchmark":${name},"position":${position},`;
    if (!text.startsWith(head)) throw this.corrupt(`line ${this.line} is not the record at position ${position} of benchmark ${name} that its manifest counts there`);
    const tail = `,"embeddingRow":${this.rowsBefore}}`;
    const embedded = text.endsWith(tail);
    if (embedded) this.rowsBefore++;
    return { text, head: head.length, embedded, tail: tail.length };
  }

  /** Every embedding row the shard's checkpoint holds went with one of its records. */
  checkAllRowsCopied(): void {
    for (const [output, entry] of Object.entries(this.manifest.checkpoint.embeddings)) {
      if ((this.copied.get(output) ?? 0) !== entry.bytes) throw this.corrupt(`its records name ${this.rowsBefore} embedding rows, but ${embeddingsFile(output)} holds ${entry.bytes / 4 / entry.dim}`);
    }
  }

  /** Appends the shard's next `rows` rows of latent output `output` to `log`; returns the bytes appended. */
  copyRows(output: string, dim: number | undefined, rows: number, log: AppendLog): number {
    if (rows === 0) return 0;
    const entry = this.manifest.checkpoint.embeddings[output];
    if (entry === undefined || dim === undefined || entry.dim !== dim) throw this.corrupt(`its records name embedding rows of '${output}' that its checkpoint does not hold (or holds at another width)`);
    const from = this.copied.get(output) ?? 0;
    const bytes = rows * dim * 4;
    if (from + bytes > entry.bytes) throw this.corrupt(`its records name more embedding rows of '${output}' than its checkpoint holds`);
    const fd = openSync(path.join(this.store.runDir(this.manifest.runId), embeddingsFile(output)), 'r');
    try {
      const buffer = Buffer.allocUnsafe(Math.min(bytes, WRITE_BYTES));
      for (let done = 0; done < bytes; ) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, bytes - done), from + done);
        if (read === 0) throw this.corrupt(`${embeddingsFile(output)} is shorter than its checkpoint`);
        log.append(buffer.subarray(0, read));
        done += read;
        // A segment larger than the buffer is written out as it is read.
        if (done < bytes) log.flush();
      }
    } finally {
      closeSync(fd);
    }
    this.copied.set(output, from + bytes);
    return bytes;
  }

  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }

  private corrupt(problem: string): EvalensError {
    const file = path.join(this.store.runDir(this.manifest.runId), RECORDS);
    return new EvalensError('run-corrupt', `Run ${this.manifest.runId} (shard ${this.shard.index}/${this.shard.count}) cannot be merged: ${file}: ${problem}. Its files were changed outside Evalens; evaluate the shard again.`);
  }
}
