import type { RunManifest } from '../../shared/run-types';
import type { SupervisedRun } from '../../engine/runner/supervisor';

/** A drain of the queue that tells of each run it starts (drainQueue with `until` set to the followed run). */
export type Drain = (onStart: (manifest: RunManifest, run: SupervisedRun) => void) => Promise<void>;

export interface FollowedRun {
  /**
   * Settles once the followed run has ended: its runner here has exited (completed, failed,
   * cancelled, killed), or the drain saw it end elsewhere or deleted; rejects when the drain
   * fails first. Not when the drain returns: a drain also waits for the other runs it started.
   */
  ended: Promise<void>;
  /** The whole drain, which may go on with other runs after `ended`: its caller reports a failure. */
  drained: Promise<void>;
  /** Cancels the followed run: through its runner when it runs here, else with `cancelElsewhere` (a request in the store). */
  cancel(): void;
}

/** Follows one run through a drain of the queue, so that what shows the run (a progress notification) ends with it. */
export function followUntilEnd(runId: string, drain: Drain, cancelElsewhere: () => void): FollowedRun {
  let run: SupervisedRun | undefined;
  let exited!: () => void;
  const runnerExited = new Promise<void>((resolve) => (exited = resolve));
  const drained = drain((manifest, started) => {
    if (manifest.runId !== runId) return;
    run = started;
    started.done.then(exited, exited);
  });
  return {
    ended: Promise.race([drained, runnerExited]),
    drained,
    cancel: () => (run === undefined ? cancelElsewhere() : run.cancel()),
  };
}
