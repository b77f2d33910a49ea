import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SubsetRef } from '../sdk';
import type { IntegrationTestReport, SourceLocation } from '../../shared/integration-test-report';
import { loadIntegration, errorText, readBoundModelSignature, type LoadedIntegration } from '../loader/load-script';
import type { ModelSignature } from '../onnx/model-signature';
import { fixedBatchSize } from '../inference/fixed-batch';
import { formatLocation, userFrame } from '../loader/user-stack';
import { openModelSession, runBatch, type BatchFeed, type OutputArray } from '../inference/onnx-session';
import type { AnyTensorArray } from '../inference/dtypes';
import { CheckCollector, type SampleRef } from './check-collector';
import { checkBindings, groundTruthHint } from './binding-checks';
import { checkEncoded, firstNonFinite, MetadataTracker, where } from './value-checks';
import { checkDrawn } from './visualizer-checks';
import { classCountOf } from './prediction-shapes';
import { spreadIndices } from './sample-indices';
import { Timings } from './timings';
import { decodeText } from '../runner/sample-pipeline';
import { editedModelBytes } from '../loader/bound-outputs';

export const DEFAULT_SAMPLES = 100;

export interface IntegrationTestOptions {
  readonly scriptPath: string;
  /** Samples checked per subset, spread over the whole subset (default 100). */
  readonly samples?: number;
  /** Only these subsets (default: all that preprocess returns). */
  readonly subsets?: readonly string[];
  readonly batchSize?: number;
  readonly executionProviders?: readonly string[];
  readonly onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

interface EncodedSample {
  ref: SampleRef & { subset: string; sample: number };
  subset: SubsetRef;
  inputs: Map<string, AnyTensorArray>;
  groundTruths: Map<string, AnyTensorArray>;
  /** All input encoders produced usable arrays, so the sample can go through the model. */
  inputsOk: boolean;
  groundTruthsOk: boolean;
}

/**
 * Runs an integration on samples spread over every subset and checks each component on each
 * of them. Problems in the user's integration become failed checks; only a script or model
 * that cannot be loaded at all throws (an EvalensError).
 */
export async function runIntegrationTest(options: IntegrationTestOptions): Promise<IntegrationTestReport> {
  const integration = await loadIntegration(options.scriptPath);
  const signature = await readBoundModelSignature(integration);
  const def = integration.definition;
  const checks = new CheckCollector();
  const timings = new Timings();
  const report = (subsets: IntegrationTestReport['subsets']): IntegrationTestReport => {
    const results = checks.results(passedMessage);
    return {
      ok: results.every((c) => c.status !== 'failed'),
      samplesChecked: subsets.reduce((n, s) => n + s.checked, 0),
      script: integration.file,
      model: integration.modelPath,
      subsets,
      checks: results,
      timings: timings.results(),
    };
  };

  checkBindings(def, signature, checks);

  const started = performance.now();
  let subsets: Record<string, { length: number; data: unknown }>;
  try {
    subsets = (await def.preprocess({ scriptDir: path.dirname(integration.file), parameters: {} })) as typeof subsets;
  } catch (error) {
    checks.fail('preprocess.runs', 'preprocess', userError(integration, 'preprocess', error, 'Fix preprocess so it returns the subsets.'), {}, userFrame(error, integration.file));
    return report([]);
  }
  timings.add('preprocess', performance.now() - started, 0);
  checks.pass('preprocess.runs', 'preprocess');
  const subsetNames = checkSubsets(integration, subsets, options.subsets, checks);
  if (subsetNames === undefined) return report([]);

  const samplesPerSubset = options.samples ?? DEFAULT_SAMPLES;
  const plan = subsetNames.map((name) => ({ name, indices: spreadIndices(subsets[name]!.length, samplesPerSubset) }));
  const total = plan.reduce((n, p) => n + p.indices.length, 0);
  const metadata = new Map(Object.keys(def.metadata ?? {}).map((name) => [name, new MetadataTracker(name)]));
  const encoded: EncodedSample[] = [];
  let done = 0;
  for (const { name, indices } of plan) {
    const subset: SubsetRef = { name, length: subsets[name]!.length, data: subsets[name]!.data };
    const labeled = name !== 'unlabeled';
    for (const index of indices) {
      const ref = { subset: name, sample: index };
      const sample: EncodedSample = { ref, subset, inputs: new Map(), groundTruths: new Map(), inputsOk: true, groundTruthsOk: labeled };
      for (const [encName, enc] of Object.entries(def.inputs)) {
        const value = callUser(integration, checks, timings, 'encoder.runs', `input:${encName}`, ref, `input encoder '${encName}'`, () => enc.encode(index, subset));
        const ok = value.ok && checkEncoded({ kind: 'input', name: encName, shape: enc.shape, dtype: enc.dtype }, value.value, ref, checks);
        if (ok) sample.inputs.set(encName, value.value as AnyTensorArray);
        sample.inputsOk &&= ok;
      }
      if (labeled) {
        for (const [gtName, enc] of Object.entries(def.groundTruths ?? {})) {
          const value = callUser(integration, checks, timings, 'encoder.runs', `groundTruth:${gtName}`, ref, `ground-truth encoder '${gtName}'`, () => enc.encode(index, subset));
          const ok = value.ok && checkEncoded({ kind: 'groundTruth', name: gtName, shape: enc.shape, dtype: enc.dtype }, value.value, ref, checks);
          if (ok) sample.groundTruths.set(gtName, value.value as AnyTensorArray);
          sample.groundTruthsOk &&= ok;
        }
      }
      for (const [mdName, fn] of Object.entries(def.metadata ?? {})) {
        const value = callUser(integration, checks, timings, 'metadata.runs', `metadata:${mdName}`, ref, `metadata function '${mdName}'`, () => fn(index, subset));
        if (value.ok) metadata.get(mdName)!.check(value.value, ref, checks);
      }
      for (const [visName, vis] of Object.entries(def.visualizers ?? {})) {
        const value = callUser(integration, checks, timings, 'visualizer.runs', `visualizer:${visName}`, ref, `${vis.kind} visualizer '${visName}'`, () => vis.draw(index, subset));
        if (value.ok) checkDrawn(vis.kind, visName, value.value, ref, checks);
      }
      encoded.push(sample);
      options.onProgress?.({ phase: 'encoding', done: ++done, total });
    }
  }

  await runModel(integration, encoded, options, checks, timings, signature);
  return report(plan.map((p) => ({ name: p.name, length: subsets[p.name]!.length, checked: p.indices.length })));
}

function checkSubsets(
  integration: LoadedIntegration,
  subsets: unknown,
  only: readonly string[] | undefined,
  checks: CheckCollector,
): string[] | undefined {
  const shown = path.basename(integration.file);
  if (typeof subsets !== 'object' || subsets === null || Array.isArray(subsets)) {
    checks.fail('preprocess.subsets', 'preprocess', `preprocess in ${shown} returned ${subsets === null ? 'null' : typeof subsets}. Return an object of subsets, e.g. { train: { length, data }, test: { length, data } }.`);
    return undefined;
  }
  const entries = Object.entries(subsets as Record<string, unknown>);
  let ok = entries.length > 0;
  if (!ok) checks.fail('preprocess.subsets', 'preprocess', `preprocess in ${shown} returned no subsets. Return at least one, e.g. { test: { length, data } }.`);
  for (const [name, subset] of entries) {
    const length = (subset as { length?: unknown } | null)?.length;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
      checks.fail('preprocess.subsets', 'preprocess', `Subset '${name}' returned by preprocess in ${shown} has length ${JSON.stringify(length)}. Give each subset { length: <number of samples>, data }.`, { subset: name });
      ok = false;
    } else if (length === 0) {
      checks.warn('preprocess.subsets', 'preprocess', `Subset '${name}' is empty, so nothing in it was checked.`, { subset: name });
    }
  }
  if (!ok) return undefined;
  checks.pass('preprocess.subsets', 'preprocess');
  if (only === undefined || only.length === 0) return entries.map(([name]) => name);
  const missing = only.filter((name) => !(name in subsets));
  if (missing.length > 0) {
    checks.fail('preprocess.subsets', 'preprocess', `Subset ${missing.map((m) => `'${m}'`).join(', ')} was asked for, but preprocess in ${shown} returns only ${entries.map(([n]) => `'${n}'`).join(', ')}. Choose one of those with --subset.`);
    return undefined;
  }
  return [...only];
}

async function runModel(
  integration: LoadedIntegration,
  samples: EncodedSample[],
  options: IntegrationTestOptions,
  checks: CheckCollector,
  timings: Timings,
  signature: ModelSignature,
): Promise<void> {
  const def = integration.definition;
  const modelInputs = signature.inputs.map((t) => t.name);
  const bindings = Object.entries(def.model.inputs).filter(([modelInput]) => modelInputs.includes(modelInput));
  // A model with unbound inputs cannot run; binding checks have said why.
  if (bindings.length !== modelInputs.length || checksBlockModel(checks, bindings)) return;
  const runnable = samples.filter((s) => s.inputsOk);
  if (runnable.length === 0) return;
  // Latents that read a tensor of the graph need it as an output: an edited copy, in memory.
  const edited = await editedModelBytes(integration.modelPath, def, signature);
  const session = await openModelSession(edited === undefined ? integration.modelPath : { file: integration.modelPath, bytes: edited }, { executionProviders: options.executionProviders });
  const outputNames = Object.keys(def.model.outputs).filter((name) => session.outputNames.includes(name));
  // Models exported with a fixed batch dim (often 1) only run batches of exactly that size.
  const batchSize = fixedBatchSize(signature) ?? options.batchSize ?? 32;
  try {
    for (let start = 0; start < runnable.length; start += batchSize) {
      const batch = runnable.slice(start, start + batchSize);
      const feeds = new Map<string, BatchFeed>(
        bindings.map(([modelInput, encName]) => {
          const enc = def.inputs[encName]!;
          return [modelInput, { dtype: enc.dtype, shape: enc.shape, samples: batch.map((s) => s.inputs.get(encName)!) }];
        }),
      );
      const t0 = performance.now();
      let outputs: Map<string, OutputArray[]>;
      try {
        outputs = await runBatch(session, feeds, outputNames);
      } catch (error) {
        const first = batch[0]!.ref;
        checks.fail(
          'model.runs',
          'model',
          `onnxruntime failed on the batch starting at ${where(first)} (${batch.length} samples): ${errorText(error)}. Check that the encoders produce what the model expects.`,
          first,
        );
        continue;
      }
      timings.add('model', performance.now() - t0, batch.length);
      checks.pass('model.runs', 'model', batch.length);
      batch.forEach((sample, i) => checkSampleOutputs(integration, sample, outputs, i, checks, timings));
      options.onProgress?.({ phase: 'model', done: Math.min(start + batchSize, runnable.length), total: runnable.length });
    }
  } finally {
    await session.release();
  }
}

function checksBlockModel(checks: CheckCollector, bindings: [string, string][]): boolean {
  return bindings.some(([, enc]) => ['binding.input-exists', 'binding.input-dtype', 'binding.input-shape'].some((id) => checks.hasFailed(id, `input:${enc}`)));
}

function checkSampleOutputs(
  integration: LoadedIntegration,
  sample: EncodedSample,
  outputs: Map<string, OutputArray[]>,
  i: number,
  checks: CheckCollector,
  timings: Timings,
): void {
  const def = integration.definition;
  const perSample: Record<string, OutputArray> = {};
  for (const [name, arrays] of outputs) {
    const value = arrays[i]!;
    perSample[name] = value;
    const component = `output:${name}`;
    const bad = value instanceof Float32Array ? firstNonFinite(value) : undefined;
    if (bad !== undefined) {
      checks.fail('model.output-finite', component, `Model output '${name}' is ${value[bad]} at element ${bad} for ${where(sample.ref)}. Check this sample's inputs (scale, missing values) and the model's numerical stability.`, sample.ref);
    } else {
      checks.pass('model.output-finite', component);
    }
    const binding = def.model.outputs[name];
    if (binding?.role === 'prediction' && binding.task === 'text') {
      const text = decodeText(integration, name, binding, value, sample.subset, sample.ref);
      if ('error' in text) checks.fail('output.text', component, text.error.message, sample.ref);
      else checks.pass('output.text', component);
    }
    if (binding?.role === 'prediction' && binding.task !== 'text' && binding.labels !== undefined && !checks.hasFailed('binding.labels-count', component)) {
      if (classCountOf(binding.task, binding.labels.length).includes(value.length)) {
        checks.pass('binding.labels-count', component);
      } else {
        checks.fail('binding.labels-count', component, `Output '${name}' has ${value.length} values per sample (${where(sample.ref)}), but its ${binding.task} binding lists ${binding.labels.length} labels. Give exactly one label per class of the output.`, sample.ref);
      }
    }
    if (binding?.role === 'prediction' && binding.task !== 'text' && binding.groundTruth !== undefined && sample.groundTruthsOk) {
      checkGroundTruthValue(binding.task, binding.groundTruth, value.length, sample, checks);
    }
  }
  if (!sample.groundTruthsOk) return;
  const result = { index: sample.ref.sample, subset: sample.subset, outputs: perSample, groundTruths: Object.fromEntries(sample.groundTruths) };
  for (const [group, kind] of [['metrics', 'metric'], ['losses', 'loss']] as const) {
    for (const [name, fn] of Object.entries(def[group] ?? {})) {
      const component = `${kind}:${name}`;
      const value = callUser(integration, checks, timings, `${kind}.runs`, component, sample.ref, `custom ${kind} '${name}'`, () => fn(result as never));
      if (!value.ok) continue;
      if (typeof value.value === 'number' && Number.isFinite(value.value)) {
        checks.pass(`${kind}.finite`, component);
      } else {
        checks.fail(`${kind}.finite`, component, `Custom ${kind} '${name}' returned ${typeof value.value === 'number' ? value.value : `a ${typeof value.value}`} for ${where(sample.ref)}. It must return a finite number for every sample: guard against log(0), division by zero and empty inputs.`, sample.ref);
      }
    }
  }
}

/** A class-index ground truth must name one of the output's classes; a multilabel one holds 0 or 1 per label. */
function checkGroundTruthValue(task: string, gtName: string, classes: number, sample: EncodedSample, checks: CheckCollector): void {
  const gt = sample.groundTruths.get(gtName);
  const component = `groundTruth:${gtName}`;
  if (gt !== undefined && task === 'multilabel') {
    const label = Array.from(gt, Number).findIndex((v) => v !== 0 && v !== 1);
    if (label < 0) checks.pass('ground-truth.range', component);
    else checks.fail('ground-truth.range', component, `Ground truth '${gtName}' is ${Number(gt[label])} for label ${label} at ${where(sample.ref)}: a multilabel ground truth holds 0 or 1 per label. ${groundTruthHint(task)}`, sample.ref);
    return;
  }
  if (gt === undefined || gt.length !== 1 || (task !== 'classification' && task !== 'binary')) return;
  const value = Number(gt[0]);
  const limit = task === 'binary' ? 2 : classes;
  if (Number.isInteger(value) && value >= 0 && value < limit) {
    checks.pass('ground-truth.range', component);
  } else {
    checks.fail('ground-truth.range', component, `Ground truth '${gtName}' is ${value} at ${where(sample.ref)}, outside the ${limit} classes of the output (0 to ${limit - 1}). ${groundTruthHint(task)}`, sample.ref);
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false };

/** Calls user code, timing it and turning a throw into a failed check that points at the user's line. */
function callUser(
  integration: LoadedIntegration,
  checks: CheckCollector,
  timings: Timings,
  id: string,
  component: string,
  ref: SampleRef,
  what: string,
  fn: () => unknown,
): Outcome {
  const t0 = performance.now();
  try {
    const value = fn();
    timings.add(component, performance.now() - t0, 1);
    checks.pass(id, component);
    return { ok: true, value };
  } catch (error) {
    const location = userFrame(error, integration.file);
    checks.fail(id, component, userError(integration, `${what} at ${where(ref)}`, error, 'Fix the code for this sample.', location), ref, location);
    return { ok: false };
  }
}

function userError(integration: LoadedIntegration, what: string, error: unknown, fix: string, location?: SourceLocation): string {
  const at = location ?? userFrame(error, integration.file);
  return `${what[0]!.toUpperCase()}${what.slice(1)} threw${at ? ` (at ${formatLocation(at)})` : ''}: ${errorText(error)}. ${fix}`;
}

function passedMessage(id: string, component: string, count: number): string {
  if (id.startsWith('binding.') || id.startsWith('preprocess.')) return 'ok';
  return `ok on ${count} ${count === 1 ? 'sample' : 'samples'}`;
}
