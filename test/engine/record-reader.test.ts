import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EvalensError } from '../../engine/errors';
import { RECORDS, RunStore } from '../../engine/runs/run-store';
import { sampleRecordProblem } from '../../engine/runs/sample-record-check';
import { sampleRecordSchema, type RunManifest, type SampleRecord } from '../../shared/run-types';

const newRun = { kind: 'evaluation' as const, name: 'n', config: {}, hashes: { model: 'm', script: 's' }, outputs: {}, benchmarks: [{ name: 'b', total: 3 }], batchSize: 8 };

function record(position: number, extra: Partial<SampleRecord> = {}): SampleRecord {
  return {
    benchmark: 'b',
    position,
    index: position * 3,
    inputHash: 'ab12cd34ef56ab78',
    outputs: { logits: [position / 7, -1.5, 1e-30] },
    groundTruths: { label: [position % 3] },
    metadata: { row: position, name: `row ${position}`, odd: position % 2 === 1 },
    metrics: { m: 0.25 },
    losses: {},
    embeddingRow: position,
    ...extra,
  };
}

/** A run whose records file holds `lines`, committed up to `committedLines` of them, then a torn tail. */
function runWithLines(lines: string[], committedLines = lines.length): { store: RunStore; manifest: RunManifest; file: string } {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-records-')));
  const { runId } = store.create(newRun);
  const committed = lines.slice(0, committedLines).join('');
  const file = path.join(store.runDir(runId), RECORDS);
  writeFileSync(file, `${committed}${lines.slice(committedLines).join('')}{"benchmark":"b","posit`);
  const manifest = store.update(runId, (m) => (m.checkpoint = { records: committedLines, recordsBytes: Buffer.byteLength(committed), embeddings: {} }));
  return { store, manifest, file };
}

async function readAll(store: RunStore, manifest: RunManifest): Promise<SampleRecord[]> {
  const records: SampleRecord[] = [];
  for await (const r of store.records(manifest)) records.push(r);
  return records;
}

test('the hand-written record check agrees with sampleRecordSchema', () => {
  const valid = record(1);
  const cases: unknown[] = [
    valid,
    record(2, { texts: { caption: { hypothesis: 'a cat', references: ['a cat', 'the cat'] } }, error: { component: 'output:x', message: 'bad' } }),
    { ...valid, embeddingRow: undefined },
    { ...valid, extra: 'kept' },
    null,
    [],
    'text',
    { ...valid, benchmark: 3 },
    { ...valid, position: -1 },
    { ...valid, position: 1.5 },
    { ...valid, index: 2 ** 53 },
    { ...valid, inputHash: null },
    { ...valid, outputs: [] },
    { ...valid, outputs: { logits: [1, '2'] } },
    { ...valid, outputs: { logits: [Infinity] } },
    { ...valid, outputs: { logits: 1 } },
    { ...valid, groundTruths: undefined },
    { ...valid, groundTruths: { label: [null] } },
    { ...valid, metadata: { a: null } },
    { ...valid, metadata: { a: [1] } },
    { ...valid, metadata: { a: Number.NaN } },
    { ...valid, metrics: { m: '1' } },
    { ...valid, losses: { l: -Infinity } },
    { ...valid, losses: null },
    { ...valid, texts: null },
    { ...valid, texts: { t: { hypothesis: 'a' } } },
    { ...valid, texts: { t: { hypothesis: 'a', references: [1] } } },
    { ...valid, embeddingRow: -2 },
    { ...valid, error: { component: 'c' } },
    { ...valid, error: 'boom' },
  ];
  for (const value of cases) {
    const problem = sampleRecordProblem(value);
    assert.equal(problem === undefined, sampleRecordSchema.safeParse(value).success, `${JSON.stringify(value)}: ${problem ?? 'valid'}`);
  }
});

test('records are read back whole and in order, only up to the committed length, across chunk and read boundaries', async () => {
  // More than one 1 MiB read, a line longer than a 64 KiB chunk, one longer than the read buffer, and multi-byte characters everywhere.
  const records = Array.from({ length: 4000 }, (_, i) => record(i, i % 97 === 0 ? { metadata: { note: 'é✓😀 '.repeat(i % 13) } } : {}));
  records[1500] = record(1500, { texts: { t: { hypothesis: 'ü'.repeat(100_000), references: ['x'] } } });
  records[2500] = record(2500, { texts: { t: { hypothesis: '😀 '.repeat(400_000), references: ['😀'] } } });
  const lines = records.map((r) => `${JSON.stringify(r)}\n`);
  const { store, manifest } = runWithLines(lines, 3900);
  assert.deepEqual(await readAll(store, manifest), records.slice(0, 3900));

  const reader = store.recordReader(manifest);
  let n = 0;
  let chunks = 0;
  for await (const chunk of reader.chunks()) {
    chunks++;
    reader.forEach(chunk, (r) => assert.equal(r.position, n++));
  }
  assert.equal(n, 3900);
  assert.ok(chunks > 10, `${chunks} chunks`);
});

test('a run without committed records reads none, even without a records file', async () => {
  const store = new RunStore(mkdtempSync(path.join(tmpdir(), 'evalens-records-')));
  assert.deepEqual(await readAll(store, store.create(newRun)), []);
});

test('a corrupt or torn line fails with the file and the line number', async () => {
  const lines = Array.from({ length: 300 }, (_, i) => `${JSON.stringify(record(i))}\n`);
  const edited = [...lines];
  edited[207] = edited[207]!.replace('"position":207', '"position":-207');
  const bad = runWithLines(edited);
  await assert.rejects(readAll(bad.store, bad.manifest), (e: unknown) => e instanceof EvalensError && e.code === 'run-corrupt' && e.message.includes(`line 208 of ${bad.file}`) && /position/.test(e.message));

  const torn = runWithLines(lines);
  const manifest = { ...torn.manifest, checkpoint: { ...torn.manifest.checkpoint, recordsBytes: torn.manifest.checkpoint.recordsBytes + 10 } };
  await assert.rejects(readAll(torn.store, manifest), (e: unknown) => e instanceof EvalensError && e.message.includes(`line 301 of ${torn.file}`) && /not JSON/.test(e.message));

  const short = runWithLines(lines);
  const tooLong = { ...short.manifest, checkpoint: { ...short.manifest.checkpoint, recordsBytes: short.manifest.checkpoint.recordsBytes + 10_000 } };
  await assert.rejects(readAll(short.store, tooLong), (e: unknown) => e instanceof EvalensError && /shorter than its last checkpoint/.test(e.message));
});
