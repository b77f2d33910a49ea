/**
 * Checks an export of a digits run against the run's own records.jsonl, computing what each
 * row must hold independently of the exporter (argmax, softmax, metadata, scores).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { SampleRecord } from '../../shared/run-types';
import { csvObjects } from './csv-parse';

type Expected = Record<string, string | number | boolean | null>;

/** What a row of predictions.csv / .parquet holds for a record of the digits example. */
export function expectedDigitsRow(record: SampleRecord): Expected {
  const logits = record.outputs.logits!;
  const predicted = logits.indexOf(Math.max(...logits));
  const max = Math.max(...logits);
  const sum = logits.reduce((s, v) => s + Math.exp(v - max), 0);
  const truth = record.groundTruths.label![0]!;
  const row: Expected = {
    benchmark: record.benchmark,
    position: record.position,
    index: record.index,
    input_hash: record.inputHash,
    error: null,
    'logits.predicted_class': predicted,
    'logits.predicted_label': String(predicted),
    'logits.probability': Math.exp(logits[predicted]! - max) / sum,
    'logits.true_class': truth,
    'logits.true_label': String(truth),
    'logits.correct': predicted === truth,
  };
  for (const [key, value] of Object.entries(record.metadata)) row[`metadata.${key}`] = value;
  for (const [key, value] of Object.entries(record.metrics)) row[`metric.${key}`] = value;
  for (const [key, value] of Object.entries(record.losses)) row[`loss.${key}`] = value;
  return row;
}

function assertRowMatches(actual: Record<string, unknown>, expected: Expected, where: string, read: (value: unknown, like: Expected[string]) => unknown): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: columns`);
  for (const [column, value] of Object.entries(expected)) {
    const got = read(actual[column], value);
    if (column === 'logits.probability') assert.ok(Math.abs((got as number) - (value as number)) < 1e-12, `${where} ${column}: ${String(got)} vs ${value}`);
    else assert.equal(got, value, `${where} ${column}`);
  }
}

/** predictions.csv holds one row per record, in order, with the values the record implies. */
export function assertCsvMatchesRecords(file: string, records: readonly SampleRecord[]): void {
  const rows = csvObjects(readFileSync(file, 'utf8'));
  assert.equal(rows.length, records.length, `${path.basename(file)} has a row per record`);
  const fromCsv = (value: unknown, like: Expected[string]) =>
    value === '' && like === null ? null : typeof like === 'number' ? Number(value) : typeof like === 'boolean' ? value === 'true' : value;
  records.forEach((record, i) => assertRowMatches(rows[i]!, expectedDigitsRow(record), `csv row ${i + 1}`, fromCsv));
}

/** predictions.parquet holds the same rows, typed, in row groups of at most `rowGroupSize`. */
export async function assertParquetMatchesRecords(file: string, records: readonly SampleRecord[], rowGroupSize: number): Promise<void> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  assert.equal(metadata.num_rows, BigInt(records.length));
  assert.equal(metadata.row_groups.length, Math.ceil(records.length / rowGroupSize), 'row groups');
  for (const group of metadata.row_groups) assert.ok(group.num_rows <= BigInt(rowGroupSize));
  const rows = await parquetReadObjects({ file: buffer });
  assert.equal(rows.length, records.length);
  records.forEach((record, i) => assertRowMatches(rows[i] as Record<string, unknown>, expectedDigitsRow(record), `parquet row ${i + 1}`, (v) => v));
}
