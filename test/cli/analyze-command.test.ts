import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ANALYSIS_DIR, ANALYSIS_FILE, analysisSchema, type Analysis } from '../../shared/analysis-types';
import { copyExample, evaluate, evalensSync, readManifest, writeEvalConfig, type CliResult } from '../helpers/eval-runs';
import { csvObjects } from '../helpers/csv-parse';

/**
 * `evalens analyze` on real runs of the digits example: the train split (all 1,257) as the
 * reference pool, the test split, and the `unlabeled` subset (the test images without their
 * labels). Label suggestions must reach the reference 5-NN cosine accuracy; the run's files
 * are never changed; every failure names what to fix and leaves a failed analysis.json.
 */

interface Digits {
  y: number[];
  test_index: number[];
}
/** ../shared/fixtures/reference.json: knn5_cosine_label_suggestion_accuracy of digits_cnn. */
const REFERENCE_KNN5 = 0.9278;

let workspace = '';
let runsDir = '';
let runId = '';
let digits: Digits;

before(() => {
  workspace = copyExample('evalens-analyze-');
  runsDir = path.join(workspace, 'runs');
  digits = JSON.parse(readFileSync(path.join(workspace, 'data', 'digits.json'), 'utf8')) as Digits;
  const config = writeEvalConfig(workspace, 'analyze.eval.json', {
    name: 'digits: train, test and unlabeled',
    integration: 'digits.integration.ts',
    benchmarks: [{ name: 'train', subset: 'train' }, { name: 'test', subset: 'test' }, { name: 'unlabeled', subset: 'unlabeled' }],
    batchSize: 128,
  });
  runId = evaluate(config, runsDir).runId;
});

after(() => rmSync(workspace, { recursive: true, force: true }));

function analyze(args: string[], store = runsDir): CliResult {
  return evalensSync(['analyze', ...args, '--runs-dir', store], { cwd: workspace });
}

function analyzeJson(args: string[] = []): Analysis {
  const result = analyze([runId, '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return analysisSchema.parse(JSON.parse(result.stdout));
}

/** sha256 of each of the run's own files (not its analysis). */
function runFileHashes(store: string, id: string): Record<string, string> {
  const dir = path.join(store, id);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => statSync(path.join(dir, name)).isFile())
      .map((name) => [name, createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex')]),
  );
}

test('label suggestions for the test images from train-split neighbours reach the reference 5-NN accuracy', (t) => {
  const analysis = analyzeJson();
  assert.equal(analysis.status, 'completed');
  assert.deepEqual(analysis.latent, { output: 'embedding', dim: 32, rows: 1257 + 540 + 540 });
  assert.deepEqual(analysis.neighbours?.referenceBenchmarks, ['train']);
  assert.equal(analysis.neighbours?.k, 5);
  // The neighbours' plain majority, scored on the labeled samples outside the pool: the test split.
  assert.equal(analysis.suggestionAccuracy?.samples, 540);
  assert.ok(analysis.suggestionAccuracy!.value >= REFERENCE_KNN5, `neighbour majority accuracy ${analysis.suggestionAccuracy!.value}`);
  // The suggestions themselves (with the model's vote) for the unlabeled copies of the test images, against their true labels.
  assert.equal(analysis.suggestions.length, 540);
  assert.ok(analysis.suggestions.every((s) => s.sample.subset === 'unlabeled' && s.output === 'logits'));
  const right = analysis.suggestions.filter((s) => s.suggestedLabel === String(digits.y[digits.test_index[s.sample.index]!])).length;
  t.diagnostic(`neighbour majority ${analysis.suggestionAccuracy!.value.toFixed(4)}; suggestions with the model's vote ${(right / 540).toFixed(4)}; reference ${REFERENCE_KNN5}`);
  assert.ok(right / 540 >= REFERENCE_KNN5, `suggestion accuracy ${right / 540}`);
  // Most uncertain first: agreement ascending, then estimated loss descending.
  for (let i = 1; i < analysis.suggestions.length; i++) {
    const [a, b] = [analysis.suggestions[i - 1]!, analysis.suggestions[i]!];
    assert.ok(a.agreement < b.agreement || (a.agreement === b.agreement && (a.estimatedLoss ?? -Infinity) >= (b.estimatedLoss ?? -Infinity)), `suggestion ${i} out of order`);
  }
});

test('the analysis folder: analysis.json and matrix files of the sizes it declares, no work folder left behind', () => {
  const analysis = analyzeJson();
  const dir = path.join(runsDir, runId, ANALYSIS_DIR);
  assert.deepEqual(analysisSchema.parse(JSON.parse(readFileSync(path.join(dir, ANALYSIS_FILE), 'utf8'))), analysis);
  const matrices = [...analysis.projections.map((p) => p.points), analysis.neighbours!.indices, analysis.neighbours!.similarities];
  assert.deepEqual(analysis.projections.map((p) => p.method), ['pca']);
  for (const m of matrices) assert.equal(statSync(path.join(dir, m.file)).size, m.rows * m.columns * 4, m.file);
  assert.deepEqual([analysis.neighbours!.indices.rows, analysis.neighbours!.indices.columns], [2337, 5]);
  // Neighbours are train samples other than the sample itself.
  const indices = new Int32Array(readFileSync(path.join(dir, analysis.neighbours!.indices.file)).buffer.slice(0));
  assert.ok(indices.every((row) => row >= 0 && row < 1257));
  for (let row = 0; row < 1257; row++) assert.ok(!indices.subarray(row * 5, row * 5 + 5).includes(row), `train row ${row} is its own neighbour`);
  assert.deepEqual(readdirSync(path.join(runsDir, runId)).filter((n) => n.startsWith('.analysis')), []);
  // The unlabeled subset repeats the test images: equal inputs in two subsets, not leakage.
  assert.equal(analysis.exactDuplicates.filter((g) => g.samples.some((s) => s.subset === 'test') && g.samples.some((s) => s.subset === 'unlabeled')).length, 540);
  assert.ok(analysis.exactDuplicates.every((g) => g.leakage === g.samples.some((s) => s.subset === 'train')));
  assert.ok(analysis.mistakes.length > 0 && analysis.mistakes.every((m) => m.sample.subset !== 'unlabeled'));
  const weakest = analysis.slices.items[0]!;
  assert.equal(weakest.metrics.accuracy?.method, 'wilson');
  assert.ok(analysis.slices.items.every((s) => s.samples >= analysis.slices.minSupport));
});

test('rerunning replaces the analysis; the run itself (manifest, records, embeddings, results) is never changed', () => {
  const before = runFileHashes(runsDir, runId);
  const first = analyzeJson();
  const second = analyzeJson(['--k', '3', '--umap']);
  assert.notEqual(second.createdAt, first.createdAt);
  assert.equal(second.neighbours?.k, 3);
  const umap = second.projections.find((p) => p.method === 'umap');
  assert.deepEqual([umap?.seed, umap?.points.rows, umap?.points.columns], [0, 2337, 2]);
  assert.deepEqual(runFileHashes(runsDir, runId), before);
  assert.deepEqual(readdirSync(path.join(runsDir, runId, ANALYSIS_DIR)).sort(), ['analysis.json', 'neighbours-indices.i32', 'neighbours-similarities.f32', 'pca.f32', 'umap.f32']);
});

test('the summary a person reads: suggestion accuracy, suggestions, mistakes, duplicates and the weakest slices with intervals', () => {
  const result = analyze([runId]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Analysis of run \S+ {2}digits: train, test and unlabeled {2}completed/);
  assert.match(result.stdout, /Suggestion accuracy 0\.9\d{3} \(neighbours' majority on 540 labeled samples outside the reference pool\)/);
  assert.match(result.stdout, /Label suggestions: 540 unlabeled samples, most uncertain first\n.*sample +suggested +agreement +est\. loss +model\n +unlabeled #\d+/);
  assert.match(result.stdout, /Likely label mistakes: \d+, least self-confident first/);
  assert.match(result.stdout, /Duplicates: 540 groups of equal inputs/);
  assert.match(result.stdout, /Weakest slices \(95% intervals, at least 20 samples\)\n.*\n {2}(train|test) +\S.* +\d+ +accuracy 0\.\d{4} \[0\.\d{4}, 0\.\d{4}\]/);
});

test('--suggest-labels writes the suggestions as CSV, most uncertain first, with the samples\' metadata', () => {
  const file = path.join(workspace, 'suggestions.csv');
  const result = analyze([runId, '--json', '--suggest-labels', file]);
  assert.equal(result.code, 0, result.stderr);
  const analysis = analysisSchema.parse(JSON.parse(result.stdout));
  const rows = csvObjects(readFileSync(file, 'utf8'));
  assert.equal(rows.length, 540);
  assert.deepEqual(Object.keys(rows[0]!).slice(0, 10), ['sample', 'subset', 'benchmark', 'position', 'suggested_label', 'agreement', 'estimated_loss', 'estimated_confidence', 'model_prediction', 'model_confidence']);
  assert.ok(Object.keys(rows[0]!).includes('metadata.ink.heavier_half'));
  rows.forEach((row, i) => {
    const s = analysis.suggestions[i]!;
    assert.deepEqual([row.sample, row.subset, row.suggested_label, Number(row.agreement), row.model_prediction], [String(s.sample.index), 'unlabeled', s.suggestedLabel, s.agreement, s.modelPrediction]);
    assert.equal(row['metadata.source_row'], String(digits.test_index[s.sample.index]));
  });
});

test('--reuse writes the CSV from the analysis the run has, without analysing again; without one it says what to run', () => {
  const fresh = path.join(workspace, 'fresh.csv');
  assert.equal(analyze([runId, '--json', '--suggest-labels', fresh]).code, 0);
  const analysisFile = path.join(runsDir, runId, ANALYSIS_DIR, ANALYSIS_FILE);
  const before = statSync(analysisFile).mtimeMs;
  const reused = path.join(workspace, 'reused.csv');
  const result = analyze([runId, '--reuse', '--suggest-labels', reused]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(readFileSync(reused, 'utf8'), readFileSync(fresh, 'utf8'));
  assert.equal(statSync(analysisFile).mtimeMs, before, 'the analysis was not written again');

  const other = evaluate(writeEvalConfig(workspace, 'small.eval.json', { name: 'small', integration: 'digits.integration.ts', benchmarks: [{ name: 'test', subset: 'test', sampleCount: 50, seed: 1 }] }), runsDir).runId;
  const refused = analyze([other, '--reuse', '--suggest-labels', path.join(workspace, 'none.csv')]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`Run ${other} has not been analysed, so --reuse has nothing to use\\. Analyse it first: evalens analyze ${other}`));
  assert.equal(existsSync(path.join(workspace, 'none.csv')), false);
});

test('runs show --format md and runs export include the insights once the run is analysed', () => {
  analyzeJson();
  const md = evalensSync(['runs', 'show', runId, '--format', 'md', '--runs-dir', runsDir], { cwd: workspace });
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /## Insights\n\nlatent `embedding` \(2337 × 32\) · 5 nearest labeled neighbours from train/);
  assert.match(md.stdout, /\*\*Label suggestions\*\*: 540 unlabeled samples, most uncertain first\. The neighbours' majority label is right on 0\.9\d{3} of 540/);
  assert.match(md.stdout, /\| sample \| given \| likely \| p\(given\) \| margin \|/);
  const out = path.join(workspace, 'export');
  const exported = evalensSync(['runs', 'export', runId, '--out', out, '--format', 'md,json,csv', '--runs-dir', runsDir], { cwd: workspace });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), /## Insights/);
  assert.equal(analysisSchema.parse(JSON.parse(readFileSync(path.join(out, 'analysis.json'), 'utf8'))).runId, runId);
  assert.equal(csvObjects(readFileSync(path.join(out, 'label-suggestions.csv'), 'utf8')).length, 540);
});

/** A copy of the run store, for a test that breaks a run. */
function brokenCopy(name: string): string {
  const store = path.join(workspace, name);
  cpSync(runsDir, store, { recursive: true });
  rmSync(path.join(store, runId, ANALYSIS_DIR), { recursive: true, force: true });
  return store;
}

function failedAnalysis(store: string, id: string): Analysis {
  const analysis = analysisSchema.parse(JSON.parse(readFileSync(path.join(store, id, ANALYSIS_DIR, ANALYSIS_FILE), 'utf8')));
  assert.equal(analysis.status, 'failed');
  return analysis;
}

test('a missing or truncated embeddings file: exit 2 naming the run and the file, a failed analysis.json, the run untouched', () => {
  const missing = brokenCopy('runs-missing');
  rmSync(path.join(missing, runId, 'embeddings.embedding.f32'));
  const before = runFileHashes(missing, runId);
  let result = analyze([runId], missing);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`Run ${runId}: the embeddings of latent output 'embedding' \\(.*embeddings\\.embedding\\.f32\\) are missing\\. Evaluate the run again`));
  assert.match(failedAnalysis(missing, runId).error!, /are missing/);
  assert.deepEqual(runFileHashes(missing, runId), before);

  const truncated = brokenCopy('runs-truncated');
  const file = path.join(truncated, runId, 'embeddings.embedding.f32');
  truncateSync(file, statSync(file).size - 100);
  result = analyze([runId, '--json'], truncated);
  assert.equal(result.code, 2);
  const printed = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
  assert.equal(printed.error.code, 'run-corrupt');
  assert.match(printed.error.message, /embeddings\.embedding\.f32 is broken: \d+ bytes where the run's last checkpoint recorded \d+/);
  assert.equal(failedAnalysis(truncated, runId).error, printed.error.message);
});

test('a latent output the run does not have, an unknown run and a run not completed: exit 2, and a failed analysis only for the completed run', () => {
  let result = analyze([runId, '--latent', 'hidden']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`Run ${runId} has no latent output 'hidden'\\. It recorded embeddings of: 'embedding'\\. Pass one of them with --latent`));
  assert.equal(failedAnalysis(runsDir, runId).status, 'failed');

  result = analyze(['20990101-000000-abcdef']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /No run '20990101-000000-abcdef'/);

  const queued = evalensSync(['eval', '--config', path.join(workspace, 'analyze.eval.json'), '--runs-dir', path.join(workspace, 'runs-queued'), '--submit', '--json'], { cwd: workspace });
  const queuedId = (JSON.parse(queued.stdout) as { runId: string }).runId;
  result = analyze([queuedId], path.join(workspace, 'runs-queued'));
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`Run ${queuedId} \\(digits: train, test and unlabeled\\) is queued, not completed: only a completed run can be analysed\\. Wait until it completes\\.`));
  assert.ok(!existsSync(path.join(workspace, 'runs-queued', queuedId, ANALYSIS_DIR)));
  analyzeJson();
});

test('a run whose integration binds no latent output: the message says how to bind one', () => {
  const script = readFileSync(path.join(workspace, 'digits.integration.ts'), 'utf8').replace("embedding: { role: 'latent' },", '');
  writeFileSync(path.join(workspace, 'no-latent.integration.ts'), script);
  const config = writeEvalConfig(workspace, 'no-latent.eval.json', { name: 'no latent', integration: 'no-latent.integration.ts', benchmarks: [{ name: 'test', subset: 'test', sampleCount: 40 }] });
  const store = path.join(workspace, 'runs-no-latent');
  const id = evaluate(config, store).runId;
  const result = analyze([id], store);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`Run ${id} has no latent output: its integration binds no model output with role 'latent'.*Bind one in the integration's model\\.outputs`));
  assert.match(failedAnalysis(store, id).error!, /has no latent output/);
});

test("the eval config's analysis runs when the run completes; one that fails (unlabeled samples, no labeled neighbour) never fails the evaluation", () => {
  const store = path.join(workspace, 'runs-config');
  const withAnalysis = writeEvalConfig(workspace, 'with-analysis.eval.json', {
    name: 'analysed at the end',
    integration: 'digits.integration.ts',
    benchmarks: [{ name: 'train', subset: 'train', sampleCount: 300, seed: 1 }, { name: 'test', subset: 'test', sampleCount: 100, seed: 1 }],
    analysis: { k: 7 },
  });
  const done = evaluate(withAnalysis, store);
  assert.equal(done.result.code, 0, done.result.stderr);
  const analysis = analysisSchema.parse(JSON.parse(readFileSync(path.join(store, done.runId, ANALYSIS_DIR, ANALYSIS_FILE), 'utf8')));
  assert.deepEqual([analysis.status, analysis.neighbours?.k, analysis.suggestionAccuracy?.samples], ['completed', 7, 100]);

  const unlabeledOnly = writeEvalConfig(workspace, 'unlabeled-only.eval.json', {
    name: 'unlabeled only',
    integration: 'digits.integration.ts',
    benchmarks: [{ name: 'pool', subset: 'unlabeled', sampleCount: 50 }],
    analysis: { enabled: true },
  });
  const failed = evaluate(unlabeledOnly, store);
  assert.equal(failed.result.code, 0, failed.result.stderr);
  assert.equal(readManifest(store, failed.runId).status, 'completed');
  const message = failedAnalysis(store, failed.runId).error!;
  assert.match(message, new RegExp(`Run ${failed.runId}: benchmark 'pool' holds 50 samples of the 'unlabeled' subset, but the run has no labeled sample to be their neighbours.*Add a benchmark of labeled samples`));
  const again = analyze([failed.runId], store);
  assert.equal(again.code, 2);
  assert.ok(again.stderr.includes(message));
});
