import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EvalensError } from '../errors';
import type { FromInferenceThread, InferenceThreadData, ThreadError, ToInferenceThread } from './inference-thread-protocol';
import type { ModelSession, OutputArray } from './onnx-session';

/** The thread's bundle, built beside the runner's (dist/). */
const THREAD_ENTRY = path.join(__dirname, 'inference-thread.js');

/**
 * Opens the model in an inference thread of its own (see inference-thread.ts), with the
 * execution providers in order of preference as `openModelSession` does. Batches run one at a
 * time, in the order given; their input buffers are moved to the thread, not copied.
 */
export async function openInferenceThread(modelPath: string, executionProviders: readonly string[], onFallback?: (message: string) => void): Promise<ModelSession> {
  if (!existsSync(THREAD_ENTRY)) throw new Error(`${THREAD_ENTRY} is missing: build Evalens (npm run build) so the runner can start its inference thread`);
  const data: InferenceThreadData = { modelPath, executionProviders: [...executionProviders] };
  const worker = new Worker(THREAD_ENTRY, { workerData: data });
  const pending = new Map<number, { resolve: (outputs: Map<string, OutputArray>) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let released: (() => void) | undefined;
  let opened: { resolve: (outputNames: string[]) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;

  const failAll = (error: Error) => {
    failure ??= error;
    opened?.reject(error);
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (message: FromInferenceThread) => {
    switch (message.type) {
      case 'fallback':
        onFallback?.(message.message);
        break;
      case 'ready':
        opened?.resolve(message.outputNames);
        break;
      case 'open-failed':
        opened?.reject(rebuild(message.error));
        break;
      case 'result':
        pending.get(message.id)?.resolve(new Map(message.outputs));
        pending.delete(message.id);
        break;
      case 'run-failed':
        pending.get(message.id)?.reject(rebuild(message.error));
        pending.delete(message.id);
        break;
      case 'released':
        released?.();
        break;
    }
  });
  worker.on('error', (error) => failAll(new Error(`the inference thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    released?.();
    failAll(new Error(`the inference thread exited (code ${code})`));
  });

  const outputNames = await new Promise<string[]>((resolve, reject) => (opened = { resolve, reject }));
  opened = undefined;
  return {
    outputNames,
    run(inputs, names) {
      if (failure !== undefined) return Promise.reject(failure);
      const id = nextId++;
      const message: ToInferenceThread = { type: 'run', id, inputs: [...inputs], outputNames: names };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(message, [...inputs.values()].map((t) => t.data.buffer as ArrayBuffer));
      });
    },
    async release() {
      if (failure !== undefined) return;
      const done = new Promise<void>((resolve) => (released = resolve));
      worker.postMessage({ type: 'release' } satisfies ToInferenceThread);
      await done;
    },
  };
}

function rebuild(error: ThreadError): Error {
  return error.code === undefined ? new Error(error.message) : new EvalensError(error.code, error.message, error.location);
}
