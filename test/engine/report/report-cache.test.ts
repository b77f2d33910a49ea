import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadReportData, REPORT_CACHE } from '../../../engine/report/report-cache';
import { buildReportData } from '../../../engine/report/report-data';
import { RunStore } from '../../../engine/runs/run-store';
import { binaryRun } from '../../helpers/report-fixtures';

/** A copy of a real finished run, so the cache written into its folder is this test's alone. */
async function copiedRun(): Promise<{ store: RunStore; runId: string; cache: string }> {
  const { storeDir, runId } = await binaryRun();
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'evalens-report-cache-')), 'runs');
  cpSync(storeDir, dir, { recursive: true, filter: (src) => path.basename(src) !== REPORT_CACHE });
  const store = new RunStore(dir);
  return { store, runId, cache: path.join(store.runDir(runId), REPORT_CACHE) };
}

function rewriteCachedName(cache: string, name: string): void {
  const cached = JSON.parse(readFileSync(cache, 'utf8')) as { stamp: string; data: { run: { name: string } } };
  cached.data.run.name = name;
  writeFileSync(cache, JSON.stringify(cached));
}

test('a finished run\'s report is built once, kept in its folder, and read back from there', async () => {
  const { store, runId, cache } = await copiedRun();
  const first = await loadReportData(store, store.read(runId));
  assert.deepEqual(first, await buildReportData(store, store.read(runId)));
  assert.ok(existsSync(cache));
  // Read back, not built again: an edit to the kept data shows.
  rewriteCachedName(cache, 'from the cache');
  assert.equal((await loadReportData(store, store.read(runId))).run.name, 'from the cache');
});

test('the kept report is built again when the run changed, when it is unreadable, and never kept for a run still evaluating', async () => {
  const { store, runId, cache } = await copiedRun();
  await loadReportData(store, store.read(runId));
  rewriteCachedName(cache, 'stale');
  store.update(runId, (m) => void (m.name = 'renamed'));
  assert.equal((await loadReportData(store, store.read(runId))).run.name, 'renamed');

  writeFileSync(cache, '{"stamp": "broken');
  assert.equal((await loadReportData(store, store.read(runId))).run.name, 'renamed');
  assert.doesNotThrow(() => JSON.parse(readFileSync(cache, 'utf8')), 'rewritten whole');

  rewriteCachedName(cache, 'kept');
  const cached = JSON.parse(readFileSync(cache, 'utf8')) as { data: { run: { status: string } } };
  cached.data.run.status = 'bogus';
  writeFileSync(cache, JSON.stringify(cached));
  assert.equal((await loadReportData(store, store.read(runId))).run.status, 'completed', 'data that no longer parses is built again');

  const evaluating = store.update(runId, (m) => void (m.status = 'evaluating'));
  rewriteCachedName(cache, 'not for a live run');
  assert.notEqual((await loadReportData(store, evaluating)).run.name, 'not for a live run');
});
