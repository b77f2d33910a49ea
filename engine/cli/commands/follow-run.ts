import type { RunStore } from '../../runs/run-store';
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
      onWaiting: (holder) => {
        if (!options.json && interrupts === 0) process.stderr.write(`\rWaiting for process ${holder}, which is running the queue…`);
      },
    });
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
  }
  const manifest = store.read(runId);
  const results = store.readResults(runId);
  if (options.json) process.stdout.write(`${JSON.stringify(runSummaryJson(manifest, results), null, 2)}\n`);
  else process.stdout.write(`${formatRunSummary(manifest, results, colour(process.stdout))}\n`);
  if (manifest.status !== 'completed') return ExitCode.checkFailed;
  return results?.gates.some((g) => !g.passed) ? ExitCode.gateFailed : ExitCode.ok;
}
