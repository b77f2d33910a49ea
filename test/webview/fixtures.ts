/**
 * Report data of real run stores (the engine's report fixtures: digits, binary, regression),
 * computed by the engine as the extension computes it, plus the runs-list rows the views show.
 */
import type { ReportData, RunSummary } from '../../shared/report-data';
import type { RunRow } from '../../shared/webview-protocol';
import { buildReportData } from '../../engine/report/report-data';
import { RunStore } from '../../engine/runs/run-store';
import { binaryRun, digitsRun, regressionRun, sampleErrorRun, textRun, type RunFixture } from '../helpers/report-fixtures';

export async function reportOf(fixture: Promise<RunFixture>): Promise<ReportData> {
  const { storeDir, runId } = await fixture;
  const store = new RunStore(storeDir);
  return buildReportData(store, store.read(runId));
}

export const digitsReport = () => reportOf(digitsRun());
export const binaryReport = () => reportOf(binaryRun());
export const regressionReport = () => reportOf(regressionRun());
export const sampleErrorReport = () => reportOf(sampleErrorRun());
export const textReport = () => reportOf(textRun());

/**
 * Rows as the runs view receives them: the real runs' summaries, and the same runs in the
 * other states a store holds (evaluating with live progress, failed at a script line,
 * interrupted, queued), since a finished fixture store holds completed runs only.
 */
export function runRows(digits: RunSummary, binary: RunSummary, regression: RunSummary): RunRow[] {
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const evaluating: RunSummary = {
    ...digits,
    runId: `${digits.runId}-live`,
    name: 'digits CNN: nightly',
    status: 'evaluating',
    overallScore: null,
    durationMs: null,
    createdAt: minutesAgo(2),
    progress: { done: 412, total: 840 },
  };
  const failed: RunSummary = {
    ...binary,
    runId: `${binary.runId}-failed`,
    name: 'breast cancer: new encoder',
    status: 'failed',
    overallScore: null,
    createdAt: minutesAgo(50),
    progress: { done: 96, total: 171 },
    error: {
      message: "TypeError: Cannot read properties of undefined (reading 'x')",
      benchmark: 'test',
      sample: 96,
      component: 'inputs.features',
      resumable: false,
      location: { file: '/work/bc/bc-binary.integration.ts', line: 27, column: 61 },
    },
  };
  const interrupted: RunSummary = { ...regression, runId: `${regression.runId}-interrupted`, status: 'evaluating', interrupted: true, overallScore: null, createdAt: minutesAgo(300), progress: { done: 64, total: 171 } };
  const queued: RunSummary = { ...digits, runId: `${digits.runId}-queued`, name: 'digits CNN: queued', status: 'queued', overallScore: null, createdAt: minutesAgo(1), progress: { done: 0, total: 840 } };
  return [
    { summary: queued },
    { summary: evaluating, live: { runId: evaluating.runId, done: 412, total: 840, benchmark: 'test', samplesPerSecond: 1830.5, etaSeconds: 0.2 } },
    { summary: failed },
    { summary: digits },
    { summary: binary },
    { summary: regression },
    { summary: interrupted },
  ];
}
