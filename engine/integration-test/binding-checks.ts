import path from 'node:path';
import type { ValidatedDefinition } from '../loader/definition-schema';
import { formatDims, type Dim, type ModelSignature, type TensorInfo } from '../onnx/model-signature';
import { tensorOutputProblem } from '../onnx/graph-outputs';
import { product } from '../inference/dtypes';
import type { CheckCollector } from './check-collector';
import { classCountOf, expectedGroundTruthSizes } from './prediction-shapes';

/**
 * Checks that need only the definition and the model's signature: every binding names a
 * real model input or output (or, for a latent, a tensor the graph computes), dims and dtypes agree, every model input is fed, and class
 * counts match the labels.
 */
export function checkBindings(def: ValidatedDefinition, signature: ModelSignature, checks: CheckCollector): void {
  const model = path.basename(signature.file);
  const inputs = new Map(signature.inputs.map((t) => [t.name, t]));
  const outputs = new Map(signature.outputs.map((t) => [t.name, t]));

  for (const input of signature.inputs) {
    if (input.name in def.model.inputs) {
      checks.pass('binding.input-fed', `model-input:${input.name}`);
    } else {
      checks.fail(
        'binding.input-fed',
        `model-input:${input.name}`,
        `Model input '${input.name}' (${describeTensor(input)}) of ${model} is not fed by any encoder. Add \`${input.name}: '<encoder name>'\` to model.inputs, naming an input encoder that produces it.`,
      );
    }
  }

  const boundEncoders = new Set(Object.values(def.model.inputs));
  for (const [modelInput, encoderName] of Object.entries(def.model.inputs)) {
    const component = `input:${encoderName}`;
    const encoder = def.inputs[encoderName]!;
    const tensor = inputs.get(modelInput);
    if (tensor === undefined) {
      checks.fail(
        'binding.input-exists',
        component,
        `model.inputs binds encoder '${encoderName}' to '${modelInput}', which ${model} does not have (its inputs: ${listTensors(signature.inputs)}). Rename the key in model.inputs to one of the model's inputs.`,
      );
      continue;
    }
    checks.pass('binding.input-exists', component);
    if (tensor.elementType === encoder.dtype) {
      checks.pass('binding.input-dtype', component);
    } else {
      checks.fail(
        'binding.input-dtype',
        component,
        `Input encoder '${encoderName}' declares dtype '${encoder.dtype}', but model input '${modelInput}' of ${model} takes '${tensor.elementType}'. Declare dtype '${tensor.elementType}' and return the matching typed array.`,
      );
    }
    const problem = dimsProblem(encoder.shape, tensor.dims);
    if (problem === undefined) {
      checks.pass('binding.input-shape', component);
    } else {
      checks.fail(
        'binding.input-shape',
        component,
        `Input encoder '${encoderName}' declares shape [${encoder.shape.join(', ')}] (per sample), but model input '${modelInput}' of ${model} is ${formatDims(tensor.dims)}: ${problem}. Declare the model's per-sample dims (all but the first, batch, dim).`,
      );
    }
  }
  for (const encoderName of Object.keys(def.inputs)) {
    if (!boundEncoders.has(encoderName)) {
      checks.warn(
        'binding.encoder-used',
        `input:${encoderName}`,
        `Input encoder '${encoderName}' feeds no model input, so its work is wasted. Bind it in model.inputs or remove it.`,
      );
    }
  }

  for (const [outputName, binding] of Object.entries(def.model.outputs)) {
    const component = `output:${outputName}`;
    if (binding.role === 'latent' && binding.tensor !== undefined) {
      const problem = tensorOutputProblem(signature, { name: outputName, tensor: binding.tensor });
      if (problem === undefined) checks.pass('binding.tensor-exists', component);
      else checks.fail(problem.kind === 'missing' ? 'binding.tensor-exists' : 'binding.tensor-name', component, problem.message);
      continue;
    }
    const tensor = outputs.get(outputName);
    if (tensor === undefined) {
      checks.fail(
        'binding.output-exists',
        component,
        `model.outputs names '${outputName}', which ${model} does not have (its outputs: ${listTensors(signature.outputs)}). Rename the key to one of the model's outputs.`,
      );
      continue;
    }
    checks.pass('binding.output-exists', component);
    if (binding.role !== 'prediction' || binding.task === 'text') continue;
    const perSample = perSampleSize(tensor.dims);
    if (binding.labels !== undefined && perSample !== undefined) {
      const expected = classCountOf(binding.task, binding.labels.length);
      if (expected.includes(perSample)) {
        checks.pass('binding.labels-count', component);
      } else {
        checks.fail(
          'binding.labels-count',
          component,
          `Output '${outputName}' is ${formatDims(tensor.dims)} (${perSample} values per sample), but its ${binding.task} binding lists ${binding.labels.length} labels. Give exactly one label per class of the output${binding.task === 'binary' ? ' (binary: two labels, negative then positive)' : ''}.`,
        );
      }
    }
    if (binding.groundTruth !== undefined) {
      const gt = def.groundTruths?.[binding.groundTruth];
      const gtComponent = `groundTruth:${binding.groundTruth}`;
      const sizes = perSample === undefined ? undefined : expectedGroundTruthSizes(binding.task, perSample);
      if (gt !== undefined && sizes !== undefined) {
        const size = product(gt.shape);
        if (sizes.includes(size)) {
          checks.pass('binding.ground-truth-shape', gtComponent);
        } else {
          checks.fail(
            'binding.ground-truth-shape',
            gtComponent,
            `Ground truth '${binding.groundTruth}' has shape [${gt.shape.join(', ')}] (${size} values), but output '${outputName}' (${binding.task}, ${perSample} values per sample) is scored against ${sizes.map((s) => `${s}`).join(' or ')} values per sample. ${groundTruthHint(binding.task)}`,
          );
        }
      }
    }
  }
}

export function groundTruthHint(task: string): string {
  switch (task) {
    case 'classification':
      return 'Use shape [] with an integer class index, or shape [classes] with a one-hot vector.';
    case 'binary':
      return 'Use shape [] with 0 or 1.';
    case 'multilabel':
      return 'Use shape [classes] with 0 / 1 per class.';
    default:
      return 'Use the same shape as the output.';
  }
}

export function perSampleSize(dims: Dim[] | null): number | undefined {
  if (dims === null || dims.length === 0) return undefined;
  const rest = dims.slice(1);
  return rest.every((d): d is number => typeof d === 'number') ? product(rest) : undefined;
}

/** Why a per-sample shape cannot feed model dims, or undefined when it can (a symbolic or unknown dim accepts any size). */
export function dimsProblem(shape: readonly number[], dims: Dim[] | null): string | undefined {
  if (dims === null) return undefined;
  if (dims.length !== shape.length + 1) {
    return `the model expects ${dims.length - 1} per-sample dims after the batch dim, the encoder declares ${shape.length}`;
  }
  for (let i = 0; i < shape.length; i++) {
    const d = dims[i + 1];
    if (typeof d === 'number' && d !== shape[i]) return `dim ${i + 1} is ${d} in the model and ${shape[i]} in the encoder`;
  }
  return undefined;
}

function describeTensor(t: TensorInfo): string {
  return `${t.elementType} ${formatDims(t.dims)}`;
}

function listTensors(tensors: readonly TensorInfo[]): string {
  return tensors.map((t) => `'${t.name}' ${describeTensor(t)}`).join(', ') || 'none';
}
