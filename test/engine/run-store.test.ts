import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunStore } from '../../engine/runs/run-store';
import { AppendLog } from '../../engine/runs/append-log';
import { EvalensError } from '../../engine/errors';

const newRun = { kind: 'evaluation' as const, name: 'n', config: {}, hashes: { model: 'm', script: 's' }, outputs: {}, benchmarks: [{ name: 'b', total: 3 }], batchSize: 8 };

test('run ids cannot escape the store', () => {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-store-')));
  for (const id of ['../x', '..', '/etc', 'a/b', '20261123-191530-3f9a1c/../../x', '']) {
    assert.throws(() => store.read(id), (e: unknown) => e instanceof EvalensError && e.code === 'usage' && /is not a run id/.test(e.message), id);
    assert.throws(() => store.delete(id), EvalensError);
  }
});

test('listing: newest first, filtered, paginated with opaque tokens, no run twice', () => {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-store-')));
  const ids = Array.from({ length: 7 }, (_, i) => store.create(newRun, new Date(Date.UTC(2026, 0, 1, 0, 0, i))).runId);
  store.update(ids[2]!, (m) => (m.status = 'completed'));
  store.update(ids[5]!, (m) => (m.status = 'completed'));
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = store.list({ pageSize: 3, pageToken: token });
    assert.ok(page.runs.length <= 3);
    seen.push(...page.runs.map((r) => r.runId));
    token = page.nextPageToken;
  } while (token !== undefined);
  assert.deepEqual(seen, [...ids].reverse());
  assert.deepEqual(store.list({ status: ['completed'] }).runs.map((r) => r.runId), [ids[5], ids[2]]);
  assert.deepEqual(store.list({ kind: ['integration-test'] }).runs, []);
  assert.throws(() => store.list({ pageToken: 'garbage' }), /is not a page token/);
});

test('delete removes exactly one run', () => {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-store-')));
  const a = store.create(newRun).runId;
  const b = store.create(newRun).runId;
  store.delete(a);
  assert.deepEqual(store.all().map((m) => m.runId), [b]);
  assert.throws(() => store.read(a), (e: unknown) => e instanceof EvalensError && e.code === 'run-not-found');
});

test('a manifest changed outside Evalens is reported, not trusted', () => {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-store-')));
  const id = store.create(newRun).runId;
  const file = path.join(store.runDir(id), 'manifest.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"queued"', '"paused"'));
  assert.throws(() => store.read(id), (e: unknown) => e instanceof EvalensError && e.code === 'run-corrupt' && /delete the run/.test(e.message));
});

test('append log: bytes past the committed length are cut on open; flush appends at the committed end', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-log-'));
  const file = path.join(dir, 'log');
  writeFileSync(file, 'one\ntwo\nhalf-writ');
  const log = new AppendLog(file, 8);
  assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\n');
  log.append('thr');
  log.append(Buffer.from('ee'));
  log.append('\n');
  assert.equal(log.flush(), 14);
  log.close();
  assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\nthree\n');
  assert.throws(() => new AppendLog(file, 100), /holds 14 bytes but its last checkpoint recorded 100/);
});
