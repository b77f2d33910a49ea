import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { SubsetRef } from '../sdk';
import type { RunManifest } from '../../shared/run-types';
import { EvalensError } from '../errors';
import type { ResolvedEvalConfig } from '../config/load-config';
import { errorText, loadIntegration, readBoundModelSignature, type LoadedIntegration } from '../loader/load-script';
import { formatLocation, userFrame } from '../loader/user-stack';
import { formatDims, type ModelSignature } from '../onnx/model-signature';
import { boundOutputNames } from '../loader/bound-outputs';
import { CheckCollector } from '../integration-test/check-collector';
import { checkBindings } from '../integration-test/binding-checks';
import { selectSamples } from './sample-selection';

export interface PreparedBenchmark {
  readonly name: string;
  readonly subset: SubsetRef;
  /** Subset indices scored, in order; a record's `position` indexes this list. */
  readonly indices: readonly number[];
}

/** A model the run scores: its model, or one checkpoint of a series. */
export interface PreparedModel {
  /** The checkpoint's file name in a series; undefined for a run of one model. */
  readonly checkpoint?: string;
  readonly path: string;
  readonly signature: ModelSignature;
  /** sha256 of the file. */
  readonly hash: string;
}

export interface PreparedEvaluation {
  readonly config: ResolvedEvalConfig;
  readonly integration: LoadedIntegration;
  /** The model whose results are the run's (the last checkpoint of a series). */
  readonly modelPath: string;
  readonly signature: ModelSignature;
  readonly hashes: { model: string; script: string };
  /** Every model the run scores, in order; the last is `modelPath`. */
  readonly models: readonly PreparedModel[];
  readonly benchmarks: readonly PreparedBenchmark[];
}

/**
 * Everything that can go wrong before inference, checked before inference: the script loads,
 * the model matches its binding, every benchmark's subset or dataset exists. Used when a run
 * is submitted and each time a runner starts or resumes it.
 */
export async function prepareEvaluation(config: ResolvedEvalConfig): Promise<PreparedEvaluation> {
  const integration = await loadIntegration(config.integration);
  const files = config.checkpoints ?? [config.model ?? integration.modelPath];
  const models: PreparedModel[] = [];
  for (const file of files) {
    const signature = await readBoundModelSignature({ ...integration, modelPath: file });
    checkModel(integration, file, signature);
    const model = { ...(config.checkpoints === undefined ? {} : { checkpoint: path.basename(file) }), path: file, signature, hash: await hashFile(file) };
    if (models.length > 0) checkSameSignature(integration, models[0]!, model);
    models.push(model);
  }
  const last = models.at(-1)!;
  const benchmarks = await prepareBenchmarks(integration, config);
  // A series' hash covers every checkpoint, so that resume sees any of them change.
  const modelHash = models.length === 1 ? last.hash : createHash('sha256').update(models.map((m) => `${m.checkpoint}\0${m.hash}\n`).join('')).digest('hex');
  return { config, integration, modelPath: last.path, signature: last.signature, hashes: { model: modelHash, script: integration.sourceHash }, models, benchmarks };
}

/** The integration's checks of its model binding, on one model file. */
function checkModel(integration: LoadedIntegration, modelPath: string, signature: ModelSignature): void {
  const checks = new CheckCollector();
  checkBindings(integration.definition, signature, checks);
  const failed = checks.results(() => '').filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    throw new EvalensError(
      'definition-invalid',
      `The model ${path.relative(process.cwd(), modelPath)} does not match the integration ${path.relative(process.cwd(), integration.file)}:\n${failed.map((c) => `  - ${c.message}`).join('\n')}\nNothing was evaluated. Run \`evalens test\` on the integration for every check.`,
      { file: integration.file },
    );
  }
}

/** Every checkpoint of a series takes and gives the tensors the first one does: one encoding feeds them all. */
function checkSameSignature(integration: LoadedIntegration, first: PreparedModel, model: PreparedModel): void {
  const def = integration.definition;
  const tensor = (signature: ModelSignature, kind: 'inputs' | 'outputs', name: string) => {
    const info = signature[kind].find((t) => t.name === name);
    return info === undefined ? 'missing' : `${info.elementType} ${formatDims(info.dims)}`;
  };
  const bound = [
    ...Object.keys(def.model.inputs).map((name) => ['inputs', name] as const),
    ...boundOutputNames(def, first.signature).filter((name) => first.signature.outputs.some((o) => o.name === name)).map((name) => ['outputs', name] as const),
  ];
  for (const [kind, name] of bound) {
    const want = tensor(first.signature, kind, name);
    const got = tensor(model.signature, kind, name);
    if (want !== got) {
      throw new EvalensError(
        'config-invalid',
        `Checkpoint ${path.relative(process.cwd(), model.path)} does not share the signature of ${first.checkpoint}: its ${kind === 'inputs' ? 'input' : 'output'} '${name}' is ${got}, and ${want} in ${first.checkpoint}. Every checkpoint of a series must take and give the same tensors; move the others out of ${path.relative(process.cwd(), path.dirname(model.path)) || '.'}, or name one checkpoint in model.checkpoint.`,
        { file: model.path },
      );
    }
  }
}

/**
 * Each benchmark of the config (or only those named) as its subset and the indices it scores:
 * preprocess runs once per dataset and parameters, with the context a run gives it. Also how
 * `evalens draw` finds a run's sample again.
 */
export async function prepareBenchmarks(integration: LoadedIntegration, config: ResolvedEvalConfig, only?: readonly string[]): Promise<PreparedBenchmark[]> {
  const preprocessed = new Map<string, Record<string, { length: number; data: unknown }>>();
  const benchmarks: PreparedBenchmark[] = [];
  const shownConfig = path.relative(process.cwd(), config.configFile);
  for (const [i, b] of config.benchmarks.entries()) {
    if (only !== undefined && !only.includes(b.name)) continue;
    const key = JSON.stringify([b.dataset ?? null, b.parameters]);
    let subsets = preprocessed.get(key);
    if (subsets === undefined) {
      subsets = await runPreprocess(integration, b.name, b.dataset, b.parameters);
      preprocessed.set(key, subsets);
    }
    const names = Object.keys(subsets);
    const subsetName = b.subset ?? (names.length === 1 ? names[0]! : undefined);
    if (subsetName === undefined) {
      throw new EvalensError('config-invalid', `${shownConfig}: benchmarks[${i}] ('${b.name}') gives a dataset but no subset, and preprocess returns several (${quote(names)}). Add "subset" to the benchmark.`, { file: config.configFile });
    }
    const subset = subsets[subsetName];
    if (subset === undefined) {
      throw new EvalensError('config-invalid', `${shownConfig}: benchmarks[${i}].subset '${subsetName}' ('${b.name}') is not a subset the integration returns${b.dataset ? ` for dataset ${b.dataset}` : ''}; it returns ${quote(names)}. Use one of those.`, { file: config.configFile });
    }
    if (!Number.isInteger(subset.length) || subset.length < 0) {
      throw new EvalensError('script-runtime', `preprocess of ${path.relative(process.cwd(), integration.file)} returned subset '${subsetName}' with length ${JSON.stringify(subset.length)}. Give each subset { length: <number of samples>, data }.`, { file: integration.file });
    }
    if (b.sampleCount !== undefined && b.sampleCount > subset.length) {
      throw new EvalensError('config-invalid', `${shownConfig}: benchmarks[${i}].sampleCount is ${b.sampleCount}, but subset '${subsetName}' has only ${subset.length} samples. Lower sampleCount or leave it out to score them all.`, { file: config.configFile });
    }
    benchmarks.push({ name: b.name, subset: { name: subsetName, length: subset.length, data: subset.data }, indices: selectSamples(subset.length, b.sampleCount, b.seed) });
  }
  return benchmarks;
}

async function runPreprocess(integration: LoadedIntegration, benchmark: string, datasetPath: string | undefined, parameters: Record<string, unknown>) {
  try {
    const subsets = await integration.definition.preprocess({ scriptDir: path.dirname(integration.file), datasetPath, parameters });
    if (typeof subsets !== 'object' || subsets === null) throw new Error(`it returned ${subsets === null ? 'null' : typeof subsets} instead of an object of subsets`);
    return subsets as Record<string, { length: number; data: unknown }>;
  } catch (error) {
    const at = userFrame(error, integration.file);
    throw new EvalensError(
      'script-runtime',
      `preprocess of ${path.relative(process.cwd(), integration.file)} failed for benchmark '${benchmark}'${datasetPath ? ` (dataset ${datasetPath})` : ''}${at ? ` at ${formatLocation(at)}` : ''}: ${errorText(error)}. Fix preprocess (evalens test runs it too).`,
      at ?? { file: integration.file },
      { cause: error },
    );
  }
}

/** What changed since a run started, in words, or undefined when its model and script are as they were. */
export function changedInputs(manifest: RunManifest, prepared: PreparedEvaluation): string | undefined {
  const changed = (['model', 'script'] as const).filter((k) => prepared.hashes[k] !== manifest.hashes[k]);
  if (changed.length === 0) return undefined;
  return changed.map((k) => (k === 'model' ? (prepared.models.length > 1 ? `a checkpoint in ${path.dirname(prepared.modelPath)}` : `the model ${prepared.modelPath}`) : `the integration ${prepared.integration.file} (or a file it imports)`)).join(' and ');
}

export function resumeRefusal(runId: string, what: string): string {
  return `Run ${runId} cannot resume: ${what} changed since it started, so its remaining samples would not be comparable with the finished ones. Resume with --force to continue anyway (recorded in the run), or start a new evaluation.`;
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function quote(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ') || 'none';
}
