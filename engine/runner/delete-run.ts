import { setTimeout as sleep } from 'node:timers/promises';
import type { RunManifest } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { isAlive } from '../runs/process-alive';
import type { RunStore } from '../runs/run-store';
import { isInterrupted } from './run-queue';

export interface DeleteRunOptions {
  /** Who deletes, as the cancelled run records it: "evalens runs delete (pid 123)". */
  requester: string;
  /** How long a running run may take to stop once asked to cancel; past it the delete is refused. */
  waitMs: number;
  /** The run is being evaluated: it was asked to cancel, and the delete waits for it to stop. */
  onCancelling?: (manifest: RunManifest) => void;
}

export const DEFAULT_DELETE_WAIT_MS = 30_000;

/**
 * Deletes a run safely while other processes may be draining the queue or evaluating it: a
 * queued or finished run goes at once (RunStore.delete: readers never see half a run, and a
 * drain never starts it); a running run is first asked to cancel, through the store, and
 * removed once its runner has stopped, or the delete is refused, with the reason, when it does
 * not stop within `waitMs`. Returns the run's manifest as it was deleted.
 */
export async function deleteRunSafely(store: RunStore, runId: string, options: DeleteRunOptions): Promise<RunManifest> {
  let manifest = store.read(runId);
  if (isRunning(manifest)) {
    const runner = manifest.pid!;
    store.requestCancel(runId, `the run is being deleted by ${options.requester}`);
    options.onCancelling?.(manifest);
    manifest = await untilStopped(store, runId, runner, options.waitMs);
    if (isRunning(manifest) || isAlive(runner)) {
      store.withdrawCancelRequest(runId);
      // It may have stopped between the last look and the withdrawal.
      manifest = store.read(runId);
      if (isRunning(manifest) || isAlive(runner)) throw notStopped(store, manifest, runner, options.waitMs);
    }
  }
  store.delete(runId);
  return manifest;
}

/** Evaluated right now by a live runner. */
function isRunning(manifest: RunManifest): boolean {
  return manifest.status === 'evaluating' && !isInterrupted(manifest);
}

/** The manifest once the run has left `evaluating` and its runner process has exited, or as it is when time is up. */
async function untilStopped(store: RunStore, runId: string, runner: number, waitMs: number): Promise<RunManifest> {
  const end = Date.now() + waitMs;
  for (;;) {
    const manifest = store.read(runId);
    if ((!isRunning(manifest) && !isAlive(runner)) || Date.now() >= end) return manifest;
    await sleep(100);
  }
}

function notStopped(store: RunStore, m: RunManifest, runner: number, waitMs: number): EvalensError {
  const seconds = Math.round(waitMs / 1000);
  return new EvalensError(
    'usage',
    `Run ${m.runId} (${m.name}) is being evaluated by process ${runner} and did not stop within ${seconds} s of being asked to cancel, so it was not deleted and goes on. ` +
      `A run stops at the end of a batch, and its batches take longer than that here: cancel it where it runs (Ctrl+C, or Cancel in VS Code) and delete it once stopped, ` +
      `or wait longer: evalens runs delete ${m.runId} --wait ${Math.max(2 * seconds, 60)} --runs-dir ${store.root}`,
  );
}
