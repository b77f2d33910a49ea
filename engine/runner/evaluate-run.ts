import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runProgress, type RunManifest, type RunStatus } from '../../shared/run-types';
import { EvalensError, scriptLocationOf } from '../errors';
import { batchTensors, splitSamples, type BatchFeed, type ModelSession, type OutputArray } from '../inference/onnx-session';
import type { InferenceThread } from '../inference/threaded-session';
import { errorText } from '../loader/load-script';
import type { RunStore } from '../runs/run-store';
import { event } from '../runs/run-event';
import { engineVersions } from '../versions';
import type { PreparedBenchmark, PreparedEvaluation } from './prepare-evaluation';
import { createInputHasher } from './input-hash';
import { MemoryBudget, mib } from './memory-budget';
import { openModelRecords } from './model-records';
import { ReusedOutputs } from './reused-outputs';
import { samplePipeline, type EncodedSample, type SamplePipeline } from './sample-pipeline';
import { runModelFiles } from './session-model';
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
  /** Keep the runner's resident memory under this many MiB (see memory-budget.ts); no limit when absent. */
  memoryLimitMb?: number;
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
  const targets = openModelRecords(store, manifest, prepared, latentOutputs);
  const state = {
    batchSize: manifest.batchSize,
    committed: manifest.checkpoint.records,
    pending: 0,
    done: manifest.benchmarks.map((b) => b.done),
    lastCommit: performance.now(),
    reuse: manifest.reuse === undefined ? undefined : { reused: manifest.reuse.reused, inferred: manifest.reuse.inferred },
  };

  const commit = () => {
    const files = targets.map((t) => t.flush());
    state.committed += state.pending;
    state.pending = 0;
    state.lastCommit = performance.now();
    manifest = store.update(runId, (m) => {
      const last = files.at(-1)!;
      m.checkpoint = { records: state.committed, recordsBytes: last.recordsBytes, embeddings: last.embeddings };
      m.batchSize = state.batchSize;
      m.benchmarks.forEach((b, i) => Object.assign(b, { done: state.done[i], errors: targets.at(-1)!.errors[i] }));
      m.checkpoints?.forEach((c, i) => Object.assign(c, files[i], { errors: [...targets[i]!.errors] }));
      if (m.reuse !== undefined && state.reuse !== undefined) Object.assign(m.reuse, state.reuse);
    });
  };

  const finishRun = (status: RunStatus, change: (m: RunManifest) => void) => {
    commit();
    for (const t of targets) t.close();
    store.update(runId, (m) => {
      m.status = status;
      delete m.pid;
      change(m);
    });
    return status;
  };

  try {
    const hashInputs = createInputHasher(Object.keys(prepared.integration.definition.inputs));
    const limitMb = control.memoryLimitMb;
    const budget = limitMb === undefined ? undefined : new MemoryBudget(limitMb * 1048576);
    // Halves the batch, before it is sent, while its predicted peak would pass the memory limit.
    const fitToMemory = () => {
      const from = state.batchSize;
      const fitted = budget?.fit(from) ?? from;
      if (fitted === from) return;
      state.batchSize = fitted;
      commit();
      const message = `resident memory of about ${mib(budget!.predict(from))} on a batch of ${from}, over the limit of ${limitMb} MiB less a 10% margin (memoryLimitMb); continuing with batches of ${fitted}`;
      manifest = store.update(runId, (m) => m.events.push(event('batch-size-halved', message)));
    };
    const modelFiles = await runModelFiles(prepared, dir);
    // Sessions open when first needed (a run that reuses every output opens none), one at a time: the thread opens one model at once.
    let opening: Promise<unknown> = Promise.resolve();
    const sessions = targets.map((_, i) => {
      let session: Promise<ModelSession> | undefined;
      return () => {
        session ??= opening.then(() =>
          thread.open(modelFiles[i]!, { executionProviders: prepared.config.executionProviders, intraOpThreads: prepared.config.intraOpThreads, releaseMemoryAfterRun: budget !== undefined }, (message) => {
            manifest = store.update(runId, (m) => m.events.push(event('provider-fallback', message)));
          }),
        );
        opening = session.catch(() => undefined);
        return session;
      };
    });
    const reused = manifest.reuse === undefined ? undefined : await ReusedOutputs.load(store, manifest.reuse.runId, prepared, outputNames);
    for (const t of targets) await t.aggregator.replay(t.reader(runId));
    const { total } = runProgress(manifest);
    const started = performance.now();
    let lastProgress = Number.NEGATIVE_INFINITY;
    let lastYield = performance.now();
    const doneAtStart = state.committed;

    for (const [bi, bench] of prepared.benchmarks.entries()) {
      const pipeline = samplePipeline(prepared.integration, bench.subset, bench.name, hashInputs);
      let position = state.done[bi]!;
      // Batches sent to the model(s) and not yet finished, in order. Two of them: the inference
      // thread starts the second as soon as it ends the first, without waiting for this thread.
      const inFlight: { batch: EncodedSample[]; inferences: Promise<Inference>[] }[] = [];
      let encodedTo = position;
      const fill = () => {
        while (inFlight.length < IN_FLIGHT && encodedTo < bench.indices.length) {
          fitToMemory();
          const batch = encodeBatch(pipeline, bench, encodedTo, state.batchSize);
          // One encoding of the batch, scored by every model.
          inFlight.push({ batch, inferences: sessions.map((session) => infer(prepared, session, batch, outputNames, reused)) });
          encodedTo += batch.length;
        }
      };
      // Batches sent after one that stops the loop are dropped unread: resuming runs them again.
      const drop = () => Promise.all(inFlight.splice(0).flatMap((f) => f.inferences));
      if (budget !== undefined && !budget.measured && position < bench.indices.length) {
        // One sample alone, its outputs thrown away, measures what a batch costs before any is sized.
        const probe = encodeBatch(pipeline, bench, position, 1);
        await budget.probe(() => Promise.all(sessions.map((session) => infer(prepared, session, probe, outputNames, reused))));
        if (!budget.fits(1)) {
          const message =
            `One sample needs about ${mib(budget.predict(1) - budget.heldNow())} of resident memory: with the ${mib(budget.heldNow())} the runner holds between batches, about ${mib(budget.predict(1))}, above memoryLimitMb (${limitMb} MiB). ` +
            `Finished samples are kept: raise memoryLimitMb (in the config, or evalens resume ${runId} --memory-limit-mb N), then resume the run.`;
          return finishRun('failed', (m) => {
            m.error = { message, resumable: true };
            m.events.push(event('failed', message));
          });
        }
      }
      fill();
      while (inFlight.length > 0) {
        const { batch, inferences } = inFlight.shift()!;
        const outcomes = await Promise.all(inferences);
        budget?.observe(batch.length);
        const failure = outcomes.find((o): o is { error: unknown } => 'error' in o);
        if (failure !== undefined) {
          if (!isOutOfMemory(failure.error) || state.batchSize === 1) throw failure.error;
          // Keep what is finished, then go on from this batch at half the size.
          await drop();
          const from = state.batchSize;
          state.batchSize = Math.max(1, Math.floor(from / 2));
          commit();
          manifest = store.update(runId, (m) => m.events.push(event('batch-size-halved', `onnxruntime ran out of memory on a batch of ${from} (${memoryDetail(failure.error)}); continuing with batches of ${state.batchSize}`)));
          encodedTo = position;
          fill();
          continue;
        }
        const scored = outcomes as Scored[];
        // Encoded and queued while the model runs the batch after this one.
        fill();
        for (const [i, sample] of batch.entries()) {
          // Every model's record of the sample first: a sample that stops the run is written for none of them.
          // A sample that failed to encode fails alike for every checkpoint; one that failed after the model, for its checkpoint.
          const finished = targets.map((t, ti) => pipeline.finish(sample, scored[ti]!.outputs[i]!));
          const over = finished.findIndex((f, ti) => f.record.error !== undefined && targets[ti]!.errorCount + 1 > prepared.config.maxSampleErrors);
          if (over >= 0) {
            const { record } = finished[over]!;
            const errors = targets[over]!.errorCount + 1;
            const message = `${record.error!.message}${targets.length > 1 && sample.error === undefined ? ` (checkpoint ${targets[over]!.model.checkpoint})` : ''} The run stops at ${errors} per-sample error${errors === 1 ? '' : 's'} (maxSampleErrors is ${prepared.config.maxSampleErrors}). Fix the integration, then resume with --force.`;
            for (const t of targets) t.appendBatch();
            await drop();
            return finishRun('failed', (m) => {
              const { component, location } = record.error!;
              m.error = { message, benchmark: bench.name, sample: sample.index, component, resumable: true, ...(location === undefined ? {} : { location }) };
              m.events.push(event('failed', message));
            });
          }
          finished.forEach((f, ti) => targets[ti]!.add(f, bi));
          if (state.reuse !== undefined && sample.error === undefined) state.reuse[scored[0]!.reused[i] ? 'reused' : 'inferred']++;
          state.pending++;
          state.done[bi]!++;
        }
        for (const t of targets) t.appendBatch();
        // Records, embeddings and metrics hold copies: the thread may fill these arrays again.
        if (!pipeline.sharesOutputs) {
          for (const [ti, outcome] of scored.entries()) if (outcome.batch !== undefined) (await sessions[ti]!()).recycle?.(outcome.batch);
        }
        position += batch.length;
        if (state.pending >= COMMIT_EVERY_SAMPLES || performance.now() - state.lastCommit >= COMMIT_EVERY_MS) commit();
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS || inFlight.length === 0) {
          lastProgress = now;
          const done = state.committed + state.pending;
          const rate = (done - doneAtStart) / Math.max((now - started) / 1000, 1e-3);
          control.onProgress({
            benchmark: bench.name,
            benchmarkDone: state.done[bi]!,
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
    const results = targets.map((t) => t.aggregator.results(store, runId));
    store.writeResults(targets.length === 1 ? results[0]! : { ...results.at(-1)!, checkpoints: results.map((r, i) => ({ name: targets[i]!.model.checkpoint!, overallScore: r.overallScore, benchmarks: r.benchmarks })) });
    return finishRun('completed', (m) => {
      m.events.push(event('completed', `completed ${m.checkpoint.records} samples`));
      if (m.reuse !== undefined) {
        const { runId: from, reused: n, inferred } = m.reuse;
        m.events.push(event('reused', `took the model outputs of ${n} sample${n === 1 ? '' : 's'} from run ${from}; ${inferred} ran the model (their input hash differs from every sample of run ${from}, or the sample failed there)`));
      }
    });
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
 * A batch's outputs per sample (empty for samples that failed to encode) and, of the samples
 * the model ran, whole (`batch`, none when it ran none); `reused[i]`: sample i took the
 * outputs of the run it reuses. Or why the model failed.
 */
type Scored = { outputs: Map<string, OutputArray>[]; batch?: Map<string, OutputArray>; reused: boolean[] };
type Inference = Scored | { error: unknown };

/**
 * Starts the model on the samples of a batch that encoded and whose outputs `reused` lacks.
 * Never rejects: a batch left in flight cannot crash the runner.
 */
async function infer(prepared: PreparedEvaluation, session: () => Promise<ModelSession>, batch: EncodedSample[], outputNames: string[], reused: ReusedOutputs | undefined): Promise<Inference> {
  const perSample = batch.map(() => new Map<string, OutputArray>());
  const taken = batch.map((s) => (s.error === undefined ? reused?.get(s.inputHash) : undefined));
  taken.forEach((outputs, i) => outputs?.forEach((values, name) => perSample[i]!.set(name, values)));
  const flags = taken.map((t) => t !== undefined);
  const ok = batch.filter((s, i) => s.error === undefined && !flags[i]);
  if (ok.length === 0) return { outputs: perSample, reused: flags };
  const def = prepared.integration.definition;
  let outputs: Map<string, OutputArray>;
  try {
    const model = await session();
    const feeds = new Map<string, BatchFeed>(
      Object.entries(def.model.inputs).map(([modelInput, encName]) => {
        const enc = def.inputs[encName]!;
        return [modelInput, { dtype: enc.dtype, shape: enc.shape, samples: ok.map((s) => s.inputs.get(encName)!) }];
      }),
    );
    outputs = await model.run(batchTensors(feeds, model), outputNames);
  } catch (error) {
    return { error };
  }
  const split = [...outputs].map(([name, data]) => [name, splitSamples(data, ok.length)] as const);
  let k = 0;
  for (const [i, sample] of batch.entries()) {
    if (sample.error !== undefined || flags[i]) continue;
    for (const [name, rows] of split) perSample[i]!.set(name, rows[k]!);
    k++;
  }
  return { outputs: perSample, batch: outputs, reused: flags };
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


