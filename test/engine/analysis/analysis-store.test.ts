import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AnalysisWriter, emptyAnalysis, readAnalysis } from '../../../engine/analysis/analysis-store';
import { RunStore } from '../../../engine/runs/run-store';
import type { Analysis } from '../../../shared/analysis-types';

/**
 * The analysis folder is replaced as a whole: an analysis that never commits (a crash, a
 * failure) leaves the previous one readable, work folders of dead processes are swept, and
 * an unreadable analysis.json is an error naming the file and the command that rebuilds it.
 */

const root = mkdtempSync(path.join(tmpdir(), 'evalens-analysis-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
const store = new RunStore(root);
const runId = '20261202-031430-cbc641';
mkdirSync(store.runDir(runId), { recursive: true });

function analysis(createdAt: string): Analysis {
  return emptyAnalysis(runId, { createdAt, durationMs: 1 });
}

test('an analysis that never commits leaves the previous one; the next commit replaces it whole', () => {
  assert.equal(readAnalysis(store, runId), undefined);
  const first = new AnalysisWriter(store, runId);
  writeFileSync(path.join(first.dir, 'pca.f32'), Buffer.alloc(8));
  first.commit(analysis('first'));
  assert.equal(readAnalysis(store, runId)?.createdAt, 'first');

  // Started, wrote a file, never committed (the process died here).
  const abandoned = new AnalysisWriter(store, runId);
  writeFileSync(path.join(abandoned.dir, 'umap.f32'), Buffer.alloc(8));
  assert.equal(readAnalysis(store, runId)?.createdAt, 'first');
  assert.deepEqual(readdirSync(path.join(store.runDir(runId), 'analysis')).sort(), ['analysis.json', 'pca.f32']);

  const second = new AnalysisWriter(store, runId);
  second.commit(analysis('second'));
  assert.equal(readAnalysis(store, runId)?.createdAt, 'second');
  assert.deepEqual(readdirSync(path.join(store.runDir(runId), 'analysis')), ['analysis.json'], 'nothing of the previous analysis is left');
  assert.deepEqual(readdirSync(store.runDir(runId)).filter((n) => n.startsWith('.analysis')), []);
});

test('work folders of processes that are gone are removed; an unreadable analysis.json names itself and the fix', () => {
  const dead = path.join(store.runDir(runId), '.analysis-2147483646.partial');
  mkdirSync(dead);
  new AnalysisWriter(store, runId).discard();
  assert.ok(!existsSync(dead));

  writeFileSync(path.join(store.runDir(runId), 'analysis', 'analysis.json'), '{"schemaVersion": 1');
  assert.throws(() => readAnalysis(store, runId), (error: Error) => /analysis[/\\]analysis\.json is not a valid analysis \(.*\)\. Run the analysis again: evalens analyze 20261202-031430-cbc641/.test(error.message));
});
