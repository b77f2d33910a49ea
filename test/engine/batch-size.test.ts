/**
 * Results do not depend on the batch size: the example evaluated with batches of 1 and of 64
 * scores the same samples, predicts the same classes, and every metric agrees within 1e-6.
 * Sampling is deterministic: the same seed draws the same samples, another seed others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SampleRecord } from '../../shared/run-types';
import { copyExample, evaluate, exampleConfig, readManifest, readRecords, readResults, writeEvalConfig } from '../helpers/eval-runs';

const TOLERANCE = 1e-6;

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Every number in `a` and `b` at the same path, compared within `tolerance`; everything else equal. Returns the largest difference. */
function assertClose(a: unknown, b: unknown, tolerance: number, where: string): number {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= tolerance || (Number.isNaN(a) && Number.isNaN(b)), `${where}: ${a} vs ${b} (differ by ${Math.abs(a - b)})`);
    return Number.isNaN(a) ? 0 : Math.abs(a - b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `${where}: length`);
    return a.reduce((max: number, v, i) => Math.max(max, assertClose(v, b[i], tolerance, `${where}[${i}]`)), 0);
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${where}: keys`);
    return Object.keys(a).reduce((max, key) => Math.max(max, assertClose((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], tolerance, `${where}.${key}`)), 0);
  }
  assert.deepStrictEqual(a, b, where);
  return 0;
}

test('batch size 1 and 64: same samples and inputs, same argmax, metrics within 1e-6; sampling follows the seed', (t) => {
  const dir = copyExample('evalens-batch-');
  const base = exampleConfig();
  const runsDir = path.join(dir, 'runs');
  const runs = [1, 64].map((batchSize) => {
    const config = writeEvalConfig(dir, `batch-${batchSize}.eval.json`, { ...base, name: `batch ${batchSize}`, batchSize });
    const { runId } = evaluate(config, runsDir);
    assert.equal(readManifest(runsDir, runId).batchSize, batchSize);
    return { batchSize, runId, records: readRecords(runsDir, runId), results: readResults(runsDir, runId) };
  });
  const [one, many] = runs as [(typeof runs)[number], (typeof runs)[number]];

  // The same samples, in the same order, with the same encoded inputs, labels and metadata.
  const identity = (r: SampleRecord) => ({ benchmark: r.benchmark, position: r.position, index: r.index, inputHash: r.inputHash, groundTruths: r.groundTruths, metadata: r.metadata, embeddingRow: r.embeddingRow, error: r.error });
  assert.equal(one.records.length, 840);
  assert.deepStrictEqual(one.records.map(identity), many.records.map(identity));

  let maxLogitDiff = 0;
  let maxSampleDiff = 0;
  one.records.forEach((r, i) => {
    const other = many.records[i]!;
    const where = `${r.benchmark} #${r.position}`;
    assert.equal(argmax(r.outputs.logits!), argmax(other.outputs.logits!), `${where}: predicted class`);
    r.outputs.logits!.forEach((v, k) => (maxLogitDiff = Math.max(maxLogitDiff, Math.abs(v - other.outputs.logits![k]!))));
    maxSampleDiff = Math.max(maxSampleDiff, assertClose(r.metrics, other.metrics, TOLERANCE, `${where} metrics`), assertClose(r.losses, other.losses, TOLERANCE, `${where} losses`));
  });
  assert.ok(maxLogitDiff < 1e-4, `logits differ by up to ${maxLogitDiff}`);

  // Embeddings: one row per sample, the same up to float32 rounding.
  const rows = runs.map((r) => new Float32Array(readFileSync(path.join(runsDir, r.runId, 'embeddings.embedding.f32')).buffer.slice(0)));
  assert.equal(rows[0]!.length, 840 * 32);
  const maxEmbeddingDiff = assertClose(Array.from(rows[0]!), Array.from(rows[1]!), 1e-4, 'embeddings');

  // Aggregated results: every metric (confusion matrices, per-class tables, curves) within 1e-6.
  const { runId: _a, ...resultsOne } = one.results;
  const { runId: _b, ...resultsMany } = many.results;
  const maxResultDiff = assertClose(resultsOne, resultsMany, TOLERANCE, 'results');
  t.diagnostic(`largest differences, batch 1 vs 64: logits ${maxLogitDiff}, per-sample metrics ${maxSampleDiff}, embeddings ${maxEmbeddingDiff}, aggregated metrics ${maxResultDiff}`);
  assert.equal(one.results.benchmarks.find((b) => b.name === 'test')!.metrics.accuracy, many.results.benchmarks.find((b) => b.name === 'test')!.metrics.accuracy);

  // Sampling: train-sample (300 of 1,257, seed 7) drew the same rows in both runs; seed 8 draws others.
  const drawn = (records: SampleRecord[]) => records.filter((r) => r.benchmark === 'train-sample').map((r) => r.index);
  const seven = drawn(one.records);
  assert.equal(seven.length, 300);
  assert.equal(new Set(seven).size, 300, 'no sample drawn twice');
  assert.deepStrictEqual(seven, [...seven].sort((a, b) => a - b), 'drawn samples are scored in ascending order');
  assert.deepStrictEqual(drawn(many.records), seven);
  const trainSample = (base.benchmarks as { name: string }[]).find((b) => b.name === 'train-sample')!;
  const reseeded = writeEvalConfig(dir, 'seed-8.eval.json', { ...base, name: 'seed 8', benchmarks: [{ ...trainSample, seed: 8 }], gates: [] });
  const eight = drawn(readRecords(runsDir, evaluate(reseeded, runsDir).runId));
  assert.equal(eight.length, 300);
  assert.notDeepStrictEqual(eight, seven);
  const shared = eight.filter((i) => seven.includes(i)).length;
  // Two independent draws of 300 of 1,257 share about 300 × 300 / 1257 ≈ 72 rows.
  assert.ok(shared > 20 && shared < 150, `seeds 7 and 8 share ${shared} of 300 samples`);
  rmSync(dir, { recursive: true, force: true }); // kept when the test fails, to look at
});
