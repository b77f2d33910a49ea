import type { ModelSignature } from '../onnx/model-signature';

/** The batch size a model was exported with, when its batch dim is a number (often 1): it runs no other. */
export function fixedBatchSize(signature: ModelSignature): number | undefined {
  return signature.inputs.map((t) => t.dims?.[0]).find((d): d is number => typeof d === 'number');
}
