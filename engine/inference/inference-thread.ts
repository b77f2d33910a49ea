/**
 * The inference thread of a run (bundled as dist/inference-thread.js): owns the onnxruntime
 * session. onnxruntime-node 1.30 runs `session.run` synchronously on the calling thread, so
 * here it leaves the runner's main thread free to encode the next batch and write the last
 * one's records meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isEvalensError } from '../errors';
import type { FromInferenceThread, InferenceThreadData, ThreadError, ToInferenceThread } from './inference-thread-protocol';
import { openModelSession, type ModelSession, type OutputArray } from './onnx-session';

const port = parentPort!;
const { modelPath, executionProviders } = workerData as InferenceThreadData;
const post = (message: FromInferenceThread) => port.postMessage(message);

function threadError(error: unknown): ThreadError {
  return isEvalensError(error) ? { message: error.message, code: error.code, location: error.location } : { message: error instanceof Error ? error.message : String(error) };
}

async function handle(session: ModelSession, message: ToInferenceThread): Promise<void> {
  if (message.type === 'release') {
    // Released before the thread ends: ending it with a live session aborts the process.
    await session.release();
    post({ type: 'released' });
    port.close();
    return;
  }
  try {
    const outputs = [...(await session.run(new Map(message.inputs), message.outputNames))];
    // Copied out of onnxruntime's buffers and moved, not cloned: cloning a view clones the whole buffer behind it.
    const owned = outputs.map(([name, data]) => [name, data.slice()] as [string, OutputArray]);
    port.postMessage({ type: 'result', id: message.id, outputs: owned } satisfies FromInferenceThread, owned.map(([, data]) => data.buffer as ArrayBuffer));
  } catch (error) {
    post({ type: 'run-failed', id: message.id, error: threadError(error) });
  }
}

openModelSession(modelPath, executionProviders, (message) => post({ type: 'fallback', message })).then(
  (session) => {
    // One message at a time, in order: a release waits for the batch before it.
    let queue = Promise.resolve();
    port.on('message', (message: ToInferenceThread) => {
      queue = queue.then(() => handle(session, message));
    });
    post({ type: 'ready', outputNames: [...session.outputNames] });
  },
  (error: unknown) => {
    post({ type: 'open-failed', error: threadError(error) });
    port.close();
  },
);
