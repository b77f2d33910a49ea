import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProgress, type BenchmarkResult, type RunManifest, type RunResults } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { readAnalysis } from '../analysis/analysis-store';
import { writeSuggestionsCsv } from '../analysis/suggestions-csv';
import { CsvFileWriter, csvRecord, type CsvValue } from './csv';
import { defaultWebviewBundleDir, readWebviewBundle, reportHtml } from './html-report';
import { markdownReport } from './markdown-report';
import { ParquetFileWriter } from './parquet-file-writer';
import { inferPredictionOutputs, predictionOutputsOfBinding, type PredictionOutput, type PredictionOutputSource } from './prediction-outputs';
import { loadReportData } from './report-cache';
import { sampleTable, scanRecordShape, type RecordShape, type SampleTable } from './sample-table';

export const EXPORT_FORMATS = ['csv', 'json', 'parquet', 'html', 'md'] as const;
/** What `evalens runs export` writes when no format is named: the files other tools read. */
export const DEFAULT_EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'parquet'];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  outDir: string;
  formats: readonly ExportFormat[];
  /** Rows per Parquet row group: what the export holds in memory at once. */
  rowGroupSize?: number;
  /** Folder of the webview app bundle (webview.js, webview.css) the HTML report inlines; default: beside this bundle. */
  webviewBundleDir?: string;
}

export interface ExportedFile {
  /** Absolute path. */
  path: string;
  description: string;
  rows?: number;
}

export interface ExportReport {
  runId: string;
  status: RunManifest['status'];
  outDir: string;
  /** Committed sample records exported, of the samples the run scores. */
  records: number;
  total: number;
  files: ExportedFile[];
  predictionOutputs: { source: PredictionOutputSource; outputs: PredictionOutput[] };
  /** What a reader of the files should know: a run not completed, results missing. */
  notes: string[];
}

/**
 * Writes a run's results and per-sample predictions as files other tools read: a summary
 * table, per-benchmark details and the predictions table. Exports whatever the run has
 * committed, so a failed or cancelled run exports the samples it finished. Each file is
 * written under a temporary name and renamed when complete.
 */
export async function exportRun(store: RunStore, manifest: RunManifest, results: RunResults | undefined, options: ExportOptions): Promise<ExportReport> {
  const outDir = path.resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const { total } = runProgress(manifest);
  const formats = new Set(options.formats);
  // The run's insights, when `evalens analyze` (or the eval config's analysis) made them.
  const analysis = readAnalysis(store, manifest.runId);
  // Before any file is written: a missing app bundle fails the export, not half of it.
  const bundle = formats.has('html') ? readWebviewBundle(options.webviewBundleDir ?? defaultWebviewBundleDir()) : undefined;
  const writesPredictions = formats.has('csv') || formats.has('parquet');
  const recorded = predictionOutputsOfBinding(manifest.outputs);
  const source: PredictionOutputSource = recorded.length > 0 ? 'run' : 'inferred';
  const shape = writesPredictions || source === 'inferred' ? await scanRecordShape(store.records(manifest)) : undefined;
  const outputs = source === 'run' ? recorded : inferredOutputs(shape, results);
  const report: ExportReport = {
    runId: manifest.runId,
    status: manifest.status,
    outDir,
    records: manifest.checkpoint.records,
    total,
    files: [],
    predictionOutputs: { source, outputs },
    notes: [],
  };
  if (manifest.status !== 'completed') {
    report.notes.push(`Run ${manifest.runId} is ${manifest.status}, not completed: the export holds the ${manifest.checkpoint.records} of ${total} samples it committed${results === undefined ? ', and no scores (they are computed when a run completes)' : ''}.`);
  }
  if (source === 'inferred' && outputs.length > 0) {
    report.notes.push(`The run did not record how its integration binds the model outputs: tasks were inferred from the results (${outputs.map((o) => `${o.name}: ${o.task}`).join(', ')}) and classes are named by their index.`);
  }

  if (formats.has('csv')) {
    const file = path.join(outDir, 'summary.csv');
    const rows = writeSummaryCsv(file, manifest, results);
    report.files.push({ path: file, description: 'scores per benchmark', rows });
  }
  if (formats.has('json')) {
    if (results === undefined) {
      report.notes.push('benchmarks/*.json were not written: the run has no results.');
    } else {
      for (const benchmark of results.benchmarks) {
        const file = path.join(outDir, 'benchmarks', `${fileNameOf(benchmark.name)}.json`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeComplete(file, (partial) => writeFileSync(partial, `${JSON.stringify(benchmarkDetails(manifest, results, benchmark, outputs), null, 1)}\n`));
        report.files.push({ path: file, description: `results of benchmark ${benchmark.name}: every metric, per class, confusion matrix` });
      }
    }
  }
  if (writesPredictions && shape !== undefined) {
    report.files.push(...(await writePredictions(store, manifest, sampleTable(shape, outputs), outDir, formats, options.rowGroupSize ?? 10_000)));
  }
  if (analysis !== undefined && formats.has('json')) {
    const file = path.join(outDir, 'analysis.json');
    writeComplete(file, (partial) => writeFileSync(partial, `${JSON.stringify(analysis, null, 1)}\n`));
    report.files.push({ path: file, description: `the run's analysis (${analysis.status}): label suggestions, likely mistakes, duplicates, slices` });
  }
  if (analysis !== undefined && analysis.suggestions.length > 0 && formats.has('csv')) {
    const file = path.join(outDir, 'label-suggestions.csv');
    const rows = await writeSuggestionsCsv(store, manifest, analysis, file);
    report.files.push({ path: file, description: 'label suggestions for the unlabeled samples, most uncertain first', rows });
  }
  if (bundle !== undefined) {
    const file = path.join(outDir, 'report.html');
    const html = reportHtml(await loadReportData(store, manifest), bundle);
    writeComplete(file, (partial) => writeFileSync(partial, html));
    report.files.push({ path: file, description: 'the report, self-contained: open it in a browser (no server, no network)' });
  }
  if (formats.has('md')) {
    const file = path.join(outDir, 'report.md');
    writeComplete(file, (partial) => writeFileSync(partial, `${markdownReport(manifest, results, { analysis })}\n`));
    report.files.push({ path: file, description: `the report as Markdown (scores, gates, per-class tables, confusion matrices${analysis === undefined ? '' : ', insights'}, configuration)` });
  }
  return report;
}

function inferredOutputs(shape: RecordShape | undefined, results: RunResults | undefined): PredictionOutput[] {
  const names = shape !== undefined ? [...shape.outputs.keys()] : [...new Set(results?.benchmarks.flatMap((b) => Object.keys(b.outputs)) ?? [])];
  return inferPredictionOutputs(names, shape === undefined ? [] : [...shape.groundTruths.keys()], results);
}

async function writePredictions(store: RunStore, manifest: RunManifest, table: SampleTable, outDir: string, formats: ReadonlySet<ExportFormat>, rowGroupSize: number): Promise<ExportedFile[]> {
  const csvFile = path.join(outDir, 'predictions.csv');
  const parquetFile = path.join(outDir, 'predictions.parquet');
  const csv = formats.has('csv') ? new CsvFileWriter(partialOf(csvFile), table.columns.map((c) => c.name)) : undefined;
  const parquet = formats.has('parquet')
    ? new ParquetFileWriter(partialOf(parquetFile), table.columns, rowGroupSize, { 'evalens.run_id': manifest.runId, 'evalens.run_status': manifest.status })
    : undefined;
  try {
    for await (const record of store.records(manifest)) {
      const row = table.row(record);
      csv?.write(row);
      parquet?.write(row);
    }
  } catch (error) {
    csv?.close();
    for (const file of [csvFile, parquetFile]) rmSync(partialOf(file), { force: true });
    throw error;
  }
  csv?.close();
  parquet?.close();
  const files: ExportedFile[] = [];
  if (csv !== undefined) {
    renameSync(partialOf(csvFile), csvFile);
    files.push({ path: csvFile, description: 'one row per sample: prediction, ground truth, metadata, metrics, losses', rows: csv.rows });
  }
  if (parquet !== undefined) {
    renameSync(partialOf(parquetFile), parquetFile);
    files.push({ path: parquetFile, description: 'the same rows as Parquet', rows: parquet.rows });
  }
  return files;
}

/** One row per benchmark: its counts and overall score, then every scalar metric any benchmark reports. */
function writeSummaryCsv(file: string, manifest: RunManifest, results: RunResults | undefined): number {
  const rows: CsvValue[][] = [];
  let header: string[];
  if (results === undefined) {
    header = ['benchmark', 'samples', 'errors', 'overall_score', 'total'];
    for (const b of manifest.benchmarks) rows.push([b.name, b.done, b.errors, null, b.total]);
  } else {
    const metricNames = [...new Set(results.benchmarks.flatMap(scalarMetricNames))];
    header = ['benchmark', 'samples', 'errors', 'overall_score', ...metricNames];
    for (const b of results.benchmarks) {
      const scalars = scalarMetrics(b);
      rows.push([b.name, b.samples, b.errors, b.overallScore, ...metricNames.map((m) => scalars.get(m) ?? null)]);
    }
  }
  writeComplete(file, (partial) => writeFileSync(partial, [header, ...rows].map(csvRecord).join('')));
  return rows.length;
}

/** The headline metrics as reported, then the scalars of every other prediction output, prefixed by its name. */
export function scalarMetrics(b: BenchmarkResult): Map<string, number | null> {
  const scalars = new Map<string, number | null>(Object.entries(b.metrics));
  for (const [output, result] of Object.entries(b.outputs).slice(1)) {
    for (const [key, value] of Object.entries(result)) {
      if (typeof value === 'number' || value === null) scalars.set(`${output}.${key}`, value);
    }
  }
  return scalars;
}

function scalarMetricNames(b: BenchmarkResult): string[] {
  return [...scalarMetrics(b).keys()];
}

function benchmarkDetails(manifest: RunManifest, results: RunResults, benchmark: BenchmarkResult, outputs: readonly PredictionOutput[]) {
  const labels = Object.fromEntries(outputs.filter((o) => o.labels !== undefined && o.name in benchmark.outputs).map((o) => [o.name, o.labels]));
  return {
    runId: manifest.runId,
    runName: manifest.name,
    benchmark: benchmark.name,
    samples: benchmark.samples,
    errors: benchmark.errors,
    overallScore: benchmark.overallScore,
    metrics: benchmark.metrics,
    outputs: benchmark.outputs,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    gates: results.gates.filter((g) => g.benchmark === benchmark.name),
  };
}

/** Benchmark names are identifiers in a valid config; anything else is encoded rather than trusted as a path. */
function fileNameOf(name: string): string {
  return /^[A-Za-z0-9_][\w.-]*$/.test(name) ? name : encodeURIComponent(name).replaceAll('.', '%2E');
}

function partialOf(file: string): string {
  return `${file}.partial`;
}

function writeComplete(file: string, write: (partial: string) => void): void {
  write(partialOf(file));
  renameSync(partialOf(file), file);
}
