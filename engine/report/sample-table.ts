import type { ColumnRole } from '../../shared/report-data';
import type { SampleRecord } from '../../shared/run-types';
import { decodePrediction, labelOf, trueClass, trueClasses, type PredictionOutput } from './prediction-outputs';

/**
 * The per-sample predictions table of an export and of the report's sample table: one row
 * per sample record, one column per fact about it, typed so that CSV, Parquet and the panel
 * hold the same values, and with the role the panel reads each column in.
 */

export type ColumnType = 'string' | 'int' | 'double' | 'boolean';
export type CellValue = string | number | boolean | null;

export interface Column {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  /** Header a person reads. */
  label: string;
  /** The prediction output a prediction column belongs to. */
  output?: string;
}

export interface SampleTable {
  columns: Column[];
  row(record: SampleRecord): CellValue[];
}

type MetadataType = 'number' | 'string' | 'boolean' | 'mixed';

/** What the committed records hold, learned in a first pass so the columns are known before the first row. */
export interface RecordShape {
  records: number;
  /** Prediction outputs and their largest value count. */
  outputs: Map<string, number>;
  groundTruths: Map<string, number>;
  metadata: Map<string, MetadataType>;
  metrics: Set<string>;
  losses: Set<string>;
  /** Text outputs (decoded by the integration). */
  texts: Set<string>;
}

export function emptyRecordShape(): RecordShape {
  return { records: 0, outputs: new Map(), groundTruths: new Map(), metadata: new Map(), metrics: new Set(), losses: new Set(), texts: new Set() };
}

export async function scanRecordShape(records: AsyncIterable<SampleRecord>): Promise<RecordShape> {
  const shape = emptyRecordShape();
  for await (const record of records) extendShape(shape, record);
  return shape;
}

/** Adds a record to the shape; true when that changed the columns (a new key, size or type). */
export function extendShape(shape: RecordShape, record: SampleRecord): boolean {
  shape.records++;
  let changed = false;
  const widen = (sizes: Map<string, number>, name: string, size: number) => {
    const seen = sizes.get(name);
    if (seen !== undefined && seen >= size) return;
    sizes.set(name, size);
    changed = true;
  };
  const add = (names: Set<string>, name: string) => {
    if (names.has(name)) return;
    names.add(name);
    changed = true;
  };
  for (const name in record.outputs) widen(shape.outputs, name, record.outputs[name]!.length);
  for (const name in record.groundTruths) widen(shape.groundTruths, name, record.groundTruths[name]!.length);
  for (const key in record.metadata) {
    const type = typeof record.metadata[key] as 'number' | 'string' | 'boolean';
    const seen = shape.metadata.get(key);
    if (seen === type || seen === 'mixed') continue;
    shape.metadata.set(key, seen === undefined ? type : 'mixed');
    changed = true;
  }
  for (const name in record.metrics) add(shape.metrics, name);
  for (const name in record.losses) add(shape.losses, name);
  for (const name in record.texts) add(shape.texts, name);
  return changed;
}

interface ColumnGroup {
  columns: Column[];
  cells(record: SampleRecord): CellValue[];
}

export function sampleTable(shape: RecordShape, outputs: readonly PredictionOutput[]): SampleTable {
  const known = outputs.filter((o) => shape.outputs.has(o.name));
  const scoredTruths = new Set(known.flatMap((o) => (o.groundTruth === undefined ? [] : [o.groundTruth])));
  const groups: ColumnGroup[] = [
    identityColumns(),
    ...known.map((o) => predictionColumns(o, shape)),
    ...[...shape.texts].map((name) => textColumns(name)),
    ...[...shape.groundTruths].filter(([name]) => !scoredTruths.has(name)).map(([name, size]) => rawTruthColumns(name, size)),
    ...[...shape.metadata].map(([key, type]) => metadataColumn(key, type)),
    ...[...shape.metrics].map((name) => scoreColumn({ name: `metric.${name}`, type: 'double', role: 'metric', label: name }, (r) => r.metrics[name])),
    ...[...shape.losses].map((name) => scoreColumn({ name: `loss.${name}`, type: 'double', role: 'loss', label: name }, (r) => r.losses[name])),
  ];
  return {
    columns: groups.flatMap((g) => g.columns),
    // A loop rather than flatMap: this runs for every sample of a 100k-sample report.
    row: (record) => {
      const cells: CellValue[] = [];
      for (const group of groups) for (const cell of group.cells(record)) cells.push(cell);
      return cells;
    },
  };
}

/** A text output: the decoded text and its references (joined with ' | '). */
function textColumns(name: string): ColumnGroup {
  return {
    columns: [
      { name: `${name}.text`, type: 'string', role: 'text', label: `${name} text`, output: name },
      { name: `${name}.references`, type: 'string', role: 'references', label: `${name} references`, output: name },
    ],
    cells: (r) => {
      const text = r.texts?.[name];
      return text === undefined ? [null, null] : [text.hypothesis, text.references.join(' | ')];
    },
  };
}

function identityColumns(): ColumnGroup {
  return {
    columns: [
      { name: 'benchmark', type: 'string', role: 'other', label: 'benchmark' },
      { name: 'position', type: 'int', role: 'position', label: 'position' },
      { name: 'index', type: 'int', role: 'index', label: 'index' },
      { name: 'input_hash', type: 'string', role: 'inputHash', label: 'input hash' },
      { name: 'error', type: 'string', role: 'error', label: 'error' },
    ],
    cells: (r) => [r.benchmark, r.position, r.index, r.inputHash, r.error === undefined ? null : `${r.error.component}: ${r.error.message}`],
  };
}

function predictionColumns(output: PredictionOutput, shape: RecordShape): ColumnGroup {
  const o = output.name;
  const truthOf = (r: SampleRecord) => (output.groundTruth === undefined ? undefined : r.groundTruths[output.groundTruth]);
  const hasTruth = output.groundTruth !== undefined && shape.groundTruths.has(output.groundTruth);
  switch (output.task) {
    case 'classification':
    case 'binary': {
      const columns: Column[] = [
        { name: `${o}.predicted_class`, type: 'int', role: 'predicted', label: `${o} predicted class`, output: o },
        { name: `${o}.predicted_label`, type: 'string', role: 'predictedLabel', label: `${o} predicted`, output: o },
        { name: `${o}.probability`, type: 'double', role: 'confidence', label: `${o} confidence`, output: o },
      ];
      if (output.task === 'binary') columns.push({ name: `${o}.positive_probability`, type: 'double', role: 'positiveProbability', label: `${o} P(${labelOf(output, 1)})`, output: o });
      if (hasTruth) {
        columns.push(
          { name: `${o}.true_class`, type: 'int', role: 'truth', label: `${o} true class`, output: o },
          { name: `${o}.true_label`, type: 'string', role: 'truthLabel', label: `${o} truth`, output: o },
          { name: `${o}.correct`, type: 'boolean', role: 'correct', label: `${o} correct`, output: o },
        );
      }
      return {
        columns,
        cells: (r) => {
          const values = r.outputs[o];
          const decoded = values === undefined || values.length === 0 ? undefined : decodePrediction(output, values);
          const predicted = decoded?.classIndex;
          const cells: CellValue[] = [predicted ?? null, predicted === undefined ? null : labelOf(output, predicted), decoded?.probability ?? null];
          if (output.task === 'binary') cells.push(decoded?.positiveProbability ?? null);
          if (hasTruth) {
            const truth = truthOf(r);
            const actual = truth === undefined ? undefined : trueClass(output, truth);
            cells.push(actual ?? null, actual === undefined ? null : labelOf(output, actual), actual === undefined || predicted === undefined ? null : actual === predicted);
          }
          return cells;
        },
      };
    }
    case 'multilabel': {
      const joinClasses = (classes: number[] | undefined) => (classes === undefined ? null : classes.join('|'));
      const joinLabels = (classes: number[] | undefined) => (classes === undefined ? null : classes.map((c) => labelOf(output, c)).join('|'));
      const columns: Column[] = [
        { name: `${o}.predicted_classes`, type: 'string', role: 'predicted', label: `${o} predicted classes`, output: o },
        { name: `${o}.predicted_labels`, type: 'string', role: 'predictedLabel', label: `${o} predicted`, output: o },
      ];
      if (hasTruth) {
        columns.push(
          { name: `${o}.true_classes`, type: 'string', role: 'truth', label: `${o} true classes`, output: o },
          { name: `${o}.true_labels`, type: 'string', role: 'truthLabel', label: `${o} truth`, output: o },
          // Right when the predicted labels are exactly the true ones (what subset_accuracy counts).
          { name: `${o}.correct`, type: 'boolean', role: 'correct', label: `${o} exact match`, output: o },
        );
      }
      return {
        columns,
        cells: (r) => {
          const values = r.outputs[o];
          const predicted = values === undefined || values.length === 0 ? undefined : decodePrediction(output, values).classIndices;
          const cells: CellValue[] = [joinClasses(predicted), joinLabels(predicted)];
          if (hasTruth) {
            const truth = truthOf(r);
            const actual = truth === undefined ? undefined : trueClasses(truth);
            cells.push(joinClasses(actual), joinLabels(actual), actual === undefined || predicted === undefined ? null : joinClasses(actual) === joinClasses(predicted));
          }
          return cells;
        },
      };
    }
    case 'regression': {
      const size = shape.outputs.get(o) ?? 1;
      const suffixes = size === 1 ? [''] : Array.from({ length: size }, (_, k) => `.${output.labels?.[k] ?? k}`);
      const columns: Column[] = suffixes.map((s) => ({ name: `${o}${s}`, type: 'double', role: 'value', label: `${o}${s} predicted`, output: o }));
      if (hasTruth) columns.push(...suffixes.map((s): Column => ({ name: `${o}.true${s}`, type: 'double', role: 'trueValue', label: `${o}${s} actual`, output: o })));
      const pick = (values: readonly number[] | undefined) => suffixes.map((_, k) => values?.[k] ?? null);
      return { columns, cells: (r) => (hasTruth ? [...pick(r.outputs[o]), ...pick(truthOf(r))] : pick(r.outputs[o])) };
    }
  }
}

/** A ground truth no output is scored against: its value, or its values as a JSON array. */
function rawTruthColumns(name: string, size: number): ColumnGroup {
  const column = { name: `truth.${name}`, role: 'other', label: `ground truth ${name}` } as const;
  if (size <= 1) return { columns: [{ ...column, type: 'double' }], cells: (r) => [r.groundTruths[name]?.[0] ?? null] };
  return { columns: [{ ...column, type: 'string' }], cells: (r) => [r.groundTruths[name] === undefined ? null : JSON.stringify(r.groundTruths[name])] };
}

function metadataColumn(key: string, type: MetadataType): ColumnGroup {
  const columnType: ColumnType = type === 'number' ? 'double' : type === 'boolean' ? 'boolean' : 'string';
  return {
    columns: [{ name: `metadata.${key}`, type: columnType, role: 'metadata', label: key }],
    cells: (r) => {
      const value = r.metadata[key];
      return [value === undefined ? null : type === 'mixed' ? String(value) : value];
    },
  };
}

function scoreColumn(column: Column, read: (r: SampleRecord) => number | undefined): ColumnGroup {
  return { columns: [column], cells: (r) => [read(r) ?? null] };
}
