import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ANALYSIS_FILE } from '../../shared/analysis-types';
import { reportDataSchema, type ReportData } from '../../shared/report-data';
import { TERMINAL_STATUSES, type RunManifest } from '../../shared/run-types';
import { analysisDir } from '../analysis/analysis-store';
import { readCrossValidation } from '../analysis/cross-validation-store';
import { writeFileAtomic } from '../runs/atomic-file';
import type { RunStore } from '../runs/run-store';
import { engineVersions } from '../versions';
import { buildReportData } from './report-data';

/**
 * A finished run's report data, kept in its folder as `report-data.json` once built: reading
 * it back costs a tenth of a pass over 100k records, so a report opens at once after the
 * first time (and the panel builds it ahead when it sees a run finish). It is derived data:
 * a stamp of what it was built from (the manifest's last write, the committed records, the
 * analysis, the engine's version) must match, and it must still parse, or it is built again.
 */
export const REPORT_CACHE = 'report-data.json';

export async function loadReportData(store: RunStore, manifest: RunManifest): Promise<ReportData> {
  if (!TERMINAL_STATUSES.includes(manifest.status)) return build(store, manifest);
  const file = path.join(store.runDir(manifest.runId), REPORT_CACHE);
  const stamp = reportStamp(store, manifest);
  const cached = readCache(file, stamp);
  if (cached !== undefined) return cached;
  const data = await build(store, manifest);
  try {
    writeFileAtomic(file, JSON.stringify({ stamp, data }));
  } catch {
    // A read-only store still shows its reports; they are only built each time.
  }
  return data;
}

/** The report data; a cross-validation run's carries its result. */
async function build(store: RunStore, manifest: RunManifest): Promise<ReportData> {
  const data = await buildReportData(store, manifest);
  return manifest.kind === 'cross-validation' && manifest.status === 'completed' ? { ...data, crossValidation: readCrossValidation(store, manifest.runId) } : data;
}

function reportStamp(store: RunStore, manifest: RunManifest): string {
  const analysis = statSync(path.join(analysisDir(store, manifest.runId), ANALYSIS_FILE), { throwIfNoEntry: false });
  return JSON.stringify([manifest.updatedAt, manifest.checkpoint.recordsBytes, analysis ? `${analysis.mtimeMs}:${analysis.size}` : null, engineVersions().evalens]);
}

function readCache(file: string, stamp: string): ReportData | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const { stamp: was, data } = JSON.parse(readFileSync(file, 'utf8')) as { stamp?: unknown; data?: unknown };
    if (was !== stamp) return undefined;
    const parsed = reportDataSchema.safeParse(data);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
