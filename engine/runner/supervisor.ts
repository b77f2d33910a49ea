import { fork } from 'node:child_process';
import path from 'node:path';
import type { RunStatus } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { event } from '../runs/run-event';
import { fromRunnerSchema, type RunProgress, type ToRunner } from './worker-protocol';

export interface SuperviseOptions {
  force?: boolean;
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

/** The node flags of a runner process: its own heap limit. */
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
 * the reason.
 */
export function superviseRun(store: RunStore, runId: string, options: SuperviseOptions): SupervisedRun {
  const child = fork(options.workerPath ?? defaultWorkerPath(), [], {
    execArgv: [...runnerNodeFlags(options.memoryLimitMb), ...(options.nodeFlags ?? [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  let finished: { status: RunStatus; message?: string } | undefined;
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
      if (finished !== undefined) {
        resolve(finished);
        return;
      }
      const reason = crashReason(code, signal, stderrTail, options.memoryLimitMb);
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
  child.send({ type: 'run', storeRoot: store.root, runId, force: options.force === true } satisfies ToRunner);
  return {
    pid: child.pid,
    done,
    cancel: () => {
      if (child.connected) child.send({ type: 'cancel' } satisfies ToRunner);
    },
  };
}

function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string, memoryLimitMb: number): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return `The runner ran out of memory (heap limit ${memoryLimitMb} MiB). Finished samples are kept: raise memoryLimitMb or lower batchSize in the config, then resume the run.`;
  }
  if (signal === 'SIGKILL') {
    return 'The runner was killed (SIGKILL: kill -9, or the system ran out of memory). Finished samples are kept: resume the run to finish it.';
  }
  const tail = stderr.trim().split('\n').slice(-3).join(' ');
  return `The runner stopped unexpectedly (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}. Finished samples are kept: resume the run to finish it.`;
}
