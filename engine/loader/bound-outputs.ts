import { readFile } from 'node:fs/promises';
import type { ModelSignature } from '../onnx/model-signature';
import { tensorOutputProblem, withExtraOutputs, type TensorOutput } from '../onnx/graph-outputs';
import type { ValidatedDefinition } from './definition-schema';

/** The latents bound to a tensor of the graph: what the edited copy of the model adds as outputs. */
export function tensorOutputs(def: ValidatedDefinition): TensorOutput[] {
  return Object.entries(def.model.outputs).flatMap(([name, b]) => (b.role === 'latent' && b.tensor !== undefined ? [{ name, tensor: b.tensor }] : []));
}

/**
 * The keys of model.outputs a session returns: outputs the model has, and latents read from a
 * tensor it computes (outputs of the edited copy). Bindings the checks reject are left out.
 */
export function boundOutputNames(def: ValidatedDefinition, signature: ModelSignature): string[] {
  return Object.entries(def.model.outputs)
    .filter(([name, b]) =>
      b.role === 'latent' && b.tensor !== undefined ? tensorOutputProblem(signature, { name, tensor: b.tensor }) === undefined : signature.outputs.some((o) => o.name === name),
    )
    .map(([name]) => name);
}

/**
 * The model with the tensors its latents read added as outputs (engine/onnx/graph-outputs.ts),
 * or undefined when no latent reads a tensor and the file runs as it is. Latents whose tensor
 * the checks reject are left out, so the rest of the model still runs.
 */
export async function editedModelBytes(modelPath: string, def: ValidatedDefinition, signature: ModelSignature): Promise<Uint8Array | undefined> {
  const extra = tensorOutputs(def).filter((o) => tensorOutputProblem(signature, o) === undefined);
  if (extra.length === 0) return undefined;
  return withExtraOutputs(await readFile(modelPath), extra, modelPath);
}
