import { fork } from 'node:child_process';
import path from 'node:path';
import type { RunStatus } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { event } from '../runs/run-event';
import { fromRunnerSchema, type RunProgress, type ToRunner } from './worker-protocol';
import { mib, residentBytesOf } from './memory-budget';

export interface SuperviseOptions {
  force?: boolean;
  /** The runner's resident memory limit (heap and native), in MiB. */
  memoryLimitMb: number;
  onProgress?: (progress: RunProgress) => void;
  onLog?: (line: string) => void;
  /** The runner bundle; defaults to worker.js beside this bundle. */
  workerPath?: string;
  /** More node flags for the runner (the benchmark profiles it with --cpu-prof). */
  nodeFlags?: readonly string[];
}

export interface SupervisedRun {
  readonly pid: number | undefined;
  readonly done: Promise<{ status: RunStatus; message?: string }>;
  cancel(): void;
}

/** How often the supervisor reads the runner's resident memory. */
const WATCH_MEMORY_EVERY_MS = 50;

/** The node flags of a runner process: its own heap limit, within its resident memory limit. */
export function runnerNodeFlags(memoryLimitMb: number): string[] {
  return [`--max-old-space-size=${memoryLimitMb}`, '--enable-source-maps'];
}

/** Default location of the runner bundle: dist/worker.js beside dist/cli.js or dist/client.js. */
export function defaultWorkerPath(): string {
  return path.join(__dirname, 'worker.js');
}

/**
 * Starts a runner child process for one run and watches it. When the child dies without
 * finishing (a crash, kill -9, out of memory) the run is marked failed and resumable, with
 * the reason. The runner sizes its batches to stay under `memoryLimitMb` (memory-budget.ts);
 * should its resident memory pass the limit all the same, the supervisor kills it, as a
 * cgroup would, and says what it reached.
 */
export function superviseRun(store: RunStore, runId: string, options: SuperviseOptions): SupervisedRun {
  const child = fork(options.workerPath ?? defaultWorkerPath(), [], {
    execArgv: [...runnerNodeFlags(options.memoryLimitMb), ...(options.nodeFlags ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  let finished: { status: RunStatus; message?: string } | undefined;
  let overLimit: number | undefined;
  const limitBytes = options.memoryLimitMb * 1048576;
  const watch = setInterval(() => {
    const rss = child.pid === undefined ? undefined : residentBytesOf(child.pid);
    if (rss === undefined || rss <= limitBytes || overLimit !== undefined) return;
    overLimit = rss;
    child.kill('SIGKILL');
  }, WATCH_MEMORY_EVERY_MS);
  watch.unref();
  const log = (chunk: Buffer) => {
    const text = chunk.toString();
    stderrTail = (stderrTail + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim() !== '') options.onLog?.(line);
  };
  child.stdout!.on('data', log);
  child.stderr!.on('data', log);
  child.on('message', (raw) => {
    const message = fromRunnerSchema.safeParse(raw);
    if (!message.success) return;
    if (message.data.type === 'progress') options.onProgress?.(message.data.progress);
    else if (message.data.type === 'log') options.onLog?.(message.data.message);
    else finished = { status: message.data.status, message: message.data.message };
  });
  const done = new Promise<{ status: RunStatus; message?: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      if (finished !== undefined) {
        resolve(finished);
        return;
      }
      const reason = overLimit === undefined ? crashReason(code, signal, stderrTail, options.memoryLimitMb) : overLimitReason(runId, overLimit, options.memoryLimitMb);
      try {
        const manifest = store.update(runId, (m) => {
          if (m.status !== 'evaluating' && m.status !== 'queued') return;
          m.status = 'failed';
          delete m.pid;
          m.error = { message: reason, resumable: true };
          m.events.push(event('interrupted', reason));
        });
        resolve({ status: manifest.status, message: reason });
      } catch (error) {
        reject(error);
      }
    });
  });
  child.send({ type: 'run', storeRoot: store.root, runId, force: options.force === true, memoryLimitMb: options.memoryLimitMb } satisfies ToRunner);
  return {
    pid: child.pid,
    done,
    cancel: () => {
      if (child.connected) child.send({ type: 'cancel' } satisfies ToRunner);
    },
  };
}

function overLimitReason(runId: string, rss: number, memoryLimitMb: number): string {
  return (
    `The runner's resident memory reached ${mib(rss)}, above memoryLimitMb (${memoryLimitMb} MiB), and the run was stopped. ` +
    `Finished samples are kept: raise memoryLimitMb (evalens resume ${runId} --memory-limit-mb N, or the evalens.memoryLimitMb setting in VS Code) or lower batchSize, then resume the run.`
  );
}

function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string, memoryLimitMb: number): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return `The runner ran out of JavaScript heap (limit ${memoryLimitMb} MiB). Finished samples are kept: raise memoryLimitMb or lower batchSize in the config, then resume the run.`;
  }
  if (signal === 'SIGKILL') {
    return 'The runner was killed (SIGKILL: kill -9, or the system ran out of memory). Finished samples are kept: resume the run to finish it.';
  }
  const tail = stderr.trim().split('\n').slice(-3).join(' ');
  return `The runner stopped unexpectedly (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}. Finished samples are kept: resume the run to finish it.`;
}
