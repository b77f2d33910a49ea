import type { SampleRecord } from '../../shared/run-types';
import { decodePrediction, labelOf, trueClass, trueClasses, type PredictionOutput } from './prediction-outputs';

/**
 * The per-sample predictions table of an export: one row per sample record, one column per
 * fact about it, typed so that CSV and Parquet hold the same values.
 */

export type ColumnType = 'string' | 'int' | 'double' | 'boolean';
export type CellValue = string | number | boolean | null;

export interface Column {
  name: string;
  type: ColumnType;
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

export async function scanRecordShape(records: AsyncIterable<SampleRecord>): Promise<RecordShape> {
  const shape: RecordShape = { records: 0, outputs: new Map(), groundTruths: new Map(), metadata: new Map(), metrics: new Set(), losses: new Set(), texts: new Set() };
  for await (const record of records) {
    shape.records++;
    for (const [name, values] of Object.entries(record.outputs)) shape.outputs.set(name, Math.max(shape.outputs.get(name) ?? 0, values.length));
    for (const [name, values] of Object.entries(record.groundTruths)) shape.groundTruths.set(name, Math.max(shape.groundTruths.get(name) ?? 0, values.length));
    for (const [key, value] of Object.entries(record.metadata)) {
      const type = typeof value as 'number' | 'string' | 'boolean';
      const seen = shape.metadata.get(key);
      shape.metadata.set(key, seen === undefined || seen === type ? type : 'mixed');
    }
    for (const name of Object.keys(record.metrics)) shape.metrics.add(name);
    for (const name of Object.keys(record.losses)) shape.losses.add(name);
    for (const name of Object.keys(record.texts ?? {})) shape.texts.add(name);
  }
  return shape;
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
    ...[...shape.metrics].map((name) => scoreColumn(`metric.${name}`, (r) => r.metrics[name])),
    ...[...shape.losses].map((name) => scoreColumn(`loss.${name}`, (r) => r.losses[name])),
  ];
  return {
    columns: groups.flatMap((g) => g.columns),
    row: (record) => groups.flatMap((g) => g.cells(record)),
  };
}

/** A text output: the decoded text and its references (joined with ' | '). */
function textColumns(name: string): ColumnGroup {
  return {
    columns: [
      { name: `${name}.text`, type: 'string' },
      { name: `${name}.references`, type: 'string' },
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
      { name: 'benchmark', type: 'string' },
      { name: 'position', type: 'int' },
      { name: 'index', type: 'int' },
      { name: 'input_hash', type: 'string' },
      { name: 'error', type: 'string' },
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
        { name: `${o}.predicted_class`, type: 'int' },
        { name: `${o}.predicted_label`, type: 'string' },
        { name: `${o}.probability`, type: 'double' },
      ];
      if (output.task === 'binary') columns.push({ name: `${o}.positive_probability`, type: 'double' });
      if (hasTruth) columns.push({ name: `${o}.true_class`, type: 'int' }, { name: `${o}.true_label`, type: 'string' }, { name: `${o}.correct`, type: 'boolean' });
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
        { name: `${o}.predicted_classes`, type: 'string' },
        { name: `${o}.predicted_labels`, type: 'string' },
      ];
      if (hasTruth) columns.push({ name: `${o}.true_classes`, type: 'string' }, { name: `${o}.true_labels`, type: 'string' });
      return {
        columns,
        cells: (r) => {
          const values = r.outputs[o];
          const predicted = values === undefined || values.length === 0 ? undefined : decodePrediction(output, values).classIndices;
          const cells: CellValue[] = [joinClasses(predicted), joinLabels(predicted)];
          if (hasTruth) {
            const truth = truthOf(r);
            const actual = truth === undefined ? undefined : trueClasses(truth);
            cells.push(joinClasses(actual), joinLabels(actual));
          }
          return cells;
        },
      };
    }
    case 'regression': {
      const size = shape.outputs.get(o) ?? 1;
      const suffixes = size === 1 ? [''] : Array.from({ length: size }, (_, k) => `.${output.labels?.[k] ?? k}`);
      const columns: Column[] = suffixes.map((s) => ({ name: `${o}${s}`, type: 'double' }));
      if (hasTruth) columns.push(...suffixes.map((s): Column => ({ name: `${o}.true${s}`, type: 'double' })));
      const pick = (values: readonly number[] | undefined) => suffixes.map((_, k) => values?.[k] ?? null);
      return { columns, cells: (r) => (hasTruth ? [...pick(r.outputs[o]), ...pick(truthOf(r))] : pick(r.outputs[o])) };
    }
  }
}

/** A ground truth no output is scored against: its value, or its values as a JSON array. */
function rawTruthColumns(name: string, size: number): ColumnGroup {
  if (size <= 1) return { columns: [{ name: `truth.${name}`, type: 'double' }], cells: (r) => [r.groundTruths[name]?.[0] ?? null] };
  return { columns: [{ name: `truth.${name}`, type: 'string' }], cells: (r) => [r.groundTruths[name] === undefined ? null : JSON.stringify(r.groundTruths[name])] };
}

function metadataColumn(key: string, type: MetadataType): ColumnGroup {
  const columnType: ColumnType = type === 'number' ? 'double' : type === 'boolean' ? 'boolean' : 'string';
  return {
    columns: [{ name: `metadata.${key}`, type: columnType }],
    cells: (r) => {
      const value = r.metadata[key];
      return [value === undefined ? null : type === 'mixed' ? String(value) : value];
    },
  };
}

function scoreColumn(name: string, read: (r: SampleRecord) => number | undefined): ColumnGroup {
  return { columns: [{ name, type: 'double' }], cells: (r) => [read(r) ?? null] };
}
