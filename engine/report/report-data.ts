import { statSync } from 'node:fs';
import path from 'node:path';
import { ANALYSIS_FILE, type Analysis } from '../../shared/analysis-types';
import { REPORT_GROUP_SAMPLES, type BenchmarkReport, type Cell, type OutputReport, type ReportAnalysis, type ReportData, type SampleErrorData, type TableColumn } from '../../shared/report-data';
import type { BenchmarkResult, RunManifest, RunResults, SampleRecord } from '../../shared/run-types';
import { classProbabilitiesInto, independentProbabilities, positiveProbability } from '../metrics/activations';
import { GrowableArray } from '../metrics/growable';
import { analysisDir, emptyAnalysis, readAnalysis } from '../analysis/analysis-store';
import { readMatrix } from '../analysis/matrix-file';
import type { RunStore } from '../runs/run-store';
import { binaryClassRows, matrixOf, perClassRows, perLabelRows } from './class-rows';
import { binaryCurves, oneVsRestCurves, perLabelCurves } from './curves';
import { scalarMetrics } from './export-run';
import { inferPredictionOutputs, labelOf, predictionOutputsOfBinding, trueClass, type PredictionOutput } from './prediction-outputs';
import { residualHistogram } from './residual-histogram';
import { runSummary } from './run-summary';
import { emptyRecordShape, extendShape, sampleTable, type Column, type RecordShape, type SampleTable } from './sample-table';

/**
 * What a run's report shows (shared/report-data.ts), computed from the run store in one pass
 * over its records: the panel sends it to the webview, the HTML export inlines it. Scores,
 * per-class tables and confusion matrices come from results.json (the runner's metrics); the
 * records give the sample table and the per-sample scores the curves are drawn from.
 */
export async function buildReportData(store: RunStore, manifest: RunManifest): Promise<ReportData> {
  const results = store.readResults(manifest.runId);
  const outputs = reportOutputs(manifest, results);
  const textOutputs = Object.entries(manifest.outputs).flatMap(([name, b]) => (b.role === 'prediction' && b.task === 'text' ? [name] : []));
  const builders = new Map(manifest.benchmarks.map((b) => [b.name, new BenchmarkBuilder(outputs)]));
  const sampleErrors: SampleErrorData[] = [];
  const analysis = analysisOf(store, manifest.runId);
  // Which sample-table row each embedding row is: the analysis's points are embedding rows.
  const embedded = analysis?.status === 'completed' ? new EmbeddedRows() : undefined;

  const reader = store.recordReader(manifest);
  const visit = (record: SampleRecord) => {
    let builder = builders.get(record.benchmark);
    if (builder === undefined) {
      // Records of a benchmark the manifest does not list (the run was edited): shown, not dropped.
      builder = new BenchmarkBuilder(outputs);
      builders.set(record.benchmark, builder);
    }
    if (embedded !== undefined && record.embeddingRow !== undefined) embedded.add(record.embeddingRow, record.benchmark, builder.rows);
    builder.add(record);
    if (record.error !== undefined) {
      const { component, message, location } = record.error;
      sampleErrors.push({ benchmark: record.benchmark, position: record.position, index: record.index, component, message, ...(location === undefined ? {} : { location }) });
    }
  };
  for await (const chunk of reader.chunks()) reader.forEach(chunk, visit);

  const config = snapshotOf(manifest);
  return {
    run: runSummary(store, manifest, { results }),
    configuration: {
      snapshot: manifest.config,
      integration: config.integration,
      executionProviders: { requested: config.executionProviders, used: providersUsed(manifest, config.executionProviders) },
      batchSize: manifest.batchSize,
      seeds: config.benchmarks.map((b) => ({ benchmark: b.name, seed: b.sampleCount === undefined ? null : (b.seed ?? 0) })),
      versions: manifest.versions ?? {},
    },
    gates: results?.gates ?? [],
    events: manifest.events,
    sampleErrors,
    benchmarks: [...builders].map(([name, builder]) => {
      const progress = manifest.benchmarks.find((b) => b.name === name);
      const source = config.benchmarks.find((b) => b.name === name);
      return builder.report(name, results?.benchmarks.find((b) => b.name === name), textOutputs, {
        total: progress?.total ?? builder.rows,
        errors: progress?.errors ?? 0,
        source: source === undefined ? {} : { subset: source.subset, dataset: source.dataset, sampleCount: source.sampleCount, seed: source.seed },
      });
    }),
    ...(analysis === undefined ? {} : { analysis: reportAnalysis(store, manifest.runId, analysis, embedded, [...builders.keys()]) }),
    ...(results?.checkpoints === undefined
      ? {}
      : { checkpoints: results.checkpoints.map((c) => ({ name: c.name, overallScore: c.overallScore, benchmarks: c.benchmarks.map((b) => ({ name: b.name, overallScore: b.overallScore })) })) }),
  };
}

/** The run's analysis, if it has one; one that cannot be read is shown as a failed analysis saying why. */
function analysisOf(store: RunStore, runId: string): Analysis | undefined {
  try {
    return readAnalysis(store, runId);
  } catch (error) {
    // Dated by the file, the one trace of when it was written.
    const written = statSync(path.join(analysisDir(store, runId), ANALYSIS_FILE), { throwIfNoEntry: false })?.mtime ?? new Date();
    return emptyAnalysis(runId, { status: 'failed', error: error instanceof Error ? error.message : String(error), createdAt: written.toISOString() });
  }
}


/** Embedding row → benchmark and sample-table row, gathered while the records are read. */
class EmbeddedRows {
  private readonly embeddingRows = new GrowableArray((n) => new Int32Array(n));
  private readonly tableRows = new GrowableArray((n) => new Int32Array(n));
  private readonly benchmarkOf = new GrowableArray((n) => new Int32Array(n));
  private readonly benchmarkNames: string[] = [];

  add(embeddingRow: number, benchmark: string, tableRow: number): void {
    let b = this.benchmarkNames.indexOf(benchmark);
    if (b < 0) b = this.benchmarkNames.push(benchmark) - 1;
    this.embeddingRows.push(embeddingRow);
    this.tableRows.push(tableRow);
    this.benchmarkOf.push(b);
  }

  /** Per embedding row below `rows`: its benchmark's index in `benchmarks` and its table row, −1 where no record has it. */
  byEmbeddingRow(rows: number, benchmarks: readonly string[]): { benchmark: Int32Array; row: Int32Array } {
    const benchmark = new Int32Array(rows).fill(-1);
    const row = new Int32Array(rows).fill(-1);
    const index = this.benchmarkNames.map((name) => benchmarks.indexOf(name));
    const embeddingRows = this.embeddingRows.values();
    for (let k = 0; k < embeddingRows.length; k++) {
      const e = embeddingRows[k]!;
      if (e >= rows) continue;
      benchmark[e] = index[this.benchmarkOf.values()[k]!]!;
      row[e] = this.tableRows.values()[k]!;
    }
    return { benchmark, row };
  }
}

/**
 * The analysis as the report shows it: its summary as stored, and its projections read from
 * their matrix files with every point tied to its sample-table row. A projection that cannot be
 * read makes the analysis failed, with the reason: a scatter that silently lost points would mislead.
 */
function reportAnalysis(store: RunStore, runId: string, analysis: Analysis, embedded: EmbeddedRows | undefined, benchmarks: readonly string[]): ReportAnalysis {
  const { status, createdAt, durationMs, error, warnings, latent, suggestions, suggestionAccuracy, mistakes, nearDuplicates, exactDuplicates, slices } = analysis;
  const groups = exactDuplicates.map((g) => ({ ...g, samples: g.samples.slice(0, REPORT_GROUP_SAMPLES), total: g.samples.length }));
  const summary = { status, createdAt, durationMs, ...(error === undefined ? {} : { error }), warnings, latent, suggestions, suggestionAccuracy, mistakes, nearDuplicates, exactDuplicates: groups, slices };
  const empty = { ...summary, points: { benchmark: [], row: [] }, projections: [] };
  if (status !== 'completed' || embedded === undefined || analysis.projections.length === 0) return empty;
  try {
    const rows = Math.max(...analysis.projections.map((p) => p.points.rows));
    const owners = embedded.byEmbeddingRow(rows, benchmarks);
    // Points whose sample has no record (a run edited since) are left out, from every projection alike.
    const kept: number[] = [];
    for (let e = 0; e < rows; e++) if (owners.benchmark[e]! >= 0) kept.push(e);
    const projections = analysis.projections.map(({ points, ...projection }) => {
      const matrix = readMatrix(path.join(analysisDir(store, runId), points.file), points);
      if (points.columns !== 2 || points.rows !== rows) throw new Error(`${points.file} holds ${points.rows} × ${points.columns} values, not ${rows} 2-D points`);
      const values = matrix.data;
      return { ...projection, x: kept.map((e) => round(values[2 * e]!)), y: kept.map((e) => round(values[2 * e + 1]!)) };
    });
    return { ...summary, points: { benchmark: kept.map((e) => owners.benchmark[e]!), row: kept.map((e) => owners.row[e]!) }, projections };
  } catch (readError) {
    return { ...empty, status: 'failed', error: `The projections could not be read: ${readError instanceof Error ? readError.message : String(readError)}` };
  }
}

/** 5 significant digits: finer than a scatter's pixels, and a third of the JSON of a float's full digits. */
function round(value: number): number {
  return Number(value.toPrecision(5));
}

interface ConfigSnapshot {
  integration: string;
  executionProviders: string[];
  benchmarks: { name: string; subset?: string; dataset?: string; sampleCount?: number; seed?: number }[];
}

/** The parts of the config snapshot the report names; the snapshot itself is shown whole. */
function snapshotOf(manifest: RunManifest): ConfigSnapshot {
  const config = (manifest.config ?? {}) as Partial<ConfigSnapshot>;
  return {
    integration: typeof config.integration === 'string' ? config.integration : '',
    executionProviders: Array.isArray(config.executionProviders) ? config.executionProviders : ['cpu'],
    benchmarks: Array.isArray(config.benchmarks) ? config.benchmarks : [],
  };
}

/** The prediction outputs as the run recorded them; older runs that did not, as far as their results tell. */
function reportOutputs(manifest: RunManifest, results: RunResults | undefined): PredictionOutput[] {
  const recorded = predictionOutputsOfBinding(manifest.outputs);
  if (recorded.length > 0 || results === undefined) return recorded;
  return inferPredictionOutputs([...new Set(results.benchmarks.flatMap((b) => Object.keys(b.outputs)))], [], results);
}

/**
 * The providers of the last session: those requested, less each one a provider-fallback
 * event since the last start or resume dropped (its message is written by
 * engine/inference/onnx-session.ts: "execution provider 'X' is not available ...").
 */
function providersUsed(manifest: RunManifest, requested: readonly string[]): string[] {
  const lastStart = manifest.events.findLastIndex((e) => e.kind === 'started' || e.kind === 'resumed');
  if (lastStart < 0) return [];
  const dropped = new Set(
    manifest.events.slice(lastStart).flatMap((e) => {
      const match = e.kind === 'provider-fallback' ? /execution provider '([^']+)' is not available/.exec(e.message) : null;
      return match ? [match[1]!] : [];
    }),
  );
  return requested.filter((p) => !dropped.has(p));
}

/** The per-sample scores of one prediction output that its curves and plots need. */
type OutputSamples =
  | { task: 'classification'; classes: number; row: Float32Array; scratch: Float64Array; scores: GrowableArray<Float32Array>; labels: GrowableArray<Int32Array> }
  | { task: 'binary'; scores: GrowableArray<Float64Array>; labels: GrowableArray<Int32Array> }
  | { task: 'regression'; predicted: GrowableArray<Float64Array>; actual: GrowableArray<Float64Array> }
  | { task: 'multilabel'; labels: number; scores: GrowableArray<Float32Array>; truths: GrowableArray<Uint8Array> };

/**
 * One benchmark's sample table and per-output scores, built record by record. The columns
 * follow the records seen so far (sample-table.ts); a record that adds one (a metadata key
 * first seen, a value that makes a key mixed) adds its column, null for the rows before it.
 */
class BenchmarkBuilder {
  rows = 0;
  private readonly shape: RecordShape = emptyRecordShape();
  private table: SampleTable | undefined;
  private readonly cells = new Map<string, { column: Column; values: Cell[] }>();
  /** The value arrays of the current table's columns, in its order. */
  private current: Cell[][] = [];
  private readonly samples = new Map<string, OutputSamples>();

  constructor(private readonly outputs: readonly PredictionOutput[]) {}

  add(record: SampleRecord): void {
    if (extendShape(this.shape, record) || this.table === undefined) this.retable();
    const row = this.table!.row(record);
    for (let c = 0; c < row.length; c++) this.current[c]!.push(row[c]!);
    this.rows++;
    if (record.error === undefined) for (const output of this.outputs) this.addScores(output, record);
  }

  private retable(): void {
    this.table = sampleTable(this.shape, this.outputs);
    this.current = this.table.columns.map((column) => {
      const seen = this.cells.get(column.name);
      if (seen === undefined) {
        const entry = { column, values: new Array<Cell>(this.rows).fill(null) };
        this.cells.set(column.name, entry);
        return entry.values;
      }
      // A metadata key that turned out mixed: its earlier values become text, as its later ones are.
      if (seen.column.type !== column.type && column.type === 'string') seen.values = seen.values.map((v) => (v === null ? null : String(v)));
      seen.column = column;
      return seen.values;
    });
  }

  private addScores(output: PredictionOutput, record: SampleRecord): void {
    const values = record.outputs[output.name];
    const truth = output.groundTruth === undefined ? undefined : record.groundTruths[output.groundTruth];
    if (values === undefined || values.length === 0 || truth === undefined || truth.length === 0) return;
    let samples = this.samples.get(output.name);
    if (samples === undefined) {
      samples = newOutputSamples(output, values.length);
      this.samples.set(output.name, samples);
    }
    switch (samples.task) {
      case 'classification':
        // A row of another width is left out, as the runner's metrics reject it.
        if (values.length !== samples.classes) return;
        // Float32 rows, as the runner's metrics keep them: the curves' areas are then its roc_auc exactly.
        samples.scores.pushAll(classProbabilitiesInto(values, output.activation, samples.row, samples.scratch));
        samples.labels.push(trueClass(output, truth)!);
        return;
      case 'binary':
        samples.scores.push(positiveProbability(values, output.activation));
        samples.labels.push(truth[0] === 1 ? 1 : 0);
        return;
      case 'regression':
        samples.predicted.push(values[0]!);
        samples.actual.push(truth[0]!);
        return;
      case 'multilabel':
        // Rows of another width are left out, as the runner's metrics reject them; probabilities in float32, as they score them.
        if (values.length !== samples.labels || truth.length !== samples.labels) return;
        samples.scores.pushAll(Float32Array.from(independentProbabilities(values, output.activation)));
        samples.truths.pushAll(truth);
        return;
    }
  }

  report(name: string, result: BenchmarkResult | undefined, textOutputs: readonly string[], known: { total: number; errors: number; source: BenchmarkReport['source'] }): BenchmarkReport {
    if (this.table === undefined) this.retable();
    // The table is per benchmark: its constant benchmark column is left out.
    const shown = this.table!.columns.filter((c) => c.name !== 'benchmark');
    const columns: TableColumn[] = shown.map((c) => ({ key: c.name, label: c.label, type: c.type, role: c.role, ...(c.output === undefined ? {} : { output: c.output }) }));
    const names = new Set(shown.map((c) => c.name));
    return {
      name,
      source: known.source,
      samples: result?.samples ?? this.rows - known.errors,
      total: known.total,
      errors: result?.errors ?? known.errors,
      overallScore: result?.overallScore ?? null,
      metrics: result === undefined ? {} : Object.fromEntries(scalarMetrics(result)),
      outputs: [
        ...this.outputs.filter((o) => this.shape.outputs.has(o.name)).map((o) => this.outputReport(o, result?.outputs[o.name], names)),
        ...textOutputs.filter((t) => this.shape.texts.has(t)).map((t): OutputReport => ({ task: 'text', name: t, textColumn: `${t}.text`, referencesColumn: `${t}.references` })),
      ],
      table: { rows: this.rows, columns, values: shown.map((c) => this.cells.get(c.name)!.values) },
    };
  }

  private outputReport(output: PredictionOutput, result: Record<string, unknown> | undefined, names: ReadonlySet<string>): OutputReport {
    const o = output.name;
    const columnOf = (key: string) => (names.has(key) ? key : undefined);
    const samples = this.samples.get(o);
    switch (output.task) {
      case 'classification': {
        const classes = samples?.task === 'classification' ? samples.classes : (this.shape.outputs.get(o) ?? 0);
        const labels = Array.from({ length: classes }, (_, c) => labelOf(output, c));
        const curves = samples?.task === 'classification' ? oneVsRestCurves(samples.scores.values(), classes, samples.labels.values(), labels) : [];
        return {
          task: 'classification',
          name: o,
          labels,
          perClass: perClassRows(result, labels),
          confusionMatrix: matrixOf(result),
          roc: curves.map((c) => c.roc),
          precisionRecall: curves.map((c) => c.precisionRecall),
          columns: definedKeys({ predicted: columnOf(`${o}.predicted_class`), truth: columnOf(`${o}.true_class`), correct: columnOf(`${o}.correct`), confidence: columnOf(`${o}.probability`) }),
        };
      }
      case 'binary': {
        const labels = [labelOf(output, 0), labelOf(output, 1)];
        const curves = samples?.task === 'binary' ? [binaryCurves(samples.scores.values(), samples.labels.values(), labels[1]!)] : [];
        const confusionMatrix = matrixOf(result);
        return {
          task: 'binary',
          name: o,
          labels,
          perClass: binaryClassRows(confusionMatrix, labels),
          confusionMatrix,
          roc: curves.map((c) => c.roc),
          precisionRecall: curves.map((c) => c.precisionRecall),
          threshold: typeof result?.threshold === 'number' ? result.threshold : 0.5,
          columns: definedKeys({
            predicted: columnOf(`${o}.predicted_class`),
            truth: columnOf(`${o}.true_class`),
            correct: columnOf(`${o}.correct`),
            confidence: columnOf(`${o}.probability`),
            positiveProbability: columnOf(`${o}.positive_probability`),
          }),
        };
      }
      case 'regression': {
        const predicted = samples?.task === 'regression' ? Array.from(samples.predicted.values()) : [];
        const actual = samples?.task === 'regression' ? Array.from(samples.actual.values()) : [];
        const residuals = Float64Array.from(predicted, (p, i) => p - actual[i]!);
        const first = (this.shape.outputs.get(o) ?? 1) === 1 ? '' : `.${output.labels?.[0] ?? 0}`;
        return {
          task: 'regression',
          name: o,
          predicted,
          actual,
          residualHistogram: residualHistogram(residuals),
          columns: definedKeys({ value: columnOf(`${o}${first}`), trueValue: columnOf(`${o}.true${first}`) }),
        };
      }
      case 'multilabel': {
        const labels = Array.from({ length: this.shape.outputs.get(o) ?? 0 }, (_, c) => labelOf(output, c));
        const curves = samples?.task === 'multilabel' && samples.labels === labels.length ? perLabelCurves(samples.scores.values(), samples.truths.values(), labels) : [];
        return {
          task: 'multilabel',
          name: o,
          labels,
          perLabel: perLabelRows(result, labels),
          roc: curves.map((c) => c.roc),
          precisionRecall: curves.map((c) => c.precisionRecall),
          columns: definedKeys({ predicted: columnOf(`${o}.predicted_classes`), truth: columnOf(`${o}.true_classes`), correct: columnOf(`${o}.correct`) }),
        };
      }
    }
  }
}

function newOutputSamples(output: PredictionOutput, width: number): OutputSamples {
  const floats64 = () => new GrowableArray((n) => new Float64Array(n));
  const ints = () => new GrowableArray((n) => new Int32Array(n));
  switch (output.task) {
    case 'classification':
      return { task: 'classification', classes: width, row: new Float32Array(width), scratch: new Float64Array(width), scores: new GrowableArray((n) => new Float32Array(n)), labels: ints() };
    case 'binary':
      return { task: 'binary', scores: floats64(), labels: ints() };
    case 'regression':
      return { task: 'regression', predicted: floats64(), actual: floats64() };
    case 'multilabel':
      return { task: 'multilabel', labels: width, scores: new GrowableArray((n) => new Float32Array(n)), truths: new GrowableArray((n) => new Uint8Array(n)) };
  }
}

function definedKeys<T extends Record<string, string | undefined>>(value: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
