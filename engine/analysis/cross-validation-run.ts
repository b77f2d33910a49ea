import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { crossValidationSchema, type CrossValidation, type CvFold } from '../../shared/cross-validation-types';
import { runManifestSchema, type RunManifest } from '../../shared/run-types';
import { loadEvalConfig, type ResolvedEvalConfig } from '../config/load-config';
import { EvalensError } from '../errors';
import { predictionOutputsOfBinding, trueClass, type PredictionOutput } from '../report/prediction-outputs';
import { createInputHasher } from '../runner/input-hash';
import { prepareEvaluation, type PreparedEvaluation } from '../runner/prepare-evaluation';
import { drainQueue } from '../runner/run-queue';
import { samplePipeline } from '../runner/sample-pipeline';
import { submitEvaluation } from '../runner/submit-run';
import type { SupervisedRun } from '../runner/supervisor';
import type { RunProgress } from '../runner/worker-protocol';
import { writeFileAtomic } from '../runs/atomic-file';
import { newRunId } from '../runs/run-id';
import type { RunStore } from '../runs/run-store';
import { checkRequirements, DEFAULT_FOLDS, foldsFromFile, stratifiedFolds } from './cross-validation-folds';
import { crossValidate } from './cross-validation';
import { CROSS_VALIDATION_FILE } from './cross-validation-store';
import { DEFAULT_GRADIENT_TOLERANCE, DEFAULT_MAX_ITERATIONS } from './logistic-regression';
import { readRunSamples } from './run-samples';

/**
 * `evalens cv`: the requirements checked on the benchmark's labels (from the integration's
 * encoders, before any inference), the embeddings taken from a completed run of the same
 * model and inputs or from a fresh evaluation, the folds trained and scored, and the result
 * kept as a run of kind 'cross-validation' with its cross-validation.json.
 */

export interface CrossValidationRequest {
  configPath: string;
  /** Default: the config's first benchmark. */
  benchmark?: string;
  /** Folds; default 5, or as many as the folds file gives. */
  k?: number;
  seed?: number;
  /** JSON test-index arrays (sample indices of the benchmark's subset), one per fold. */
  foldsFile?: string;
  /** Latent output whose embeddings are the features; default the first bound as 'latent'. */
  latent?: string;
}

export interface CrossValidationHooks {
  /** Warnings from the requirement checks, as soon as they are known. */
  onWarning?: (message: string) => void;
  /** The run whose embeddings are used: found in the store, or about to be evaluated. */
  onSource?: (runId: string, evaluated: boolean) => void;
  onEvaluationStart?: (run: SupervisedRun) => void;
  onProgress?: (runId: string, progress: RunProgress) => void;
  onFold?: (fold: CvFold, k: number) => void;
}

interface LabeledSamples {
  output: PredictionOutput;
  labels: string[];
  /** Per labeled sample, in subset order: its subset index, class and input hash. */
  indices: number[];
  classes: number[];
  inputHashes: string[];
  /** Samples whose encoders or metadata failed (the evaluation fails them too): left out, the first one's error kept. */
  failed: { count: number; first?: string };
}

export async function runCrossValidation(store: RunStore, request: CrossValidationRequest, hooks: CrossValidationHooks = {}): Promise<{ manifest: RunManifest; result: CrossValidation }> {
  const started = performance.now();
  const full = loadEvalConfig(request.configPath);
  if (full.checkpoints !== undefined) {
    throw new EvalensError(
      'usage',
      `${full.configFile} evaluates a checkpoint series (model.checkpoint 'all'), and a cross-validation is of one model's embeddings. Set model.checkpoint to the checkpoint to cross-validate (a file name of the folder, or 'latest') in a copy of the config, and pass that with --config.`,
    );
  }
  const benchmark = request.benchmark ?? full.benchmarks[0]!.name;
  const config = onlyBenchmark(full, benchmark);
  const prepared = await prepareEvaluation(config);
  const where = `Benchmark '${benchmark}' of ${path.relative(process.cwd(), config.configFile) || config.configFile}`;
  const latent = chooseBoundLatent(prepared, request.latent);
  const samples = labeledSamples(prepared, where);

  const counts = samples.labels.map((label, c) => ({ label, count: samples.classes.filter((k) => k === c).length }));
  const fromFile = request.foldsFile === undefined ? undefined : foldsFromFile(path.resolve(request.foldsFile), samples.indices, where);
  if (fromFile !== undefined && request.k !== undefined && request.k !== fromFile.k) {
    throw new EvalensError('usage', `--folds ${request.k} disagrees with the folds file ${request.foldsFile}, which gives ${fromFile.k} folds. Leave --folds out, or make them agree.`);
  }
  const k = fromFile?.k ?? request.k ?? DEFAULT_FOLDS;
  const warnings = checkRequirements(counts, k, where);
  if (samples.failed.count > 0) warnings.push(`${where}: ${samples.failed.count} ${samples.failed.count === 1 ? 'sample' : 'samples'} failed in the integration and ${samples.failed.count === 1 ? 'is' : 'are'} left out (the first: ${samples.failed.first}). Run evalens test on the integration to see each failure.`);
  for (const warning of warnings) hooks.onWarning?.(warning);

  // The head's classes: those with samples (an absent class could never be learned).
  const present = counts.flatMap((c, index) => (c.count > 0 ? [index] : []));
  const classOf = new Map(present.map((c, i) => [c, i]));
  const labels = Int32Array.from(samples.classes, (c) => classOf.get(c)!);
  const seed = request.seed ?? 0;
  const foldOf = fromFile?.foldOf ?? stratifiedFolds(labels, present.length, k, seed);

  const source = await sourceRun(store, prepared, latent, samples, hooks);
  const features = await embeddingsOf(store, source.manifest, latent, samples);
  const scores = crossValidate({
    features: features.data,
    rows: samples.indices.length,
    dim: features.dim,
    labels,
    numClasses: present.length,
    foldOf,
    k,
    sampleIndices: samples.indices,
    onFold: (fold) => hooks.onFold?.(fold, k),
  });
  for (const fold of scores.folds) {
    if (!fold.converged) warnings.push(`Fold ${fold.fold}: the solver stopped after ${fold.iterations} iterations with a gradient of ${fold.gradientNorm.toExponential(2)}, above ${DEFAULT_GRADIENT_TOLERANCE}; its scores are of an unfinished fit.`);
  }
  const omitted = counts.filter((c) => c.count === 0).map((c) => `'${c.label}'`);
  if (omitted.length > 0) warnings.push(`${where} has no labeled samples of ${omitted.length === 1 ? 'class' : 'classes'} ${omitted.join(', ')}: the head was trained on the other ${present.length} classes and never predicts ${omitted.length === 1 ? 'it' : 'them'}.`);

  const body: Omit<CrossValidation, 'runId' | 'durationMs'> = {
    schemaVersion: 1,
    sourceRunId: source.manifest.runId,
    sourceEvaluated: source.evaluated,
    benchmark,
    latent,
    dim: features.dim,
    output: samples.output.name,
    labels: present.map((c) => samples.labels[c]!),
    classCounts: present.map((c) => counts[c]!.count),
    samples: samples.indices.length,
    k,
    assignment: fromFile === undefined ? { kind: 'stratified', seed } : { kind: 'file', file: path.resolve(request.foldsFile!) },
    solver: { name: 'lbfgs', c: 1, gradientTolerance: DEFAULT_GRADIENT_TOLERANCE, maxIterations: DEFAULT_MAX_ITERATIONS },
    ...scores,
    warnings,
  };
  return storeResult(store, config, prepared, source.manifest, body, started);
}

function onlyBenchmark(config: ResolvedEvalConfig, name: string): ResolvedEvalConfig {
  const bench = config.benchmarks.find((b) => b.name === name);
  if (bench === undefined) {
    throw new EvalensError('usage', `'${name}' is not a benchmark of ${config.configFile}; it defines ${config.benchmarks.map((b) => `'${b.name}'`).join(', ')}. Pass one of them with --benchmark.`);
  }
  return { ...config, benchmarks: [bench], gates: [], analysis: undefined };
}

/** The latent output asked for, else the first the integration binds as 'latent'. */
function chooseBoundLatent(prepared: PreparedEvaluation, requested: string | undefined): string {
  const bound = Object.entries(prepared.integration.definition.model.outputs).filter(([, b]) => b.role === 'latent').map(([name]) => name);
  const file = path.relative(process.cwd(), prepared.integration.file);
  if (requested !== undefined && !bound.includes(requested)) {
    throw new EvalensError('usage', `${file} binds no latent output '${requested}' (${bound.length > 0 ? `its latent outputs: ${bound.map((n) => `'${n}'`).join(', ')}` : 'it binds none'}). Pass one of them with --latent, or bind '${requested}' with role 'latent' in model.outputs.`);
  }
  const latent = requested ?? bound[0];
  if (latent === undefined) {
    throw new EvalensError('usage', `${file} binds no model output with role 'latent', so there are no embeddings to train a classifier on. Bind one in model.outputs (e.g. embedding: { role: 'latent' }, or an intermediate tensor: { role: 'latent', tensor: '<name>' }).`);
  }
  return latent;
}

/**
 * Every sample's labels and input hash, from the integration's encoders (the evaluation's
 * own pipeline, without the model): the requirements are checked before any inference.
 */
function labeledSamples(prepared: PreparedEvaluation, where: string): LabeledSamples {
  const def = prepared.integration.definition;
  const output = predictionOutputsOfBinding(def.model.outputs).find((o) => (o.task === 'classification' || o.task === 'binary') && o.groundTruth !== undefined);
  if (output === undefined) {
    throw new EvalensError('usage', `${path.relative(process.cwd(), prepared.integration.file)} binds no classification or binary output with a groundTruth, so the samples have no class labels to cross-validate. Bind one in model.outputs.`);
  }
  const bench = prepared.benchmarks[0]!;
  const numClasses = output.task === 'binary' ? 2 : (output.labels?.length ?? 0);
  const pipeline = samplePipeline(prepared.integration, bench.subset, bench.name, createInputHasher(Object.keys(def.inputs)));
  const samples: LabeledSamples = { output, labels: [], indices: [], classes: [], inputHashes: [], failed: { count: 0 } };
  let seen = numClasses;
  bench.indices.forEach((index, position) => {
    const sample = pipeline.encode(position, index);
    const truth = sample.groundTruths.get(output.groundTruth!);
    if (sample.error !== undefined) {
      samples.failed.count++;
      samples.failed.first ??= sample.error.message;
      return;
    }
    if (truth === undefined) return;
    const c = trueClass(output, Array.from(truth, Number));
    if (c === undefined || !Number.isInteger(c) || c < 0) {
      throw new EvalensError('usage', `${where}: the ground truth '${output.groundTruth}' of sample ${index} is ${Array.from(truth, Number).join(', ')}, not a class index. Fix its ground-truth encoder (evalens test checks it).`);
    }
    seen = Math.max(seen, c + 1);
    samples.indices.push(index);
    samples.classes.push(c);
    samples.inputHashes.push(sample.inputHash);
  });
  samples.labels = Array.from({ length: seen }, (_, c) => output.labels?.[c] ?? String(c));
  return samples;
}

/** The newest completed evaluation of the same model that scored every labeled sample's inputs, else a fresh one. */
async function sourceRun(store: RunStore, prepared: PreparedEvaluation, latent: string, samples: LabeledSamples, hooks: CrossValidationHooks): Promise<{ manifest: RunManifest; evaluated: boolean }> {
  const candidates = store
    .all()
    .filter((m) => m.kind === 'evaluation' && m.status === 'completed' && m.hashes.model === prepared.hashes.model && m.checkpoint.embeddings[latent] !== undefined)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId));
  const wanted = new Set(samples.inputHashes);
  for (const manifest of candidates) {
    const recorded = await recordedInputHashes(store, manifest);
    if ([...wanted].every((hash) => recorded.has(hash))) {
      hooks.onSource?.(manifest.runId, false);
      return { manifest, evaluated: false };
    }
  }
  const submitted = await submitEvaluation(store, prepared.config.configFile, [prepared.benchmarks[0]!.name]);
  hooks.onSource?.(submitted.runId, true);
  await drainQueue(store, {
    concurrency: 1,
    until: submitted.runId,
    onStart: (m, run) => {
      if (m.runId === submitted.runId) hooks.onEvaluationStart?.(run);
    },
    onProgress: (id, p) => {
      if (id === submitted.runId) hooks.onProgress?.(id, p);
    },
  });
  const manifest = store.read(submitted.runId);
  if (manifest.status !== 'completed') {
    throw new EvalensError(
      'usage',
      `The evaluation that gives the cross-validation its embeddings, run ${manifest.runId}, ${manifest.status === 'cancelled' ? 'was cancelled' : `failed: ${manifest.error?.message ?? 'no reason recorded'}`}. No cross-validation was made. Finish it (evalens resume ${manifest.runId}) and run evalens cv again: it will use that run.`,
    );
  }
  return { manifest, evaluated: true };
}

async function recordedInputHashes(store: RunStore, manifest: RunManifest): Promise<Set<string>> {
  const hashes = new Set<string>();
  const reader = store.recordReader(manifest);
  for await (const chunk of reader.chunks()) {
    reader.forEach(chunk, (record) => {
      if (record.embeddingRow !== undefined) hashes.add(record.inputHash);
    });
  }
  return hashes;
}

/** The embedding of each labeled sample, found in the source run by its input hash. */
async function embeddingsOf(store: RunStore, manifest: RunManifest, latent: string, samples: LabeledSamples): Promise<{ data: Float32Array; dim: number }> {
  const run = await readRunSamples(store, manifest, latent);
  const rowOf = new Map<string, number>();
  run.inputHashes.forEach((hash, row) => {
    if (!rowOf.has(hash)) rowOf.set(hash, row);
  });
  const data = new Float32Array(samples.indices.length * run.dim);
  samples.inputHashes.forEach((hash, i) => {
    const row = rowOf.get(hash);
    if (row === undefined) {
      throw new EvalensError('run-corrupt', `Run ${manifest.runId} has no embedding of sample ${samples.indices[i]} (input hash ${hash}), though it scored the benchmark. Evaluate again and run evalens cv.`);
    }
    data.set(run.embeddings.subarray(row * run.dim, (row + 1) * run.dim), i * run.dim);
  });
  return { data, dim: run.dim };
}

/**
 * The run of kind 'cross-validation' with its result. Written here rather than by
 * RunStore.create, which makes a queued run: a queue drained by another process meanwhile
 * would take it for an evaluation. The folder gets its result first and its manifest last
 * (atomically), and a folder without a manifest is no run, so no reader ever sees it half
 * made; on any failure the folder is removed.
 */
function storeResult(store: RunStore, config: ResolvedEvalConfig, prepared: PreparedEvaluation, source: RunManifest, body: Omit<CrossValidation, 'runId' | 'durationMs'>, started: number): { manifest: RunManifest; result: CrossValidation } {
  const startedAt = new Date(Date.now() - (performance.now() - started)).toISOString();
  const now = new Date();
  const runId = newRunId(now);
  const dir = store.runDir(runId);
  mkdirSync(store.root, { recursive: true });
  mkdirSync(dir);
  try {
    const result = crossValidationSchema.parse({ ...body, runId, durationMs: performance.now() - started });
    writeFileAtomic(path.join(dir, CROSS_VALIDATION_FILE), `${JSON.stringify(result, null, 1)}\n`);
    const at = now.toISOString();
    const name = `${config.name}: ${body.k}-fold cross-validation on ${body.benchmark}`;
    const accuracy = result.summary.accuracy;
    const manifest = runManifestSchema.parse({
      schemaVersion: 1,
      runId,
      kind: 'cross-validation',
      name,
      status: 'completed',
      createdAt: at,
      updatedAt: at,
      seq: now.getTime() * 1000,
      config,
      hashes: prepared.hashes,
      modelPath: prepared.modelPath,
      outputs: source.outputs,
      benchmarks: [{ name: body.benchmark, total: body.samples, done: body.samples, errors: 0 }],
      batchSize: config.batchSize,
      checkpoint: { records: 0, recordsBytes: 0, embeddings: {} },
      events: [
        // From the command's start: the run's duration is the whole cross-validation's, its evaluation included.
        { at: startedAt, kind: 'started', message: `${body.k}-fold cross-validation of benchmark '${body.benchmark}' started` },
        { at, kind: 'completed', message: `${result.k}-fold cross-validation of ${result.samples} samples on the embeddings of run ${result.sourceRunId}: accuracy ${accuracy.mean.toFixed(4)} ± ${accuracy.std.toFixed(4)}` },
      ],
    });
    store.write(manifest);
    return { manifest, result };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
