import { z } from 'zod';

/**
 * The evaluation config (`evalens.eval.json`): what to evaluate, on which benchmarks, how,
 * and which quality gates decide the exit code. Strict: an unknown key is an error, so a
 * typo never silently falls back to a default. Paths are relative to the config file.
 */

const identifier = z.string().regex(/^[A-Za-z0-9_][\w.-]*$/, 'must be a name of letters, digits, _, . or - (it names files and report rows)');

export const benchmarkSchema = z
  .strictObject({
    name: identifier.describe('Name of the benchmark, unique in the config.'),
    subset: z.string().min(1).optional().describe("Subset returned by the integration's preprocess (train, validation, test, unlabeled or a custom name)."),
    dataset: z.string().min(1).optional().describe("Path of a dataset the integration's preprocess reads (ctx.datasetPath), relative to the config; its samples come from `subset` when given, else from the only subset preprocess returns."),
    sampleCount: z.number().int().positive().optional().describe('Evaluate this many samples, drawn with `seed`; default: all.'),
    seed: z.number().int().nonnegative().default(0).describe('Seed of the sample draw: the same seed picks the same samples every time.'),
    parameters: z.record(z.string(), z.unknown()).default({}).describe('Passed to preprocess as ctx.parameters.'),
  })
  .refine((b) => b.subset !== undefined || b.dataset !== undefined, { message: 'needs `subset` (a subset of the integration) or `dataset` (a path preprocess reads)' });

export const gateSchema = z
  .strictObject({
    benchmark: z.string().min(1).optional().describe('Benchmark the gate applies to; default: every benchmark.'),
    metric: z.string().min(1).describe("Metric name as reported (e.g. accuracy, f1_macro, log_loss), or 'overall_score'."),
    min: z.number().optional().describe('Fail when the metric is below this value.'),
    max: z.number().optional().describe('Fail when the metric is above this value.'),
    baseline: z.string().min(1).optional().describe('Id of a completed run to compare with.'),
    minChange: z.number().optional().describe('Fail when metric − baseline metric is below this (e.g. -0.01: at most one point lost).'),
    minRelativeChange: z.number().optional().describe('Fail when (metric − baseline) / |baseline| is below this (e.g. -0.02: at most 2% lost).'),
  })
  .refine((g) => g.min !== undefined || g.max !== undefined || g.minChange !== undefined || g.minRelativeChange !== undefined, {
    message: 'needs a threshold: min, max, minChange or minRelativeChange',
  })
  .refine((g) => (g.minChange === undefined && g.minRelativeChange === undefined) || g.baseline !== undefined, {
    message: 'minChange and minRelativeChange compare with a baseline run: add `baseline` with its run id',
    path: ['baseline'],
  });

export const analysisOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Analyse the run when it completes (default true when `analysis` is given). A failed analysis is recorded in the run\'s analysis/analysis.json and never fails the evaluation.'),
    umap: z.boolean().default(false).describe('Also a UMAP projection (seeded) besides PCA.'),
    k: z.number().int().positive().max(100).default(5).describe('Nearest labeled neighbours per sample for label suggestions.'),
  })
  .describe('The analysis step at the end of the evaluation (what `evalens analyze` does): projections, neighbours, label suggestions, likely mistakes, duplicates, slices.');

export const evalConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('Name of the evaluation, shown in run lists and reports.'),
    integration: z.string().min(1).describe('Path of the integration script (*.integration.ts|js|mjs).'),
    model: z
      .strictObject({
        path: z.string().min(1).describe('ONNX file, or a folder of checkpoints (then `checkpoint` picks one).'),
        checkpoint: z.string().min(1).optional().describe("File name of the checkpoint in the folder, 'latest' for the newest .onnx file, or 'all' for a checkpoint series: every .onnx file of the folder (natural order: epoch-2 before epoch-10) scored in one run, each sample encoded once for all of them."),
      })
      .optional()
      .describe("Model to evaluate; default: the model bound in the integration's model.path."),
    benchmarks: z.array(benchmarkSchema).min(1, 'needs at least one benchmark').describe('Benchmarks scored in one run.'),
    batchSize: z.number().int().positive().max(65536).default(32).describe('Samples per inference batch.'),
    executionProviders: z.array(z.string().min(1)).min(1).default(['cpu']).describe("onnxruntime execution providers in order of preference, e.g. ['cuda', 'cpu']."),
    intraOpThreads: z.number().int().positive().max(1024).optional().describe('CPU threads onnxruntime runs each batch on; default: one per core. Fewer leave cores to the runner and other work.'),
    memoryLimitMb: z.number().int().min(128).default(4096).describe("Limit of the runner process's resident memory (JavaScript heap and onnxruntime's native memory), in MiB: batches are halved to stay under it."),
    maxSampleErrors: z.number().int().nonnegative().default(0).describe('Per-sample errors tolerated before the run fails; 0 fails at the first.'),
    gates: z.array(gateSchema).default([]).describe('Quality gates: `evalens eval` exits 3 when one fails.'),
    analysis: analysisOptionsSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.benchmarks.forEach((b, i) => {
      if (seen.has(b.name)) ctx.addIssue({ code: 'custom', path: ['benchmarks', i, 'name'], message: `duplicates benchmark name '${b.name}'` });
      seen.add(b.name);
    });
    config.gates.forEach((g, i) => {
      if (g.benchmark !== undefined && !seen.has(g.benchmark)) {
        ctx.addIssue({ code: 'custom', path: ['gates', i, 'benchmark'], message: `names benchmark '${g.benchmark}', which the config does not define (defined: ${[...seen].map((n) => `'${n}'`).join(', ')})` });
      }
    });
  });

export type EvalConfig = z.output<typeof evalConfigSchema>;
export type EvalConfigInput = z.input<typeof evalConfigSchema>;
export type BenchmarkConfig = z.output<typeof benchmarkSchema>;
export type GateConfig = z.output<typeof gateSchema>;
export type AnalysisOptionsConfig = z.output<typeof analysisOptionsSchema>;

export const EVAL_CONFIG_FILE = 'evalens.eval.json';
