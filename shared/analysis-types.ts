import { z } from 'zod';

/**
 * What the analysis step (`evalens analyze`, and optionally the end of an evaluation) keeps
 * in a run's folder, under `analysis/`: `analysis.json` (this schema) beside binary files of
 * float32 / int32 rows (projections, neighbours). Read back by the CLI, the Markdown report,
 * exports and the panel; every read goes through these schemas.
 */

/** One sample of the run: its benchmark, position in it, index in its subset, and that subset. */
export const sampleRefSchema = z.object({
  benchmark: z.string(),
  position: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  subset: z.string().nullable(),
});
export type SampleRef = z.infer<typeof sampleRefSchema>;

/** A float32 or int32 matrix stored beside analysis.json: `rows × columns`, row-major, little-endian. */
export const matrixFileSchema = z.object({
  file: z.string().regex(/^[\w.-]+$/),
  dtype: z.enum(['float32', 'int32']),
  rows: z.number().int().nonnegative(),
  columns: z.number().int().positive(),
});
export type MatrixFile = z.infer<typeof matrixFileSchema>;

export const projectionSchema = z.object({
  method: z.enum(['pca', 'umap']),
  /** Seed of a stochastic method (UMAP); null for PCA. */
  seed: z.number().int().nullable(),
  /** PCA: share of the variance each of the 2 components explains. */
  explainedVarianceRatio: z.array(z.number()).nullable(),
  /** Row r is the 2-D point of embedding row r (the `embeddingRow` of a record). */
  points: matrixFileSchema,
});
export type Projection = z.infer<typeof projectionSchema>;

export const labelSuggestionSchema = z.object({
  sample: sampleRefSchema,
  /** The prediction output the suggestion is for. */
  output: z.string(),
  suggestedLabel: z.string(),
  /** Share of the k labeled neighbours (and the model's prediction, counted as one vote) that agree with the suggestion. */
  agreement: z.number().min(0).max(1),
  /** Mean loss of the labeled neighbours, weighted by similarity: what the model's loss on this sample likely is. */
  estimatedLoss: z.number().nullable(),
  /** Mean model confidence of the labeled neighbours. */
  estimatedConfidence: z.number().nullable(),
  modelPrediction: z.string().nullable(),
  modelConfidence: z.number().nullable(),
});
export type LabelSuggestion = z.infer<typeof labelSuggestionSchema>;

export const likelyMistakeSchema = z.object({
  sample: sampleRefSchema,
  output: z.string(),
  givenLabel: z.string(),
  /** The class whose per-class threshold the sample's probability passes (confident learning). */
  likelyLabel: z.string(),
  /** The model's probability of the given label (self-confidence): lower ranks first. */
  selfConfidence: z.number(),
  /** Margin used to rank: probability of the likely label minus self-confidence. */
  score: z.number(),
});
export type LikelyMistake = z.infer<typeof likelyMistakeSchema>;

export const nearDuplicateSchema = z.object({ a: sampleRefSchema, b: sampleRefSchema, similarity: z.number() });
export const exactDuplicateSchema = z.object({
  inputHash: z.string(),
  samples: z.array(sampleRefSchema),
  /** True when the samples span a training subset and an evaluation subset: leakage. */
  leakage: z.boolean(),
});

export const intervalSchema = z.object({
  value: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  method: z.enum(['wilson', 'bootstrap']),
});

export const sliceSchema = z.object({
  benchmark: z.string(),
  /** Metadata key the slice is cut on. */
  key: z.string(),
  /** A string or boolean value, or a quantile bin `[low, high)` of a number (`high` inclusive for the last bin). */
  slice: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('value'), value: z.union([z.string(), z.boolean()]) }),
    z.object({ kind: z.literal('bin'), low: z.number(), high: z.number(), closedHigh: z.boolean() }),
  ]),
  samples: z.number().int().nonnegative(),
  /** Each metric of the slice with its 95% interval: accuracy (Wilson), losses and custom metrics (seeded bootstrap). */
  metrics: z.record(z.string(), intervalSchema),
});
export type Slice = z.infer<typeof sliceSchema>;

export const analysisStatusSchema = z.enum(['completed', 'failed']);

export const analysisSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  status: analysisStatusSchema,
  createdAt: z.string(),
  durationMs: z.number().nonnegative(),
  /** Why the analysis failed or what it could not do; the run itself is never changed by it. */
  error: z.string().optional(),
  warnings: z.array(z.string()),
  /** The latent output whose embeddings were analysed (a bound `latent` output, or an intermediate tensor). */
  latent: z.object({ output: z.string(), dim: z.number().int().positive(), rows: z.number().int().nonnegative() }).nullable(),
  projections: z.array(projectionSchema),
  /** k nearest labeled neighbours (cosine) of every embedding row: indices (−1 when fewer exist) and similarities. */
  neighbours: z
    .object({
      k: z.number().int().positive(),
      /** Benchmarks whose labeled samples are the reference pool. */
      referenceBenchmarks: z.array(z.string()),
      indices: matrixFileSchema,
      similarities: matrixFileSchema,
    })
    .nullable(),
  suggestions: z.array(labelSuggestionSchema),
  /** Accuracy of the neighbours' majority label on labeled samples outside the reference pool (how far suggestions can be trusted). */
  suggestionAccuracy: z.object({ value: z.number(), samples: z.number().int() }).nullable(),
  mistakes: z.array(likelyMistakeSchema),
  nearDuplicates: z.object({ threshold: z.number(), pairs: z.array(nearDuplicateSchema) }),
  exactDuplicates: z.array(exactDuplicateSchema),
  /** Weakest first: by the lower bound of the main metric, among slices with at least `minSupport` samples. */
  slices: z.object({ minSupport: z.number().int().positive(), seed: z.number().int(), items: z.array(sliceSchema) }),
});
export type Analysis = z.infer<typeof analysisSchema>;

/** Folder of a run's analysis, and its summary file. */
export const ANALYSIS_DIR = 'analysis';
export const ANALYSIS_FILE = 'analysis.json';
