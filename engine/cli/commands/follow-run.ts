import type { RunManifest } from '../../../shared/run-types';
import { isRunNotFound, type RunStore } from '../../runs/run-store';
import { drainQueue } from '../../runner/run-queue';
import type { SupervisedRun } from '../../runner/supervisor';
import { ExitCode } from '../exit-codes';
import { formatRunSummary, runSummaryJson } from '../output/run-summary';
import { progressView } from '../run-progress';
import { colour } from '../terminal';

export interface FollowOptions {
  json: boolean;
  concurrency: number;
  force?: boolean;
}

/**
 * Processes the queue until `runId` has finished, showing its progress; Ctrl+C cancels it at
 * the next batch (finished samples kept, resumable). Prints the result; returns the exit code.
 */
export async function followRun(store: RunStore, runId: string, options: FollowOptions): Promise<number> {
  const view = progressView(options.json ? 'none' : process.stderr.isTTY ? 'bar' : 'lines');
  const started = new Map<string, SupervisedRun>();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    for (const run of started.values()) run.cancel();
    if (interrupts === 1) process.stderr.write('\nCancelling at the next batch; finished samples are kept (Ctrl+C again to stop at once).\n');
    else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    await drainQueue(store, {
      concurrency: options.concurrency,
      until: runId,
      force: options.force,
      onStart: (m, run) => {
        started.set(m.runId, run);
        if (m.runId !== runId && !options.json) process.stderr.write(`Running queued run ${m.runId} (${m.name}) first.\n`);
      },
      onProgress: (id, p) => {
        if (id === runId) view.update(id, p);
      },
      onDeleted: (id) => {
        if (id !== runId && !options.json) process.stderr.write(`Run ${id} was deleted while it ran (evalens runs delete, or the panel); going on with the queue.\n`);
      },
      onWaiting: (holder) => {
        if (!options.json && interrupts === 0) process.stderr.write(`\rWaiting for process ${holder}, which is running the queue…`);
      },
    });
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
  }
  const manifest = readFollowed(store, runId);
  if (manifest === undefined) {
    const message = `Run ${runId} was deleted from ${store.root} while this process was evaluating it or waiting for it (evalens runs delete, or Delete in VS Code). Its results are gone: evaluate again to get them.`;
    if (options.json) process.stdout.write(`${JSON.stringify({ runId, status: 'deleted', error: message }, null, 2)}\n`);
    else process.stderr.write(`${message}\n`);
    return ExitCode.checkFailed;
  }
  const results = store.readResults(runId);
  if (options.json) process.stdout.write(`${JSON.stringify(runSummaryJson(manifest, results), null, 2)}\n`);
  else process.stdout.write(`${formatRunSummary(manifest, results, colour(process.stdout))}\n`);
  if (manifest.status !== 'completed') return ExitCode.checkFailed;
  return results?.gates.some((g) => !g.passed) ? ExitCode.gateFailed : ExitCode.ok;
}

/** The followed run once drained, or undefined when it was deleted meanwhile. */
function readFollowed(store: RunStore, runId: string): RunManifest | undefined {
  try {
    return store.read(runId);
  } catch (error) {
    if (isRunNotFound(error)) return undefined;
    throw error;
  }
}
