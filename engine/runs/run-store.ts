import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EvalensError, isEvalensError } from '../errors';
import {
  runManifestSchema,
  runResultsSchema,
  type RunKind,
  type RunManifest,
  type RunResults,
  type RunStatus,
  type SampleRecord,
} from '../../shared/run-types';
import { syncDir, writeFileAtomic } from './atomic-file';
import { isAlive } from './process-alive';
import { RecordReader } from './record-reader';
import { assertRunId, isRunId, newRunId } from './run-id';

export const MANIFEST = 'manifest.json';
export const RECORDS = 'records.jsonl';
export const RESULTS = 'results.json';
export const embeddingsFile = (output: string) => `embeddings.${output}.f32`;
/** Written by a process that wants the run's runner to cancel (its content says who asked); the runner takes it. */
export const CANCEL_REQUEST = 'cancel-request';
/** A run being deleted: `.deleting-<runId>.<pid of the deleting process>`, never read as a run. */
const TOMBSTONE = /^\.deleting-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}\.([0-9]+)$/;

export interface NewRun {
  kind: RunKind;
  name: string;
  config: unknown;
  hashes: RunManifest['hashes'];
  modelPath?: string;
  outputs: RunManifest['outputs'];
  benchmarks: { name: string; total: number }[];
  batchSize: number;
  shard?: RunManifest['shard'];
  reuse?: RunManifest['reuse'];
  checkpoints?: RunManifest['checkpoints'];
}

export interface ListOptions {
  status?: readonly RunStatus[];
  kind?: readonly RunKind[];
  pageSize?: number;
  pageToken?: string;
}

export interface RunPage {
  runs: RunManifest[];
  nextPageToken?: string;
}

const pageTokenSchema = z.object({ createdAt: z.string(), runId: z.string() });
let lastSeq = 0;

/**
 * The run store: one folder per run under `root`. The manifest is replaced atomically; the
 * per-sample records and embeddings are append-only and valid up to the lengths recorded by
 * the manifest's last checkpoint.
 */
export class RunStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  runDir(runId: string): string {
    const dir = path.join(this.root, assertRunId(runId));
    // The id pattern already excludes separators and dots; this guards the invariant itself.
    if (path.dirname(dir) !== this.root) throw new EvalensError('usage', `Run id '${runId}' does not name a folder of the run store ${this.root}.`);
    return dir;
  }

  create(run: NewRun, now = new Date()): RunManifest {
    mkdirSync(this.root, { recursive: true });
    const runId = newRunId(now);
    mkdirSync(this.runDir(runId));
    lastSeq = Math.max(lastSeq + 1, now.getTime() * 1000);
    const at = now.toISOString();
    const manifest: RunManifest = {
      schemaVersion: 1,
      runId,
      kind: run.kind,
      name: run.name,
      status: 'queued',
      createdAt: at,
      updatedAt: at,
      seq: lastSeq,
      config: run.config,
      hashes: run.hashes,
      ...(run.modelPath === undefined ? {} : { modelPath: run.modelPath }),
      outputs: run.outputs,
      benchmarks: run.benchmarks.map((b) => ({ name: b.name, total: b.total, done: 0, errors: 0 })),
      batchSize: run.batchSize,
      ...(run.shard === undefined ? {} : { shard: run.shard }),
      checkpoint: { records: 0, recordsBytes: 0, embeddings: {} },
      events: [{ at, kind: 'submitted', message: `submitted ${run.name}` }],
      ...(run.reuse === undefined ? {} : { reuse: run.reuse }),
      ...(run.checkpoints === undefined ? {} : { checkpoints: run.checkpoints }),
    };
    this.write(manifest);
    return manifest;
  }

  exists(runId: string): boolean {
    return existsSync(path.join(this.runDir(runId), MANIFEST));
  }

  read(runId: string): RunManifest {
    const manifest = this.readManifest(path.join(this.runDir(runId), MANIFEST));
    if (manifest === undefined) {
      throw new EvalensError('run-not-found', `No run '${runId}' in ${this.root}. List the runs with: evalens runs list --runs-dir ${this.root}`);
    }
    return manifest;
  }

  write(manifest: RunManifest): void {
    writeFileAtomic(path.join(this.runDir(manifest.runId), MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  }

  /** Reads, changes and writes back a manifest; the single writer of a run is its runner, so no lock is needed. */
  update(runId: string, change: (manifest: RunManifest) => void, now = new Date()): RunManifest {
    const manifest = this.read(runId);
    change(manifest);
    manifest.updatedAt = now.toISOString();
    this.write(manifest);
    return manifest;
  }

  /** Runs newest first, filtered, a page at a time; the token is opaque to callers. */
  list(options: ListOptions = {}): RunPage {
    const pageSize = options.pageSize ?? 20;
    let all = this.all().sort(newestFirst);
    if (options.status?.length) all = all.filter((m) => options.status!.includes(m.status));
    if (options.kind?.length) all = all.filter((m) => options.kind!.includes(m.kind));
    let start = 0;
    if (options.pageToken !== undefined) {
      const cursor = decodeToken(options.pageToken);
      start = all.findIndex((m) => newestFirst(m, { createdAt: cursor.createdAt, runId: cursor.runId, seq: Number.POSITIVE_INFINITY }) > 0);
      if (start < 0) start = all.length;
    }
    const runs = all.slice(start, start + pageSize);
    const last = runs.at(-1);
    return start + pageSize < all.length && last !== undefined ? { runs, nextPageToken: encodeToken(last) } : { runs };
  }

  /**
   * Every run's manifest; folders that are not runs are ignored, unreadable manifests are
   * errors. A run deleted while the store is read is left out; what a delete cut short by a
   * crash left is removed.
   */
  all(): RunManifest[] {
    if (!existsSync(this.root)) return [];
    const names = readdirSync(this.root);
    this.removeDeleteLeftovers(names);
    return names.filter(isRunId).flatMap((name) => this.readManifest(path.join(this.root, name, MANIFEST)) ?? []);
  }

  /**
   * Removes a run for every reader at once: its folder is renamed out of the run names (an
   * atomic step), then removed. A crash in between leaves only the renamed folder, which the
   * next scan of the store removes. Nobody may be evaluating the run: see delete-run.ts.
   */
  delete(runId: string): void {
    const dir = this.runDir(runId);
    if (!this.exists(runId)) this.read(runId);
    const tombstone = path.join(this.root, `.deleting-${runId}.${process.pid}`);
    try {
      renameSync(dir, tombstone);
    } catch (error) {
      // Deleted by another process since: say so as for any missing run.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.read(runId);
      throw error;
    }
    syncDir(this.root);
    rmSync(tombstone, { recursive: true, force: true });
  }

  /** Asks whoever evaluates the run to cancel it at its next batch; `reason` says who asked. */
  requestCancel(runId: string, reason: string): void {
    writeFileAtomic(path.join(this.runDir(runId), CANCEL_REQUEST), reason);
  }

  /** The reason of a pending cancel request, removed as it is taken: a resumed run is not cancelled again. */
  takeCancelRequest(runId: string): string | undefined {
    const file = path.join(this.runDir(runId), CANCEL_REQUEST);
    if (!existsSync(file)) return undefined;
    let reason: string;
    try {
      reason = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    rmSync(file, { force: true });
    return reason;
  }

  withdrawCancelRequest(runId: string): void {
    rmSync(path.join(this.runDir(runId), CANCEL_REQUEST), { force: true });
  }

  /** Removes temporary files a crash left in the middle of an atomic replace (they are never read). */
  removeStaleTemporaries(runId: string): void {
    const dir = this.runDir(runId);
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.tmp') && !name.endsWith(`.${process.pid}.tmp`)) rmSync(path.join(dir, name), { force: true });
    }
  }

  writeResults(results: RunResults): void {
    writeFileAtomic(path.join(this.runDir(results.runId), RESULTS), `${JSON.stringify(results, null, 1)}\n`);
  }

  readResults(runId: string): RunResults | undefined {
    const file = path.join(this.runDir(runId), RESULTS);
    if (!existsSync(file)) return undefined;
    return parseJsonFile(file, runResultsSchema);
  }

  /** The committed per-sample records of a run, in order; a torn or uncommitted tail is never read. */
  async *records(manifest: RunManifest): AsyncGenerator<SampleRecord> {
    const reader = this.recordReader(manifest);
    for await (const chunk of reader.chunks()) {
      const batch: SampleRecord[] = [];
      reader.forEach(chunk, (record) => batch.push(record));
      yield* batch;
    }
  }

  /**
   * The same records for one pass over them all, a chunk of lines per await (what the
   * aggregation of a large run reads): `for await (const chunk of reader.chunks()) reader.forEach(chunk, visit)`.
   */
  recordReader(manifest: RunManifest): RecordReader {
    const file = path.join(this.runDir(manifest.runId), RECORDS);
    const length = manifest.checkpoint.recordsBytes;
    if (length > 0 && (!existsSync(file) || statSync(file).size < length)) {
      throw new EvalensError('run-corrupt', `Run ${manifest.runId}: ${file} is missing or shorter than its last checkpoint. The run's records were changed outside Evalens; delete the run and evaluate again.`);
    }
    return new RecordReader(manifest.runId, file, length);
  }

  /** The committed rows of one latent output, as one Float32Array of rows × dim. */
  embeddings(manifest: RunManifest, output: string): { dim: number; rows: number; data: Float32Array } | undefined {
    const entry = manifest.checkpoint.embeddings[output];
    if (entry === undefined) return undefined;
    const buf = readFileSync(path.join(this.runDir(manifest.runId), embeddingsFile(output)));
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + entry.bytes));
    return { dim: entry.dim, rows: data.length / entry.dim, data };
  }

  /** The manifest, or undefined when there is none (no such run, or it was deleted meanwhile). */
  private readManifest(file: string): RunManifest | undefined {
    try {
      return parseJsonFile(file, runManifestSchema);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Folders of deletes cut short by a crash (their process is gone): their runs are already out of the store. */
  private removeDeleteLeftovers(names: readonly string[]): void {
    for (const name of names) {
      const deleter = TOMBSTONE.exec(name)?.[1];
      if (deleter === undefined || isAlive(Number(deleter))) continue;
      try {
        rmSync(path.join(this.root, name), { recursive: true, force: true });
      } catch {
        // Another process removes it at the same moment, or the next scan will.
      }
    }
  }
}

/** Whether an error says a run is not in the store (never was, or deleted meanwhile). */
export function isRunNotFound(error: unknown): boolean {
  return isEvalensError(error) && error.code === 'run-not-found';
}

function parseJsonFile<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(safeJson(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new EvalensError('run-corrupt', `${file} is not a valid Evalens run file (${parsed.error.issues[0]?.message ?? 'unreadable'}). It was changed outside Evalens or written by another version; delete the run.`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function newestFirst(a: Pick<RunManifest, 'createdAt' | 'runId' | 'seq'>, b: Pick<RunManifest, 'createdAt' | 'runId' | 'seq'>): number {
  return b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId);
}

function encodeToken(m: RunManifest): string {
  return Buffer.from(JSON.stringify({ createdAt: m.createdAt, runId: m.runId })).toString('base64url');
}

function decodeToken(token: string): z.infer<typeof pageTokenSchema> {
  const parsed = pageTokenSchema.safeParse(safeJson(Buffer.from(token, 'base64url').toString('utf8')));
  if (!parsed.success) throw new EvalensError('usage', `'${token}' is not a page token from evalens runs list. Use the nextPageToken it printed, or leave --page-token out for the first page.`);
  return parsed.data;
}
