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

export async function openModelSession(modelPath: string, executionProviders: readonly string[] = ['cpu']): Promise<ModelSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, { executionProviders: [...executionProviders] });
  } catch (error) {
    throw new EvalensError(
      'model-invalid',
      `onnxruntime could not load the model ${path.relative(process.cwd(), modelPath)}: ${error instanceof Error ? error.message : String(error)}. ` +
        `Check that the file is a complete ONNX model exported with an opset this onnxruntime supports (re-export it if needed).`,
      { file: modelPath },
      { cause: error },
    );
  }
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
