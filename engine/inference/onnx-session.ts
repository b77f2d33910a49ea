import * as ort from 'onnxruntime-node';
import path from 'node:path';
import type { Dtype } from '../sdk';
import { EvalensError } from '../errors';
import { concatSamples, type AnyTensorArray } from './dtypes';

export type OutputArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;

/** A model input for one batch: the samples' arrays and the per-sample shape. */
export interface BatchFeed {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly samples: readonly AnyTensorArray[];
}

/** A model input for one batch, already one buffer: what crosses to the inference thread. */
export interface BatchTensor {
  readonly dtype: Dtype;
  readonly dims: readonly number[];
  readonly data: AnyTensorArray;
}

/** A model ready to run, in this thread (`openModelSession`) or in its own (`openInferenceThread`). */
export interface ModelSession {
  readonly outputNames: readonly string[];
  /** An array to fill with a batch input: the inference thread hands back those of earlier batches. */
  tensorArray?(dtype: Dtype, length: number): AnyTensorArray;
  /** Hands a batch's outputs back, once nothing refers to them, for the session to fill again. */
  recycle?(outputs: ReadonlyMap<string, OutputArray>): void;
  /** Runs one batch; returns each requested output's whole-batch data. */
  run(inputs: ReadonlyMap<string, BatchTensor>, outputNames: readonly string[]): Promise<Map<string, OutputArray>>;
  release(): Promise<void>;
}

/** Concatenates each input's per-sample arrays into one batch tensor, in arrays the session provides if it does. */
export function batchTensors(feeds: ReadonlyMap<string, BatchFeed>, session?: ModelSession): Map<string, BatchTensor> {
  const tensors = new Map<string, BatchTensor>();
  for (const [name, feed] of feeds) {
    const perSample = feed.shape.reduce((a, b) => a * b, 1);
    const out = session?.tensorArray?.(feed.dtype, feed.samples.length * perSample);
    tensors.set(name, { dtype: feed.dtype, dims: [feed.samples.length, ...feed.shape], data: concatSamples(feed.dtype, feed.samples, perSample, out) });
  }
  return tensors;
}

/** Runs one batch of per-sample feeds; returns, per output name, one array per sample (views, no copies). */
export async function runBatch(session: ModelSession, feeds: ReadonlyMap<string, BatchFeed>, outputNames: readonly string[]): Promise<Map<string, OutputArray[]>> {
  const batch = feeds.values().next().value?.samples.length ?? 0;
  const outputs = await session.run(batchTensors(feeds), outputNames);
  return new Map([...outputs].map(([name, data]) => [name, splitSamples(data, batch)]));
}

/** How onnxruntime runs the model. */
export interface ModelSessionOptions {
  /** Execution providers in order of preference; default CPU. */
  readonly executionProviders?: readonly string[];
  /** Threads per batch (intra-op); default: onnxruntime's, one per core. */
  readonly intraOpThreads?: number;
  /**
   * Give a batch's memory back when it ends: onnxruntime's CPU arena and memory pattern off.
   * With them on, the arena keeps the largest batch's memory for good (and grows in powers of
   * two), so a smaller batch would not lower the runner's resident memory; the runner's memory
   * limit needs them off (about 5–10% more model time on the throughput fixture).
   */
  readonly releaseMemoryAfterRun?: boolean;
}

/** A model file, or a model built in memory (an edited copy) with the file it was made from, for messages. */
export type ModelSource = string | { readonly file: string; readonly bytes: Uint8Array };

/**
 * Opens an onnxruntime session with the execution providers in order of preference: a
 * provider this onnxruntime-node cannot load (CUDA without its libraries, say) is dropped,
 * and the next one is tried; `onFallback` says which was dropped and why.
 */
export async function openModelSession(model: ModelSource, options: ModelSessionOptions = {}, onFallback?: (message: string) => void): Promise<ModelSession> {
  const modelPath = typeof model === 'string' ? model : model.file;
  const executionProviders = options.executionProviders ?? ['cpu'];
  let providers = [...executionProviders];
  let session: ort.InferenceSession | undefined;
  while (session === undefined) {
    try {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: providers,
        // onnxruntime-node rejects the key when it is present but undefined.
        ...(options.intraOpThreads !== undefined && { intraOpNumThreads: options.intraOpThreads }),
        ...(options.releaseMemoryAfterRun === true && { enableCpuMemArena: false, enableMemPattern: false }),
        // Idle threads sleep rather than spin between batches: the runner's main thread, encoding
        // beside the model, needs that CPU (spinning cost the runner ~10% on two cores).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      session = await (typeof model === 'string' ? ort.InferenceSession.create(model, sessionOptions) : ort.InferenceSession.create(model.bytes, sessionOptions));
    } catch (error) {
      if (!isProviderFailure(error)) throw modelLoadError(modelPath, error);
      const [dropped, ...rest] = providers;
      if (rest.length === 0) {
        throw new EvalensError(
          'config-invalid',
          `onnxruntime-node cannot use the execution provider${executionProviders.length > 1 ? 's' : ''} ${executionProviders.map((p) => `'${p}'`).join(', ')} here (${firstLine(error)}). ` +
            `Add "cpu" to executionProviders as a fallback, or install onnxruntime-node with that provider's libraries (for CUDA: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false, on a machine that can download them).`,
          { file: modelPath },
          { cause: error },
        );
      }
      onFallback?.(`execution provider '${dropped}' is not available (${firstLine(error)}); using ${rest.map((p) => `'${p}'`).join(', ')}`);
      providers = rest;
    }
  }
  return sessionOf(session);
}

function isProviderFailure(error: unknown): boolean {
  return /backend not found|no available backend|ExecutionProvider|providers_shared|Failed to load (shared )?library/i.test(error instanceof Error ? error.message : String(error));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(/[\n\[]/)[0]!.trim();
}

function modelLoadError(modelPath: string, error: unknown): EvalensError {
  return new EvalensError(
    'model-invalid',
    `onnxruntime could not load the model ${path.relative(process.cwd(), modelPath)}: ${error instanceof Error ? error.message : String(error)}. ` +
      `Check that the file is a complete ONNX model exported with an opset this onnxruntime supports (re-export it if needed).`,
    { file: modelPath },
    { cause: error },
  );
}

function sessionOf(session: ort.InferenceSession): ModelSession {
  return {
    outputNames: session.outputNames,
    async run(tensors, outputNames) {
      const inputs: Record<string, ort.Tensor> = {};
      for (const [name, t] of tensors) inputs[name] = new ort.Tensor(t.dtype, t.data, [...t.dims]);
      const results = await session.run(inputs, [...outputNames]);
      const outputs = new Map<string, OutputArray>();
      for (const name of outputNames) {
        const tensor = results[name];
        if (tensor !== undefined) outputs.set(name, tensor.data as OutputArray);
      }
      return outputs;
    },
    release: () => session.release(),
  };
}

/** One batch's output split per sample: views of the batch's data. */
export function splitSamples(data: OutputArray, batch: number): OutputArray[] {
  const per = batch === 0 ? 0 : data.length / batch;
  return Array.from({ length: batch }, (_, i) => data.subarray(i * per, (i + 1) * per) as OutputArray);
}
