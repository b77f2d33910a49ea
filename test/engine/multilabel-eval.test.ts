import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ExitCode } from '../../engine/cli/exit-codes';
import { runIntegrationTest } from '../../engine/integration-test/run-integration-test';
import { definitionSchema, formatIssues } from '../../engine/loader/definition-schema';
import { evalensSync, onlyRunId, readManifest, readRecords, readResults, writeEvalConfig } from '../helpers/eval-runs';
import { MULTILABEL_CONFIG, MULTILABEL_REFERENCE, MULTILABEL_SCRIPT, multilabelRun, multilabelWorkspace } from '../helpers/multilabel-workspace';

/**
 * Multilabel outputs end to end: the reference model of make_multilabel_reference.py as ONNX
 * (Gemm + Sigmoid), evaluated by the built CLI through onnxruntime, with per-label thresholds
 * from the binding; every metric equals scikit-learn's on the same samples to 1e-5 (the model
 * computes in float32, the reference in float64).
 */

interface Reference {
  scores: number[][];
  cases: Record<string, { thresholds: number[]; metrics: Record<string, unknown> & { per_label: Record<string, number | null>[] } }>;
}
const reference = JSON.parse(readFileSync(MULTILABEL_REFERENCE, 'utf8')) as Reference;
const TOLERANCE = 1e-5;

test('a multilabel output through onnxruntime: the metrics of scikit-learn at the binding\'s per-label thresholds, the overall score and gates', async () => {
  const { storeDir, runId } = await multilabelRun();
  const { thresholds, metrics: expected } = reference.cases.per_label_thresholds!;
  assert.deepEqual(readManifest(storeDir, runId).outputs.topics?.threshold, thresholds, 'the manifest records the thresholds');

  // The model computes what the reference scored, in float32.
  const records = readRecords(storeDir, runId);
  assert.equal(records.length, reference.scores.length);
  for (const record of records) {
    reference.scores[record.index]!.forEach((s, j) => assert.ok(Math.abs(record.outputs.topics![j]! - s) < 1e-6, `sample ${record.index} label ${j}`));
  }

  const results = readResults(storeDir, runId);
  const benchmark = results.benchmarks[0]!;
  const result = benchmark.outputs.topics as Record<string, unknown> & { per_label: Record<string, Record<string, number | null>> };
  for (const [metric, value] of Object.entries(expected)) {
    if (typeof value !== 'number') continue;
    assert.ok(Math.abs((result[metric] as number) - value) <= TOLERANCE, `${metric}: ${String(result[metric])} vs scikit-learn ${value}`);
    assert.equal(benchmark.metrics[metric], result[metric], `${metric} is a metric of the benchmark`);
  }
  expected.per_label.forEach((label, j) => {
    for (const [key, value] of Object.entries(label)) {
      const actual = result.per_label[String(j)]![key];
      if (value === null) assert.equal(actual, null);
      else assert.ok(Math.abs((actual as number) - (value as number)) <= TOLERANCE, `label ${j} ${key}: ${actual} vs ${value}`);
    }
  });
  assert.deepEqual(result.thresholds, thresholds);
  assert.equal(benchmark.overallScore, result.f1_micro, 'the overall score of a multilabel benchmark is its micro F1');
  assert.equal(results.overallScore, result.f1_micro);

  assert.deepEqual(
    results.gates.map((g) => [g.metric, g.passed]),
    [
      ['subset_accuracy', true],
      ['f1_micro', false],
    ],
  );
  assert.match(results.gates[1]!.message, /^f1_micro 0\.7457 < min 0\.8000$/);
});

test('the CLI: a failed gate on f1_micro is exit code 3; the Markdown report has the multilabel metrics and the per-label table', async () => {
  const { storeDir, runId } = await multilabelRun();
  const md = evalensSync(['runs', 'show', runId, '--runs-dir', storeDir, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /\| benchmark \| samples \| errors \| overall \| subset_accuracy \| hamming_loss \| f1_macro \| roc_auc_micro \|\n.*\n\| test \| 100 \| 0 \| 0\.7457 \| 0\.4400 \| 0\.1760 \| 0\.5696 \| 0\.9003 \|/);
  assert.match(md.stdout, /\*\*Per label\*\*/);
  assert.match(md.stdout, /\| science \(2\) \| 0\.4300 \| 0\.0000 \| 0\.0000 \| 0\.0000 \| 3 \| 0\.1024 \| 0\.8282 \|/);
  assert.match(md.stdout, /No sample is predicted label 2 at its threshold/);

  const dir = multilabelWorkspace();
  const config = writeEvalConfig(dir, 'evalens.eval.json', MULTILABEL_CONFIG);
  const failing = evalensSync(['eval', '--config', config, '--runs-dir', path.join(dir, 'runs')], { cwd: dir });
  assert.equal(failing.code, ExitCode.gateFailed, failing.stdout + failing.stderr);
  // The terminal's table: the multilabel headline metrics, none of the built-in ones taken for custom metrics.
  assert.match(failing.stdout, /benchmark +samples +errors +overall +subset_accuracy +hamming_loss +f1_macro +precision_macro +recall_macro +roc_auc_micro\n +test +100 +0 +0\.7457 +0\.4400 +0\.1760 +0\.5696 /);
  assert.match(failing.stdout + failing.stderr, /f1_micro 0\.7457 < min 0\.8000/);
});

test('a multi-hot ground truth holding another value fails the integration test and the run, naming the output, sample, label and encoder', async () => {
  const dir = multilabelWorkspace((source) => source.replace('Uint8Array.from(subset.data.y[index]!)', '(index === 7 ? Uint8Array.of(1, 0, 2, 0, 0) : Uint8Array.from(subset.data.y[index]!))'));
  const checked = await runIntegrationTest({ scriptPath: path.join(dir, MULTILABEL_SCRIPT) });
  const failed = checked.checks.filter((c) => c.status === 'failed');
  assert.deepEqual(failed.map((c) => [c.id, c.component]), [['ground-truth.range', 'groundTruth:topics']]);
  assert.match(failed[0]!.message, /Ground truth 'topics' is 2 for label 2 at sample 7 of subset 'test': a multilabel ground truth holds 0 or 1 per label\. Use shape \[classes\] with 0 \/ 1 per class\./);

  const result = evalensSync(['eval', '--config', writeEvalConfig(dir, 'evalens.eval.json', { ...MULTILABEL_CONFIG, gates: [] }), '--runs-dir', path.join(dir, 'runs'), '--json'], { cwd: dir });
  const summary = JSON.parse(result.stdout) as { status: string; error?: string };
  assert.equal(summary.status, 'failed', result.stdout);
  assert.equal(summary.error, "Output 'topics' (multilabel) cannot be scored at sample 7 of benchmark 'test': the ground truth of label 2 is 2; a multilabel ground truth holds 0 or 1 per label. Fix the ground-truth encoder 'topics' or the binding, then run the integration test.");
});

test('the integration passes the integration test; a threshold list of the wrong length, or out of [0, 1], is a definition error naming the field', async () => {
  const ok = await runIntegrationTest({ scriptPath: path.join(multilabelWorkspace(), MULTILABEL_SCRIPT) });
  assert.deepEqual(ok.checks.filter((c) => c.status === 'failed'), []);
  assert.ok(ok.checks.some((c) => c.id === 'ground-truth.range' && c.status === 'passed'));
  const invalid = (threshold: string) => runIntegrationTest({ scriptPath: path.join(multilabelWorkspace((s) => s.replace('threshold: THRESHOLDS', `threshold: ${threshold}`)), MULTILABEL_SCRIPT) });
  await assert.rejects(invalid('[0.5, 0.5]'), /model\.outputs\.topics\.threshold: holds 2 thresholds for 5 labels: give one per label, in the order of labels, or one number for all/);
  await assert.rejects(invalid('1.5'), /model\.outputs\.topics\.threshold: must be a probability from 0 to 1/);
});

test('a threshold on an output that is not multilabel is a definition error saying so', () => {
  const encoder = { shape: [1], dtype: 'float32', encode: () => new Float32Array(1) };
  const parsed = definitionSchema.safeParse({
    preprocess: () => ({}),
    inputs: { x: encoder },
    groundTruths: { y: encoder },
    model: { path: 'm.onnx', inputs: { x: 'x' }, outputs: { p: { role: 'prediction', task: 'binary', labels: ['no', 'yes'], groundTruth: 'y', threshold: 0.3 } } },
  });
  assert.ok(!parsed.success);
  assert.deepEqual(formatIssues(parsed.error), ['model.outputs.p.threshold: applies to multilabel outputs only; this output is binary: remove it']);
});

test('a run stopped halfway and resumed gives the multilabel results of an uninterrupted run, bit for bit', async () => {
  const { storeDir, runId } = await multilabelRun();
  const whole = readResults(storeDir, runId);
  // The encoder throws at sample 60 while MULTILABEL_STOP_AT says so: the run fails there, resumable, its earlier batches committed.
  const encoder = 'encode: (index, subset) => Float32Array.from(subset.data.x[index]!)';
  const dir = multilabelWorkspace((s) => s.replace(encoder, "encode: (index, subset) => { if (String(index) === process.env.MULTILABEL_STOP_AT) throw new Error('stopped'); return Float32Array.from(subset.data.x[index]!); }"));
  const runsDir = path.join(dir, 'runs');
  const config = writeEvalConfig(dir, 'evalens.eval.json', MULTILABEL_CONFIG);
  const stopped = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--json'], { cwd: dir, env: { MULTILABEL_STOP_AT: '60', EVALENS_COMMIT_EVERY_MS: '0' } });
  const id = onlyRunId(runsDir)!;
  const manifest = readManifest(runsDir, id);
  assert.equal(manifest.status, 'failed', stopped.stdout + stopped.stderr);
  assert.ok(manifest.checkpoint.records > 0 && manifest.checkpoint.records < 100, `committed ${manifest.checkpoint.records}`);

  const resumed = evalensSync(['resume', id, '--runs-dir', runsDir, '--json'], { cwd: dir });
  assert.equal(readManifest(runsDir, id).status, 'completed', resumed.stdout + resumed.stderr);
  const results = readResults(runsDir, id);
  assert.deepEqual(results.benchmarks[0]!.outputs.topics, whole.benchmarks[0]!.outputs.topics);
  assert.equal(results.overallScore, whole.overallScore);
});

test('a model returning logits, bound with activation \'logits\': a sigmoid per label, and the same metrics', async () => {
  const { storeDir, runId } = await multilabelRun();
  const probabilities = readResults(storeDir, runId).benchmarks[0]!.outputs.topics as Record<string, unknown>;
  const dir = multilabelWorkspace((s) => s.replace("activation: 'probabilities'", "activation: 'logits'"), true);
  const runsDir = path.join(dir, 'runs');
  evalensSync(['eval', '--config', writeEvalConfig(dir, 'evalens.eval.json', { ...MULTILABEL_CONFIG, gates: [] }), '--runs-dir', runsDir, '--json'], { cwd: dir });
  const id = onlyRunId(runsDir)!;
  assert.ok(readRecords(runsDir, id).some((r) => Array.from(r.outputs.topics!).some((v) => v < 0 || v > 1)), 'the model returns logits');
  const logits = readResults(runsDir, id).benchmarks[0]!.outputs.topics as Record<string, unknown>;
  const { metrics: expected } = reference.cases.per_label_thresholds!;
  for (const [metric, value] of Object.entries(expected)) {
    if (typeof value === 'number') assert.ok(Math.abs((logits[metric] as number) - value) <= TOLERANCE, `${metric}: ${String(logits[metric])} vs scikit-learn ${value}`);
  }
  assert.deepEqual(logits.per_label, probabilities.per_label, 'as with the model\'s own sigmoid');
});
