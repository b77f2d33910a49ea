import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EvalensError } from '../errors';
import type { FromInferenceThread, ThreadError, ToInferenceThread } from './inference-thread-protocol';
import { ArrayPool } from './array-pool';
import { arrayConstructorOf, type AnyTensorArray } from './dtypes';
import type { BatchTensor, ModelSession, ModelSessionOptions, OutputArray } from './onnx-session';

/** The thread's bundle, built beside the runner's (dist/). */
const THREAD_ENTRY = path.join(__dirname, 'inference-thread.js');

/** The runner's inference thread (see inference-thread.ts), started before the model is known. */
export interface InferenceThread {
  /**
   * Opens a model there, with the execution providers in order of preference as
   * `openModelSession` does; one open at a time (a series opens one per checkpoint, each kept). Batches run one after the other, in the order given; their input
   * buffers are moved to the thread, not copied.
   */
  open(modelPath: string, options: ModelSessionOptions, onFallback?: (message: string) => void): Promise<ModelSession>;
  /** Releases the sessions open and ends the thread once the batches sent before have run. */
  close(): Promise<void>;
}

/** Starts the thread, which loads onnxruntime while the caller prepares the run. */
export function startInferenceThread(): InferenceThread {
  if (!existsSync(THREAD_ENTRY)) throw new Error(`${THREAD_ENTRY} is missing: build Evalens (npm run build) so the runner can start its inference thread`);
  const worker = new Worker(THREAD_ENTRY);
  const send = (message: ToInferenceThread, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  const pending = new Map<number, { resolve: (outputs: Map<string, OutputArray>) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let opening: { resolve: (outputNames: string[]) => void; reject: (error: Error) => void; onFallback?: (message: string) => void } | undefined;
  let failure: Error | undefined;
  let opened = 0;
  // Input arrays back from the thread, by dtype, for the next batches to fill.
  const spare = new ArrayPool<AnyTensorArray>();
  const keep = (inputs: BatchTensor[]) => {
    for (const { dtype, data } of inputs) spare.put(dtype, data);
  };
  const recycled: [string, OutputArray][] = [];
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const failAll = (error: Error) => {
    failure ??= error;
    opening?.reject(failure);
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  worker.on('message', (message: FromInferenceThread) => {
    switch (message.type) {
      case 'fallback':
        opening?.onFallback?.(message.message);
        break;
      case 'ready':
        opening?.resolve(message.outputNames);
        break;
      case 'open-failed':
        opening?.reject(rebuild(message.error));
        break;
      case 'result':
        keep(message.inputs);
        pending.get(message.id)?.resolve(new Map(message.outputs));
        pending.delete(message.id);
        break;
      case 'run-failed':
        keep(message.inputs);
        pending.get(message.id)?.reject(rebuild(message.error));
        pending.delete(message.id);
        break;
    }
  });
  worker.on('error', (error) => failAll(new Error(`the inference thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => failAll(new Error(`the inference thread exited (code ${code})`)));

  const close = async () => {
    if (failure === undefined) send({ type: 'release' });
    await ended;
  };
  return {
    async open(modelPath, options, onFallback) {
      if (failure !== undefined) throw failure;
      const outputNames = await new Promise<string[]>((resolve, reject) => {
        opening = { resolve, reject, onFallback };
        send({ type: 'open', modelPath, options });
      });
      opening = undefined;
      const session = opened++;
      return {
        outputNames,
        tensorArray: (dtype, length) => spare.take(dtype, length, () => new (arrayConstructorOf(dtype))(length)),
        recycle: (outputs) => recycled.push(...outputs),
        run(inputs, names) {
          if (failure !== undefined) return Promise.reject(failure);
          const id = nextId++;
          // Outputs handed back go with the next batch, to be filled again there.
          const back = recycled.splice(0);
          return new Promise((resolve, reject) => {
            pending.set(id, { resolve, reject });
            send({ type: 'run', id, session, inputs: [...inputs], outputNames: names, spare: back }, [...[...inputs.values()].map((t) => t.data.buffer), ...back.map(([, data]) => data.buffer)] as ArrayBuffer[]);
          });
        },
        release: close,
      };
    },
    close,
  };
}

function rebuild(error: ThreadError): Error {
  return error.code === undefined ? new Error(error.message) : new EvalensError(error.code, error.message, error.location);
}
