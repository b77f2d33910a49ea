import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { textWorkspace } from '../helpers/text-workspace';
import { evalensSync } from '../helpers/eval-runs';
import { runIntegrationTest } from '../../engine/integration-test/run-integration-test';
import { ROOT } from '../helpers/paths';

/**
 * Text outputs end to end: a model that passes token ids through (Identity, int64), an
 * integration that decodes them to sentences, scored with corpus BLEU-4 against nltk's value
 * for the same 50 pairs.
 */

const reference = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'reference.json'), 'utf8')).bleu;

test('text outputs: corpus BLEU-4 and exact match through onnxruntime equal nltk', () => {
  const dir = textWorkspace();
  const result = evalensSync(['eval', '--runs-dir', path.join(dir, 'runs'), '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const summary = JSON.parse(result.stdout) as { overallScore: number; benchmarks: { metrics: Record<string, number> }[]; gates: { passed: boolean }[] };
  const metrics = summary.benchmarks[0]!.metrics;
  assert.ok(Math.abs(metrics.corpus_bleu4! - reference.corpus_bleu4) < 1e-9, `${metrics.corpus_bleu4} vs ${reference.corpus_bleu4}`);
  assert.ok(Math.abs(metrics.corpus_bleu4_smoothing_method1! - reference.corpus_bleu4_smoothing_method1) < 1e-9);
  assert.equal(typeof metrics.exact_match, 'number');
  assert.equal(summary.overallScore, metrics.corpus_bleu4, 'the overall score of a text benchmark is its BLEU-4');
  assert.deepEqual(summary.gates.map((g) => g.passed), [true]);

  const runId = (JSON.parse(result.stdout) as { runId: string }).runId;
  const md = evalensSync(['runs', 'show', runId, '--runs-dir', path.join(dir, 'runs'), '--format', 'md'], { cwd: dir });
  assert.match(md.stdout, /\| benchmark \| samples \| errors \| overall \| corpus_bleu4 \| exact_match \|/);
  const out = path.join(dir, 'export');
  assert.equal(evalensSync(['runs', 'export', runId, '--runs-dir', path.join(dir, 'runs'), '--out', out], { cwd: dir }).code, 0);
  const csv = readFileSync(path.join(out, 'predictions.csv'), 'utf8').split('\r\n');
  assert.match(csv[0]!, /ids\.text,ids\.references/);
  assert.match(csv[1]!, /large a data eval sample runs runs blue fast test mat green,large a data green blue small runs blue slow test mat green/);
});

test('text outputs: the integration test checks decode() and references() on every sample', async () => {
  const ok = await runIntegrationTest({ scriptPath: path.join(textWorkspace(), 'echo.integration.js') });
  assert.equal(ok.checks.find((c) => c.id === 'output.text')?.status, 'passed');
  const broken = await runIntegrationTest({ scriptPath: path.join(textWorkspace('(values) => values.length > 3 ? values : String(values)'), 'echo.integration.js') });
  const check = broken.checks.find((c) => c.id === 'output.text')!;
  assert.equal(check.status, 'failed');
  assert.match(check.message, /The text decoder of output 'ids' returned a BigInt64Array for sample 0 of subset 'test'; decode\(\) must return a string/);
});
