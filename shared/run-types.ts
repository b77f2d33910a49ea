import { z } from 'zod';

/**
 * What the run store keeps about a run, read by the engine, the CLI, the extension and the
 * panel. Declared once here; every read from disk goes through these schemas.
 */

export const runStatusSchema = z.enum(['queued', 'evaluating', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export const runKindSchema = z.enum(['evaluation', 'integration-test', 'cross-validation']);
export type RunKind = z.infer<typeof runKindSchema>;

export const runEventSchema = z.object({
  at: z.string(),
  kind: z.enum(['submitted', 'started', 'resumed', 'forced-resume', 'batch-size-halved', 'provider-fallback', 'cancelled', 'failed', 'completed', 'interrupted', 'reused']),
  message: z.string(),
});
export type RunEvent = z.infer<typeof runEventSchema>;

export const benchmarkProgressSchema = z.object({
  name: z.string(),
  /** Samples the benchmark scores (after sampling). */
  total: z.number().int().nonnegative(),
  /** Samples recorded at the last checkpoint. */
  done: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});
export type BenchmarkProgress = z.infer<typeof benchmarkProgressSchema>;

/** A line of the user's integration script (source-mapped to its .ts), for a link to it. */
export const scriptLocationSchema = z.object({ file: z.string(), line: z.number().int().positive(), column: z.number().int().positive().optional() });
export type ScriptLocation = z.infer<typeof scriptLocationSchema>;

export const runErrorSchema = z.object({
  message: z.string(),
  benchmark: z.string().optional(),
  sample: z.number().int().optional(),
  component: z.string().optional(),
  /** Whether `resume` can finish the run (a crash, a kill, an out-of-memory, a cancellation). */
  resumable: z.boolean(),
  /** Where in the user's script the failure was raised, when it was in user code. */
  location: scriptLocationSchema.optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/** Byte lengths of the append-only files at the last checkpoint: anything past them is a torn or uncommitted tail. */
export const checkpointSchema = z.object({
  records: z.number().int().nonnegative(),
  recordsBytes: z.number().int().nonnegative(),
  embeddings: z.record(z.string(), z.object({ dim: z.number().int().positive(), bytes: z.number().int().nonnegative() })),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** How the integration binds a model output: read from the script at submission, so reports never load user code. */
export const outputBindingSchema = z.object({
  role: z.enum(['prediction', 'latent']),
  task: z.enum(['classification', 'binary', 'multilabel', 'regression', 'text']).optional(),
  labels: z.array(z.string()).optional(),
  groundTruth: z.string().optional(),
  activation: z.enum(['logits', 'probabilities']).optional(),
  /** Multilabel: the probability at or above which a label is predicted, for every label or per label. */
  threshold: z.union([z.number(), z.array(z.number())]).optional(),
  /** A latent read from this intermediate tensor of the graph (the key is the latent's name, not a model output). */
  tensor: z.string().optional(),
});
export type OutputBinding = z.infer<typeof outputBindingSchema>;

/** One checkpoint of a series (`model.checkpoint: "all"`): its model, where its records are, and their committed lengths. */
export const seriesCheckpointSchema = z.object({
  /** File name of the checkpoint in its folder. */
  name: z.string(),
  modelHash: z.string(),
  /** Folder of its records.jsonl and embeddings, relative to the run's; '' for the last checkpoint, whose files are the run's own. */
  dir: z.string(),
  recordsBytes: z.number().int().nonnegative(),
  embeddings: checkpointSchema.shape.embeddings,
  /** Per-sample errors per benchmark, in the order of the run's benchmarks. */
  errors: z.array(z.number().int().nonnegative()),
});
export type SeriesCheckpoint = z.infer<typeof seriesCheckpointSchema>;

export const runReuseSchema = z.object({
  runId: z.string(),
  reused: z.number().int().nonnegative(),
  /** Samples whose input hash the source run lacks (new or changed inputs, or failed there): run through the model. */
  inferred: z.number().int().nonnegative(),
});
export type RunReuse = z.infer<typeof runReuseSchema>;

/**
 * `evalens eval --shard I/N`: the run evaluates part I of N of every benchmark's samples
 * (engine/runner/shard.ts says which), to be merged with the other parts by `evalens runs merge`.
 */
export const runShardSchema = z.object({
  /** 1-based: shards 1 to `count`. */
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  /** The batch size the benchmarks are cut at: each batch of the unsharded run goes whole to one shard. */
  batchSize: z.number().int().positive(),
  /** Hashes of the evaluation this shard is part of (config, model, script): shards merge only when they all agree. */
  parent: z.object({ config: z.string(), model: z.string(), script: z.string() }),
});
export type RunShard = z.infer<typeof runShardSchema>;

export const runManifestSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  kind: runKindSchema,
  name: z.string(),
  status: runStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Submission order, to keep the queue in order when timestamps tie. */
  seq: z.number().int().nonnegative(),
  /** The resolved evaluation config (absolute paths), as the run uses it. */
  config: z.unknown(),
  hashes: z.object({ model: z.string(), script: z.string() }),
  /** The model file evaluated (absolute), as resolved at submission from the config or the integration's binding. */
  modelPath: z.string().optional(),
  /** Versions of the software that evaluated the run (evalens, onnxruntime-node), as of its last start or resume. */
  versions: z.record(z.string(), z.string()).optional(),
  /** The model outputs the run records, as the integration binds them. */
  outputs: z.record(z.string(), outputBindingSchema).default({}),
  benchmarks: z.array(benchmarkProgressSchema),
  batchSize: z.number().int().positive(),
  checkpoint: checkpointSchema,
  events: z.array(runEventSchema),
  error: runErrorSchema.optional(),
  /** Set on a shard run (`evalens eval --shard I/N`). */
  shard: runShardSchema.optional(),
  /** The shard runs `evalens runs merge` made this run from, in shard order. */
  mergedFrom: z.array(z.string()).optional(),
  /** Process evaluating the run, to tell a live run from one left behind by a crash. */
  pid: z.number().int().optional(),
  /** `evalens eval --reuse`: the completed run whose model outputs this run takes, and how many committed samples took them or ran the model. */
  reuse: runReuseSchema.optional(),
  /** A checkpoint series: every checkpoint scored on the same encoded samples, in natural order; the run's own records and results are the last one's. */
  checkpoints: z.array(seriesCheckpointSchema).optional(),
});
export type RunManifest = z.infer<typeof runManifestSchema>;

/** Samples recorded at the last checkpoint, and samples the run scores, over all its benchmarks. */
export function runProgress(manifest: Pick<RunManifest, 'benchmarks'>): { done: number; total: number } {
  return {
    done: manifest.benchmarks.reduce((n, b) => n + b.done, 0),
    total: manifest.benchmarks.reduce((n, b) => n + b.total, 0),
  };
}

export const gateResultSchema = z.object({
  benchmark: z.string(),
  metric: z.string(),
  value: z.number().nullable(),
  passed: z.boolean(),
  /** e.g. "accuracy 0.852 ≥ 0.8", "f1_macro changed by -0.031 (< -0.01) against run X". */
  message: z.string(),
});
export type GateResult = z.infer<typeof gateResultSchema>;

export const metricValuesSchema = z.record(z.string(), z.unknown());

export const benchmarkResultSchema = z.object({
  name: z.string(),
  samples: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  overallScore: z.number().nullable(),
  /** Headline metrics: those of the first prediction output, custom metrics and losses (means). */
  metrics: z.record(z.string(), z.number().nullable()),
  /** Full results per prediction output (confusion matrix, per class, ...). */
  outputs: z.record(z.string(), metricValuesSchema),
});
export type BenchmarkResult = z.infer<typeof benchmarkResultSchema>;

/** The results of one checkpoint of a series, as those of a run of that checkpoint alone (without gates). */
export const checkpointResultSchema = z.object({
  /** File name of the checkpoint. */
  name: z.string(),
  overallScore: z.number().nullable(),
  benchmarks: z.array(benchmarkResultSchema),
});
export type CheckpointResult = z.infer<typeof checkpointResultSchema>;

export const runResultsSchema = z.object({
  runId: z.string(),
  overallScore: z.number().nullable(),
  benchmarks: z.array(benchmarkResultSchema),
  gates: z.array(gateResultSchema),
  /** A checkpoint series: every checkpoint's results in natural order; the fields above are the last one's. */
  checkpoints: z.array(checkpointResultSchema).optional(),
});
export type RunResults = z.infer<typeof runResultsSchema>;

/** One evaluated sample, as appended to records.jsonl. */
export const sampleRecordSchema = z.object({
  /** Benchmark name and position in its sample list. */
  benchmark: z.string(),
  position: z.number().int().nonnegative(),
  /** Index of the sample in its subset. */
  index: z.number().int().nonnegative(),
  /** XXH64 (hex, 16 chars) of the encoded inputs: traces a difference between runs to the data. */
  inputHash: z.string(),
  /** Raw values of each prediction output (in records.jsonl a float32 output is the base64 of its bytes: engine/runs/record-format.ts). */
  outputs: z.record(z.string(), z.array(z.number())),
  groundTruths: z.record(z.string(), z.array(z.number())),
  metadata: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  metrics: z.record(z.string(), z.number()),
  losses: z.record(z.string(), z.number()),
  /** Text outputs as the integration decodes them, with the sample's reference texts. */
  texts: z.record(z.string(), z.object({ hypothesis: z.string(), references: z.array(z.string()) })).optional(),
  /** Row of this sample in each latent output's embeddings file. */
  embeddingRow: z.number().int().nonnegative().optional(),
  /** Why the sample failed; `location` when it was raised in the user's script. */
  error: z.object({ component: z.string(), message: z.string(), location: scriptLocationSchema.optional() }).optional(),
});
export type SampleRecord = z.infer<typeof sampleRecordSchema>;
