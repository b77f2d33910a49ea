import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TERMINAL_STATUSES, type RunManifest, type RunStatus } from '../../shared/run-types';
import { EvalensError } from '../errors';
import type { RunStore } from '../runs/run-store';
import { event } from '../runs/run-event';
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
  onStart?: (manifest: RunManifest, run: SupervisedRun) => void;
  onProgress?: (runId: string, progress: RunProgress) => void;
  onLog?: (runId: string, line: string) => void;
  /** Polled while waiting for another process that holds the queue. */
  onWaiting?: (holder: number) => void;
}

/** Processes queued runs in order until `until` has finished, or until the queue is empty. */
export async function drainQueue(store: RunStore, options: DrainOptions): Promise<void> {
  for (;;) {
    if (options.until !== undefined && isTerminal(store.read(options.until).status)) return;
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
  const active = new Map<string, Promise<unknown>>();
  for (;;) {
    const untilDone = options.until !== undefined && (active.has(options.until) || isTerminal(store.read(options.until).status));
    const next = untilDone ? undefined : nextQueued(store, active);
    if (next !== undefined && active.size < options.concurrency) {
      start(store, next, options, active);
      continue;
    }
    if (active.size === 0) return;
    await Promise.race(active.values());
  }
}

function nextQueued(store: RunStore, active: ReadonlyMap<string, unknown>): RunManifest | undefined {
  return store
    .all()
    .filter((m) => m.status === 'queued' && !active.has(m.runId))
    .sort((a, b) => a.seq - b.seq || a.runId.localeCompare(b.runId))[0];
}

function start(store: RunStore, manifest: RunManifest, options: DrainOptions, active: Map<string, Promise<unknown>>): void {
  const config = manifest.config as { memoryLimitMb?: number };
  const run = superviseRun(store, manifest.runId, {
    force: options.force === true && manifest.runId === options.until,
    memoryLimitMb: options.memoryLimitMb ?? config.memoryLimitMb ?? 4096,
    onProgress: (p) => options.onProgress?.(manifest.runId, p),
    onLog: (line) => options.onLog?.(manifest.runId, line),
  });
  options.onStart?.(manifest, run);
  active.set(
    manifest.runId,
    run.done.finally(() => active.delete(manifest.runId)),
  );
}

function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Runs left `evaluating` by a process that no longer exists (a crash, VS Code closed): marked failed and resumable. */
export function reconcileInterruptedRuns(store: RunStore): RunManifest[] {
  return store
    .all()
    .filter(isInterrupted)
    .map((m) =>
      store.update(m.runId, (run) => {
        const message = `Interrupted: the process evaluating the run (pid ${m.pid ?? 'unknown'}) is gone. Finished samples are kept: resume the run to finish it.`;
        run.status = 'failed';
        delete run.pid;
        run.error = { message, resumable: true };
        run.events.push(event('interrupted', message));
      }),
    );
}

/** A run left `evaluating` by a process that no longer exists: resumable, until the queue marks it failed. */
export function isInterrupted(manifest: Pick<RunManifest, 'status' | 'pid'>): boolean {
  return manifest.status === 'evaluating' && (manifest.pid === undefined || !isAlive(manifest.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A runner orphaned by a killed CLI and then killed itself stays a zombie where nothing reaps
 * orphans (a container whose init does not wait): signal 0 still reaches it, yet it is gone.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** The lock, or the pid of the live process holding it. A lock left by a dead process is taken over. */
function acquireQueueLock(store: RunStore): { release(): void } | number {
  mkdirSync(store.root, { recursive: true });
  const file = path.join(store.root, 'queue.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
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
