import type { RunSummary } from '../../shared/report-data';
import { runProgress, type RunEvent, type RunManifest, type RunResults } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { isInterrupted } from '../runner/run-queue';

export interface RunSummaryOptions {
  /** The run's results when the caller has read them already. */
  results?: RunResults;
  /** The clock an evaluating run's time counts up to. */
  now?: Date;
}

const SESSION_STARTS: ReadonlySet<RunEvent['kind']> = new Set(['started', 'resumed']);
const SESSION_ENDS: ReadonlySet<RunEvent['kind']> = new Set(['completed', 'failed', 'cancelled', 'interrupted']);

/**
 * A run as a row of the runs list or a report's header: from its manifest and results.json
 * only (never its records), so listing a store of large runs stays cheap.
 */
export function runSummary(store: RunStore, manifest: RunManifest, options: RunSummaryOptions = {}): RunSummary {
  const results = options.results ?? (manifest.status === 'completed' ? store.readResults(manifest.runId) : undefined);
  const interrupted = isInterrupted(manifest);
  const progress = runProgress(manifest);
  const durationMs = evaluatingTime(manifest, interrupted, options.now ?? new Date());
  // Runs submitted before the manifest recorded the model path name it only when the config overrode the integration's.
  const configModel = (manifest.config as { model?: unknown }).model;
  const summary: RunSummary = {
    runId: manifest.runId,
    name: manifest.name,
    kind: manifest.kind,
    status: manifest.status,
    interrupted,
    createdAt: manifest.createdAt,
    updatedAt: manifest.updatedAt,
    durationMs,
    samplesPerSecond: durationMs === null || durationMs <= 0 || progress.done === 0 ? null : progress.done / (durationMs / 1000),
    overallScore: results?.overallScore ?? null,
    progress,
    model: { path: manifest.modelPath ?? (typeof configModel === 'string' ? configModel : ''), hash: manifest.hashes.model },
    scriptHash: manifest.hashes.script,
    benchmarks: manifest.benchmarks.map((b) => b.name),
    gates: { passed: results?.gates.filter((g) => g.passed).length ?? 0, failed: results?.gates.filter((g) => !g.passed).length ?? 0 },
  };
  if (manifest.error !== undefined) {
    const { location, ...error } = manifest.error;
    summary.error = location === undefined ? error : { ...error, location };
  }
  return summary;
}

/**
 * Time spent evaluating: the sum of the spans from each start or resume to the event that
 * ended it. A span still open counts up to `now` while the run is live, and up to its last
 * manifest write (its last checkpoint) when its process is gone. Null before the run started.
 */
function evaluatingTime(manifest: RunManifest, interrupted: boolean, now: Date): number | null {
  let total = 0;
  let openedAt: number | undefined;
  let started = false;
  for (const e of manifest.events) {
    const at = Date.parse(e.at);
    if (SESSION_STARTS.has(e.kind)) {
      // A start with no end before it (a process killed before it could record one) ends where the next begins.
      if (openedAt !== undefined) total += at - openedAt;
      openedAt = at;
      started = true;
    } else if (SESSION_ENDS.has(e.kind) && openedAt !== undefined) {
      total += at - openedAt;
      openedAt = undefined;
    }
  }
  if (!started) return null;
  if (openedAt !== undefined) total += Math.max(0, (manifest.status === 'evaluating' && !interrupted ? now.getTime() : Date.parse(manifest.updatedAt)) - openedAt);
  return total;
}
