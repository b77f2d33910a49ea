import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TERMINAL_STATUSES, type RunManifest, type RunStatus } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { isRunNotFound, type RunStore } from '../runs/run-store';
import { event } from '../runs/run-event';
import { isAlive } from '../runs/process-alive';
import { superviseRun, type SupervisedRun } from './supervisor';
import type { RunProgress } from './worker-protocol';

/**
 * Processes the store's queue: queued runs run in submission order, `concurrency` at a time,
 * by whichever process holds the queue lock. The queue is the store itself, so it survives a
 * restart. Loads no user code: runs are evaluated in runner child processes.
 */

export interface DrainOptions {
  concurrency: number;
  memoryLimitMb?: number;
  /** Return once this run has finished (runs queued before it run first). */
  until?: string;
  /** Resume `until` even though its model or script changed. */
  force?: boolean;
  /** The runner bundle (tests that drain in their own process name dist/worker.js). */
  workerPath?: string;
  onStart?: (manifest: RunManifest, run: SupervisedRun) => void;
  onProgress?: (runId: string, progress: RunProgress) => void;
  onLog?: (runId: string, line: string) => void;
  /** Polled while waiting for another process that holds the queue. */
  onWaiting?: (holder: number) => void;
  /** A run this drain started was deleted meanwhile (evalens runs delete, the panel): the drain goes on with the next. */
  onDeleted?: (runId: string) => void;
}

/** Runs this process evaluates, by run folder, until each has ended: two drains of one process never start a run twice. */
const runningHere = new Map<string, Promise<void>>();
/** Drains of this process holding each queue lock: they share it, and the last one to finish releases it. */
const lockHolders = new Map<string, number>();

/** Processes queued runs in order until `until` has finished or was deleted, or until the queue is empty. */
export async function drainQueue(store: RunStore, options: DrainOptions): Promise<void> {
  for (;;) {
    if (options.until !== undefined && hasEnded(store, options.until)) return;
    const lock = acquireQueueLock(store);
    if (typeof lock === 'number') {
      options.onWaiting?.(lock);
      await sleep(500);
      continue;
    }
    try {
      reconcileInterruptedRuns(store);
      await processWhileLocked(store, options);
      return;
    } finally {
      lock.release();
    }
  }
}

async function processWhileLocked(store: RunStore, options: DrainOptions): Promise<void> {
  const active = new Map<string, Promise<void>>();
  for (;;) {
    // `until` started (by this drain or another of this process): nothing queued after it starts.
    const until = options.until === undefined ? undefined : runningHere.get(store.runDir(options.until));
    const untilStarted = options.until !== undefined && (until !== undefined || hasEnded(store, options.until));
    const next = untilStarted ? undefined : nextQueued(store);
    if (next !== undefined && active.size < options.concurrency) {
      start(store, next, options, active);
      continue;
    }
    const waits = [...active.values(), ...(until === undefined || active.has(options.until!) ? [] : [until])];
    if (waits.length === 0) return;
    await Promise.race(waits);
  }
}

function nextQueued(store: RunStore): RunManifest | undefined {
  return store
    .all()
    .filter((m) => m.status === 'queued' && !runningHere.has(store.runDir(m.runId)))
    .sort((a, b) => a.seq - b.seq || a.runId.localeCompare(b.runId))[0];
}

/** Whether a run has finished, or is gone: a run deleted while queued never starts. */
function hasEnded(store: RunStore, runId: string): boolean {
  try {
    return isTerminal(store.read(runId).status);
  } catch (error) {
    if (isRunNotFound(error)) return true;
    throw error;
  }
}

function start(store: RunStore, manifest: RunManifest, options: DrainOptions, active: Map<string, Promise<void>>): void {
  const config = manifest.config as { memoryLimitMb?: number };
  const run = superviseRun(store, manifest.runId, {
    force: options.force === true && manifest.runId === options.until,
    memoryLimitMb: options.memoryLimitMb ?? config.memoryLimitMb ?? 4096,
    ...(options.workerPath === undefined ? {} : { workerPath: options.workerPath }),
    onProgress: (p) => options.onProgress?.(manifest.runId, p),
    onLog: (line) => options.onLog?.(manifest.runId, line),
  });
  options.onStart?.(manifest, run);
  const { runId } = manifest;
  const dir = store.runDir(runId);
  // A run deleted under its runner ends in whatever error the runner met (its folder was gone): that is not the drain's failure.
  const done = run.done
    .then(
      () => {
        if (!store.exists(runId)) options.onDeleted?.(runId);
      },
      (error: unknown) => {
        if (store.exists(runId)) throw error;
        options.onDeleted?.(runId);
      },
    )
    .finally(() => {
      active.delete(runId);
      runningHere.delete(dir);
    });
  active.set(runId, done);
  runningHere.set(dir, done);
}

function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Runs left `evaluating` by a process that no longer exists (a crash, VS Code closed): marked failed and resumable. */
export function reconcileInterruptedRuns(store: RunStore): RunManifest[] {
  return store
    .all()
    .filter(isInterrupted)
    .flatMap((m) => {
      try {
        return store.update(m.runId, (run) => {
          const message = `Interrupted: the process evaluating the run (pid ${m.pid ?? 'unknown'}) is gone. Finished samples are kept: resume the run to finish it.`;
          run.status = 'failed';
          delete run.pid;
          run.error = { message, resumable: true };
          run.events.push(event('interrupted', message));
        });
      } catch (error) {
        // Deleted since the store was read: nothing left to mark.
        if (isRunNotFound(error)) return [];
        throw error;
      }
    });
}

/** A run left `evaluating` by a process that no longer exists: resumable, until the queue marks it failed. */
export function isInterrupted(manifest: Pick<RunManifest, 'status' | 'pid'>): boolean {
  return manifest.status === 'evaluating' && (manifest.pid === undefined || !isAlive(manifest.pid));
}

/**
 * The lock, or the pid of the live process holding it. A lock left by a dead process is taken
 * over; drains of this process share the lock, released when the last of them finishes.
 */
function acquireQueueLock(store: RunStore): { release(): void } | number {
  mkdirSync(store.root, { recursive: true });
  const file = path.join(store.root, 'queue.lock');
  const release = () => {
    const holders = (lockHolders.get(file) ?? 1) - 1;
    if (holders > 0) {
      lockHolders.set(file, holders);
      return;
    }
    lockHolders.delete(file);
    rmSync(file, { force: true });
  };
  if (lockHolders.has(file)) {
    lockHolders.set(file, lockHolders.get(file)! + 1);
    return { release };
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      lockHolders.set(file, 1);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(file));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder) && holder !== process.pid) return holder;
      rmSync(file, { force: true });
    }
  }
  throw new EvalensError('usage', `Could not take the queue lock ${file}. Remove it if no evalens process is running.`);
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
