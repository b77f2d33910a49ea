import { renameSync, rmSync } from 'node:fs';
import type { Analysis } from '../../shared/analysis-types';
import type { RunManifest, SampleRecord } from '../../shared/run-types';
import { CsvFileWriter, type CsvValue } from '../report/csv';
import type { RunStore } from '../runs/run-store';

/**
 * The label suggestions as a CSV a labeling tool imports: one row per unlabeled sample, most
 * uncertain first (the analysis' order), so the samples worth labeling by hand come first.
 * `sample` is the sample's index in its subset, the key to find it in the data.
 */
export const SUGGESTION_COLUMNS = ['sample', 'subset', 'benchmark', 'position', 'suggested_label', 'agreement', 'estimated_loss', 'estimated_confidence', 'model_prediction', 'model_confidence'] as const;

/** Writes the CSV (under a temporary name, renamed when complete); returns the rows written. */
export async function writeSuggestionsCsv(store: RunStore, manifest: RunManifest, analysis: Analysis, file: string): Promise<number> {
  const metadata = await suggestedMetadata(store, manifest, analysis);
  const keys = [...new Set([...metadata.values()].flatMap((m) => Object.keys(m)))];
  const partial = `${file}.partial`;
  const csv = new CsvFileWriter(partial, [...SUGGESTION_COLUMNS, ...keys.map((k) => `metadata.${k}`)]);
  try {
    for (const s of analysis.suggestions) {
      const values: CsvValue[] = [s.sample.index, s.sample.subset, s.sample.benchmark, s.sample.position, s.suggestedLabel, s.agreement, s.estimatedLoss, s.estimatedConfidence, s.modelPrediction, s.modelConfidence];
      const m = metadata.get(sampleKey(s.sample)) ?? {};
      for (const key of keys) values.push(m[key] ?? null);
      csv.write(values);
    }
  } catch (error) {
    csv.close();
    rmSync(partial, { force: true });
    throw error;
  }
  csv.close();
  renameSync(partial, file);
  return csv.rows;
}

function sampleKey(sample: { benchmark: string; position: number }): string {
  return `${sample.benchmark}\0${sample.position}`;
}

/** The metadata of the suggested samples only: one pass over the records, nothing kept for the others. */
async function suggestedMetadata(store: RunStore, manifest: RunManifest, analysis: Analysis): Promise<Map<string, SampleRecord['metadata']>> {
  const wanted = new Set(analysis.suggestions.map((s) => sampleKey(s.sample)));
  const found = new Map<string, SampleRecord['metadata']>();
  if (wanted.size === 0) return found;
  const reader = store.recordReader(manifest);
  for await (const chunk of reader.chunks()) {
    reader.forEach(chunk, (record) => {
      const key = sampleKey(record);
      if (wanted.has(key)) found.set(key, record.metadata);
    });
  }
  return found;
}
