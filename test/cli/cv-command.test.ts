import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crossValidationSchema, type CrossValidation } from '../../shared/cross-validation-types';
import { copyExample, evalensSync, readManifest, writeEvalConfig, type CliResult } from '../helpers/eval-runs';
import { ROOT } from '../helpers/paths';

/**
 * `evalens cv` through the built CLI, on real runs of the digits CNN: the scikit-learn
 * reference's folds reproduced from the shared fixtures, the source run found again by its
 * hashes, and every requirement failure refused with exit 2 before anything is created.
 */

const FIXTURES = path.join(ROOT, '..', 'shared', 'fixtures');
interface DigitsAll {
  x: number[][];
  y: number[];
  train_index: number[];
  test_index: number[];
  cv_test_folds: number[][];
}
const digits = JSON.parse(readFileSync(path.join(FIXTURES, 'digits_all.json'), 'utf8')) as DigitsAll;
/** scikit-learn's LogisticRegression(multinomial, C=1) on the same folds (../shared/fixtures/reference.json). */
const reference = (JSON.parse(readFileSync(path.join(FIXTURES, 'reference.json'), 'utf8')) as { digits_cnn: { cross_validation_logreg_5fold: { fold_accuracy: number[]; mean: number; std: number } } }).digits_cnn.cross_validation_logreg_5fold;

let workspace = '';

before(() => {
  workspace = copyExample('evalens-cv-');
});

after(() => rmSync(workspace, { recursive: true, force: true }));

/**
 * A dataset for the example's integration whose `test` subset holds the given rows of the
 * digits (so sample index i is the i-th of them), and an eval config scoring it.
 */
function datasetConfig(name: string, rows: readonly number[]): string {
  writeFileSync(path.join(workspace, `${name}.json`), JSON.stringify({ ...digits, test_index: rows }));
  return writeEvalConfig(workspace, `${name}.eval.json`, {
    name,
    integration: 'digits.integration.ts',
    model: { path: path.join(FIXTURES, 'digits_cnn.onnx') },
    benchmarks: [{ name, subset: 'test', dataset: `${name}.json` }],
    batchSize: 128,
  });
}

/** The first `count` rows of each digit class, in class order. */
function rowsOf(counts: Record<number, number>): number[] {
  return Object.entries(counts).flatMap(([label, count]) => digits.y.flatMap((y, row) => (y === Number(label) ? [row] : [])).slice(0, count));
}

function cv(config: string, runsDir: string, args: string[] = []): CliResult {
  return evalensSync(['cv', '--config', config, '--runs-dir', runsDir, ...args], { cwd: workspace });
}

function cvJson(config: string, runsDir: string, args: string[] = []): CrossValidation {
  const result = cv(config, runsDir, ['--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return crossValidationSchema.parse(JSON.parse(result.stdout));
}

function runIds(runsDir: string): string[] {
  return existsSync(runsDir) ? readdirSync(runsDir).filter((name) => existsSync(path.join(runsDir, name, 'manifest.json'))) : [];
}

test("the reference folds on all 1,797 digits: per-fold accuracies within 0.01 of scikit-learn's, the mean within 0.005; a second cross-validation reuses the evaluation", () => {
  const config = datasetConfig('all', digits.y.map((_, row) => row));
  const runsDir = path.join(workspace, 'runs-all');
  const result = cvJson(config, runsDir, ['--folds-file', path.join(FIXTURES, 'digits_all.json')]);
  assert.equal(result.k, 5);
  assert.equal(result.samples, 1797);
  assert.deepEqual(result.assignment, { kind: 'file', file: path.join(FIXTURES, 'digits_all.json') });
  assert.deepEqual(result.folds.map((f) => f.testIndices), digits.cv_test_folds.map((f) => [...f].sort((a, b) => a - b)));
  result.folds.forEach((fold, i) => {
    assert.ok(Math.abs(fold.metrics.accuracy - reference.fold_accuracy[i]!) <= 0.01, `fold ${i}: ${fold.metrics.accuracy} vs ${reference.fold_accuracy[i]}`);
    assert.ok(fold.converged && fold.gradientNorm <= result.solver.gradientTolerance);
  });
  assert.ok(Math.abs(result.summary.accuracy.mean - reference.mean) <= 0.005, `mean ${result.summary.accuracy.mean} vs ${reference.mean}`);
  // numpy's std (ddof = 0) of the fold accuracies, as reference.json's.
  assert.ok(Math.abs(result.summary.accuracy.std - reference.std) <= 0.005, `std ${result.summary.accuracy.std} vs ${reference.std}`);
  const pooled = result.confusionMatrix.flat().reduce((a, b) => a + b, 0);
  assert.equal(pooled, 1797);
  assert.equal(result.confusionMatrix.reduce((n, row, t) => n + row[t]!, 0), Math.round(result.folds.reduce((n, f) => n + f.metrics.accuracy * f.testSize, 0)));

  // The evaluation it ran is a completed run of the store; the cross-validation another, of its own kind.
  assert.equal(result.sourceEvaluated, true);
  const source = readManifest(runsDir, result.sourceRunId);
  assert.equal(source.kind, 'evaluation');
  assert.equal(source.status, 'completed');
  const manifest = readManifest(runsDir, result.runId);
  assert.equal(manifest.kind, 'cross-validation');
  assert.equal(manifest.status, 'completed');
  assert.deepEqual(crossValidationSchema.parse(JSON.parse(readFileSync(path.join(runsDir, result.runId, 'cross-validation.json'), 'utf8'))), result);

  // Same model and inputs: the next cross-validation takes the embeddings of that run, evaluates nothing.
  const again = cvJson(config, runsDir, ['--folds', '3', '--seed', '4']);
  assert.equal(again.sourceRunId, result.sourceRunId);
  assert.equal(again.sourceEvaluated, false);
  assert.equal(runIds(runsDir).length, 3);
  assert.deepEqual(again.assignment, { kind: 'stratified', seed: 4 });
  assert.ok(again.summary.accuracy.mean > 0.94);
  const shown = evalensSync(['runs', 'show', result.runId, '--runs-dir', runsDir], { cwd: workspace });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Cross-validation .*5-fold cross-validation on all/);
  assert.match(shown.stdout, new RegExp(`mean {2,}${result.summary.accuracy.mean.toFixed(4)} `));
  const shownJson = JSON.parse(evalensSync(['runs', 'show', result.runId, '--runs-dir', runsDir, '--json'], { cwd: workspace }).stdout) as { kind: string; crossValidation: unknown };
  assert.equal(shownJson.kind, 'cross-validation');
  assert.deepEqual(crossValidationSchema.parse(shownJson.crossValidation), result);
  const listed = evalensSync(['runs', 'list', '--runs-dir', runsDir, '--kind', 'cross-validation', '--json'], { cwd: workspace });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { runs: { runId: string }[] }).runs.map((r) => r.runId).sort(), [result.runId, again.runId].sort());
});

test('stratified folds: seeded, every class spread evenly, sizes within one; a warning under 50 samples per class', () => {
  const config = datasetConfig('small', rowsOf({ 0: 12, 1: 30, 2: 21 }));
  const runsDir = path.join(workspace, 'runs-small');
  const text = cv(config, runsDir, ['--folds', '4', '--seed', '7']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /warning: Fewer than 50 labeled samples in classes '0' \(12\), '1' \(30\), '2' \(21\)/);
  assert.match(text.stdout, /63 labeled samples of benchmark 'small', 3 classes; 4 folds \(stratified, seed 7\)/);
  assert.match(text.stdout, /± std: population standard deviation/);

  const a = cvJson(config, runsDir, ['--folds', '4', '--seed', '7']);
  const b = cvJson(config, runsDir, ['--folds', '4', '--seed', '7']);
  const c = cvJson(config, runsDir, ['--folds', '4', '--seed', '8']);
  assert.deepEqual(a.folds.map((f) => f.testIndices), b.folds.map((f) => f.testIndices));
  assert.deepEqual(a.folds.map((f) => f.metrics), b.folds.map((f) => f.metrics));
  assert.notDeepEqual(a.folds.map((f) => f.testIndices), c.folds.map((f) => f.testIndices));
  const labelOf = (index: number) => (index < 12 ? 0 : index < 42 ? 1 : 2);
  for (const fold of a.folds) {
    const perClass = [0, 1, 2].map((k) => fold.testIndices.filter((i) => labelOf(i) === k).length);
    assert.deepEqual(perClass.map((n, k) => Math.abs(n - [12, 30, 21][k]! / 4) < 1), [true, true, true], `fold ${fold.fold}: ${perClass}`);
  }
  const sizes = a.folds.map((f) => f.testSize);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  assert.deepEqual(a.folds.flatMap((f) => f.testIndices).sort((x, y) => x - y), Array.from({ length: 63 }, (_, i) => i));
  assert.deepEqual(a.classCounts, [12, 30, 21]);
  assert.deepEqual(a.labels, ['0', '1', '2']);
  assert.equal(a.warnings.length, 2);
  assert.match(a.warnings[1]!, /has no labeled samples of classes '3', '4', '5', '6', '7', '8', '9': the head was trained on the other 3 classes/);
});

/** Refused with exit 2 and `message`, before anything was evaluated or created. */
function assertRefused(config: string, args: string[], message: RegExp): void {
  const runsDir = path.join(workspace, `refused-${path.basename(config)}`);
  const result = cv(config, runsDir, args);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.deepEqual(runIds(runsDir), []);
}

test('one class only: exit 2, the class named, nothing created', () => {
  assertRefused(datasetConfig('one-class', rowsOf({ 3: 40 })), [], /has labeled samples of one class only: '3' \(40\)\. A classifier needs at least 2 classes/);
});

test('a class with 9 samples: exit 2, the class and its count named, nothing created', () => {
  assertRefused(datasetConfig('nine', rowsOf({ 0: 20, 1: 9, 2: 20 })), [], /at least 10 labeled samples in every class, and class '1' \(9\) has fewer/);
});

test('more folds than a class has samples: exit 2, the largest K allowed named, nothing created', () => {
  const config = datasetConfig('k-too-large', rowsOf({ 0: 12, 1: 30 }));
  assertRefused(config, ['--folds', '13'], /13 folds: every fold must hold out at least one sample of each class\. Benchmark 'k-too-large' of .* has only 12 of class '0': pass --folds 12 or fewer/);
  assertRefused(config, ['--folds', '1'], /1 folds: cross-validation needs at least 2/);
});

test('a folds file that leaves samples out, names an unknown sample or disagrees with --folds: exit 2, nothing created', () => {
  const config = datasetConfig('folds-file', rowsOf({ 0: 12, 1: 12 }));
  const file = (name: string, folds: unknown) => {
    const target = path.join(workspace, name);
    writeFileSync(target, JSON.stringify(folds));
    return target;
  };
  const halves = [Array.from({ length: 12 }, (_, i) => i * 2), Array.from({ length: 12 }, (_, i) => i * 2 + 1)];
  assertRefused(config, ['--folds-file', file('missing.json', [halves[0]])], /leaves 12 labeled samples in no fold \(1, 3, 5.*\)\. Benchmark 'folds-file' of .* has 24 labeled samples, and each must be held out by exactly one fold/);
  assertRefused(config, ['--folds-file', file('unknown.json', [[...halves[0]!, 99], halves[1]])], /fold 0 names sample 99, and benchmark 'folds-file' of .* has no labeled sample 99/);
  assertRefused(config, ['--folds-file', file('twice.json', [halves[0], [...halves[1]!, 0]])], /sample 0 is held out by fold 0 and again by fold 1/);
  assertRefused(config, ['--folds-file', file('halves.json', halves), '--folds', '3'], /--folds 3 disagrees with the folds file .* which gives 2 folds/);
  assertRefused(config, ['--folds-file', path.join(workspace, 'nope.json')], /The folds file .*nope\.json does not exist/);
});

test('an unknown benchmark or latent output, an unlabeled benchmark, a checkpoint series: exit 2, saying what to change', () => {
  const config = datasetConfig('names', rowsOf({ 0: 12, 1: 12 }));
  assertRefused(config, ['--benchmark', 'tset'], /'tset' is not a benchmark of .*; it defines 'names'/);
  assertRefused(config, ['--latent', 'hidden'], /binds no latent output 'hidden' \(its latent outputs: 'embedding'\)/);
  const unlabeled = writeEvalConfig(workspace, 'unlabeled.eval.json', { name: 'unlabeled', integration: 'digits.integration.ts', benchmarks: [{ name: 'unlabeled', subset: 'unlabeled' }] });
  assertRefused(unlabeled, [], /Benchmark 'unlabeled' of .* has no labeled samples, so there is nothing to cross-validate\. Choose a benchmark of a labeled subset/);
  const checkpoints = path.join(workspace, 'checkpoints');
  mkdirSync(checkpoints, { recursive: true });
  for (const name of ['epoch-1.onnx', 'epoch-2.onnx']) copyFileSync(path.join(FIXTURES, 'digits_cnn.onnx'), path.join(checkpoints, name));
  const series = writeEvalConfig(workspace, 'series.eval.json', { name: 'series', integration: 'digits.integration.ts', model: { path: 'checkpoints', checkpoint: 'all' }, benchmarks: [{ name: 'test', subset: 'test' }] });
  assertRefused(series, [], /evaluates a checkpoint series \(model\.checkpoint 'all'\).*Set model\.checkpoint to the checkpoint to cross-validate/);
});

test('a sample its encoder fails on is left out with a warning naming the failure, the rest cross-validated', () => {
  const rows = rowsOf({ 0: 12, 1: 13 });
  const broken = { ...digits, x: digits.x.map((x, row) => (row === rows[12] ? x.slice(0, 10) : x)), test_index: rows };
  writeFileSync(path.join(workspace, 'broken.json'), JSON.stringify(broken));
  const config = writeEvalConfig(workspace, 'broken.eval.json', { name: 'broken', integration: 'digits.integration.ts', benchmarks: [{ name: 'broken', subset: 'test', dataset: 'broken.json' }], maxSampleErrors: 1 });
  const result = cvJson(config, path.join(workspace, 'runs-broken'), ['--folds', '3']);
  assert.equal(result.samples, 24);
  assert.deepEqual(result.classCounts, [12, 12]);
  assert.ok(!result.folds.some((f) => f.testIndices.includes(12)));
  assert.match(result.warnings.join('\n'), /Benchmark 'broken' of .*: 1 sample failed in the integration and is left out \(the first: .*sample 12.*\)\. Run evalens test/);
});
