import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SampleRef } from '../../shared/analysis-types';
import type { RunManifest, SampleRecord } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { classProbabilitiesInto, positiveProbability } from '../metrics/activations';
import { logLossTerm } from '../metrics/log-loss';
import { predictionOutputsOfBinding, trueClass, type PredictionOutput } from '../report/prediction-outputs';
import { embeddingsFile, type RunStore } from '../runs/run-store';
import type { RowFacts } from './label-suggestions';
import type { MetadataValue } from './slices';

/**
 * A completed run read for the analysis, one row per embedding row (each sample the model
 * scored without error): its embedding, who it is, and columns of what the records say
 * about it. Typed arrays per column, so memory grows by a fixed amount per sample.
 */
export interface RunSamples {
  latent: string;
  rows: number;
  dim: number;
  embeddings: Float32Array;
  refs: SampleRef[];
  /** Equal for the same sample scored in two benchmarks (same dataset, subset and index). */
  identities: string[];
  inputHashes: string[];
  benchmarks: string[];
  benchmarkOf: Int32Array;
  metadata: Map<string, (MetadataValue | undefined)[]>;
  /** Custom metrics and losses per row, NaN where a record lacks them. */
  metrics: Map<string, Float64Array>;
  losses: Map<string, Float64Array>;
  /** The first classification or binary prediction output, as suggestions and mistakes read it. */
  classes?: ClassOutput;
}

export interface ClassOutput extends RowFacts {
  output: PredictionOutput;
  labels: string[];
  /** Row-major `rows × numClasses` probabilities. */
  probabilities: Float32Array;
}

/** The parts of the run's config snapshot the analysis needs. */
const configBenchmarksSchema = z.object({ benchmarks: z.array(z.object({ name: z.string(), subset: z.string().optional(), dataset: z.string().optional() })) });

/** The latent output analysed: the one asked for, else the first one bound as latent. */
export function chooseLatent(manifest: RunManifest, requested: string | undefined): string {
  const bound = Object.entries(manifest.outputs).filter(([, b]) => b.role === 'latent').map(([name]) => name);
  const recorded = Object.keys(manifest.checkpoint.embeddings);
  if (requested !== undefined) {
    if (recorded.includes(requested)) return requested;
    const known = recorded.length > 0 ? `It recorded embeddings of: ${recorded.map((n) => `'${n}'`).join(', ')}.` : 'It recorded no embeddings.';
    throw new EvalensError('usage', `Run ${manifest.runId} has no latent output '${requested}'. ${known} Pass one of them with --latent, or bind '${requested}' with role 'latent' in the integration's model.outputs and evaluate again.`);
  }
  const latent = bound.find((name) => recorded.includes(name)) ?? bound[0];
  if (latent === undefined) {
    throw new EvalensError(
      'usage',
      `Run ${manifest.runId} has no latent output: its integration binds no model output with role 'latent', so no embeddings were recorded to analyse. Bind one in the integration's model.outputs (e.g. embedding: { role: 'latent' }) and evaluate again.`,
    );
  }
  return latent;
}

export async function readRunSamples(store: RunStore, manifest: RunManifest, latent: string): Promise<RunSamples> {
  const { rows, dim, embeddings } = readEmbeddings(store, manifest, latent);
  const config = configBenchmarksSchema.safeParse(manifest.config);
  const configured = new Map((config.success ? config.data.benchmarks : []).map((b) => [b.name, b]));
  const benchmarks = manifest.benchmarks.map((b) => b.name);
  const samples: RunSamples = {
    latent,
    rows,
    dim,
    embeddings,
    refs: new Array<SampleRef>(rows),
    identities: new Array<string>(rows),
    inputHashes: new Array<string>(rows),
    benchmarks,
    benchmarkOf: new Int32Array(rows).fill(-1),
    metadata: new Map(),
    metrics: new Map(),
    losses: new Map(),
  };
  const output = predictionOutputsOfBinding(manifest.outputs).find((o) => o.task === 'classification' || o.task === 'binary');
  const file = path.join(store.runDir(manifest.runId), embeddingsFile(latent));
  let lossName: string | undefined;
  let scratch = new Float64Array(0);
  const reader = store.recordReader(manifest);
  const visit = (record: SampleRecord) => {
    const row = record.embeddingRow;
    if (row === undefined) return;
    if (row >= rows) {
      throw new EvalensError('run-corrupt', `Run ${manifest.runId}: the record of sample ${record.index} of benchmark '${record.benchmark}' points at embedding row ${row}, but ${file} holds ${rows} rows. The embeddings file is broken; evaluate the run again.`);
    }
    const b = benchmarks.indexOf(record.benchmark);
    const bench = configured.get(record.benchmark);
    const subset = bench?.subset ?? null;
    samples.refs[row] = { benchmark: record.benchmark, position: record.position, index: record.index, subset };
    samples.identities[row] = `${bench?.dataset ?? ''}\0${subset ?? `\0${record.benchmark}`}\0${record.index}`;
    samples.inputHashes[row] = record.inputHash;
    samples.benchmarkOf[row] = b;
    for (const key in record.metadata) column(samples.metadata, key, () => new Array<MetadataValue | undefined>(rows))[row] = record.metadata[key];
    for (const name in record.metrics) column(samples.metrics, name, () => new Float64Array(rows).fill(Number.NaN))[row] = record.metrics[name]!;
    for (const name in record.losses) column(samples.losses, name, () => new Float64Array(rows).fill(Number.NaN))[row] = record.losses[name]!;
    lossName ??= Object.keys(record.losses)[0];
    if (output === undefined) return;
    const values = record.outputs[output.name];
    if (values === undefined || values.length === 0) return;
    samples.classes ??= newClassOutput(output, output.task === 'binary' ? 2 : values.length, rows);
    const c = samples.classes;
    if (c.numClasses !== (output.task === 'binary' ? 2 : values.length)) return;
    // Exactly a row long: the softmax is written through it.
    if (scratch.length !== c.numClasses) scratch = new Float64Array(c.numClasses);
    const probabilities = c.probabilities.subarray(row * c.numClasses, (row + 1) * c.numClasses);
    if (output.task === 'binary') {
      const p = positiveProbability(values, output.activation);
      probabilities[0] = 1 - p;
      probabilities[1] = p;
    } else {
      classProbabilitiesInto(values, output.activation, probabilities, scratch);
    }
    let predicted = 0;
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k]! > probabilities[predicted]!) predicted = k;
    c.predicted[row] = predicted;
    c.confidence[row] = probabilities[predicted]!;
    const truth = output.groundTruth === undefined ? undefined : record.groundTruths[output.groundTruth];
    const actual = truth === undefined ? undefined : trueClass(output, truth);
    if (actual === undefined || actual < 0 || actual >= c.numClasses) return;
    c.truth[row] = actual;
    // The run's own loss where it recorded one; else the cross-entropy its log_loss is made of.
    const recorded = lossName === undefined ? undefined : record.losses[lossName];
    c.loss[row] = recorded ?? logLossTerm(probabilities, actual, 'float32', scratch);
  };
  for await (const chunk of reader.chunks()) reader.forEach(chunk, visit);
  const missing = samples.benchmarkOf.indexOf(-1);
  if (missing >= 0) {
    throw new EvalensError('run-corrupt', `Run ${manifest.runId}: row ${missing} of ${file} belongs to no sample record (${rows} rows for fewer scored samples). The embeddings file is broken; evaluate the run again.`);
  }
  return samples;
}

function newClassOutput(output: PredictionOutput, numClasses: number, rows: number): ClassOutput {
  return {
    output,
    labels: Array.from({ length: numClasses }, (_, k) => output.labels?.[k] ?? String(k)),
    numClasses,
    probabilities: new Float32Array(rows * numClasses),
    truth: new Int32Array(rows).fill(-1),
    predicted: new Int32Array(rows).fill(-1),
    confidence: new Float64Array(rows).fill(Number.NaN),
    loss: new Float64Array(rows).fill(Number.NaN),
  };
}

function column<T>(columns: Map<string, T>, name: string, make: () => T): T {
  let values = columns.get(name);
  if (values === undefined) columns.set(name, (values = make()));
  return values;
}

/** The committed embedding rows, checked: present, as long as the last checkpoint says, every value finite. */
function readEmbeddings(store: RunStore, manifest: RunManifest, latent: string): { rows: number; dim: number; embeddings: Float32Array } {
  const file = path.join(store.runDir(manifest.runId), embeddingsFile(latent));
  const entry = manifest.checkpoint.embeddings[latent];
  const again = `Evaluate the run again (evalens eval) to record its embeddings; the run's scores are unaffected.`;
  if (entry === undefined || !existsSync(file)) {
    throw new EvalensError('run-corrupt', `Run ${manifest.runId}: the embeddings of latent output '${latent}' (${file}) are missing. ${again}`);
  }
  const size = statSync(file).size;
  if (size < entry.bytes || entry.bytes % (4 * entry.dim) !== 0) {
    throw new EvalensError('run-corrupt', `Run ${manifest.runId}: ${file} is broken: ${size} bytes where the run's last checkpoint recorded ${entry.bytes} (rows of ${entry.dim} float32 values). It was truncated or changed outside Evalens. ${again}`);
  }
  const { rows, dim, data } = store.embeddings(manifest, latent)!;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new EvalensError('run-corrupt', `Run ${manifest.runId}: row ${Math.floor(i / dim)} of ${file} holds a value that is not a finite number (${data[i]}). The model produced it or the file was changed outside Evalens. ${again}`);
    }
  }
  return { rows, dim, embeddings: data };
}
