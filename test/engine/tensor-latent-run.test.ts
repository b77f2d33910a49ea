import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseModelSignature } from '../../engine/onnx/model-signature';
import { loadEvalConfig } from '../../engine/config/load-config';
import { prepareEvaluation } from '../../engine/runner/prepare-evaluation';
import { runModelFile } from '../../engine/runner/session-model';
import { ANALYSIS_DIR, analysisSchema, type Analysis } from '../../shared/analysis-types';
import { copyExample, evaluate, evalensSync, readManifest, readRecords, writeConfig } from '../helpers/eval-runs';
import { ROOT } from '../helpers/paths';

/**
 * An evaluation whose latent is an intermediate tensor, and its analysis: the digits example
 * with digits_cnn_hidden.onnx (digits_cnn.onnx without its `embedding` output) and the latent
 * bound as `hidden: { role: 'latent', tensor: 'embedding' }`, against the example as it is.
 */

const HIDDEN_MODEL = path.join(ROOT, 'test', 'fixtures', 'models', 'digits_cnn_hidden.onnx');

// The train split is the analysis' labeled pool; `unlabeled` is the test images without their labels.
const BENCHMARKS = [
  { name: 'train', subset: 'train' },
  { name: 'test', subset: 'test' },
  { name: 'unlabeled', subset: 'unlabeled' },
];
/** ../shared/fixtures/reference.json: knn5_cosine_label_suggestion_accuracy of digits_cnn (its embedding output). */
const REFERENCE_KNN5 = 0.9278;

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

let workspace: ReturnType<typeof hiddenLatentWorkspace>;
let runs = '';
let reference = '';
let runId = '';
before(() => {
  workspace = hiddenLatentWorkspace();
  runs = path.join(workspace.dir, 'runs');
  reference = evaluate(workspace.original, runs).runId;
  runId = evaluate(workspace.hidden, runs).runId;
});
after(() => rmSync(workspace.dir, { recursive: true, force: true }));

test('a run with a latent read from a hidden tensor records embeddings equal to the original model output, bit for bit', () => {
  const { dir } = workspace;

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
  assert.equal(embeddings.length, (1257 + 540 + 540) * 32 * 4);
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

function analyze(id: string): Analysis {
  const result = evalensSync(['analyze', id, '--json', '--runs-dir', runs], { cwd: workspace.dir });
  assert.equal(result.code, 0, result.stderr);
  return analysisSchema.parse(JSON.parse(result.stdout));
}

test('evalens analyze projects and suggests labels from the hidden tensor, as from the original embedding output', (t) => {
  const analysis = analyze(runId);
  const expected = analyze(reference);
  assert.equal(analysis.status, 'completed');
  assert.deepEqual(analysis.latent, { output: 'hidden', dim: 32, rows: 1257 + 540 + 540 });

  // PCA of the tensor's rows: the same points as from the original output, and not degenerate.
  const pca = analysis.projections.find((p) => p.method === 'pca')!;
  const expectedPca = expected.projections.find((p) => p.method === 'pca')!;
  assert.deepEqual({ ...pca.points, file: '' }, { file: '', dtype: 'float32', rows: 1257 + 540 + 540, columns: 2 });
  const points = readFileSync(path.join(runs, runId, ANALYSIS_DIR, pca.points.file));
  assert.ok(points.equals(readFileSync(path.join(runs, reference, ANALYSIS_DIR, expectedPca.points.file))));
  assert.deepEqual(pca.explainedVarianceRatio, expectedPca.explainedVarianceRatio);
  assert.ok(pca.explainedVarianceRatio![0]! > 0.1);

  // Label suggestions for the unlabeled test images, from their train-split neighbours in the tensor's space.
  assert.deepEqual(analysis.neighbours?.referenceBenchmarks, ['train']);
  assert.equal(analysis.suggestions.length, 540);
  assert.deepEqual(analysis.suggestions, expected.suggestions);
  const digits = JSON.parse(readFileSync(path.join(workspace.dir, 'data', 'digits.json'), 'utf8')) as { y: number[]; test_index: number[] };
  const right = analysis.suggestions.filter((s) => s.suggestedLabel === String(digits.y[digits.test_index[s.sample.index]!])).length;
  t.diagnostic(`suggestions from the hidden tensor: ${(right / 540).toFixed(4)} right; neighbour majority ${analysis.suggestionAccuracy?.value.toFixed(4)}; reference ${REFERENCE_KNN5}`);
  assert.ok(right / 540 >= REFERENCE_KNN5, `suggestion accuracy ${right / 540}`);
  assert.ok(analysis.suggestionAccuracy!.value >= REFERENCE_KNN5);
});

test("the edited copy is written once per model and tensors, reused when the run resumes, and a stale one is removed", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-run-copy-'));
  try {
    writeFileSync(path.join(dir, 'model.0123456789abcdef.onnx'), 'a copy made for an older model');
    const prepared = await prepareEvaluation(loadEvalConfig(workspace.hidden));
    const file = await runModelFile(prepared, dir);
    assert.deepEqual(readdirSync(dir), [path.basename(file)]);
    const written = statSync(file);
    assert.equal(await runModelFile(await prepareEvaluation(loadEvalConfig(workspace.hidden)), dir), file);
    assert.equal(statSync(file).mtimeMs, written.mtimeMs, 'reused, not written again');
    // Without a tensor latent the session opens the bound model itself.
    assert.equal(await runModelFile(await prepareEvaluation(loadEvalConfig(workspace.original)), dir), path.join(workspace.dir, 'digits_cnn.onnx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
