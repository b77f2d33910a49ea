import { z } from 'zod';

/**
 * What a cross-validation run keeps (`<run>/cross-validation.json`), read by the CLI, the
 * extension and the panel: a multinomial logistic-regression head trained K times on the
 * embeddings of a source run, each time scored on the fold it did not see.
 */

/** The metrics scored on each fold, in the order tables show them. */
export const CV_METRICS = ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'log_loss'] as const;
export type CvMetric = (typeof CV_METRICS)[number];
/** Lower is better for these; higher for the others. */
export const CV_LOWER_IS_BETTER: ReadonlySet<CvMetric> = new Set(['log_loss']);

export const cvMetricValuesSchema = z.object(Object.fromEntries(CV_METRICS.map((m) => [m, z.number()])) as Record<CvMetric, z.ZodNumber>);
export type CvMetricValues = z.infer<typeof cvMetricValuesSchema>;

export const cvFoldSchema = z.object({
  /** 0-based. */
  fold: z.number().int().nonnegative(),
  trainSize: z.number().int().positive(),
  testSize: z.number().int().positive(),
  /** Sample indices (in the benchmark's subset) held out in this fold, ascending. */
  testIndices: z.array(z.number().int().nonnegative()),
  metrics: cvMetricValuesSchema,
  /** The solver on this fold's training part. */
  iterations: z.number().int().nonnegative(),
  gradientNorm: z.number(),
  converged: z.boolean(),
  durationMs: z.number().nonnegative(),
});
export type CvFold = z.infer<typeof cvFoldSchema>;

export const cvSpreadSchema = z.object({ mean: z.number(), std: z.number(), min: z.number(), max: z.number() });
export type CvSpread = z.infer<typeof cvSpreadSchema>;

export const crossValidationSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  /** The completed evaluation run whose embeddings and labels were used. */
  sourceRunId: z.string(),
  /** Whether the source run was evaluated for this cross-validation (no completed run matched). */
  sourceEvaluated: z.boolean(),
  benchmark: z.string(),
  /** The latent output (or intermediate tensor bound as latent) whose embeddings are the features. */
  latent: z.string(),
  dim: z.number().int().positive(),
  /** The prediction output whose ground truth gives the labels, and its class names. */
  output: z.string(),
  labels: z.array(z.string()),
  /** Labeled samples per class, in `labels` order. */
  classCounts: z.array(z.number().int().nonnegative()),
  samples: z.number().int().positive(),
  k: z.number().int().min(2),
  /** How samples were assigned to folds: stratified and seeded, or read from a folds file. */
  assignment: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('stratified'), seed: z.number().int() }),
    z.object({ kind: z.literal('file'), file: z.string() }),
  ]),
  solver: z.object({
    name: z.literal('lbfgs'),
    c: z.number().positive(),
    gradientTolerance: z.number().positive(),
    maxIterations: z.number().int().positive(),
  }),
  folds: z.array(cvFoldSchema),
  /** Per metric over the folds; `std` is the population standard deviation (ddof = 0, numpy's default). */
  summary: z.object(Object.fromEntries(CV_METRICS.map((m) => [m, cvSpreadSchema])) as Record<CvMetric, typeof cvSpreadSchema>),
  /** Every held-out prediction of every fold, rows true labels, columns predicted. */
  confusionMatrix: z.array(z.array(z.number().int().nonnegative())),
  warnings: z.array(z.string()),
  durationMs: z.number().nonnegative(),
});
export type CrossValidation = z.infer<typeof crossValidationSchema>;
