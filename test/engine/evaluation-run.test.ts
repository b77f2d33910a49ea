import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { runManifestSchema, runResultsSchema, type RunManifest } from '../../shared/run-types';
import { evalensSync, copyExample, writeConfig } from '../helpers/eval-runs';
import { CLI, ROOT } from '../helpers/paths';

interface Summary {
  runId: string;
  status: string;
  overallScore: number | null;
  benchmarks: { name: string; samples: number; errors: number; metrics: Record<string, number | null> }[];
  gates: { benchmark: string; metric: string; value: number | null; passed: boolean; message: string }[];
  error?: string;
}

const reference = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'reference.json'), 'utf8')).digits_cnn;

function run(dir: string, args: string[]) {
  const result = evalensSync([...args, '--runs-dir', path.join(dir, 'runs'), '--json'], { cwd: dir });
  return { ...result, summary: JSON.parse(result.stdout) as Summary };
}

function manifestOf(dir: string, runId: string): RunManifest {
  return runManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'runs', runId, 'manifest.json'), 'utf8')));
}

test('evalens eval on the example: metrics equal scikit-learn on the fixture, through onnxruntime', () => {
  const dir = copyExample();
  const { code, summary } = run(dir, ['eval']);
  assert.equal(code, 0);
  assert.equal(summary.status, 'completed');
  const testBench = summary.benchmarks.find((b) => b.name === 'test')!;
  assert.equal(testBench.samples, 540);
  assert.equal(testBench.metrics.accuracy, reference.accuracy);
  assert.equal(testBench.metrics.top_2_accuracy, reference.top_2_accuracy);
  for (const key of ['log_loss', 'f1_macro', 'precision_macro', 'recall_macro', 'f1_weighted', 'roc_auc_ovr_macro']) {
    assert.ok(Math.abs(testBench.metrics[key]! - reference[key]) < 1e-5, `${key}: ${testBench.metrics[key]} vs ${reference[key]}`);
  }
  // The custom loss of the example is the per-sample cross entropy: its mean is the log loss.
  assert.ok(Math.abs(testBench.metrics.cross_entropy! - reference.log_loss) < 1e-5);
  const results = runResultsSchema.parse(JSON.parse(readFileSync(path.join(dir, 'runs', summary.runId, 'results.json'), 'utf8')));
  const logits = results.benchmarks.find((b) => b.name === 'test')!.outputs.logits as { confusion_matrix: number[][] };
  assert.deepEqual(logits.confusion_matrix, reference.confusion_matrix);
  assert.equal(summary.benchmarks.find((b) => b.name === 'train-sample')!.samples, 300);
  assert.deepEqual(summary.gates.map((g) => [g.benchmark, g.metric, g.passed]), [
    ['test', 'accuracy', true],
    ['test', 'log_loss', true],
    ['train-sample', 'log_loss', true],
  ]);
  const weighted = (0.8518518518518519 * 540 + summary.benchmarks[1]!.metrics.accuracy! * 300) / 840;
  assert.ok(Math.abs(summary.overallScore! - weighted) < 1e-12, 'overall score: sample-weighted mean of benchmark scores');

  const manifest = manifestOf(dir, summary.runId);
  assert.equal(manifest.checkpoint.records, 840);
  assert.deepEqual(manifest.checkpoint.embeddings.embedding, { dim: 32, bytes: 840 * 32 * 4 });
  const first = JSON.parse(readFileSync(path.join(dir, 'runs', summary.runId, 'records.jsonl'), 'utf8').split('\n')[0]!);
  assert.match(first.inputHash, /^[0-9a-f]{16}$/);
  assert.deepEqual(Object.keys(first.metadata), ['ink.mean_intensity', 'ink.ink_pixels', 'ink.heavier_half', 'ink.faint', 'source_row']);
});

test('quality gates: a threshold exits 3; a baseline comparison passes or fails by change', () => {
  const dir = copyExample();
  const base = run(dir, ['eval']).summary;
  const strict = writeConfig(dir, (c) => (c.gates = [{ benchmark: 'test', metric: 'accuracy', min: 0.99 }]), 'strict.eval.json');
  const failed = run(dir, ['eval', '--config', strict]);
  assert.equal(failed.code, 3);
  assert.equal(failed.summary.status, 'completed');
  assert.match(failed.summary.gates[0]!.message, /accuracy 0\.8519 < min 0\.99/);

  const compare = writeConfig(
    dir,
    (c) =>
      (c.gates = [
        { benchmark: 'test', metric: 'accuracy', baseline: base.runId, minChange: -0.001 },
        { benchmark: 'test', metric: 'f1_macro', baseline: base.runId, minRelativeChange: 0.05 },
        { benchmark: 'test', metric: 'accuracy', baseline: '20200101-000000-abcdef', minChange: 0 },
      ]),
    'compare.eval.json',
  );
  const compared = run(dir, ['eval', '--config', compare]);
  assert.equal(compared.code, 3);
  assert.deepEqual(compared.summary.gates.map((g) => g.passed), [true, false, false]);
  assert.match(compared.summary.gates[0]!.message, /change \+0 ≥ -0\.0010/);
  assert.match(compared.summary.gates[1]!.message, /f1_macro changed by \+0\.00% against run .*below the allowed \+5\.00%/);
  assert.match(compared.summary.gates[2]!.message, /cannot compare with the baseline: No run '20200101-000000-abcdef'/);
});

const THROWS_AT_37 = `
import { defineIntegration } from 'evalens';
import base from './digits.integration';
export default defineIntegration({
  ...base,
  inputs: { image: { ...base.inputs.image, encode: (index, subset) => {
    if (subset.name === 'test' && (index === 37 || index === 90)) throw new Error('corrupt image ' + index);
    return base.inputs.image!.encode(index, subset);
  } } },
} as typeof base);
`;

test('a per-sample error fails the run at that sample, keeping the samples before it', () => {
  const dir = copyExample();
  writeFileSync(path.join(dir, 'throws.integration.ts'), THROWS_AT_37);
  const config = writeConfig(dir, (c) => (c.integration = 'throws.integration.ts'), 'throws.eval.json');
  const { code, summary } = run(dir, ['eval', '--config', config]);
  assert.equal(code, 1);
  assert.equal(summary.status, 'failed');
  assert.match(summary.error!, /input encoder 'image' at sample 37 of subset 'test' threw \(at .*throws\.integration\.ts:\d+:\d+\): corrupt image 37\. The run stops at 1 per-sample error \(maxSampleErrors is 0\)/);
  const manifest = manifestOf(dir, summary.runId);
  assert.equal(manifest.checkpoint.records, 37);
  assert.deepEqual(manifest.error && { sample: manifest.error.sample, benchmark: manifest.error.benchmark, component: manifest.error.component }, { sample: 37, benchmark: 'test', component: 'input:image' });

  const tolerant = writeConfig(dir, (c) => ((c.integration = 'throws.integration.ts'), (c.maxSampleErrors = 2)), 'tolerant.eval.json');
  const ok = run(dir, ['eval', '--config', tolerant]);
  assert.equal(ok.summary.status, 'completed');
  assert.equal(ok.summary.benchmarks[0]!.errors, 2);
  assert.equal(ok.summary.benchmarks[0]!.samples, 540);
  const records = readFileSync(path.join(dir, 'runs', ok.summary.runId, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(records.filter((r) => r.error).map((r) => [r.index, r.error.component]), [[37, 'input:image'], [90, 'input:image']]);
});

test('resume refuses when the integration changed since the run started, and --force is recorded', () => {
  const dir = copyExample();
  writeFileSync(path.join(dir, 'throws.integration.ts'), THROWS_AT_37);
  const config = writeConfig(dir, (c) => (c.integration = 'throws.integration.ts'), 'throws.eval.json');
  const failed = run(dir, ['eval', '--config', config]).summary;
  // The user fixes the script...
  writeFileSync(path.join(dir, 'throws.integration.ts'), THROWS_AT_37.replace('index === 37 || index === 90', 'false'));
  const refused = evalensSync(['resume', failed.runId, '--runs-dir', path.join(dir, 'runs')], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /cannot resume: the integration .*throws\.integration\.ts \(or a file it imports\) changed since it started/);
  assert.match(refused.stderr, /--force/);
  assert.equal(manifestOf(dir, failed.runId).status, 'failed', 'a refused resume changes nothing');

  const forced = run(dir, ['resume', failed.runId, '--force']);
  assert.equal(forced.code, 0);
  assert.equal(forced.summary.status, 'completed');
  const manifest = manifestOf(dir, failed.runId);
  assert.ok(manifest.events.some((e) => e.kind === 'forced-resume' && /changed/.test(e.message)));
  assert.equal(manifest.checkpoint.records, 840);
});

test('queued runs run in submission order, and the queue survives a restart', () => {
  const dir = copyExample();
  const first = run(dir, ['eval', '--submit']).summary;
  const second = run(dir, ['eval', '--submit']).summary;
  assert.equal(first.status, 'queued');
  // A new process (after a "restart") resuming the second run evaluates the first one first.
  const done = evalensSync(['resume', second.runId, '--runs-dir', path.join(dir, 'runs')], { cwd: dir });
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stderr, new RegExp(`Running queued run ${first.runId}`));
  const a = manifestOf(dir, first.runId);
  const b = manifestOf(dir, second.runId);
  assert.equal(a.status, 'completed');
  assert.equal(b.status, 'completed');
  const startedAt = (m: RunManifest) => m.events.find((e) => e.kind === 'started')!.at;
  assert.ok(startedAt(a) <= startedAt(b));
});

const SLOW = `
import { defineIntegration } from 'evalens';
import base from './digits.integration';
export default defineIntegration({
  ...base,
  inputs: { image: { ...base.inputs.image, encode: (index, subset) => {
    const until = Date.now() + 2;
    while (Date.now() < until);
    return base.inputs.image!.encode(index, subset);
  } } },
} as typeof base);
`;

test('Ctrl+C cancels at the next batch; resume finishes the run with every sample once', async () => {
  const dir = copyExample();
  // Slow the encoder down so there is time to interrupt.
  writeFileSync(path.join(dir, 'slow.integration.ts'), SLOW);
  const config = writeConfig(dir, (c) => ((c.integration = 'slow.integration.ts'), (c.batchSize = 16)), 'slow.eval.json');
  const child = spawn(process.execPath, [CLI, 'eval', '--config', config, '--runs-dir', path.join(dir, 'runs'), '--json'], { cwd: dir });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const code = await exited;
  const cancelled = JSON.parse(stdout) as Summary;
  assert.equal(code, 1);
  assert.equal(cancelled.status, 'cancelled');
  const partial = manifestOf(dir, cancelled.runId).checkpoint.records;
  assert.ok(partial > 0 && partial < 840, `cancelled part-way (${partial} samples)`);

  const resumed = run(dir, ['resume', cancelled.runId]);
  assert.equal(resumed.summary.status, 'completed');
  const records = readFileSync(path.join(dir, 'runs', cancelled.runId, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.length, 840);
  assert.equal(new Set(records.map((r) => `${r.benchmark}:${r.position}`)).size, 840);
  const events = manifestOf(dir, cancelled.runId).events.map((e) => e.kind);
  assert.deepEqual(events, ['submitted', 'started', 'cancelled', 'resumed', 'completed']);
});

test('a torn tail past the last checkpoint is dropped on resume', () => {
  const dir = copyExample();
  writeFileSync(path.join(dir, 'throws.integration.ts'), THROWS_AT_37);
  const config = writeConfig(dir, (c) => (c.integration = 'throws.integration.ts'), 'throws.eval.json');
  const failed = run(dir, ['eval', '--config', config]).summary;
  // A crash in the middle of an append leaves half a record behind.
  appendFileSync(path.join(dir, 'runs', failed.runId, 'records.jsonl'), '{"benchmark":"test","position":37,"ind');
  writeFileSync(path.join(dir, 'throws.integration.ts'), THROWS_AT_37.replace('index === 37 || index === 90', 'false'));
  const resumed = run(dir, ['resume', failed.runId, '--force']);
  assert.equal(resumed.summary.status, 'completed');
  const lines = readFileSync(path.join(dir, 'runs', failed.runId, 'records.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 840);
  assert.doesNotThrow(() => lines.forEach((l) => JSON.parse(l)));
});

test('without custom metrics the inference thread refills its output arrays: outputs and embeddings equal those of a run that does not', () => {
  const dir = copyExample();
  // No custom metrics or losses: no user code sees the outputs, so the runner hands the arrays back to be refilled.
  writeFileSync(
    path.join(dir, 'plain.integration.ts'),
    `import { defineIntegration } from 'evalens';
import base from './digits.integration';
export default defineIntegration({ ...base, metrics: undefined, losses: undefined } as typeof base);
`,
  );
  const plainConfig = writeConfig(dir, (c) => ((c.integration = 'plain.integration.ts'), (c.gates = [])), 'plain.eval.json');
  const full = run(dir, ['eval']);
  const plain = run(dir, ['eval', '--config', plainConfig]);
  assert.equal(plain.summary.status, 'completed', plain.stderr);
  const records = (id: string) => readFileSync(path.join(dir, 'runs', id, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { outputs: unknown; inputHash: string });
  const [a, b] = [records(full.summary.runId), records(plain.summary.runId)];
  assert.equal(b.length, 840);
  assert.deepEqual(b.map((r) => [r.inputHash, r.outputs]), a.map((r) => [r.inputHash, r.outputs]));
  const embeddings = (id: string) => readFileSync(path.join(dir, 'runs', id, 'embeddings.embedding.f32'));
  assert.ok(embeddings(plain.summary.runId).equals(embeddings(full.summary.runId)), 'embeddings differ');
  assert.equal(plain.summary.benchmarks.find((x) => x.name === 'test')!.metrics.accuracy, reference.accuracy);
});
