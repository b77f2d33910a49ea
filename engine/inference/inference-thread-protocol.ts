import type { EvalensErrorCode, ErrorLocation } from '../errors';
import type { BatchTensor, ModelSessionOptions, OutputArray } from './onnx-session';

export type ToInferenceThread =
  | { type: 'open'; modelPath: string; options: ModelSessionOptions }
  /** `session`: which of the models opened, in the order opened (a checkpoint series opens several). `spare`: outputs of earlier batches, moved back to be filled again. */
  | { type: 'run'; id: number; session: number; inputs: [name: string, tensor: BatchTensor][]; outputNames: readonly string[]; spare: [name: string, data: OutputArray][] }
  /** Releases the sessions open, and ends the thread. */
  | { type: 'release' };

/** An error as it crosses threads: enough to rebuild an EvalensError, or an onnxruntime message. */
export interface ThreadError {
  message: string;
  code?: EvalensErrorCode;
  location?: ErrorLocation;
}

export type FromInferenceThread =
  | { type: 'fallback'; message: string }
  | { type: 'ready'; outputNames: string[] }
  | { type: 'open-failed'; error: ThreadError }
  /** With the batch's input arrays, moved back for the next batches to reuse. */
  | { type: 'result'; id: number; outputs: [name: string, data: OutputArray][]; inputs: BatchTensor[] }
  | { type: 'run-failed'; id: number; error: ThreadError; inputs: BatchTensor[] };
