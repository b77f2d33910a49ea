import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drainQueue } from '../../engine/runner/run-queue';
import { RunStore } from '../../engine/runs/run-store';
import { followUntilEnd } from '../../client/runs/follow-until-end';
import { copyExample, evalensSync, writeConfig } from '../helpers/eval-runs';
import { ROOT } from '../helpers/paths';

/**
 * What ends the VS Code progress notification of a run: followUntilEnd over a real drain of a
 * real store (runner processes from dist/worker.js). The notification's promise is `ended`.
 */

const WORKER = path.join(ROOT, 'dist', 'worker.js');

const SLOW = `
import { defineIntegration } from 'evalens';
import base from './digits.integration';
export default defineIntegration({
  ...base,
  inputs: { image: { ...base.inputs.image, encode: (index, subset) => {
    const until = Date.now() + 10;
    while (Date.now() < until);
    return base.inputs.image!.encode(index, subset);
  } } },
} as typeof base);
`;

function submit(dir: string, runsDir: string, name: string, integration?: string): string {
  const config = writeConfig(dir, (c) => Object.assign(c, { name, gates: [], ...(integration ? { integration } : {}) }), `${name}.eval.json`);
  const submitted = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--submit', '--json'], { cwd: dir });
  assert.equal(submitted.code, 0, submitted.stderr);
  return (JSON.parse(submitted.stdout) as { runId: string }).runId;
}

test('the followed run ends its notification when it completes, though the drain goes on with a slower run it started', async () => {
  const dir = copyExample('evalens-follow-');
  writeFileSync(path.join(dir, 'slow.integration.ts'), SLOW);
  const runsDir = path.join(dir, 'runs');
  const slow = submit(dir, runsDir, 'slow', 'slow.integration.ts');
  const fast = submit(dir, runsDir, 'fast');
  const store = new RunStore(runsDir);
  let drainDone = false;
  const followed = followUntilEnd(
    fast,
    (onStart) => drainQueue(store, { concurrency: 2, until: fast, workerPath: WORKER, onStart }),
    () => assert.fail('the run started here: no cancel request is needed'),
  );
  void followed.drained.then(() => (drainDone = true));
  await followed.ended;
  assert.equal(store.read(fast).status, 'completed');
  assert.equal(store.read(slow).status, 'evaluating', 'the other run of the drain still runs');
  assert.equal(drainDone, false);
  await followed.drained;
  assert.equal(store.read(slow).status, 'completed');
});

test('cancel ends the notification of a run still queued, and of a run deleted while queued', async () => {
  const dir = copyExample('evalens-follow-');
  writeFileSync(path.join(dir, 'slow.integration.ts'), SLOW);
  const runsDir = path.join(dir, 'runs');
  const store = new RunStore(runsDir);
  const first = submit(dir, runsDir, 'first', 'slow.integration.ts');
  const queued = submit(dir, runsDir, 'queued');
  const deleted = submit(dir, runsDir, 'deleted');
  const drain = (runId: string) => followUntilEnd(runId, (onStart) => drainQueue(store, { concurrency: 1, until: runId, workerPath: WORKER, onStart }), () => store.requestCancel(runId, 'asked by the test'));

  const followQueued = drain(queued);
  const followDeleted = drain(deleted);
  // Both wait behind `first`; cancel one, delete the other.
  followQueued.cancel();
  store.delete(deleted);
  await Promise.all([followQueued.ended, followDeleted.ended]);
  assert.equal(store.read(queued).status, 'cancelled');
  assert.match(store.read(queued).error!.message, /^Cancelled: asked by the test\./);
  assert.equal(store.exists(deleted), false);
  await Promise.all([followQueued.drained, followDeleted.drained]);
  assert.equal(store.read(first).status, 'completed');
});

test('a run whose script leaves a timer running still ends its notification: its runner exits once the run is over', async () => {
  const dir = copyExample('evalens-follow-');
  const runsDir = path.join(dir, 'runs');
  const store = new RunStore(runsDir);
  const runId = submit(dir, runsDir, 'timer');
  // The script, changed after submission (hence force), keeps an interval alive for good.
  const script = path.join(dir, 'digits.integration.ts');
  writeFileSync(script, readFileSync(script, 'utf8').replace("import { defineIntegration } from 'evalens';", "import { defineIntegration } from 'evalens';\nsetInterval(() => undefined, 1000);"));
  const followed = followUntilEnd(runId, (onStart) => drainQueue(store, { concurrency: 1, until: runId, force: true, workerPath: WORKER, onStart }), () => undefined);
  const timeout = setTimeout(() => assert.fail('the runner was still alive 60 s after starting'), 60_000);
  await followed.ended;
  clearTimeout(timeout);
  assert.equal(store.read(runId).status, 'completed');
  await followed.drained;
});
