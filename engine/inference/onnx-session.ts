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

export interface ModelSession {
  readonly session: ort.InferenceSession;
  /** Runs one batch and returns, per output name, one array per sample (views, no copies). */
  runBatch(feeds: ReadonlyMap<string, BatchFeed>, outputNames: readonly string[]): Promise<Map<string, OutputArray[]>>;
  release(): Promise<void>;
}

/**
 * Opens an onnxruntime session with the execution providers in order of preference: a
 * provider this onnxruntime-node cannot load (CUDA without its libraries, say) is dropped,
 * and the next one is tried; `onFallback` says which was dropped and why.
 */
export async function openModelSession(
  modelPath: string,
  executionProviders: readonly string[] = ['cpu'],
  onFallback?: (message: string) => void,
): Promise<ModelSession> {
  let providers = [...executionProviders];
  let session: ort.InferenceSession | undefined;
  while (session === undefined) {
    try {
      session = await ort.InferenceSession.create(modelPath, { executionProviders: providers });
    } catch (error) {
      if (!isProviderFailure(error)) throw modelLoadError(modelPath, error);
      const [dropped, ...rest] = providers;
      if (rest.length === 0) {
        throw new EvalensError(
          'config-invalid',
          `onnxruntime-node cannot use the execution provider${executionProviders.length > 1 ? 's' : ''} ${executionProviders.map((p) => `'${p}'`).join(', ')} here (${firstLine(error)}). ` +
            `Add "cpu" to executionProviders as a fallback, or install onnxruntime-node with that provider's libraries (for CUDA: ONNXRUNTIME_NODE_INSTALL_CUDA=v12 npm install, on a machine that can download them).`,
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
    session,
    async runBatch(feeds, outputNames) {
      const inputs: Record<string, ort.Tensor> = {};
      let batch = 0;
      for (const [name, feed] of feeds) {
        batch = feed.samples.length;
        const perSample = feed.shape.reduce((a, b) => a * b, 1);
        inputs[name] = new ort.Tensor(feed.dtype, concatSamples(feed.dtype, feed.samples, perSample), [batch, ...feed.shape]);
      }
      const results = await session.run(inputs, [...outputNames]);
      const split = new Map<string, OutputArray[]>();
      for (const name of outputNames) {
        const tensor = results[name];
        if (tensor === undefined) continue;
        split.set(name, splitSamples(tensor.data as OutputArray, batch));
      }
      return split;
    },
    release: () => session.release(),
  };
}

function splitSamples(data: OutputArray, batch: number): OutputArray[] {
  const per = batch === 0 ? 0 : data.length / batch;
  return Array.from({ length: batch }, (_, i) => data.subarray(i * per, (i + 1) * per) as OutputArray);
}
