/**
 * The inference thread of a run (bundled as dist/inference-thread.js): owns the onnxruntime
 * session. onnxruntime-node 1.30 runs `session.run` synchronously on the calling thread, so
 * here it leaves the runner's main thread free to encode the next batch and write the last
 * one's records meanwhile. Started before the run is prepared, it loads onnxruntime meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { isEvalensError } from '../errors';
import { ArrayPool } from './array-pool';
import type { FromInferenceThread, ThreadError, ToInferenceThread } from './inference-thread-protocol';
import { openModelSession, type ModelSession, type OutputArray } from './onnx-session';

const port = parentPort!;
const post = (message: FromInferenceThread) => port.postMessage(message);
/** The models opened, in order: one, or a checkpoint series' every checkpoint. */
const sessions: ModelSession[] = [];
/** Output arrays the main thread handed back, by output name. */
const spareOutputs = new ArrayPool<OutputArray>();

/** A copy of onnxruntime's output in an array of our own (one handed back, if any), to move to the main thread. */
function owned(name: string, data: OutputArray): OutputArray {
  const copy = spareOutputs.take(name, data.length, () => new (data.constructor as new (length: number) => OutputArray)(data.length));
  (copy as Float32Array).set(data as Float32Array);
  return copy;
}

function threadError(error: unknown): ThreadError {
  return isEvalensError(error) ? { message: error.message, code: error.code, location: error.location } : { message: error instanceof Error ? error.message : String(error) };
}

async function handle(message: ToInferenceThread): Promise<void> {
  switch (message.type) {
    case 'open':
      try {
        const session = await openModelSession(message.modelPath, message.options, (text) => post({ type: 'fallback', message: text }));
        sessions.push(session);
        post({ type: 'ready', outputNames: [...session.outputNames] });
      } catch (error) {
        post({ type: 'open-failed', error: threadError(error) });
      }
      return;
    case 'run': {
      for (const [name, data] of message.spare) spareOutputs.put(name, data);
      // The inputs go back to be refilled: garbage here would pile up, as this thread allocates
      // too little for its garbage collector to run often.
      const inputs = message.inputs.map(([, tensor]) => tensor);
      const moved = inputs.map((t) => t.data.buffer as ArrayBuffer);
      try {
        const outputs = [...(await sessions[message.session]!.run(new Map(message.inputs), message.outputNames))];
        // Copied out of onnxruntime's buffers and moved, not cloned: cloning a view clones the whole buffer behind it.
        const copies = outputs.map(([name, data]) => [name, owned(name, data)] as [string, OutputArray]);
        port.postMessage({ type: 'result', id: message.id, outputs: copies, inputs } satisfies FromInferenceThread, [...copies.map(([, data]) => data.buffer as ArrayBuffer), ...moved]);
      } catch (error) {
        port.postMessage({ type: 'run-failed', id: message.id, error: threadError(error), inputs } satisfies FromInferenceThread, moved);
      }
      return;
    }
    case 'release':
      // Released before the thread ends: ending it with a live session aborts the process.
      for (const session of sessions.splice(0)) await session.release();
      port.close();
  }
}

// One message at a time, in order: a release waits for the batches before it.
let queue = Promise.resolve();
port.on('message', (message: ToInferenceThread) => {
  queue = queue.then(() => handle(message));
});
