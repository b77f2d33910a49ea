import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Checkpoint, RunManifest, SeriesCheckpoint } from '../../shared/run-types';
import { AppendLog } from '../runs/append-log';
import { recordLine } from '../runs/record-format';
import { RecordReader } from '../runs/record-reader';
import { embeddingsFile, RECORDS, type RunStore } from '../runs/run-store';
import { ResultsAggregator } from './aggregate-results';
import type { PreparedEvaluation, PreparedModel } from './prepare-evaluation';
import type { FinishedSample } from './sample-pipeline';

/**
 * What one model of a run writes: its records, its latent rows and its running results. A run
 * has one; a checkpoint series one per checkpoint, all fed the same encoded samples and
 * committed together, so their files always hold the same samples.
 */
export class ModelRecords {
  readonly aggregator: ResultsAggregator;
  /** Per-sample errors per benchmark, committed or not. */
  readonly errors: number[];
  private readonly records: AppendLog;
  private readonly latentLogs: Map<string, AppendLog>;
  private readonly dims: Record<string, number>;
  private embeddingRows: number;
  private committedRecords: number;
  /** The records of the batch being finished: appended as one string, one encoding to UTF-8 instead of one per sample. */
  private lines: string[] = [];

  constructor(
    readonly model: PreparedModel,
    private readonly dir: string,
    committed: { recordsBytes: number; embeddings: Checkpoint['embeddings'] },
    errors: readonly number[],
    prepared: PreparedEvaluation,
    benchmarks: readonly { name: string; total: number }[],
    latentOutputs: readonly string[],
  ) {
    mkdirSync(dir, { recursive: true });
    this.aggregator = new ResultsAggregator(prepared, benchmarks);
    this.errors = [...errors];
    this.records = new AppendLog(path.join(dir, RECORDS), committed.recordsBytes);
    this.latentLogs = new Map(latentOutputs.map((o) => [o, new AppendLog(path.join(dir, embeddingsFile(o)), committed.embeddings[o]?.bytes ?? 0)]));
    this.dims = Object.fromEntries(Object.entries(committed.embeddings).map(([o, e]) => [o, e.dim]));
    const first = latentOutputs[0] === undefined ? undefined : committed.embeddings[latentOutputs[0]];
    this.embeddingRows = first === undefined ? 0 : first.bytes / 4 / first.dim;
    this.committedRecords = committed.recordsBytes;
  }

  get errorCount(): number {
    return this.errors.reduce((a, b) => a + b, 0);
  }

  /** Its committed records, to replay into the aggregator when the run resumes. */
  reader(runId: string): RecordReader {
    return new RecordReader(runId, path.join(this.dir, RECORDS), this.committedRecords);
  }

  /** Takes a sample's record (and latent rows) for the next flush. */
  add({ record, latents }: FinishedSample, benchmark: number): void {
    if (record.error !== undefined) {
      this.errors[benchmark]!++;
    } else if (latents.size > 0) {
      record.embeddingRow = this.embeddingRows++;
      for (const [o, row] of latents) {
        this.dims[o] ??= row.length;
        this.latentLogs.get(o)!.append(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
      }
    }
    this.aggregator.add(record);
    this.lines.push(recordLine(record));
  }

  /** Queues the batch's records for the next flush. */
  appendBatch(): void {
    if (this.lines.length === 0) return;
    this.records.append(this.lines.join(''));
    this.lines = [];
  }

  /** Writes what was added to disk; returns the committed lengths, for the manifest. */
  flush(): { recordsBytes: number; embeddings: Checkpoint['embeddings'] } {
    this.committedRecords = this.records.flush();
    const embeddings: Checkpoint['embeddings'] = {};
    for (const [o, log] of this.latentLogs) {
      const bytes = log.flush();
      if (this.dims[o] !== undefined) embeddings[o] = { dim: this.dims[o]!, bytes };
    }
    return { recordsBytes: this.committedRecords, embeddings };
  }

  close(): void {
    this.records.close();
    for (const log of this.latentLogs.values()) log.close();
  }
}

/** A new series run's checkpoints, none of them scored yet: the last one's files are the run's own, the others' in checkpoints/<name>/. */
export function newSeries(prepared: PreparedEvaluation): SeriesCheckpoint[] {
  return prepared.models.map((m, i) => ({
    name: m.checkpoint!,
    modelHash: m.hash,
    dir: i === prepared.models.length - 1 ? '' : path.join('checkpoints', path.basename(m.checkpoint!, '.onnx')),
    recordsBytes: 0,
    embeddings: {},
    errors: prepared.benchmarks.map(() => 0),
  }));
}

/** The records of each model the run scores, opened at their last checkpoint. */
export function openModelRecords(store: RunStore, manifest: RunManifest, prepared: PreparedEvaluation, latentOutputs: readonly string[]): ModelRecords[] {
  const dir = store.runDir(manifest.runId);
  if (manifest.checkpoints === undefined) {
    return [new ModelRecords(prepared.models[0]!, dir, manifest.checkpoint, manifest.benchmarks.map((b) => b.errors), prepared, manifest.benchmarks, latentOutputs)];
  }
  return manifest.checkpoints.map((c, i) => new ModelRecords(prepared.models[i]!, path.join(dir, c.dir), c, c.errors, prepared, manifest.benchmarks, latentOutputs));
}
