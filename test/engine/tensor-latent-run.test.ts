import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseModelSignature } from '../../engine/onnx/model-signature';
import { copyExample, evaluate, readManifest, readRecords, writeConfig } from '../helpers/eval-runs';
import { ROOT } from '../helpers/paths';

/**
 * An evaluation whose latent is an intermediate tensor: the digits example with
 * digits_cnn_hidden.onnx (digits_cnn.onnx without its `embedding` output) and the latent bound
 * as `hidden: { role: 'latent', tensor: 'embedding' }`, against the example as it is.
 */

const HIDDEN_MODEL = path.join(ROOT, 'test', 'fixtures', 'models', 'digits_cnn_hidden.onnx');

const BENCHMARKS = [
  { name: 'test', subset: 'test' },
  { name: 'train-sample', subset: 'train', sampleCount: 300, seed: 7 },
  { name: 'unlabeled', subset: 'unlabeled' },
];

/** The example workspace with the hidden-layer variant of its integration beside the original; returns the two configs. */
function hiddenLatentWorkspace(): { dir: string; original: string; hidden: string } {
  const dir = copyExample('evalens-tensor-run-');
  cpSync(HIDDEN_MODEL, path.join(dir, 'digits_cnn_hidden.onnx'));
  const script = readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8');
  const variant = script.replace("path: './digits_cnn.onnx'", "path: './digits_cnn_hidden.onnx'").replace("embedding: { role: 'latent' },", "hidden: { role: 'latent', tensor: 'embedding' },");
  assert.notEqual(variant, script);
  writeFileSync(path.join(dir, 'hidden.integration.ts'), variant);
  const original = writeConfig(dir, (c) => (c.benchmarks = BENCHMARKS), 'original.eval.json');
  const hidden = writeConfig(
    dir,
    (c) => {
      c.integration = 'hidden.integration.ts';
      c.benchmarks = BENCHMARKS;
    },
    'hidden.eval.json',
  );
  return { dir, original, hidden };
}

test('a run with a latent read from a hidden tensor records embeddings equal to the original model output, bit for bit', () => {
  const { dir, original, hidden } = hiddenLatentWorkspace();
  const runs = path.join(dir, 'runs');
  const reference = evaluate(original, runs).runId;
  const { runId } = evaluate(hidden, runs);

  const manifest = readManifest(runs, runId);
  assert.deepEqual(manifest.outputs.hidden, { role: 'latent', tensor: 'embedding' });
  assert.deepEqual(Object.keys(manifest.outputs), ['logits', 'hidden']);
  assert.equal(manifest.checkpoint.embeddings.hidden?.dim, 32);
  // The run records the model the user bound, not the edited copy it evaluated.
  const modelBytes = readFileSync(path.join(dir, 'digits_cnn_hidden.onnx'));
  assert.ok(modelBytes.equals(readFileSync(HIDDEN_MODEL)), 'the bound model file is untouched');
  assert.equal(manifest.hashes.model, createHash('sha256').update(modelBytes).digest('hex'));
  assert.equal(manifest.modelPath, path.join(dir, 'digits_cnn_hidden.onnx'));

  const embeddings = readFileSync(path.join(runs, runId, 'embeddings.hidden.f32'));
  const expected = readFileSync(path.join(runs, reference, 'embeddings.embedding.f32'));
  assert.equal(embeddings.length, (540 + 300 + 540) * 32 * 4);
  assert.ok(embeddings.equals(expected), 'embeddings equal those of the original embedding output');
  const records = readRecords(runs, runId);
  const referenceRecords = readRecords(runs, reference);
  assert.deepEqual(records.map((r) => [r.benchmark, r.index, r.embeddingRow]), referenceRecords.map((r) => [r.benchmark, r.index, r.embeddingRow]));
  assert.deepEqual(records.map((r) => r.outputs.logits), referenceRecords.map((r) => r.outputs.logits));

  // The edited copy the run evaluated lives in its folder.
  const copies = readdirSync(path.join(runs, runId)).filter((name) => name.endsWith('.onnx'));
  assert.equal(copies.length, 1);
  assert.match(copies[0]!, /^model\.[0-9a-f]{16}\.onnx$/);
  assert.deepEqual(parseModelSignature(readFileSync(path.join(runs, runId, copies[0]!)), copies[0]!).outputs.map((o) => o.name), ['logits', 'hidden']);
});
