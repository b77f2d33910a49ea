import type { SubsetRef } from '../sdk';
import { errorText, type LoadedIntegration } from '../loader/load-script';
import { formatLocation, userFrame } from '../loader/user-stack';
import type { SourceLocation } from '../../shared/integration-test-report';
import type { AnyTensorArray } from '../inference/dtypes';
import type { OutputArray } from '../inference/onnx-session';
import { encodedProblem, firstNonFinite, flattenMetadata, where, type EncoderSpec } from '../integration-test/value-checks';
import { describeValue } from '../inference/dtypes';
import type { ValidatedEncoder, ValidatedText } from '../loader/definition-schema';
import type { RunRecord } from '../runs/record-format';
import type { InputHasher } from './input-hash';

export interface SampleError {
  component: string;
  message: string;
  /** The line of the user's script that threw, when user code did. */
  location?: SourceLocation;
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

/** Per-sample result of the model: the record to append and the latent rows to store. */
export interface FinishedSample {
  record: RunRecord;
  latents: Map<string, OutputArray>;
}

/** A benchmark's per-sample work, before and after the model. */
export interface SamplePipeline {
  /** Runs every encoder and metadata function of one sample, turning any problem into a sample error. */
  encode(position: number, index: number): EncodedSample;
  /** Checks the model's outputs for one sample and runs the custom metrics and losses on it. */
  finish(sample: EncodedSample, outputs: ReadonlyMap<string, OutputArray>): FinishedSample;
  /** Whether finish hands outputs to user code (custom metrics, text decoders), which may keep them. */
  readonly sharesOutputs: boolean;
}

interface Encoder extends EncoderSpec {
  component: string;
  what: string;
  encode: (index: number, subset: SubsetRef) => unknown;
}

/**
 * The sample pipeline of one benchmark. What does not change from sample to sample (the
 * encoders, their checks' names, the functions to call) is worked out once here: this code
 * runs for every sample of a run, beside the model.
 */
export function samplePipeline(integration: LoadedIntegration, subset: SubsetRef, benchmark: string, hashInputs: InputHasher): SamplePipeline {
  const def = integration.definition;
  const labeled = subset.name !== 'unlabeled';
  const encoder = (kind: 'input' | 'groundTruth', name: string, enc: ValidatedEncoder): Encoder => ({
    kind,
    name,
    shape: enc.shape,
    dtype: enc.dtype,
    component: `${kind}:${name}`,
    what: `${kind === 'input' ? 'input' : 'ground-truth'} encoder '${name}'`,
    encode: enc.encode,
  });
  const inputs = Object.entries(def.inputs).map(([name, enc]) => encoder('input', name, enc));
  const groundTruths = labeled ? Object.entries(def.groundTruths ?? {}).map(([name, enc]) => encoder('groundTruth', name, enc)) : [];
  const metadata = Object.entries(def.metadata ?? {});
  const custom = labeled ? (['metrics', 'losses'] as const).flatMap((group) => Object.entries(def[group] ?? {}).map(([name, fn]) => ({ group, name, fn, kind: group === 'metrics' ? 'metric' : 'loss' }))) : [];

  const runEncoder = (enc: Encoder, sample: EncodedSample, into: Map<string, AnyTensorArray>): SampleError | undefined => {
    const value = call(integration, enc.component, () => `${enc.what} at ${where({ subset: subset.name, sample: sample.index })}`, () => enc.encode(sample.index, subset));
    if ('error' in value) return value.error;
    const problem = encodedProblem(enc, value.ok, { subset: subset.name, sample: sample.index });
    if (problem !== undefined) return { component: enc.component, message: problem.message };
    into.set(enc.name, value.ok as AnyTensorArray);
    return undefined;
  };

  return {
    sharesOutputs: custom.length > 0 || Object.values(def.model.outputs).some((b) => b.role === 'prediction' && b.task === 'text'),
    encode(position, index) {
      const sample: EncodedSample = { position, index, inputs: new Map(), groundTruths: new Map(), metadata: {}, inputHash: '' };
      for (const enc of inputs) {
        const error = runEncoder(enc, sample, sample.inputs);
        if (error !== undefined) return { ...sample, error };
      }
      for (const enc of groundTruths) {
        const error = runEncoder(enc, sample, sample.groundTruths);
        if (error !== undefined) return { ...sample, error };
      }
      const ref = { subset: subset.name, sample: index };
      for (const [name, fn] of metadata) {
        const component = `metadata:${name}`;
        const value = call(integration, component, () => `metadata function '${name}' at ${where(ref)}`, () => fn(index, subset));
        if ('error' in value) return { ...sample, error: value.error };
        const type = typeof value.ok;
        // A single value, the usual case, needs no flattening.
        if (type === 'number' || type === 'string' || type === 'boolean') {
          sample.metadata[name] = value.ok as number | string | boolean;
          continue;
        }
        const flat = flattenMetadata(name, value.ok, ref);
        if (flat.problem !== undefined) return { ...sample, error: { component, message: flat.problem.message } };
        for (const [key, v] of flat.values) sample.metadata[key === '' ? name : `${name}.${key}`] = v.value;
      }
      sample.inputHash = hashInputs(sample.inputs);
      return sample;
    },

    finish(sample, outputs) {
      const ref = { subset: subset.name, sample: sample.index };
      const groundTruthValues: Record<string, number[]> = {};
      for (const [name, value] of sample.groundTruths) groundTruthValues[name] = Array.from(value, Number);
      const record: RunRecord = {
        benchmark,
        position: sample.position,
        index: sample.index,
        inputHash: sample.inputHash,
        outputs: {},
        groundTruths: groundTruthValues,
        metadata: sample.metadata,
        metrics: {},
        losses: {},
      };
      const latents = new Map<string, OutputArray>();
      if (sample.error !== undefined) return { record: { ...record, error: sample.error }, latents };
      const failed = (error: SampleError): FinishedSample => ({ record: { ...record, error }, latents: new Map() });

      for (const [name, values] of outputs) {
        const bad = values instanceof Float32Array ? firstNonFinite(values) : undefined;
        if (bad !== undefined) {
          return failed({ component: `output:${name}`, message: `Model output '${name}' is ${values[bad]} at element ${bad} for ${where(ref)}. Check this sample's inputs and the model's numerical stability.` });
        }
        const binding = def.model.outputs[name];
        if (binding?.role === 'latent') {
          latents.set(name, values);
        } else if (binding?.task === 'text') {
          const text = decodeText(integration, name, binding, values, subset, ref);
          if ('error' in text) return failed(text.error);
          record.texts = { ...record.texts, [name]: text.ok };
        } else {
          // Float32 outputs are written as their bytes (record-format.ts); the record is used up before the batch's arrays are refilled.
          record.outputs[name] = values instanceof Float32Array ? values : Array.from(values, Number);
        }
      }
      if (custom.length === 0) return { record, latents };
      const result = { index: sample.index, subset, outputs: Object.fromEntries(outputs), groundTruths: Object.fromEntries(sample.groundTruths) };
      for (const { group, kind, name, fn } of custom) {
        const component = `${kind}:${name}`;
        const value = call(integration, component, () => `custom ${kind} '${name}' for ${where(ref)}`, () => fn(result as never));
        if ('error' in value) return failed(value.error);
        if (typeof value.ok !== 'number' || !Number.isFinite(value.ok)) {
          return failed({ component, message: `Custom ${kind} '${name}' returned ${String(value.ok)} for ${where(ref)}; it must return a finite number.` });
        }
        record[group][name] = value.ok;
      }
      return { record, latents };
    },
  };
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
  const hypothesis = call(integration, component, () => `text decoder of output '${name}' for ${where(ref)}`, () => binding.decode(values));
  if ('error' in hypothesis) return hypothesis;
  if (typeof hypothesis.ok !== 'string') {
    return { error: { component, message: `The text decoder of output '${name}' returned ${describeValue(hypothesis.ok)} for ${where(ref)}; decode() must return a string.` } };
  }
  if (subset.name === 'unlabeled') return { ok: { hypothesis: hypothesis.ok, references: [] } };
  const references = call(integration, component, () => `references of output '${name}' at ${where(ref)}`, () => binding.references(ref.sample, subset));
  if ('error' in references) return references;
  const list = typeof references.ok === 'string' ? [references.ok] : references.ok;
  if (!Array.isArray(list) || list.length === 0 || !list.every((r) => typeof r === 'string')) {
    return { error: { component, message: `references() of output '${name}' returned ${describeValue(references.ok)} at ${where(ref)}; return the reference text, or a non-empty array of them.` } };
  }
  return { ok: { hypothesis: hypothesis.ok, references: list } };
}

/** Calls user code; `what` (built only on failure) names it in the message. */
function call(integration: LoadedIntegration, component: string, what: () => string, fn: () => unknown): { ok: unknown } | { error: SampleError } {
  try {
    return { ok: fn() };
  } catch (error) {
    const at = userFrame(error, integration.file);
    const message = `The ${what()} threw${at ? ` (at ${formatLocation(at)})` : ''}: ${errorText(error)}.`;
    return { error: at === undefined ? { component, message } : { component, message, location: at } };
  }
}
