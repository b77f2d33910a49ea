import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ANALYSIS_DIR, ANALYSIS_FILE, analysisSchema, type Analysis } from '../../shared/analysis-types';
import { EvalensError } from '../errors';
import { syncDir } from '../runs/atomic-file';
import type { RunStore } from '../runs/run-store';

/**
 * A run's analysis on disk: `<run>/analysis/`, replaced as a whole. It is written into a
 * folder of its own beside the run's files and renamed into place when complete, so a crash
 * leaves the previous analysis or none, never a mix of two; the run's manifest, records and
 * results are never written.
 */

/** Folders of analyses being written (`partial`) or being replaced (`old`), by process. */
const WORK_DIR = /^\.analysis-(\d+)\.(partial|old)$/;

export function analysisDir(store: RunStore, runId: string): string {
  return path.join(store.runDir(runId), ANALYSIS_DIR);
}

/** An analysis with nothing found yet: what the analysis step fills, and what a failed one records. */
export function emptyAnalysis(runId: string, fields: Partial<Analysis> = {}): Analysis {
  return {
    schemaVersion: 1,
    runId,
    status: 'completed',
    createdAt: new Date().toISOString(),
    durationMs: 0,
    warnings: [],
    latent: null,
    projections: [],
    neighbours: null,
    suggestions: [],
    suggestionAccuracy: null,
    mistakes: [],
    nearDuplicates: { threshold: 1, pairs: [] },
    exactDuplicates: [],
    slices: { minSupport: 1, seed: 0, items: [] },
    ...fields,
  };
}

/** The run's analysis, or undefined when it has none; an unreadable one is an error naming the file. */
export function readAnalysis(store: RunStore, runId: string): Analysis | undefined {
  const file = path.join(analysisDir(store, runId), ANALYSIS_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = analysisSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EvalensError('run-corrupt', `${file} is not a valid analysis (${parsed.error.issues[0]?.message ?? 'not JSON'}). Run the analysis again: evalens analyze ${runId}`);
  }
  return parsed.data;
}

/** An analysis being written: files go into its own folder until `commit` puts it in place. */
export class AnalysisWriter {
  readonly dir: string;
  private readonly runDir: string;

  constructor(store: RunStore, runId: string) {
    this.runDir = store.runDir(runId);
    removeAbandonedWork(this.runDir);
    this.dir = path.join(this.runDir, `.analysis-${process.pid}.partial`);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir);
  }

  /** Writes analysis.json last, then swaps the folder in for the previous analysis. */
  commit(analysis: Analysis): void {
    writeFileSync(path.join(this.dir, ANALYSIS_FILE), `${JSON.stringify(analysisSchema.parse(analysis), null, 1)}\n`);
    // On disk before the rename makes them the analysis: a power cut must not leave empty files in place.
    for (const name of readdirSync(this.dir)) syncFile(path.join(this.dir, name));
    syncDir(this.dir);
    const target = path.join(this.runDir, ANALYSIS_DIR);
    const old = path.join(this.runDir, `.analysis-${process.pid}.old`);
    if (existsSync(target)) renameSync(target, old);
    renameSync(this.dir, target);
    syncDir(this.runDir);
    rmSync(old, { recursive: true, force: true });
  }

  /** Drops what was written (the analysis failed before it was complete). */
  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Work folders of analyses whose process is gone (a crash, a kill): never read, so removed. */
function removeAbandonedWork(runDir: string): void {
  for (const name of readdirSync(runDir)) {
    const match = WORK_DIR.exec(name);
    if (match === null || isAlive(Number(match[1]))) continue;
    rmSync(path.join(runDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
