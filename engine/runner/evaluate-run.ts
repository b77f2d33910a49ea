import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runProgress, type RunManifest, type RunStatus } from '../../shared/run-types';
import { EvalensError, scriptLocationOf } from '../errors';
import { batchTensors, splitSamples, type BatchFeed, type ModelSession, type OutputArray } from '../inference/onnx-session';
import type { InferenceThread } from '../inference/threaded-session';
import { errorText } from '../loader/load-script';
import { AppendLog } from '../runs/append-log';
import { recordLine } from '../runs/record-format';
import { embeddingsFile, RECORDS, type RunStore } from '../runs/run-store';
import { event } from '../runs/run-event';
import { engineVersions } from '../versions';
import { ResultsAggregator } from './aggregate-results';
import type { PreparedBenchmark, PreparedEvaluation } from './prepare-evaluation';
import { createInputHasher } from './input-hash';
import { samplePipeline, type EncodedSample, type SamplePipeline } from './sample-pipeline';
import { runModelFile } from './session-model';
import { boundOutputNames } from '../loader/bound-outputs';
import type { RunProgress } from './worker-protocol';

export interface StopRequest {
  /** The supervising process went away (VS Code closed, the CLI was killed), rather than a user's cancel. */
  interrupted: boolean;
  message: string;
}

export interface RunControl {
  /** Polled between batches: stop there, keeping every finished sample. */
  stopRequest(): StopRequest | undefined;
  onProgress(progress: RunProgress): void;
}

/**
 * Commit at least this often: the most work a crash can cost. EVALENS_COMMIT_EVERY_MS
 * overrides it (the crash test sets 0, a commit after every batch, to kill runners mid-commit).
 */
const COMMIT_EVERY_MS = commitInterval(process.env.EVALENS_COMMIT_EVERY_MS, 1000);
/** ...and at the latest after this many samples, which bounds the memory of what is not yet written. */
const COMMIT_EVERY_SAMPLES = 8192;
/** Batches queued for the model at a time. */
const IN_FLIGHT = 2;
/** The most time between two looks at the supervisor's messages (a cancel) while batches keep coming. */
const YIELD_EVERY_MS = 20;
/** Progress goes to the supervisor (one IPC message each) at most this often, and at each benchmark's end. */
const PROGRESS_EVERY_MS = 100;

/**
 * Evaluates (or resumes) a run: every remaining sample of every benchmark through the
 * encoders, the model, metrics, losses and metadata, appended in order and committed in
 * checkpoints, and aggregated as it goes. Resuming continues at the last checkpoint, so the records of
 * an interrupted run end up identical to those of an uninterrupted one. The model runs in
 * `thread`; its caller closes it.
 */
export async function evaluateRun(store: RunStore, runId: string, prepared: PreparedEvaluation, control: RunControl, thread: InferenceThread): Promise<RunStatus> {
  const dir = store.runDir(runId);
  store.removeStaleTemporaries(runId);
  let manifest = store.read(runId);
  const resumed = manifest.checkpoint.records > 0 || manifest.events.some((e) => e.kind === 'started');
  manifest = store.update(runId, (m) => {
    m.status = 'evaluating';
    m.pid = process.pid;
    m.versions = engineVersions();
    delete m.error;
    m.events.push(event(resumed ? 'resumed' : 'started', resumed ? `resumed at ${m.checkpoint.records} samples` : 'started'));
  });

  const outputNames = boundOutputNames(prepared.integration.definition, prepared.signature);
  const latentOutputs = outputNames.filter((name) => prepared.integration.definition.model.outputs[name]!.role === 'latent');
  const records = new AppendLog(path.join(dir, RECORDS), manifest.checkpoint.recordsBytes);
  const latentLogs = new Map(latentOutputs.map((o) => [o, new AppendLog(path.join(dir, embeddingsFile(o)), manifest.checkpoint.embeddings[o]?.bytes ?? 0)]));
  const state = {
    batchSize: manifest.batchSize,
    committed: manifest.checkpoint.records,
    pending: 0,
    errors: manifest.benchmarks.reduce((n, b) => n + b.errors, 0),
    embeddingRows: rowsOf(manifest, latentOutputs[0]),
    progress: manifest.benchmarks.map((b) => ({ done: b.done, errors: b.errors })),
    lastCommit: performance.now(),
    dims: Object.fromEntries(Object.entries(manifest.checkpoint.embeddings).map(([o, e]) => [o, e.dim])) as Record<string, number>,
  };

  const commit = () => {
    const recordsBytes = records.flush();
    const embeddings: RunManifest['checkpoint']['embeddings'] = {};
    for (const [o, log] of latentLogs) {
      const bytes = log.flush();
      if (state.dims[o] !== undefined) embeddings[o] = { dim: state.dims[o]!, bytes };
    }
    state.committed += state.pending;
    state.pending = 0;
    state.lastCommit = performance.now();
    manifest = store.update(runId, (m) => {
      m.checkpoint = { records: state.committed, recordsBytes, embeddings };
      m.batchSize = state.batchSize;
      m.benchmarks.forEach((b, i) => Object.assign(b, state.progress[i]));
    });
  };

  const finishRun = (status: RunStatus, change: (m: RunManifest) => void) => {
    commit();
    records.close();
    for (const log of latentLogs.values()) log.close();
    store.update(runId, (m) => {
      m.status = status;
      delete m.pid;
      change(m);
    });
    return status;
  };

  try {
    const hashInputs = createInputHasher(Object.keys(prepared.integration.definition.inputs));
    const model = await thread.open(await runModelFile(prepared, dir), { executionProviders: prepared.config.executionProviders, intraOpThreads: prepared.config.intraOpThreads }, (message) => {
      manifest = store.update(runId, (m) => m.events.push(event('provider-fallback', message)));
    });
    const aggregator = new ResultsAggregator(prepared, manifest.benchmarks);
    await aggregator.replay(store, manifest);
    const { total } = runProgress(manifest);
    const started = performance.now();
    let lastProgress = Number.NEGATIVE_INFINITY;
    let lastYield = performance.now();
    const doneAtStart = state.committed;

    for (const [bi, bench] of prepared.benchmarks.entries()) {
      const pipeline = samplePipeline(prepared.integration, bench.subset, bench.name, hashInputs);
      let position = state.progress[bi]!.done;
      // Batches sent to the model and not yet finished, in order. Two of them: the inference
      // thread starts the second as soon as it ends the first, without waiting for this thread.
      const inFlight: { batch: EncodedSample[]; inference: Promise<Inference> }[] = [];
      let encodedTo = position;
      const fill = () => {
        while (inFlight.length < IN_FLIGHT && encodedTo < bench.indices.length) {
          const batch = encodeBatch(pipeline, bench, encodedTo, state.batchSize);
          inFlight.push({ batch, inference: infer(prepared, model, batch, outputNames) });
          encodedTo += batch.length;
        }
      };
      // Batches sent after one that stops the loop are dropped unread: resuming runs them again.
      const drop = () => Promise.all(inFlight.splice(0).map((f) => f.inference));
      fill();
      while (inFlight.length > 0) {
        const { batch, inference } = inFlight.shift()!;
        const outcome = await inference;
        if ('error' in outcome) {
          if (!isOutOfMemory(outcome.error) || state.batchSize === 1) throw outcome.error;
          // Keep what is finished, then go on from this batch at half the size.
          await drop();
          const from = state.batchSize;
          state.batchSize = Math.max(1, Math.floor(from / 2));
          commit();
          manifest = store.update(runId, (m) => m.events.push(event('batch-size-halved', `onnxruntime ran out of memory on a batch of ${from} (${memoryDetail(outcome.error)}); continuing with batches of ${state.batchSize}`)));
          encodedTo = position;
          fill();
          continue;
        }
        // Encoded and queued while the model runs the batch after this one.
        fill();
        // The batch's records as one string: one encoding to UTF-8 instead of one per sample.
        const lines: string[] = [];
        for (const [i, sample] of batch.entries()) {
          const { record, latents } = pipeline.finish(sample, outcome.outputs[i]!);
          if (record.error !== undefined) {
            state.errors++;
            state.progress[bi]!.errors++;
            if (state.errors > prepared.config.maxSampleErrors) {
              const message = `${record.error.message} The run stops at ${state.errors} per-sample error${state.errors === 1 ? '' : 's'} (maxSampleErrors is ${prepared.config.maxSampleErrors}). Fix the integration, then resume with --force.`;
              state.errors--;
              state.progress[bi]!.errors--;
              records.append(lines.join(''));
              await drop();
              return finishRun('failed', (m) => {
                const { component, location } = record.error!;
                m.error = { message, benchmark: bench.name, sample: sample.index, component, resumable: true, ...(location === undefined ? {} : { location }) };
                m.events.push(event('failed', message));
              });
            }
          } else if (latents.size > 0) {
            record.embeddingRow = state.embeddingRows++;
            for (const [o, row] of latents) {
              state.dims[o] ??= row.length;
              latentLogs.get(o)!.append(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
            }
          }
          aggregator.add(record);
          lines.push(recordLine(record));
          state.pending++;
          state.progress[bi]!.done++;
        }
        records.append(lines.join(''));
        // Records, embeddings and metrics hold copies: the thread may fill these arrays again.
        if (outcome.batch !== undefined && !pipeline.sharesOutputs) model.recycle?.(outcome.batch);
        position += batch.length;
        if (state.pending >= COMMIT_EVERY_SAMPLES || performance.now() - state.lastCommit >= COMMIT_EVERY_MS) commit();
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS || inFlight.length === 0) {
          lastProgress = now;
          const done = state.committed + state.pending;
          const rate = (done - doneAtStart) / Math.max((now - started) / 1000, 1e-3);
          control.onProgress({
            benchmark: bench.name,
            benchmarkDone: state.progress[bi]!.done,
            benchmarkTotal: bench.indices.length,
            done,
            total,
            samplesPerSecond: rate,
            etaSeconds: rate > 0 ? (total - done) / rate : null,
          });
        }
        // A turn of the event loop now and then, so the supervisor's messages (a cancel) get in:
        // replies from the inference thread alone would keep the loop inside its message port.
        if (now - lastYield >= YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        const stop = inFlight.length === 0 ? undefined : control.stopRequest();
        if (stop !== undefined) {
          await drop();
          return finishRun('cancelled', (m) => {
            m.error = { message: stop.message, resumable: true };
            m.events.push(event(stop.interrupted ? 'interrupted' : 'cancelled', stop.message));
          });
        }
      }
    }
    commit();
    store.writeResults(aggregator.results(store, runId));
    return finishRun('completed', (m) => m.events.push(event('completed', `completed ${m.checkpoint.records} samples`)));
  } catch (error) {
    const message = error instanceof EvalensError ? error.message : `The run stopped: ${errorText(error)}.`;
    const location = scriptLocationOf(error);
    return finishRun('failed', (m) => {
      m.error = { message, resumable: true, ...(location === undefined ? {} : { location }) };
      m.events.push(event('failed', message));
    });
  }
}

function encodeBatch(pipeline: SamplePipeline, bench: PreparedBenchmark, from: number, size: number): EncodedSample[] {
  const end = Math.min(from + size, bench.indices.length);
  const batch: EncodedSample[] = [];
  for (let position = from; position < end; position++) batch.push(pipeline.encode(position, bench.indices[position]!));
  return batch;
}

/**
 * A batch's outputs per sample (empty for samples that failed to encode) and whole (`batch`,
 * none when no sample encoded), or why the model failed.
 */
type Inference = { outputs: Map<string, OutputArray>[]; batch?: Map<string, OutputArray> } | { error: unknown };

/** Starts the model on the samples of a batch that encoded. Never rejects: a batch left in flight cannot crash the runner. */
async function infer(prepared: PreparedEvaluation, session: ModelSession, batch: EncodedSample[], outputNames: string[]): Promise<Inference> {
  const ok = batch.filter((s) => s.error === undefined);
  const perSample = batch.map(() => new Map<string, OutputArray>());
  if (ok.length === 0) return { outputs: perSample };
  const def = prepared.integration.definition;
  const feeds = new Map<string, BatchFeed>(
    Object.entries(def.model.inputs).map(([modelInput, encName]) => {
      const enc = def.inputs[encName]!;
      return [modelInput, { dtype: enc.dtype, shape: enc.shape, samples: ok.map((s) => s.inputs.get(encName)!) }];
    }),
  );
  let outputs: Map<string, OutputArray>;
  try {
    outputs = await session.run(batchTensors(feeds, session), outputNames);
  } catch (error) {
    return { error };
  }
  const split = [...outputs].map(([name, data]) => [name, splitSamples(data, ok.length)] as const);
  let k = 0;
  for (const [i, sample] of batch.entries()) {
    if (sample.error !== undefined) continue;
    for (const [name, rows] of split) perSample[i]!.set(name, rows[k]!);
    k++;
  }
  return { outputs: perSample, batch: outputs };
}

/** The allocation that failed, without onnxruntime's source paths. */
function memoryDetail(error: unknown): string {
  const text = errorText(error);
  return (/failed to allocate[^\n]*/i.exec(text)?.[0] ?? text).trim();
}

function commitInterval(env: string | undefined, fallback: number): number {
  const ms = env === undefined || env.trim() === '' ? Number.NaN : Number(env);
  return Number.isFinite(ms) && ms >= 0 ? ms : fallback;
}

function isOutOfMemory(error: unknown): boolean {
  return /failed to allocate|bad_alloc|out of memory|\boom\b/i.test(errorText(error));
}

function rowsOf(manifest: RunManifest, output: string | undefined): number {
  const entry = output === undefined ? undefined : manifest.checkpoint.embeddings[output];
  return entry === undefined ? 0 : entry.bytes / 4 / entry.dim;
}

