import { createHash } from 'node:crypto';
import type { SubsetRef } from '../sdk';
import type { SampleRecord } from '../../shared/run-types';
import { errorText, type LoadedIntegration } from '../loader/load-script';
import { formatLocation, userFrame } from '../loader/user-stack';
import type { AnyTensorArray } from '../inference/dtypes';
import type { OutputArray } from '../inference/onnx-session';
import { encodedProblem, firstNonFinite, flattenMetadata, where } from '../integration-test/value-checks';
import { describeValue } from '../inference/dtypes';
import type { ValidatedText } from '../loader/definition-schema';

export interface SampleError {
  component: string;
  message: string;
}

/** One sample after its encoders and metadata ran: ready for the model, or already failed. */
export interface EncodedSample {
  position: number;
  index: number;
  inputs: Map<string, AnyTensorArray>;
  groundTruths: Map<string, AnyTensorArray>;
  metadata: Record<string, number | string | boolean>;
  inputHash: string;
  error?: SampleError;
}

/** Runs every encoder and metadata function of one sample, turning any problem into a sample error. */
export function encodeSample(integration: LoadedIntegration, subset: SubsetRef, position: number, index: number): EncodedSample {
  const def = integration.definition;
  const ref = { subset: subset.name, sample: index };
  const sample: EncodedSample = { position, index, inputs: new Map(), groundTruths: new Map(), metadata: {}, inputHash: '' };
  const labeled = subset.name !== 'unlabeled';
  const encoders = [
    ...Object.entries(def.inputs).map(([name, enc]) => ({ kind: 'input' as const, name, enc })),
    ...(labeled ? Object.entries(def.groundTruths ?? {}).map(([name, enc]) => ({ kind: 'groundTruth' as const, name, enc })) : []),
  ];
  for (const { kind, name, enc } of encoders) {
    const component = `${kind}:${name}`;
    const value = call(integration, component, `${kind === 'input' ? 'input' : 'ground-truth'} encoder '${name}' at ${where(ref)}`, () => enc.encode(index, subset));
    if ('error' in value) return { ...sample, error: value.error };
    const { problem } = encodedProblem({ kind, name, shape: enc.shape, dtype: enc.dtype }, value.ok, ref);
    if (problem !== undefined) return { ...sample, error: { component, message: problem.message } };
    (kind === 'input' ? sample.inputs : sample.groundTruths).set(name, value.ok as AnyTensorArray);
  }
  for (const [name, fn] of Object.entries(def.metadata ?? {})) {
    const component = `metadata:${name}`;
    const value = call(integration, component, `metadata function '${name}' at ${where(ref)}`, () => fn(index, subset));
    if ('error' in value) return { ...sample, error: value.error };
    const flat = flattenMetadata(name, value.ok, ref);
    if (flat.problem !== undefined) return { ...sample, error: { component, message: flat.problem.message } };
    for (const [key, v] of flat.values) sample.metadata[key === '' ? name : `${name}.${key}`] = v.value;
  }
  sample.inputHash = hashInputs(sample.inputs, Object.keys(def.inputs));
  return sample;
}

/** Per-sample result of the model: the record to append and the latent rows to store. */
export interface FinishedSample {
  record: SampleRecord;
  latents: Map<string, Float32Array>;
}

/** Checks the model's outputs for one sample and runs the custom metrics and losses on it. */
export function finishSample(
  integration: LoadedIntegration,
  subset: SubsetRef,
  benchmark: string,
  sample: EncodedSample,
  outputs: ReadonlyMap<string, OutputArray>,
): FinishedSample {
  const def = integration.definition;
  const ref = { subset: subset.name, sample: sample.index };
  const record: SampleRecord = {
    benchmark,
    position: sample.position,
    index: sample.index,
    inputHash: sample.inputHash,
    outputs: {},
    groundTruths: Object.fromEntries([...sample.groundTruths].map(([k, v]) => [k, Array.from(v, Number)])),
    metadata: sample.metadata,
    metrics: {},
    losses: {},
  };
  const latents = new Map<string, Float32Array>();
  if (sample.error !== undefined) return { record: { ...record, error: sample.error }, latents };

  for (const [name, values] of outputs) {
    const bad = values instanceof Float32Array ? firstNonFinite(values) : undefined;
    if (bad !== undefined) {
      return { record: { ...record, error: { component: `output:${name}`, message: `Model output '${name}' is ${values[bad]} at element ${bad} for ${where(ref)}. Check this sample's inputs and the model's numerical stability.` } }, latents: new Map() };
    }
    const binding = def.model.outputs[name];
    if (binding?.role === 'latent') {
      latents.set(name, Float32Array.from(values as Float32Array));
    } else if (binding?.task === 'text') {
      const text = decodeText(integration, name, binding, values, subset, ref);
      if ('error' in text) return { record: { ...record, error: text.error }, latents: new Map() };
      record.texts = { ...record.texts, [name]: text.ok };
    } else {
      record.outputs[name] = Array.from(values, Number);
    }
  }
  if (subset.name === 'unlabeled') return { record, latents };
  const result = { index: sample.index, subset, outputs: Object.fromEntries(outputs), groundTruths: Object.fromEntries(sample.groundTruths) };
  for (const [group, kind] of [['metrics', 'metric'], ['losses', 'loss']] as const) {
    for (const [name, fn] of Object.entries(def[group] ?? {})) {
      const component = `${kind}:${name}`;
      const value = call(integration, component, `custom ${kind} '${name}' for ${where(ref)}`, () => fn(result as never));
      if ('error' in value) return { record: { ...record, error: value.error }, latents: new Map() };
      if (typeof value.ok !== 'number' || !Number.isFinite(value.ok)) {
        return { record: { ...record, error: { component, message: `Custom ${kind} '${name}' returned ${String(value.ok)} for ${where(ref)}; it must return a finite number.` } }, latents: new Map() };
      }
      record[group][name] = value.ok;
    }
  }
  return { record, latents };
}

/** A text output's decoded text and the sample's references (none for unlabeled samples). */
export function decodeText(
  integration: LoadedIntegration,
  name: string,
  binding: ValidatedText,
  values: OutputArray,
  subset: SubsetRef,
  ref: { subset: string; sample: number },
): { ok: { hypothesis: string; references: string[] } } | { error: SampleError } {
  const component = `output:${name}`;
  const hypothesis = call(integration, component, `text decoder of output '${name}' for ${where(ref)}`, () => binding.decode(values));
  if ('error' in hypothesis) return hypothesis;
  if (typeof hypothesis.ok !== 'string') {
    return { error: { component, message: `The text decoder of output '${name}' returned ${describeValue(hypothesis.ok)} for ${where(ref)}; decode() must return a string.` } };
  }
  if (subset.name === 'unlabeled') return { ok: { hypothesis: hypothesis.ok, references: [] } };
  const references = call(integration, component, `references of output '${name}' at ${where(ref)}`, () => binding.references(ref.sample, subset));
  if ('error' in references) return references;
  const list = typeof references.ok === 'string' ? [references.ok] : references.ok;
  if (!Array.isArray(list) || list.length === 0 || !list.every((r) => typeof r === 'string')) {
    return { error: { component, message: `references() of output '${name}' returned ${describeValue(references.ok)} at ${where(ref)}; return the reference text, or a non-empty array of them.` } };
  }
  return { ok: { hypothesis: hypothesis.ok, references: list } };
}

function call(integration: LoadedIntegration, component: string, what: string, fn: () => unknown): { ok: unknown } | { error: SampleError } {
  try {
    return { ok: fn() };
  } catch (error) {
    const at = userFrame(error, integration.file);
    return { error: { component, message: `The ${what} threw${at ? ` (at ${formatLocation(at)})` : ''}: ${errorText(error)}.` } };
  }
}

/** sha256 of the encoded inputs in binding order, shortened: equal hashes mean the model saw equal data. */
function hashInputs(inputs: ReadonlyMap<string, AnyTensorArray>, order: readonly string[]): string {
  const hash = createHash('sha256');
  for (const name of order) {
    const value = inputs.get(name)!;
    hash.update(name).update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}
