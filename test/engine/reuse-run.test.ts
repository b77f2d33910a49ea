/**
 * `evalens eval --reuse <runId>`: a run that takes the model outputs of a completed run gives
 * the records and results a full run gives, before and after the integration is edited; what
 * cannot be reused is refused before anything is created, and a killed reuse run resumes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyExample, evalensSync, evaluate, readManifest, readResults, tryReadManifest, writeConfig } from '../helpers/eval-runs';
import { CLI } from '../helpers/paths';
import { withWeights } from '../helpers/onnx-edit';
import { writeCheckpoints } from '../helpers/checkpoint-series';
import { textWorkspace } from '../helpers/text-workspace';

const TOTAL = 840;

/** Results as a run of another id would have them. */
function resultsOf(runsDir: string, runId: string) {
  const { runId: _, ...results } = readResults(runsDir, runId);
  return results;
}

function file(runsDir: string, runId: string, name: string): Buffer {
  return readFileSync(path.join(runsDir, runId, name));
}

function reuse(config: string, runsDir: string, source: string, env?: NodeJS.ProcessEnv) {
  const result = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--reuse', source, '--json'], { cwd: path.dirname(config), env });
  return { ...result, summary: JSON.parse(result.stdout) as { runId: string; status: string; reuse?: { runId: string; reused: number; inferred: number }; error?: { message: string } } };
}

/** The example's script with a metric edited, a metric and metadata added, and the input of every tenth sample changed. */
function editScript(dir: string, changeInputs: boolean): void {
  const script = path.join(dir, 'digits.integration.ts');
  let text = readFileSync(script, 'utf8');
  text = text.replace('return first - second;', 'return (first - second) ** 2;');
  text = text.replace("losses: {", "losses: {\n    top_probability: ({ outputs }) => Math.max(...softmax(outputs.logits as Float32Array)),");
  text = text.replace('source_row: (index, subset) => subset.data.rows[index]!,', 'source_row: (index, subset) => subset.data.rows[index]!,\n    odd_row: (index, subset) => subset.data.rows[index]! % 2 === 1,');
  if (changeInputs) {
    text = text.replace(
      'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),',
      'encode: (index, subset) => {\n        const image = Float32Array.from(pixels(index, subset.data));\n        if (index % 10 === 0) image[0] = 0.123;\n        return image;\n      },',
    );
  }
  writeFileSync(script, text);
}

test('eval --reuse with nothing changed: the records, embeddings and results of a full run, without running the model', () => {
  const dir = copyExample();
  const runsDir = path.join(dir, 'runs');
  const config = path.join(dir, 'evalens.eval.json');
  const full = evaluate(config, runsDir).runId;
  const { code, summary } = reuse(config, runsDir, full);
  assert.equal(code, 0);
  assert.deepEqual(summary.reuse, { runId: full, reused: TOTAL, inferred: 0 });
  assert.deepEqual(resultsOf(runsDir, summary.runId), resultsOf(runsDir, full));
  assert.ok(file(runsDir, summary.runId, 'records.jsonl').equals(file(runsDir, full, 'records.jsonl')), 'records.jsonl byte for byte');
  assert.ok(file(runsDir, summary.runId, 'embeddings.embedding.f32').equals(file(runsDir, full, 'embeddings.embedding.f32')));
  const manifest = readManifest(runsDir, summary.runId);
  assert.match(manifest.events.find((e) => e.kind === 'reused')!.message, new RegExp(`took the model outputs of ${TOTAL} samples from run ${full}; 0 ran the model`));
  const text = evalensSync(['runs', 'show', summary.runId, '--runs-dir', runsDir]);
  assert.equal(text.code, 0);
});

test('eval --reuse after the integration is edited: the results of a full run of the edited script; changed inputs run the model', () => {
  const dir = copyExample();
  const runsDir = path.join(dir, 'runs');
  const config = path.join(dir, 'evalens.eval.json');
  const before = evaluate(config, runsDir).runId;
  editScript(dir, true);
  const reused = reuse(config, runsDir, before);
  assert.equal(reused.code, 0, reused.stderr);
  const full = evaluate(config, runsDir).runId;

  const records = readFileSync(path.join(runsDir, full, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; metrics: Record<string, number>; metadata: Record<string, unknown> });
  const changed = records.filter((r) => r.index % 10 === 0).length;
  assert.ok(changed > 50 && changed < TOTAL, `${changed} changed samples`);
  assert.deepEqual(reused.summary.reuse, { runId: before, reused: TOTAL - changed, inferred: changed });
  // The edits show: the squared margin, a new loss and new metadata.
  assert.ok(records.every((r) => 'odd_row' in r.metadata && r.metrics.confidence_margin! >= 0));
  assert.ok(file(runsDir, reused.summary.runId, 'records.jsonl').equals(file(runsDir, full, 'records.jsonl')), 'records.jsonl byte for byte');
  assert.ok(file(runsDir, reused.summary.runId, 'embeddings.embedding.f32').equals(file(runsDir, full, 'embeddings.embedding.f32')));
  const results = resultsOf(runsDir, reused.summary.runId);
  assert.deepEqual(results, resultsOf(runsDir, full));
  assert.notDeepEqual(results.benchmarks[0]!.metrics.confidence_margin, resultsOf(runsDir, before).benchmarks[0]!.metrics.confidence_margin);
  assert.equal(typeof results.benchmarks[0]!.metrics.top_probability, 'number');
  const text = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--reuse', before]);
  assert.match(text.stdout, new RegExp(`Reused the model outputs of ${TOTAL - changed} samples from run ${before}; ${changed} ran the model`));
});

test('eval --reuse refuses, before creating a run, what it cannot reuse (exit 2, naming the run and what differs)', () => {
  const dir = copyExample();
  const runsDir = path.join(dir, 'runs');
  const config = path.join(dir, 'evalens.eval.json');
  const source = evaluate(config, runsDir).runId;
  const runs = () => readdirSync(runsDir).sort();
  const before = runs();

  // Another model: same architecture, other weights.
  writeFileSync(path.join(dir, 'other.onnx'), withWeights(readFileSync(path.join(dir, 'digits_cnn.onnx')), (w) => w.forEach((v, i) => (w[i] = v * 1.01))));
  const other = writeConfig(dir, (c) => (c.model = { path: 'other.onnx' }), 'other.eval.json');
  let result = reuse(other, runsDir, source);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`Cannot reuse the model outputs of run ${source}: it evaluated digits_cnn\\.onnx \\(sha256 [0-9a-f]{12}…\\), and this config evaluates other\\.onnx .*another model gives other outputs\\. Evaluate without --reuse\\.`));

  // An output the run did not record.
  copyFileSync(path.join(dir, 'digits.integration.ts'), path.join(dir, 'more.integration.ts'));
  const script = path.join(dir, 'more.integration.ts');
  writeFileSync(script, readFileSync(script, 'utf8').replace("embedding: { role: 'latent' },", "embedding: { role: 'latent' },\n      hidden: { role: 'latent', tensor: 'embedding' },"));
  const more = writeConfig(dir, (c) => (c.integration = 'more.integration.ts'), 'more.eval.json');
  result = reuse(more, runsDir, source);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /the integration now binds output 'hidden', which that run did not record/);

  // A checkpoint series has a model per checkpoint.
  writeCheckpoints(path.join(dir, 'digits_cnn.onnx'), path.join(dir, 'checkpoints'));
  const series = writeConfig(dir, (c) => (c.model = { path: 'checkpoints', checkpoint: 'all' }), 'series.eval.json');
  result = reuse(series, runsDir, source);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /a checkpoint series has no single model to take outputs from or for/);

  result = reuse(config, runsDir, '20200101-000000-abcdef');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /No run '20200101-000000-abcdef'/);
  assert.deepEqual(runs(), before, 'nothing created');
});

test('eval --reuse refuses a text output: a run keeps its decoded text, not the values to decode again', () => {
  const dir = textWorkspace();
  const runsDir = path.join(dir, 'runs');
  const config = path.join(dir, 'evalens.eval.json');
  const source = evaluate(config, runsDir).runId;
  const result = reuse(config, runsDir, source);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`Cannot reuse the model outputs of run ${source}: output 'ids' was decoded as text there: a run keeps the decoded text, not the model's values, so it cannot be decoded or scored again\\. Evaluate without --reuse\\.`));
  assert.deepEqual(readdirSync(runsDir), [source]);
});

test('a reuse run killed with -9 resumes to the results of an uninterrupted one, still reusing', { skip: process.platform !== 'linux' && 'kills a process tree' }, async () => {
  const dir = copyExample();
  const runsDir = path.join(dir, 'runs');
  const config = writeConfig(dir, (c) => (c.batchSize = 4));
  const source = evaluate(config, runsDir).runId;
  editScript(dir, true);
  // Slow enough to be killed in the middle: each sample's metadata waits a little.
  const script = path.join(dir, 'digits.integration.ts');
  writeFileSync(script, readFileSync(script, 'utf8').replace('source_row: (index, subset) => subset.data.rows[index]!,', 'source_row: (index, subset) => {\n      const until = Date.now() + 2;\n      while (Date.now() < until);\n      return subset.data.rows[index]!;\n    },'));
  const env = { ...process.env, NO_COLOR: '1', EVALENS_COMMIT_EVERY_MS: '0' };
  const child = spawn(process.execPath, [CLI, 'eval', '--config', config, '--runs-dir', runsDir, '--reuse', source, '--json'], { cwd: dir, env, stdio: 'ignore', detached: true });
  let runId: string | undefined;
  for (let i = 0; i < 2000; i++) {
    await sleep(10);
    runId = readdirSync(runsDir).find((r) => r !== source);
    const manifest = runId === undefined ? undefined : tryReadManifest(runsDir, runId);
    if (manifest !== undefined && manifest.checkpoint.records > 200) break;
  }
  process.kill(-child.pid!, 'SIGKILL');
  await sleep(200);
  const killed = readManifest(runsDir, runId!);
  assert.ok(killed.checkpoint.records > 0 && killed.checkpoint.records < TOTAL, `killed at ${killed.checkpoint.records} samples`);
  assert.ok(killed.reuse!.reused + killed.reuse!.inferred <= killed.checkpoint.records);

  const resumed = evalensSync(['resume', runId!, '--runs-dir', runsDir, '--json'], { cwd: dir, env });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const full = evaluate(config, runsDir).runId;
  assert.deepEqual(resultsOf(runsDir, runId!), resultsOf(runsDir, full));
  assert.ok(file(runsDir, runId!, 'records.jsonl').equals(file(runsDir, full, 'records.jsonl')));
  const done = readManifest(runsDir, runId!).reuse!;
  const changed = readFileSync(path.join(runsDir, full, 'records.jsonl'), 'utf8').trim().split('\n').filter((l) => (JSON.parse(l) as { index: number }).index % 10 === 0).length;
  assert.deepEqual(done, { runId: source, reused: TOTAL - changed, inferred: changed });
});
