import { z } from 'zod';
import type { Analysis } from '../../shared/analysis-types';
import type { BenchmarkResult, GateResult, RunManifest, RunResults } from '../../shared/run-types';
import { code, num, table, text } from './markdown';
import { insightsSection } from './markdown-insights';
import { predictionOutputsOfBinding } from './prediction-outputs';

export interface MarkdownReportOptions {
  /** Class names per prediction output; default: the labels of the binding the run recorded, else class indices. */
  labels?: Readonly<Record<string, readonly string[]>>;
  /** Paths inside this folder (the workspace, the current folder) are shown relative to it. */
  baseDir?: string;
  /** Confusion matrices of more classes are left out: GitHub comments hold at most 65,536 characters. */
  maxMatrixClasses?: number;
  /** Per-class tables list at most this many classes. */
  maxClassRows?: number;
  /** The run's analysis (`evalens analyze`), shown as an Insights section. */
  analysis?: Analysis;
}

/** Metrics shown in the benchmark table when reported, most read first. */
const HEADLINE = ['accuracy', 'subset_accuracy', 'hamming_loss', 'f1_macro', 'roc_auc_ovr_macro', 'roc_auc', 'roc_auc_micro', 'average_precision', 'f1', 'log_loss', 'r2', 'rmse', 'mae', 'corpus_bleu4', 'exact_match'];
const MAX_HEADLINE = 5;
const MAX_CUSTOM = 3;

/**
 * A run as GitHub-flavoured Markdown, for a CI job summary, a pull-request comment or the
 * extension's run report: scores, gates, per-class tables, confusion matrices and the
 * configuration. Pure: no file or terminal access.
 */
export function markdownReport(manifest: RunManifest, results: RunResults | undefined, options: MarkdownReportOptions = {}): string {
  const sections = [titleOf(manifest, results)];
  if (manifest.error !== undefined) sections.push(errorOf(manifest));
  if (results === undefined) {
    sections.push(progressOf(manifest));
  } else {
    sections.push(benchmarkTable(results));
    if (results.checkpoints !== undefined) sections.push(checkpointTable(results.checkpoints));
    if (results.gates.length > 0) sections.push(gateList(results.gates));
    const labels = options.labels ?? recordedLabels(manifest);
    for (const benchmark of results.benchmarks) sections.push(...benchmarkDetails(benchmark, labels, options));
  }
  if (options.analysis !== undefined) sections.push(insightsSection(options.analysis));
  sections.push(configurationOf(manifest, options));
  return `${sections.join('\n\n')}\n`;
}

function titleOf(manifest: RunManifest, results: RunResults | undefined): string {
  const icon = manifest.status === 'completed' ? '✅' : manifest.status === 'failed' ? '❌' : manifest.status === 'cancelled' ? '⏹️' : '⏳';
  const lines = [`# ${text(manifest.name)}`, '', `${icon} **${manifest.status}** · run ${code(manifest.runId)} · ${manifest.kind} · ${formatTime(manifest.createdAt)}`];
  if (results !== undefined) {
    const failed = results.gates.filter((g) => !g.passed).length;
    const gates = results.gates.length === 0 ? '' : failed === 0 ? ` · ✅ ${results.gates.length} gates passed` : ` · ❌ ${failed} of ${results.gates.length} gates failed`;
    lines.push('', `**Overall score: ${num(results.overallScore)}**${gates}`);
  }
  return lines.join('\n');
}

function errorOf(manifest: RunManifest): string {
  const lines = [`> **${manifest.status === 'failed' ? 'Error' : 'Note'}:** ${text(manifest.error!.message)}`];
  if (manifest.status !== 'completed' && manifest.error!.resumable) lines.push('>', `> Resume with ${code(`evalens resume ${manifest.runId}`)}.`);
  return lines.join('\n');
}

function progressOf(manifest: RunManifest): string {
  const rows = manifest.benchmarks.map((b) => [text(b.name), String(b.done), String(b.total), String(b.errors)]);
  return ['## Progress', '', 'Scores are computed when the run completes.', '', table(['benchmark', 'done', 'total', 'errors'], rows, ['left', 'right', 'right', 'right'])].join('\n');
}

function benchmarkTable(results: RunResults): string {
  const present = HEADLINE.filter((m) => results.benchmarks.some((b) => typeof b.metrics[m] === 'number')).slice(0, MAX_HEADLINE);
  const custom = [...new Set(results.benchmarks.flatMap(customMetricNames))].slice(0, MAX_CUSTOM);
  const columns = [...present, ...custom];
  const rows = results.benchmarks.map((b) => [text(b.name), String(b.samples), String(b.errors), num(b.overallScore), ...columns.map((m) => num(b.metrics[m]))]);
  const header = ['benchmark', 'samples', 'errors', 'overall', ...columns.map(text)];
  return ['## Benchmarks', '', table(header, rows, header.map((_, i) => (i === 0 ? 'left' : 'right')))].join('\n');
}

/** A checkpoint series: the overall score per checkpoint and benchmark, in natural order; the tables around it are the last checkpoint's. */
function checkpointTable(checkpoints: NonNullable<RunResults['checkpoints']>): string {
  const benchmarks = checkpoints[0]!.benchmarks.map((b) => b.name);
  const header = ['checkpoint', 'overall', ...benchmarks.map(text)];
  const rows = checkpoints.map((c) => [code(c.name), num(c.overallScore), ...benchmarks.map((name) => num(c.benchmarks.find((b) => b.name === name)?.overallScore ?? null))]);
  return ['## Checkpoints', '', `The other sections are those of the last checkpoint, ${code(checkpoints.at(-1)!.name)}.`, '', table(header, rows, header.map((_, i) => (i === 0 ? 'left' : 'right')))].join('\n');
}

/** Custom metrics and losses: the benchmark's metrics that none of its outputs reports. */
function customMetricNames(b: BenchmarkResult): string[] {
  return Object.keys(b.metrics).filter((m) => !Object.values(b.outputs).some((result) => m in result));
}

function gateList(gates: readonly GateResult[]): string {
  return ['## Gates', '', ...gates.map((g) => `- ${g.passed ? '✅' : '❌'} **${text(g.benchmark)}**: ${text(g.message)}`)].join('\n');
}

function recordedLabels(manifest: RunManifest): Record<string, readonly string[]> {
  return Object.fromEntries(predictionOutputsOfBinding(manifest.outputs).flatMap((o) => (o.labels === undefined ? [] : [[o.name, o.labels]])));
}

function benchmarkDetails(benchmark: BenchmarkResult, labelsByOutput: Readonly<Record<string, readonly string[]>>, options: MarkdownReportOptions): string[] {
  const sections: string[] = [];
  const outputs = Object.entries(benchmark.outputs);
  for (const [output, result] of outputs) {
    const heading = `## Benchmark ${text(benchmark.name)}${outputs.length > 1 ? `: ${text(output)}` : ''}`;
    const labels = labelsByOutput[output];
    const parts = [heading];
    const perClass = perClassTable(result, labels, options.maxClassRows ?? 100);
    if (perClass !== undefined) parts.push('', perClass);
    const perLabel = perLabelTable(result, labels, options.maxClassRows ?? 100);
    if (perLabel !== undefined) parts.push('', perLabel);
    const perOutput = perOutputTable(result, labels);
    if (perOutput !== undefined) parts.push('', perOutput);
    const matrix = confusionMatrix(result, labels, options.maxMatrixClasses ?? 30);
    if (matrix !== undefined) parts.push('', matrix);
    const warnings = Array.isArray(result.warnings) ? result.warnings.filter((w): w is string => typeof w === 'string') : [];
    if (warnings.length > 0) parts.push('', ...warnings.map((w) => `> ⚠️ ${text(w)}`));
    if (parts.length > 1) sections.push(parts.join('\n'));
  }
  return sections;
}

const classReportSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() });
const perClassSchema = z.record(z.string(), classReportSchema);
const matrixSchema = z.array(z.array(z.number()));
const perOutputSchema = z.array(z.object({ mse: z.number(), rmse: z.number(), mae: z.number(), r2: z.number().nullable() }));

function perClassTable(result: Record<string, unknown>, labels: readonly string[] | undefined, maxRows: number): string | undefined {
  const parsed = perClassSchema.safeParse(result.per_class);
  if (!parsed.success) return undefined;
  const entries = Object.entries(parsed.data);
  const rows = entries.slice(0, maxRows).map(([cls, r]) => [className(cls, labels), num(r.precision), num(r.recall), num(r.f1), String(r.support)]);
  const lines = ['**Per class**', '', table(['class', 'precision', 'recall', 'f1', 'support'], rows, ['left', 'right', 'right', 'right', 'right'])];
  if (entries.length > maxRows) lines.push('', `${entries.length - maxRows} more classes: see ${code('evalens runs export')}.`);
  return lines.join('\n');
}

const labelReportSchema = classReportSchema.extend({ threshold: z.number(), average_precision: z.number().nullable(), roc_auc: z.number().nullable() });
const perLabelSchema = z.record(z.string(), labelReportSchema);

/** A multilabel output's labels, each at its threshold, with its threshold-free scores (a dash where undefined). */
function perLabelTable(result: Record<string, unknown>, labels: readonly string[] | undefined, maxRows: number): string | undefined {
  const parsed = perLabelSchema.safeParse(result.per_label);
  if (!parsed.success) return undefined;
  const entries = Object.entries(parsed.data);
  const rows = entries.slice(0, maxRows).map(([label, r]) => [className(label, labels), num(r.threshold), num(r.precision), num(r.recall), num(r.f1), String(r.support), num(r.average_precision), num(r.roc_auc)]);
  const lines = ['**Per label**', '', table(['label', 'threshold', 'precision', 'recall', 'f1', 'support', 'average precision', 'ROC AUC'], rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'])];
  if (entries.length > maxRows) lines.push('', `${entries.length - maxRows} more labels: see ${code('evalens runs export')}.`);
  return lines.join('\n');
}

function perOutputTable(result: Record<string, unknown>, labels: readonly string[] | undefined): string | undefined {
  const parsed = perOutputSchema.safeParse(result.per_output);
  if (!parsed.success || parsed.data.length <= 1) return undefined;
  const rows = parsed.data.map((r, i) => [className(String(i), labels), num(r.mse), num(r.rmse), num(r.mae), num(r.r2)]);
  return ['**Per output value**', '', table(['value', 'mse', 'rmse', 'mae', 'r2'], rows, ['left', 'right', 'right', 'right', 'right'])].join('\n');
}

function confusionMatrix(result: Record<string, unknown>, labels: readonly string[] | undefined, maxClasses: number): string | undefined {
  const parsed = matrixSchema.safeParse(result.confusion_matrix);
  if (!parsed.success || parsed.data.length === 0) return undefined;
  const matrix = parsed.data;
  if (matrix.length > maxClasses) return `Confusion matrix: ${matrix.length} classes, too many to show here; see ${code('evalens runs export')}.`;
  const names = matrix.map((_, i) => className(String(i), labels));
  const rows = matrix.map((row, t) => [`**${names[t]}**`, ...row.map((n, p) => (p === t ? `**${n}**` : n === 0 ? '·' : String(n)))]);
  return ['**Confusion matrix** (rows: true class, columns: predicted class)', '', table(['true ↓ predicted →', ...names], rows, ['left', ...names.map((): 'right' => 'right')])].join('\n');
}

function className(index: string, labels: readonly string[] | undefined): string {
  const label = labels?.[Number(index)];
  return label === undefined || label === index ? text(index) : `${text(label)} (${text(index)})`;
}

/** The parts of the resolved config a reader checks; anything missing is left out rather than guessed. */
const shownConfigSchema = z.object({
  configFile: z.string().optional(),
  integration: z.string().optional(),
  model: z.string().optional(),
  benchmarks: z.array(z.object({ name: z.string(), subset: z.string().optional(), dataset: z.string().optional(), sampleCount: z.number().optional(), seed: z.number().optional() })).optional(),
  executionProviders: z.array(z.string()).optional(),
  intraOpThreads: z.number().optional(),
  memoryLimitMb: z.number().optional(),
  maxSampleErrors: z.number().optional(),
});

function configurationOf(manifest: RunManifest, options: MarkdownReportOptions): string {
  const config = shownConfigSchema.safeParse(manifest.config);
  const c = config.success ? config.data : {};
  const shown = (file: string) => code(relativeTo(file, options.baseDir));
  const rows: string[][] = [];
  if (c.configFile !== undefined) rows.push(['config file', shown(c.configFile)]);
  if (c.integration !== undefined) rows.push(['integration', `${shown(c.integration)} · sha256 ${code(short(manifest.hashes.script))}`]);
  rows.push(['model', `${c.model === undefined ? 'bound by the integration' : shown(c.model)} · sha256 ${code(short(manifest.hashes.model))}`]);
  for (const b of c.benchmarks ?? []) {
    const progress = manifest.benchmarks.find((p) => p.name === b.name);
    const source = [b.subset !== undefined ? `subset ${code(b.subset)}` : undefined, b.dataset !== undefined ? `dataset ${shown(b.dataset)}` : undefined].filter((s) => s !== undefined).join(', ');
    const samples = b.sampleCount !== undefined ? `${b.sampleCount} samples drawn with seed ${b.seed ?? 0}` : progress !== undefined ? `all ${progress.total} samples` : 'all samples';
    rows.push([`benchmark ${text(b.name)}`, `${source}; ${samples}`]);
  }
  rows.push(['batch size', String(manifest.batchSize)]);
  if (c.executionProviders !== undefined) rows.push(['execution providers', c.executionProviders.map(code).join(', ')]);
  if (c.intraOpThreads !== undefined) rows.push(['onnxruntime threads', String(c.intraOpThreads)]);
  if (c.memoryLimitMb !== undefined) rows.push(['memory limit', `${c.memoryLimitMb} MiB`]);
  if (c.maxSampleErrors !== undefined) rows.push(['sample errors tolerated', String(c.maxSampleErrors)]);
  rows.push(['created', formatTime(manifest.createdAt)], ['updated', formatTime(manifest.updatedAt)]);
  const events = manifest.events.map((e) => `- ${formatTime(e.at)} · ${e.kind} · ${text(e.message)}`);
  return ['<details>', '<summary>Configuration</summary>', '', table(['', ''], rows), '', '**Events**', '', ...events, '', '</details>'].join('\n');
}

function relativeTo(file: string, baseDir: string | undefined): string {
  if (baseDir === undefined) return file;
  const base = baseDir.replaceAll('\\', '/').replace(/\/+$/, '');
  const normalized = file.replaceAll('\\', '/');
  return normalized.startsWith(`${base}/`) ? normalized.slice(base.length + 1) : file;
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

function formatTime(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}
