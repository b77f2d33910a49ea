import { EvalensError, scriptLocationOf } from '../errors';
import type { ResolvedEvalConfig } from '../config/load-config';
import { errorText } from '../loader/load-script';
import { RunStore } from '../runs/run-store';
import type { RunStatus } from '../../shared/run-types';
import { startInferenceThread, type InferenceThread } from '../inference/threaded-session';
import { evaluateRun, type StopRequest } from './evaluate-run';
import { event } from '../runs/run-event';
import { changedInputs, prepareEvaluation, resumeRefusal } from './prepare-evaluation';
import { toRunnerSchema, type FromRunner } from './worker-protocol';
import { shardPrepared } from './shard';
import { analyzeAfterEvaluation } from '../analysis/analyze-after-evaluation';

/**
 * The runner child process: evaluates one run in its own heap (`--max-old-space-size` set by
 * the supervisor), so user code or a model that crashes or runs out of memory cannot take the
 * CLI or VS Code down with it. Everything it does lands in the run store.
 */

let stopRequest: StopRequest | undefined;

function send(message: FromRunner): void {
  // A supervisor killed an instant ago still looks connected until 'disconnect' arrives; the
  // send then fails with EPIPE. Given a callback, that failure is not an 'error' event that
  // would crash the runner before it stops at the batch boundary (found by the crash test).
  if (process.connected) process.send!(message, undefined, undefined, () => {});
}

/** Closes the IPC channel; disconnecting twice would emit an 'error' event (ERR_IPC_DISCONNECTED) and crash. */
function disconnect(): void {
  if (process.connected) process.disconnect();
}

// Orphaned by a killed supervisor, the runner stops at the next batch; output from user code
// must not crash it on the closed pipe meanwhile.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

process.on('disconnect', () => {
  stopRequest ??= { interrupted: true, message: 'Interrupted: the process supervising the run (the CLI or VS Code) stopped. Finished samples are kept: resume the run to finish it.' };
});

process.on('message', (raw: unknown) => {
  const message = toRunnerSchema.safeParse(raw);
  if (!message.success) {
    send({ type: 'log', message: `runner: ignored an invalid message (${message.error.issues[0]?.message})` });
    return;
  }
  if (message.data.type === 'cancel') {
    stopRequest ??= { interrupted: false, message: 'Cancelled. Finished samples are kept: resume the run to finish it.' };
    return;
  }
  const { storeRoot, runId, force, memoryLimitMb } = message.data;
  run(new RunStore(storeRoot), runId, force, memoryLimitMb).then(
    (result) => {
      send({ type: 'finished', ...result });
      disconnect();
      exitSoon();
    },
    (error: unknown) => {
      send({ type: 'finished', status: 'failed', message: `runner crashed: ${errorText(error)}` });
      process.exitCode = 1;
      disconnect();
      exitSoon();
    },
  );
});

/**
 * Ends the runner a second after its run is over, whatever the user's script left open (a
 * timer, a socket): that would keep it alive, and with it the CLI or the VS Code progress
 * notification waiting for it. Unref'd, the timer does not hold a runner with nothing left to do.
 */
function exitSoon(): void {
  setTimeout(() => process.exit(), 1000).unref();
}

async function run(store: RunStore, runId: string, force: boolean, memoryLimitMb: number): Promise<{ status: RunStatus; message?: string }> {
  // Loads onnxruntime while the run is prepared.
  const thread = startInferenceThread();
  try {
    return await prepareAndEvaluate(store, runId, force, memoryLimitMb, thread);
  } finally {
    await thread.close();
  }
}

async function prepareAndEvaluate(store: RunStore, runId: string, force: boolean, memoryLimitMb: number, thread: InferenceThread): Promise<{ status: RunStatus; message?: string }> {
  const manifest = store.read(runId);
  const config = manifest.config as ResolvedEvalConfig;
  let prepared;
  try {
    prepared = await prepareEvaluation(config);
    if (manifest.shard !== undefined) prepared = shardPrepared(prepared, manifest.shard);
  } catch (error) {
    const message = error instanceof EvalensError ? error.message : `Preparing the run failed: ${errorText(error)}.`;
    const location = scriptLocationOf(error);
    store.update(runId, (m) => {
      m.status = 'failed';
      m.error = { message, resumable: true, ...(location === undefined ? {} : { location }) };
      m.events.push(event('failed', message));
    });
    return { status: 'failed', message };
  }
  const what = changedInputs(manifest, prepared);
  if (what !== undefined) {
    if (!force) {
      const message = resumeRefusal(runId, what);
      store.update(runId, (m) => {
        m.status = 'failed';
        m.error = { message, resumable: true };
        m.events.push(event('failed', message));
      });
      return { status: 'failed', message };
    }
    store.update(runId, (m) => {
      m.hashes = prepared.hashes;
      m.events.push(event('forced-resume', `resumed with --force although ${what} changed`));
    });
  }
  const cancelRequested = storeCancelRequest(store, runId);
  const status = await evaluateRun(store, runId, prepared, {
    stopRequest: () => (stopRequest ??= cancelRequested()),
    onProgress: (progress) => send({ type: 'progress', progress }),
    memoryLimitMb,
  }, thread);
  if (status === 'completed') await analyzeAfterEvaluation(store, runId, config, (message) => send({ type: 'log', message }));
  return { status, message: store.read(runId).error?.message };
}

/** A cancel asked through the run store (evalens runs delete, from any process), looked for at most every 200 ms. */
function storeCancelRequest(store: RunStore, runId: string): () => StopRequest | undefined {
  let lookedAt = 0;
  return () => {
    if (Date.now() - lookedAt < 200) return undefined;
    lookedAt = Date.now();
    const reason = store.takeCancelRequest(runId);
    return reason === undefined ? undefined : { interrupted: false, message: `Cancelled: ${reason}. Finished samples are kept: resume the run to finish it.` };
  };
}
