import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunStore } from '../../engine/runs/run-store';
import { EvalensError } from '../../engine/errors';

/** The run store's side of a delete: a folder renamed out of the run names, leftovers of a crashed delete, cancel requests. */

const newRun = { kind: 'evaluation' as const, name: 'n', config: {}, hashes: { model: 'm', script: 's' }, outputs: {}, benchmarks: [{ name: 'b', total: 3 }], batchSize: 8 };

function storeWithRuns(count: number): { store: RunStore; ids: string[] } {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-delete-')));
  const ids = Array.from({ length: count }, (_, i) => store.create(newRun, new Date(Date.UTC(2026, 0, 1, 0, 0, i))).runId);
  return { store, ids };
}

/** A folder as a delete that was killed after its rename leaves it: `.deleting-<runId>.<pid>`. */
function leftover(store: RunStore, runId: string, pid: number): string {
  const tombstone = path.join(store.root, `.deleting-${runId}.${pid}`);
  cpSync(store.runDir(runId), tombstone, { recursive: true });
  return tombstone;
}

test("a crashed delete's leftover is never listed, and the next scan removes it once its process is gone", () => {
  const { store, ids } = storeWithRuns(2);
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  const ofDeadProcess = leftover(store, ids[0]!, gone);
  const ofLiveProcess = leftover(store, ids[1]!, process.pid);
  store.delete(ids[0]!);

  assert.deepEqual(store.all().map((m) => m.runId), [ids[1]]);
  assert.ok(!existsSync(ofDeadProcess), 'removed: the delete that left it is dead');
  assert.ok(existsSync(ofLiveProcess), 'kept: its delete may still be removing it');
  assert.deepEqual(store.list().runs.map((m) => m.runId), [ids[1]]);
  assert.throws(() => store.read(ids[0]!), (e: unknown) => e instanceof EvalensError && e.code === 'run-not-found');
});

test('a delete leaves nothing behind, and a second delete of the same run says it is gone', () => {
  const { store, ids } = storeWithRuns(2);
  store.delete(ids[0]!);
  assert.deepEqual(readdirSync(store.root), [ids[1]]);
  assert.throws(() => store.delete(ids[0]!), (e: unknown) => e instanceof EvalensError && e.code === 'run-not-found' && e.message.includes(ids[0]!));
});

test('a cancel request is taken once, so a resumed run is not cancelled again; a withdrawn one is gone', () => {
  const { store, ids } = storeWithRuns(1);
  const [runId] = ids as [string];
  assert.equal(store.takeCancelRequest(runId), undefined);
  store.requestCancel(runId, 'asked by the test');
  assert.equal(store.takeCancelRequest(runId), 'asked by the test');
  assert.equal(store.takeCancelRequest(runId), undefined);
  store.requestCancel(runId, 'asked again');
  store.withdrawCancelRequest(runId);
  assert.equal(store.takeCancelRequest(runId), undefined);
});
