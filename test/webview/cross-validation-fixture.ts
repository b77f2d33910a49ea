/**
 * A real cross-validation run for the report's cross-validation section: `evalens cv` on the
 * digits example's test split (540 digits, 10 classes), which evaluates the split first, then
 * its report data as the panel loads it.
 */
import path from 'node:path';
import type { ReportData } from '../../shared/report-data';
import { loadReportData } from '../../engine/report/report-cache';
import { RunStore } from '../../engine/runs/run-store';
import { copyExample, evalensSync, writeEvalConfig } from '../helpers/eval-runs';

let run: Promise<ReportData> | undefined;

/** The cross-validation's report data, once per process. */
export function crossValidationReport(): Promise<ReportData> {
  run ??= (async () => {
    const dir = copyExample('evalens-cv-report-');
    const storeDir = path.join(dir, '.evalens');
    const config = writeEvalConfig(dir, 'cv.eval.json', { name: 'digits CNN: test split', integration: 'digits.integration.ts', benchmarks: [{ name: 'test', subset: 'test' }], batchSize: 128 });
    const result = evalensSync(['cv', '--config', config, '--runs-dir', storeDir, '--seed', '3', '--json'], { cwd: dir });
    if (result.code !== 0) throw new Error(`evalens cv failed (exit ${result.code}): ${result.stderr}`);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    const store = new RunStore(storeDir);
    return loadReportData(store, store.read(runId));
  })();
  return run;
}
