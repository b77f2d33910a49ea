import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { SubsetRef } from '../sdk';
import type { RunManifest } from '../../shared/run-types';
import { EvalensError } from '../errors';
import type { ResolvedEvalConfig } from '../config/load-config';
import { errorText, loadIntegration, readBoundModelSignature, type LoadedIntegration } from '../loader/load-script';
import { formatLocation, userFrame } from '../loader/user-stack';
import type { ModelSignature } from '../onnx/model-signature';
import { CheckCollector } from '../integration-test/check-collector';
import { checkBindings } from '../integration-test/binding-checks';
import { selectSamples } from './sample-selection';

export interface PreparedBenchmark {
  readonly name: string;
  readonly subset: SubsetRef;
  /** Subset indices scored, in order; a record's `position` indexes this list. */
  readonly indices: readonly number[];
}

export interface PreparedEvaluation {
  readonly config: ResolvedEvalConfig;
  readonly integration: LoadedIntegration;
  readonly modelPath: string;
  readonly signature: ModelSignature;
  readonly hashes: { model: string; script: string };
  readonly benchmarks: readonly PreparedBenchmark[];
}

/**
 * Everything that can go wrong before inference, checked before inference: the script loads,
 * the model matches its binding, every benchmark's subset or dataset exists. Used when a run
 * is submitted and each time a runner starts or resumes it.
 */
export async function prepareEvaluation(config: ResolvedEvalConfig): Promise<PreparedEvaluation> {
  const integration = await loadIntegration(config.integration);
  const modelPath = config.model ?? integration.modelPath;
  const signature = await readBoundModelSignature({ ...integration, modelPath });
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

  const benchmarks = await prepareBenchmarks(integration, config);
  return { config, integration, modelPath, signature, hashes: { model: await hashFile(modelPath), script: integration.sourceHash }, benchmarks };
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
  return changed.map((k) => (k === 'model' ? `the model ${prepared.modelPath}` : `the integration ${prepared.integration.file} (or a file it imports)`)).join(' and ');
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
