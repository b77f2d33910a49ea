import type { EvalensErrorCode, ErrorLocation } from '../errors';
import type { BatchTensor, OutputArray } from './onnx-session';

/** What the inference thread is started with. */
export interface InferenceThreadData {
  modelPath: string;
  executionProviders: string[];
}

export type ToInferenceThread =
  | { type: 'run'; id: number; inputs: [name: string, tensor: BatchTensor][]; outputNames: readonly string[] }
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
  | { type: 'result'; id: number; outputs: [name: string, data: OutputArray][] }
  | { type: 'run-failed'; id: number; error: ThreadError }
  | { type: 'released' };
