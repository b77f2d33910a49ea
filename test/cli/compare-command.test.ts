import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { comparisonSchema, type Comparison } from '../../shared/report-data';
import { evaluate, evalensSync, readManifest, readRecords, readResults, writeConfig, writeEvalConfig } from '../helpers/eval-runs';
import { buildModel, DataType } from '../helpers/onnx-writer';
import { AREA_WEIGHTS, regressionRun } from '../helpers/report-fixtures';
import { EXAMPLE_DIR } from '../helpers/eval-runs';
import { comparisonRuns } from '../webview/comparison-fixture';

/**
 * `evalens compare` on real runs: the digits CNN (A) against a nearest-centroid model (B) on
 * the same samples, every printed number checked against scipy, statsmodels and scikit-learn
 * (compare-reference.py, which draws the bootstrap's resamples with its own PRNG); two
 * regressions of the breast-cancer mean area (no classifier: deltas and MAE/RMSE intervals,
 * no McNemar); and the errors a user can make.
 */

interface Reference {
  name: string;
  b: number;
  c: number;
  scipy: number;
  statsmodels: number;
  intervals: { metric: string; a: number; b: number; low: number; high: number }[];
}

/** Why the reference numbers cannot be computed here, or undefined when they can. */
function referenceMissing(): string | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, scipy, statsmodels'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `scikit-learn, scipy or statsmodels is not importable by /usr/bin/python3 (apt-get install python3-sklearn python3-statsmodels): ${probe.stderr || probe.error?.message}`;
}
const MISSING = referenceMissing();

const RESAMPLES = 400;
const SEED = 7;
let storeDir = '';
let runA = '';
let runB = '';
let reference: Reference[];

before(async () => {
  ({ storeDir, runA, runB } = await comparisonRuns());
  if (MISSING === undefined) reference = pythonReference();
});

function compare(args: string[], store = storeDir) {
  return evalensSync(['compare', ...args, '--runs-dir', store]);
}

function compareJson(args: string[], store = storeDir): Comparison {
  const result = compare([...args, '--json'], store);
  assert.equal(result.code, 0, result.stderr);
  return comparisonSchema.parse(JSON.parse(result.stdout));
}

/** The paired samples of each common benchmark read from the records as written, and the reference numbers for them. */
function pythonReference(): Reference[] {
  const recordsA = readRecords(storeDir, runA);
  const recordsB = new Map(readRecords(storeDir, runB).map((r) => [`${r.benchmark}:${r.index}:${r.inputHash}`, r]));
  const argmax = (v: number[]) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
  const benchmarks = ['test', 'train-sample'].map((name) => {
    const pairs = recordsA.filter((r) => r.benchmark === name).flatMap((r) => {
      const other = recordsB.get(`${name}:${r.index}:${r.inputHash}`);
      return other === undefined ? [] : [[r, other] as const];
    });
    return {
      name,
      classes: 10,
      truthA: pairs.map(([a]) => a.groundTruths.label![0]),
      truthB: pairs.map(([, b]) => b.groundTruths.label![0]),
      predictedA: pairs.map(([a]) => argmax(a.outputs.logits!)),
      predictedB: pairs.map(([, b]) => argmax(b.outputs.logits!)),
    };
  });
  const result = spawnSync('/usr/bin/python3', [path.join(__dirname, 'compare-reference.py')], { input: JSON.stringify({ seed: SEED, resamples: RESAMPLES, benchmarks }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`compare-reference.py failed (needs Debian's python3-sklearn, -scipy, -statsmodels): ${result.stderr}`);
  return JSON.parse(result.stdout) as Reference[];
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} against ${expected}`);
}

test('--json: McNemar, intervals and observed metrics are those scipy, statsmodels and scikit-learn compute from the records', { skip: MISSING }, () => {
  const comparison = compareJson([runA, runB, '--resamples', String(RESAMPLES), '--seed', String(SEED)]);
  assert.deepEqual(comparison.bootstrap, { resamples: RESAMPLES, seed: SEED, confidence: 0.95 });
  assert.deepEqual(comparison.benchmarks.map((x) => [x.name, x.paired, x.unpaired]), [['test', 540, 0], ['train-sample', 300, 0]]);
  for (const ref of reference) {
    const bench = comparison.benchmarks.find((x) => x.name === ref.name)!;
    assert.deepEqual([bench.mcnemar!.b, bench.mcnemar!.c, bench.mcnemar!.samples], [ref.b, ref.c, bench.paired]);
    assert.deepEqual([bench.rightToWrong.length, bench.wrongToRight.length], [ref.b, ref.c]);
    close(bench.mcnemar!.pValue, ref.scipy, 1e-12, `${ref.name} p (scipy)`);
    close(bench.mcnemar!.pValue, ref.statsmodels, 1e-12, `${ref.name} p (statsmodels)`);
    assert.deepEqual(bench.intervals!.map((x) => `${x.output}.${x.metric}`), ['logits.accuracy', 'logits.f1_macro']);
    for (const [k, expected] of ref.intervals.entries()) {
      const interval = bench.intervals![k]!;
      for (const key of ['a', 'b', 'low', 'high'] as const) close(interval[key], expected[key], 1e-12, `${ref.name} ${expected.metric} ${key}`);
      assert.ok(interval.low <= interval.delta && interval.delta <= interval.high);
    }
    // The paired samples are all of each run's: the observed values are the runs' own results.
    const accuracy = bench.metrics.find((m) => m.metric === 'accuracy')!;
    close(accuracy.a!, ref.intervals[0]!.a, 1e-12, 'accuracy of A in results.json');
    close(accuracy.b!, ref.intervals[0]!.b, 1e-12, 'accuracy of B in results.json');
  }
  assert.deepEqual(comparison.notes, []);
});

test('the terminal shows the same numbers: deltas, intervals, McNemar in words, flipped samples', { skip: MISSING }, () => {
  const result = compare([runA, runB, '--resamples', String(RESAMPLES), '--seed', String(SEED)]);
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout;
  const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '-' : '±'}${Math.abs(v).toFixed(4)}`;
  for (const ref of reference) {
    const section = out.slice(out.indexOf(`Benchmark ${ref.name}:`));
    const [accuracy, f1] = ref.intervals;
    assert.match(section, new RegExp(`logits\\.accuracy +${accuracy!.a.toFixed(4)} +${accuracy!.b.toFixed(4)} +\\${signed(accuracy!.b - accuracy!.a)} +\\[\\${signed(accuracy!.low)}, \\${signed(accuracy!.high)}\\]`));
    assert.match(section, new RegExp(`logits\\.f1_macro +${f1!.a.toFixed(4)} +${f1!.b.toFixed(4)} +\\${signed(f1!.b - f1!.a)} +\\[\\${signed(f1!.low)}, \\${signed(f1!.high)}\\]`));
    assert.match(section, new RegExp(`b = ${ref.b}, c = ${ref.c}\\):\\n +B is right on ${ref.c} samples A got wrong and wrong on ${ref.b} it got right: p = ${ref.scipy.toPrecision(2)}, unlikely to be chance alone`));
    assert.match(section, new RegExp(`Right in A, wrong in B: ${ref.b}\\n`));
    assert.match(section, new RegExp(`Wrong in A, right in B: ${ref.c}\\n`));
  }
  assert.match(out, new RegExp(`95% paired bootstrap percentile intervals, ${RESAMPLES} resamples, seed ${SEED}`));
  // B (nearest centroids) is more accurate but less calibrated: accuracy better, log_loss worse.
  const [accuracy] = reference[0]!.intervals;
  assert.ok(accuracy!.b > accuracy!.a);
  assert.match(out, new RegExp(`\\n +accuracy +${accuracy!.a.toFixed(4)} +${accuracy!.b.toFixed(4)} +\\+\\d\\.\\d{4}  better\\n`));
  assert.match(out, /\n +log_loss +\d\.\d{4} +\d\.\d{4} +\+\d\.\d{4}  worse\n/);
});

test('the same seed gives the same comparison; another seed other intervals and the same test', () => {
  const first = compareJson([runA, runB, '--resamples', '300', '--seed', '3']);
  const again = compareJson([runA, runB, '--resamples', '300', '--seed', '3']);
  const other = compareJson([runA, runB, '--resamples', '300', '--seed', '4']);
  const strip = (c: Comparison) => ({ ...c, a: undefined, b: undefined });
  assert.deepEqual(strip(again), strip(first));
  const [test0, test1] = [first.benchmarks[0]!, other.benchmarks[0]!];
  assert.deepEqual(test1.mcnemar, test0.mcnemar);
  assert.notDeepEqual(test1.intervals, test0.intervals);
  for (const [k, x] of test0.intervals!.entries()) close(test1.intervals![k]!.low, x.low, 0.02, `${x.metric} low across seeds`);
});

test('two regressions: metric deltas and MAE/RMSE intervals; no McNemar, and the output says why', async () => {
  const { storeDir: store, runId: linear } = await regressionRun();
  const dir = path.dirname(store);
  // The same linear model with its weights scaled by 0.9: a worse fit, on the same samples.
  const weights = Array.from({ length: 30 }, (_, k) => 0.9 * (AREA_WEIGHTS[k] ?? 0));
  writeFileSync(
    path.join(dir, 'bc_area_scaled.onnx'),
    buildModel({
      nodes: [{ op: 'MatMul', inputs: ['features', 'w'], outputs: ['area'] }],
      inputs: [{ name: 'features', type: { tensor: DataType.FLOAT, dims: ['batch', 30] } }],
      outputs: [{ name: 'area', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
      initializers: [{ name: 'w', dataType: DataType.FLOAT, dims: [30, 1], floats: weights }],
    }),
  );
  const scaled = evaluate(writeConfig(dir, (c) => { c.name = 'breast cancer: mean area, scaled'; c.model = { path: './bc_area_scaled.onnx' }; delete c.gates; }, 'scaled.eval.json'), store).runId;
  const comparison = compareJson([linear, scaled], store);
  const [bench] = comparison.benchmarks;
  assert.equal(bench!.mcnemar, null);
  assert.match(comparison.notes![0]!, /No McNemar test and no accuracy or F1 intervals: the runs share no classification or binary output .*\(A: area \(regression\); B: area \(regression\)\)/);
  const results = [readResults(store, linear), readResults(store, scaled)].map((r) => r.benchmarks[0]!.metrics);
  assert.deepEqual(bench!.intervals!.map((x) => x.metric), ['mae', 'rmse']);
  for (const x of bench!.intervals!) {
    close(x.a, results[0]![x.metric]!, 1e-9, `${x.metric} of A against its results.json`);
    close(x.b, results[1]![x.metric]!, 1e-9, `${x.metric} of B against its results.json`);
    assert.ok(x.low <= x.delta && x.delta <= x.high && x.low < x.high, JSON.stringify(x));
  }
  assert.ok(bench!.metrics.some((m) => m.metric === 'r2' && m.delta !== null));
  const text = compare([linear, scaled], store);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /area\.mae +\d/);
  assert.match(text.stdout, /No McNemar test/);
  assert.doesNotMatch(text.stdout, /McNemar's exact test on/);
});

test('errors: an unknown run, a run that did not complete, no common benchmark; each exits 2 and says what to do', () => {
  const missing = compare([runA, '20200101-000000-abcdef']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /No run '20200101-000000-abcdef' in .*List the runs with: evalens runs list --runs-dir/);
  const malformed = compare(['no-such-run', runB]);
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /'no-such-run' is not a run id .*List the runs with: evalens runs list/);

  const dir = path.dirname(storeDir);
  // The digits example with an encoder that throws on sample 5 and no room for errors: a real failed run.
  const source = readFileSync(path.join(EXAMPLE_DIR, 'digits.integration.ts'), 'utf8');
  const encoder = 'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),';
  assert.ok(source.includes(encoder));
  writeFileSync(path.join(dir, 'broken.integration.ts'), source.replace(encoder, "encode: (index, subset) => { if (index === 5) throw new Error('no pixels'); return Float32Array.from(pixels(index, subset.data)); },"));
  const failedConfig = writeEvalConfig(dir, 'broken.eval.json', { name: 'digits: broken encoder', integration: 'broken.integration.ts', benchmarks: [{ name: 'test', subset: 'test' }] });
  const failedRun = evalensSync(['eval', '--config', failedConfig, '--runs-dir', storeDir, '--json'], { cwd: dir });
  const failedId = (JSON.parse(failedRun.stdout) as { runId: string }).runId;
  assert.equal(readManifest(storeDir, failedId).status, 'failed');
  const notCompleted = compare([failedId, runB]);
  assert.equal(notCompleted.code, 2);
  assert.match(notCompleted.stderr, new RegExp(`Run ${failedId} \\(A, 'digits: broken encoder'\\) is failed, not completed: only completed runs can be compared\\..*evalens runs list --status completed`));

  const holdout = evaluate(writeEvalConfig(dir, 'holdout.eval.json', { name: 'digits: holdout', integration: 'digits.integration.ts', benchmarks: [{ name: 'holdout', subset: 'test', sampleCount: 40, seed: 3 }] }), storeDir).runId;
  const disjoint = compare([runA, holdout, '--json']);
  assert.equal(disjoint.code, 2);
  const error = JSON.parse(disjoint.stdout) as { ok: boolean; error: { message: string } };
  assert.equal(error.ok, false);
  assert.match(error.error.message, new RegExp(`Runs ${runA} \\(A\\) and ${holdout} \\(B\\) have no benchmark in common \\(A: 'test', 'train-sample'; B: 'holdout'\\)`));

  const badSeed = compare([runA, runB, '--seed', '-1']);
  assert.equal(badSeed.code, 2);
  assert.match(badSeed.stderr, /--seed.*must be an integer from 0 to 4294967295/);
});
