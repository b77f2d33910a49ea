import { performance } from 'node:perf_hooks';
import type { Analysis, LabelSuggestion, LikelyMistake, Projection } from '../../shared/analysis-types';
import type { RunManifest } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { errorText } from '../loader/load-script';
import type { RunStore } from '../runs/run-store';
import { AnalysisWriter, emptyAnalysis } from './analysis-store';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, exactDuplicates, nearDuplicates } from './duplicates';
import { Ballot, majorityAccuracy, suggestForRow, type NeighbourTable } from './label-suggestions';
import { findLikelyMistakes } from './likely-mistakes';
import { writeMatrixFile } from './matrix-file';
import { nearestNeighbours, type NearestNeighbours } from './nearest-neighbours';
import { pca2d } from './pca';
import { chooseLatent, readRunSamples, type ClassOutput, type RunSamples } from './run-samples';
import { computeSlices, DEFAULT_MIN_SUPPORT, type SampleMetric } from './slices';
import { umapProjection } from './umap-projection';

/**
 * The analysis step: from a completed run's embeddings and records, the 2-D projections,
 * each sample's nearest labeled neighbours, label suggestions for unlabeled samples, likely
 * label mistakes, duplicates and metric slices, written to `<run>/analysis/`. It reads the
 * run and never writes to its manifest, records or results.
 */

export interface AnalyzeOptions {
  /** Latent output to analyse; default: the first output the integration binds as `latent`. */
  latent?: string;
  /** Also a UMAP projection (seeded), besides PCA. */
  umap?: boolean;
  /** Neighbours per sample; default 5. */
  k?: number;
  executionProviders?: readonly string[];
  nearDuplicateThreshold?: number;
  minSupport?: number;
  /** Seed of UMAP and of the slices' bootstrap. */
  seed?: number;
}

export const DEFAULT_K = 5;
/** UMAP's neighbour count (umap-learn's default): it needs more samples than that. */
const UMAP_NEIGHBOURS = 15;
/** The subset whose samples get label suggestions. */
const UNLABELED = 'unlabeled';
/** The subset whose labeled samples are the neighbours, when the run scored it. */
const REFERENCE_SUBSET = 'train';

/**
 * Analyses a completed run and replaces its analysis. A failure after the run was found
 * (a missing or broken embeddings file, no latent output, unlabeled samples without labeled
 * neighbours) is recorded as a failed analysis.json and thrown.
 */
export async function analyzeRun(store: RunStore, runId: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const manifest = store.read(runId);
  if (manifest.status !== 'completed') {
    const finish = manifest.status === 'failed' || manifest.status === 'cancelled' ? ` Finish it first: evalens resume ${runId}` : ' Wait until it completes.';
    throw new EvalensError('usage', `Run ${runId} (${manifest.name}) is ${manifest.status}, not completed: only a completed run can be analysed.${finish}`);
  }
  const started = performance.now();
  const writer = new AnalysisWriter(store, runId);
  const base = baseAnalysis(manifest, options);
  let analysis: Analysis;
  try {
    analysis = await compute(store, manifest, writer, base, options);
  } catch (error) {
    writer.discard();
    const message = error instanceof EvalensError ? error.message : `The analysis of run ${runId} failed: ${errorText(error)}.`;
    const failed = new AnalysisWriter(store, runId);
    failed.commit({ ...base, status: 'failed', error: message, durationMs: performance.now() - started });
    throw error;
  }
  analysis.durationMs = performance.now() - started;
  writer.commit(analysis);
  return analysis;
}

function baseAnalysis(manifest: RunManifest, options: AnalyzeOptions): Analysis {
  return emptyAnalysis(manifest.runId, {
    nearDuplicates: { threshold: options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD, pairs: [] },
    slices: { minSupport: options.minSupport ?? DEFAULT_MIN_SUPPORT, seed: options.seed ?? 0, items: [] },
  });
}

async function compute(store: RunStore, manifest: RunManifest, writer: AnalysisWriter, base: Analysis, options: AnalyzeOptions): Promise<Analysis> {
  const k = options.k ?? DEFAULT_K;
  const seed = options.seed ?? 0;
  const latent = chooseLatent(manifest, options.latent);
  const samples = await readRunSamples(store, manifest, latent);
  const analysis: Analysis = { ...base, latent: { output: latent, dim: samples.dim, rows: samples.rows }, warnings: [] };
  const { rows, dim, embeddings } = samples;

  analysis.projections.push(await project('pca', samples, writer, seed, options.executionProviders));
  if (options.umap && rows <= UMAP_NEIGHBOURS) analysis.warnings.push(`No UMAP projection: it needs more than ${UMAP_NEIGHBOURS} samples, the run has ${rows}.`);
  else if (options.umap) analysis.projections.push(await project('umap', samples, writer, seed, options.executionProviders));

  // Every row's k nearest rows: the near-duplicates', and the label suggestions' when every row is in their pool.
  const everyRow = await nearestNeighbours({ queries: embeddings, queryRows: rows, pool: embeddings, poolRows: rows, dim, k, excludeSelf: (row) => row, executionProviders: options.executionProviders });

  const classes = samples.classes;
  const unlabeled = distinctRows(samples, (row) => samples.refs[row]!.subset === UNLABELED);
  if (classes === undefined) {
    if (unlabeled.length > 0) analysis.warnings.push(`No label suggestions: the run has no classification or binary prediction output to suggest labels for.`);
  } else {
    const pool = referencePool(samples, classes);
    if (pool.rows.length === 0 && unlabeled.length > 0) {
      const benchmarks = [...new Set(unlabeled.map((row) => samples.refs[row]!.benchmark))].map((b) => `'${b}'`).join(', ');
      throw new EvalensError(
        'usage',
        `Run ${manifest.runId}: benchmark ${benchmarks} holds ${unlabeled.length} samples of the '${UNLABELED}' subset, but the run has no labeled sample to be their neighbours, so no label can be suggested. Add a benchmark of labeled samples to the eval config (e.g. { "name": "train", "subset": "train" }), evaluate again and analyse that run.`,
      );
    }
    if (pool.rows.length > 0) {
      const table = await labeledNeighbours(samples, pool.rows, k, everyRow, options.executionProviders);
      analysis.neighbours = {
        k,
        referenceBenchmarks: pool.benchmarks,
        indices: writeMatrixFile(writer.dir, 'neighbours-indices.i32', table.indices, rows, k),
        similarities: writeMatrixFile(writer.dir, 'neighbours-similarities.f32', table.similarities, rows, k),
      };
      analysis.suggestions = suggestions(samples, classes, table, unlabeled);
      const inPool = new Set(pool.rows.map((row) => samples.identities[row]));
      analysis.suggestionAccuracy = majorityAccuracy(table, classes, distinctRows(samples, (row) => classes.truth[row]! >= 0 && !inPool.has(samples.identities[row])));
    }
    analysis.mistakes = mistakes(samples, classes);
  }

  const near = nearDuplicates({ k, ...everyRow }, samples, base.nearDuplicates.threshold);
  analysis.nearDuplicates.pairs = near.pairs.map((p) => ({ a: samples.refs[p.a]!, b: samples.refs[p.b]!, similarity: p.similarity }));
  if (near.total > near.pairs.length) analysis.warnings.push(`${near.total} near-duplicate pairs: the ${near.pairs.length} most similar are kept.`);
  analysis.exactDuplicates = exactDuplicates(samples);

  const sliced = computeSlices({ benchmarks: samples.benchmarks, benchmarkOf: samples.benchmarkOf, metadata: samples.metadata, metrics: sliceMetrics(samples) }, { minSupport: base.slices.minSupport, seed });
  analysis.slices.items = sliced.items;
  analysis.warnings.push(...sliced.warnings);
  return analysis;
}

async function project(method: 'pca' | 'umap', samples: RunSamples, writer: AnalysisWriter, seed: number, executionProviders: readonly string[] | undefined): Promise<Projection> {
  if (method === 'pca') {
    const pca = pca2d(samples.embeddings, samples.rows, samples.dim);
    return { method, seed: null, explainedVarianceRatio: pca.explainedVarianceRatio, points: writeMatrixFile(writer.dir, 'pca.f32', pca.points, samples.rows, 2) };
  }
  const points = await umapProjection(samples.embeddings, samples.rows, samples.dim, { seed, nNeighbors: UMAP_NEIGHBOURS, ...(executionProviders && { executionProviders }) });
  return { method, seed, explainedVarianceRatio: null, points: writeMatrixFile(writer.dir, 'umap.f32', points, samples.rows, 2) };
}

/** Rows of distinct samples (the first row of a sample scored in two benchmarks) that pass `keep`. */
function distinctRows(samples: RunSamples, keep: (row: number) => boolean): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (let row = 0; row < samples.rows; row++) {
    if (!keep(row) || seen.has(samples.identities[row]!)) continue;
    seen.add(samples.identities[row]!);
    out.push(row);
  }
  return out;
}

/** The labeled samples neighbours are taken from: those of the training subset's benchmarks, else every labeled sample. */
function referencePool(samples: RunSamples, classes: ClassOutput): { rows: number[]; benchmarks: string[] } {
  const labeled = (row: number) => classes.truth[row]! >= 0;
  const training = distinctRows(samples, (row) => labeled(row) && samples.refs[row]!.subset === REFERENCE_SUBSET);
  const rows = training.length > 0 ? training : distinctRows(samples, labeled);
  return { rows, benchmarks: [...new Set(rows.map((row) => samples.refs[row]!.benchmark))] };
}

/** Each row's k nearest rows of the pool, by embedding row; a sample is never its own neighbour. */
async function labeledNeighbours(samples: RunSamples, poolRows: readonly number[], k: number, everyRow: NearestNeighbours, executionProviders: readonly string[] | undefined): Promise<NeighbourTable> {
  // A pool of every row (distinct samples, in row order) is the search of every row, already done: not a second quadratic search.
  if (poolRows.length === samples.rows) return { k, ...everyRow };
  const { dim, embeddings } = samples;
  const pool = new Float32Array(poolRows.length * dim);
  poolRows.forEach((row, p) => pool.set(embeddings.subarray(row * dim, (row + 1) * dim), p * dim));
  const poolIndexOf = new Map(poolRows.map((row, p) => [samples.identities[row]!, p]));
  const found = await nearestNeighbours({
    queries: embeddings,
    queryRows: samples.rows,
    pool,
    poolRows: poolRows.length,
    dim,
    k,
    excludeSelf: (row) => poolIndexOf.get(samples.identities[row]!) ?? -1,
    executionProviders,
  });
  const indices = found.indices.map((p) => (p < 0 ? -1 : poolRows[p]!));
  return { k, indices, similarities: found.similarities };
}

/** Suggestions for the unlabeled samples, most uncertain first: lowest agreement, then highest estimated loss. */
function suggestions(samples: RunSamples, classes: ClassOutput, table: NeighbourTable, rows: readonly number[]): LabelSuggestion[] {
  const ballot = new Ballot(classes.numClasses);
  const out: (LabelSuggestion & { row: number })[] = [];
  for (const row of rows) {
    const suggestion = suggestForRow(table, classes, row, ballot);
    if (suggestion === undefined) continue;
    const predicted = classes.predicted[row]!;
    out.push({
      row,
      sample: samples.refs[row]!,
      output: classes.output.name,
      suggestedLabel: classes.labels[suggestion.label]!,
      agreement: suggestion.agreement,
      estimatedLoss: suggestion.estimatedLoss,
      estimatedConfidence: suggestion.estimatedConfidence,
      modelPrediction: predicted < 0 ? null : classes.labels[predicted]!,
      modelConfidence: predicted < 0 ? null : classes.confidence[row]!,
    });
  }
  out.sort((a, b) => a.agreement - b.agreement || (b.estimatedLoss ?? Number.NEGATIVE_INFINITY) - (a.estimatedLoss ?? Number.NEGATIVE_INFINITY) || a.row - b.row);
  return out.map(({ row: _row, ...suggestion }) => suggestion);
}

function mistakes(samples: RunSamples, classes: ClassOutput): LikelyMistake[] {
  const labeled = distinctRows(samples, (row) => classes.truth[row]! >= 0);
  return findLikelyMistakes(classes.probabilities, classes.numClasses, classes.truth, labeled).map((m) => ({
    sample: samples.refs[m.row]!,
    output: classes.output.name,
    givenLabel: classes.labels[m.givenLabel]!,
    likelyLabel: classes.labels[m.likelyLabel]!,
    selfConfidence: m.selfConfidence,
    score: m.score,
  }));
}

/** What slices are scored on: accuracy of the class output (ranks them), then the losses, then custom metrics. */
function sliceMetrics(samples: RunSamples): SampleMetric[] {
  const metrics: SampleMetric[] = [];
  const classes = samples.classes;
  if (classes !== undefined) {
    const correct = new Float64Array(samples.rows).fill(Number.NaN);
    for (let row = 0; row < samples.rows; row++) if (classes.truth[row]! >= 0) correct[row] = classes.predicted[row] === classes.truth[row] ? 1 : 0;
    metrics.push({ name: 'accuracy', values: correct, kind: 'proportion', lowerIsBetter: false });
  }
  for (const [name, values] of samples.losses) metrics.push({ name, values, kind: 'mean', lowerIsBetter: true });
  for (const [name, values] of samples.metrics) metrics.push({ name, values, kind: 'mean', lowerIsBetter: false });
  return metrics;
}
