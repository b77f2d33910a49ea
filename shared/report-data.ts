import { z } from 'zod';
import { analysisSchema, exactDuplicateSchema, projectionSchema } from './analysis-types';
import { crossValidationSchema } from './cross-validation-types';
import { gateResultSchema, runEventSchema, runKindSchema, runStatusSchema } from './run-types';

/**
 * What a run's report shows, computed by the engine from the run store
 * (engine/report/report-data.ts) and sent as is to the panel (a webview) and inlined into
 * the self-contained HTML export. Declared once here; the webview validates it on arrival.
 */

/** A cell of the sample table: user data (metadata strings, labels) is shown as text, never as markup. */
export const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof cellSchema>;

export const columnRoleSchema = z.enum([
  'position', 'index', 'inputHash', 'error',
  'predicted', 'predictedLabel', 'confidence', 'positiveProbability', 'truth', 'truthLabel', 'correct',
  'value', 'trueValue', 'text', 'references',
  'metadata', 'metric', 'loss', 'other',
]);
export type ColumnRole = z.infer<typeof columnRoleSchema>;

export const tableColumnSchema = z.object({
  /** Unique key, e.g. `logits.predicted_class`, `metadata.ink.faint`, `loss.cross_entropy`. */
  key: z.string(),
  /** Header shown to the user. */
  label: z.string(),
  type: z.enum(['string', 'int', 'double', 'boolean']),
  role: columnRoleSchema,
  /** The prediction output a prediction column belongs to. */
  output: z.string().optional(),
});
export type TableColumn = z.infer<typeof tableColumnSchema>;

/** Every sample of a benchmark, by column: `values[c][r]` is column c of row r (compact for 100k rows). */
export const sampleTableSchema = z
  .object({
    rows: z.number().int().nonnegative(),
    columns: z.array(tableColumnSchema),
    // Millions of cells: one tight loop instead of a schema per cell (zod's per-element parse
    // costs about 0.3 s on 100k rows, a third of the report's first render).
    values: z.custom<Cell[][]>((v) => Array.isArray(v) && v.every(isCellColumn), { message: 'every column must be an array of strings, finite numbers, booleans or nulls' }),
  })
  .refine((t) => t.values.length === t.columns.length && t.values.every((c) => c.length === t.rows), {
    message: 'the table must hold one array of `rows` cells per column',
    path: ['values'],
  });

function isCellColumn(column: unknown): boolean {
  if (!Array.isArray(column)) return false;
  for (let i = 0; i < column.length; i++) {
    const cell: unknown = column[i];
    const type = typeof cell;
    if (!(cell === null || type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(cell)))) return false;
  }
  return true;
}
export type SampleTableData = z.infer<typeof sampleTableSchema>;

export const curveSchema = z.object({
  /** The class the curve is one-vs-rest for (binary: the positive label). */
  label: z.string(),
  x: z.array(z.number()),
  y: z.array(z.number()),
  /** ROC AUC or average precision of this curve; null when undefined (one class absent). */
  area: z.number().nullable(),
});
export type Curve = z.infer<typeof curveSchema>;

export const classRowSchema = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int().nonnegative(),
});
export type ClassRow = z.infer<typeof classRowSchema>;

/** A label of a multilabel output: its scores at its threshold, and its threshold-free ones (null where undefined). */
export const labelRowSchema = classRowSchema.extend({
  threshold: z.number(),
  averagePrecision: z.number().nullable(),
  rocAuc: z.number().nullable(),
});
export type LabelRow = z.infer<typeof labelRowSchema>;

/** Which sample-table columns hold an output's per-sample facts, so the panel can filter and recompute. */
export const outputColumnsSchema = z.object({
  predicted: z.string().optional(),
  truth: z.string().optional(),
  correct: z.string().optional(),
  confidence: z.string().optional(),
  positiveProbability: z.string().optional(),
  value: z.string().optional(),
  trueValue: z.string().optional(),
});

const classificationLikeSchema = {
  name: z.string(),
  labels: z.array(z.string()),
  perClass: z.array(classRowSchema),
  /** Rows are true classes, columns predicted classes (scikit-learn's layout). */
  confusionMatrix: z.array(z.array(z.number().int().nonnegative())),
  /** ROC curves (x = false positive rate, y = true positive rate), at most ~500 points each. */
  roc: z.array(curveSchema),
  /** Precision-recall curves (x = recall, y = precision), at most ~500 points each. */
  precisionRecall: z.array(curveSchema),
  columns: outputColumnsSchema,
};

export const outputReportSchema = z.discriminatedUnion('task', [
  z.object({ task: z.literal('classification'), ...classificationLikeSchema }),
  z.object({
    task: z.literal('binary'),
    ...classificationLikeSchema,
    /** Threshold the stored metrics used; the panel recomputes at another from the table's positiveProbability and truth columns. */
    threshold: z.number(),
  }),
  z.object({
    task: z.literal('regression'),
    name: z.string(),
    /** Predicted against actual, one point per labeled sample (first value of each). */
    predicted: z.array(z.number()),
    actual: z.array(z.number()),
    /** Residuals (predicted − actual) binned: `edges` has one more entry than `counts`. */
    residualHistogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int().nonnegative()) }),
    columns: outputColumnsSchema,
  }),
  z.object({
    task: z.literal('text'),
    name: z.string(),
    /** Sample-table columns holding the decoded text and its references. */
    textColumn: z.string(),
    referencesColumn: z.string(),
  }),
  z.object({
    task: z.literal('multilabel'),
    name: z.string(),
    labels: z.array(z.string()),
    /** Per label, from results.json (the runner's metrics); empty before the run has results. */
    perLabel: z.array(labelRowSchema),
    /** Each label's ROC and precision-recall curves, as for classification outputs. */
    roc: z.array(curveSchema),
    precisionRecall: z.array(curveSchema),
    columns: outputColumnsSchema,
  }),
]);
export type OutputReport = z.infer<typeof outputReportSchema>;

export const benchmarkReportSchema = z.object({
  name: z.string(),
  /** Subset or dataset it scores, and its sampling. */
  source: z.object({ subset: z.string().optional(), dataset: z.string().optional(), sampleCount: z.number().optional(), seed: z.number().optional() }),
  samples: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  overallScore: z.number().nullable(),
  /** Every scalar metric of the benchmark (built-in per output as `output.metric` when several outputs, custom, losses). */
  metrics: z.record(z.string(), z.number().nullable()),
  outputs: z.array(outputReportSchema),
  table: sampleTableSchema,
});
export type BenchmarkReport = z.infer<typeof benchmarkReportSchema>;

/** Where a failure happened in the user's script, for a link to its line. */
export const sourceLocationSchema = z.object({ file: z.string(), line: z.number().int().positive(), column: z.number().int().positive().optional() });
export type SourceLocation = z.infer<typeof sourceLocationSchema>;

export const sampleErrorSchema = z.object({
  benchmark: z.string(),
  position: z.number().int(),
  index: z.number().int(),
  component: z.string(),
  message: z.string(),
  /** The line of the user's script that threw, when user code did. */
  location: sourceLocationSchema.optional(),
});
export type SampleErrorData = z.infer<typeof sampleErrorSchema>;

export const runSummarySchema = z.object({
  runId: z.string(),
  name: z.string(),
  kind: runKindSchema,
  status: runStatusSchema,
  /** A run left `evaluating` by a process that is gone: resumable. */
  interrupted: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Time spent evaluating (sum over its sessions), when known. */
  durationMs: z.number().nullable(),
  samplesPerSecond: z.number().nullable(),
  overallScore: z.number().nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  model: z.object({ path: z.string(), hash: z.string() }),
  scriptHash: z.string(),
  benchmarks: z.array(z.string()),
  error: z
    .object({
      message: z.string(),
      benchmark: z.string().optional(),
      sample: z.number().int().optional(),
      component: z.string().optional(),
      resumable: z.boolean(),
      location: sourceLocationSchema.optional(),
    })
    .optional(),
  gates: z.object({ passed: z.number().int(), failed: z.number().int() }),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

// 100k points per array: one tight loop each, as for the sample table's cells, not a schema per element.
const finiteNumbers = z.custom<number[]>((v) => isNumberArray(v, false), { message: 'must be an array of finite numbers' });
const rowIndices = z.custom<number[]>((v) => isNumberArray(v, true), { message: 'must be an array of non-negative integers' });

function isNumberArray(value: unknown, indices: boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || (indices && (v < 0 || !Number.isInteger(v)))) return false;
  }
  return true;
}

/**
 * A 2-D projection of the latent space, inline: `x[i], y[i]` is the point of the sample
 * `points.benchmark[i], points.row[i]` (rounded to 5 significant digits: a scatter needs no more,
 * and 100k points stay a few MB of JSON).
 */
export const reportProjectionSchema = projectionSchema.omit({ points: true }).extend({ x: finiteNumbers, y: finiteNumbers });
export type ReportProjection = z.infer<typeof reportProjectionSchema>;

/**
 * The run's analysis (shared/analysis-types.ts) as the report shows it: the summary as stored,
 * and each projected point tied to its sample-table row, so the panel can colour points by any
 * column of the table. Absent when the run has not been analysed.
 */
export const reportAnalysisSchema = analysisSchema
  .pick({
    status: true,
    createdAt: true,
    durationMs: true,
    error: true,
    warnings: true,
    latent: true,
    suggestions: true,
    suggestionAccuracy: true,
    mistakes: true,
    nearDuplicates: true,
    slices: true,
  })
  .extend({
    /** Groups of equal inputs, each naming its first REPORT_GROUP_SAMPLES samples and counting all (a repeated dataset has thousands per group). */
    exactDuplicates: z.array(exactDuplicateSchema.extend({ total: z.number().int().positive() })),
    /** Point i: index of its benchmark in `benchmarks`, and its row in that benchmark's sample table. */
    points: z.object({ benchmark: rowIndices, row: rowIndices }),
    projections: z.array(reportProjectionSchema),
  })
  .refine((a) => a.points.benchmark.length === a.points.row.length && a.projections.every((p) => p.x.length === a.points.row.length && p.y.length === a.points.row.length), {
    message: 'every projection must hold one x and one y per point',
    path: ['projections'],
  });
export type ReportAnalysis = z.infer<typeof reportAnalysisSchema>;

/** Samples of a group of equal inputs the report names; the rest are counted. */
export const REPORT_GROUP_SAMPLES = 20;

export const checkpointScoresSchema = z.object({
  name: z.string(),
  overallScore: z.number().nullable(),
  benchmarks: z.array(z.object({ name: z.string(), overallScore: z.number().nullable() })),
});
export type CheckpointScores = z.infer<typeof checkpointScoresSchema>;

export const reportDataSchema = z.object({
  run: runSummarySchema,
  configuration: z.object({
    /** The resolved eval config the run used. */
    snapshot: z.unknown(),
    integration: z.string(),
    executionProviders: z.object({ requested: z.array(z.string()), used: z.array(z.string()) }),
    batchSize: z.number().int(),
    seeds: z.array(z.object({ benchmark: z.string(), seed: z.number().nullable() })),
    versions: z.record(z.string(), z.string()),
  }),
  gates: z.array(gateResultSchema),
  events: z.array(runEventSchema),
  sampleErrors: z.array(sampleErrorSchema),
  benchmarks: z.array(benchmarkReportSchema),
  /** Insights from the latent space, when the run was analysed (`evalens analyze`); a failed analysis keeps its error here. */
  analysis: reportAnalysisSchema.optional(),
  /** A cross-validation run's result (`evalens cv`): what its report shows instead of benchmarks and samples. */
  crossValidation: crossValidationSchema.optional(),
  /** A checkpoint series: each checkpoint's overall score and its benchmarks', in natural order (the rest of the report is the last checkpoint's). */
  checkpoints: z.array(checkpointScoresSchema).optional(),
});
export type ReportData = z.infer<typeof reportDataSchema>;

/** One sample that changed correctness between two runs. */
export const flippedSampleSchema = z.object({
  index: z.number().int(),
  inputHash: z.string(),
  truth: z.string().nullable(),
  predictedA: z.string().nullable(),
  predictedB: z.string().nullable(),
});

export const metricDeltaSchema = z.object({
  metric: z.string(),
  a: z.number().nullable(),
  b: z.number().nullable(),
  delta: z.number().nullable(),
  /** A loss or error (built in, or one of the integration's losses): a positive delta is a worse run. */
  lowerIsBetter: z.boolean().optional(),
});
export type MetricDelta = z.infer<typeof metricDeltaSchema>;

/** McNemar's exact test: of the paired samples, `b` right in A only, `c` right in B only; p two-sided. */
export const mcnemarSchema = z.object({ output: z.string(), samples: z.number().int(), b: z.number().int(), c: z.number().int(), pValue: z.number() });
export type McNemar = z.infer<typeof mcnemarSchema>;

/** A headline metric's change B − A on the paired samples, with its bootstrap percentile interval. */
export const deltaIntervalSchema = z.object({ output: z.string(), metric: z.string(), a: z.number(), b: z.number(), delta: z.number(), low: z.number(), high: z.number() });
export type DeltaInterval = z.infer<typeof deltaIntervalSchema>;

export const comparisonSchema = z.object({
  a: runSummarySchema,
  b: runSummarySchema,
  benchmarks: z.array(
    z.object({
      name: z.string(),
      /** Samples paired by index and input hash; those present in one run only, or with another input hash, are counted, not paired. */
      paired: z.number().int(),
      unpaired: z.number().int(),
      metrics: z.array(metricDeltaSchema),
      perClass: z.array(z.object({ output: z.string(), label: z.string(), metrics: z.array(metricDeltaSchema) })),
      rightToWrong: z.array(flippedSampleSchema),
      wrongToRight: z.array(flippedSampleSchema),
      /** McNemar's exact test on the paired samples both runs scored on `output`; null where there are none (see `notes`). */
      mcnemar: mcnemarSchema.nullable().optional(),
      /** Bootstrap intervals of the headline metrics' deltas (B − A) on the paired samples. */
      intervals: z.array(deltaIntervalSchema).optional(),
    }),
  ),
  /** Benchmarks only one of the runs has. */
  onlyInA: z.array(z.string()),
  onlyInB: z.array(z.string()),
  /** How the intervals were drawn. */
  bootstrap: z.object({ resamples: z.number().int().positive(), seed: z.number().int(), confidence: z.number() }).optional(),
  /** What the statistics could not cover, and why. */
  notes: z.array(z.string()).optional(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/** A sample's detail: its class probabilities per output, and what the integration's visualizers draw (see shared/sample-visuals.ts). */
export const sampleDetailSchema = z.object({
  runId: z.string(),
  benchmark: z.string(),
  position: z.number().int(),
  index: z.number().int(),
  probabilities: z.array(z.object({ output: z.string(), classes: z.array(z.object({ label: z.string(), probability: z.number() })) })),
  visuals: z.array(
    z.discriminatedUnion('kind', [
      z.object({ name: z.string(), kind: z.literal('image'), width: z.number().int().positive(), height: z.number().int().positive(), rgba: z.string() }),
      z.object({ name: z.string(), kind: z.literal('text'), text: z.string() }),
    ]),
  ),
  /** Why nothing was drawn (no visualizer, untrusted workspace, the script failed). */
  visualsNote: z.string().optional(),
});
export type SampleDetail = z.infer<typeof sampleDetailSchema>;
