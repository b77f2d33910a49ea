import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareRuns } from '../../../engine/report/compare-runs';
import { sampleDetail } from '../../../engine/report/sample-detail';
import { RunStore } from '../../../engine/runs/run-store';
import { comparisonSchema, type Comparison } from '../../../shared/report-data';
import { evaluate, writeEvalConfig } from '../../helpers/eval-runs';
import { buildModel, DataType } from '../../helpers/onnx-writer';

/**
 * Two real runs built so every number of their comparison is known by hand: 8 samples with
 * two features (a, b) and a 0/1 label; model A predicts from a (sigmoid of a), model B from
 * b. Sample 7's input differs in run B (so it cannot be paired), and run B has one more
 * benchmark.
 */
const SAMPLES = [
  // a,  b, label     A      B
  [2, 2, 1], //       right  right
  [2, -2, 1], //      right  wrong
  [-2, 2, 1], //      wrong  right
  [-2, -2, 0], //     right  right
  [2, -2, 0], //      wrong  right
  [-2, 2, 0], //      right  wrong
  [2, -2, 0], //      wrong  right
  [1, 1, 1], //       right  right (input changed in B: unpaired)
];

let comparison: Comparison;
let store: RunStore;
let runA = '';

before(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-compare-'));
  for (const [name, weights] of [['a.onnx', [1, 0]], ['b.onnx', [0, 1]]] as const) {
    writeFileSync(
      path.join(dir, name),
      buildModel({
        nodes: [
          { op: 'MatMul', inputs: ['x', 'w'], outputs: ['logit'] },
          { op: 'Sigmoid', inputs: ['logit'], outputs: ['p'] },
        ],
        inputs: [{ name: 'x', type: { tensor: DataType.FLOAT, dims: ['batch', 2] } }],
        outputs: [{ name: 'p', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
        initializers: [{ name: 'w', dataType: DataType.FLOAT, dims: [2, 1], floats: [...weights] }],
      }),
    );
  }
  writeFileSync(
    path.join(dir, 'pairs.integration.js'),
    `const { defineIntegration } = require('evalens');
const SAMPLES = ${JSON.stringify(SAMPLES)};
module.exports = defineIntegration({
  preprocess: (ctx) => ({ test: { length: SAMPLES.length, data: ctx.parameters.changed === true } }),
  inputs: { x: { shape: [2], dtype: 'float32', encode: (i, subset) => (i === 7 && subset.data ? Float32Array.of(1.5, 1.5) : Float32Array.of(SAMPLES[i][0], SAMPLES[i][1])) } },
  groundTruths: { label: { shape: [], dtype: 'int64', encode: (i) => BigInt64Array.of(BigInt(SAMPLES[i][2])) } },
  model: { path: 'a.onnx', inputs: { x: 'x' }, outputs: { p: { role: 'prediction', task: 'binary', labels: ['no', 'yes'], groundTruth: 'label', activation: 'probabilities' } } },
});
`,
  );
  const runsDir = path.join(dir, 'runs');
  const config = (model: string, benchmarks: unknown[]) => ({ name: model, integration: 'pairs.integration.js', model: { path: model }, benchmarks, batchSize: 4 });
  runA = evaluate(writeEvalConfig(dir, 'a.eval.json', config('a.onnx', [{ name: 'test', subset: 'test' }])), runsDir).runId;
  const runB = evaluate(
    writeEvalConfig(dir, 'b.eval.json', config('b.onnx', [{ name: 'test', subset: 'test', parameters: { changed: true } }, { name: 'holdout', subset: 'test' }])),
    runsDir,
  ).runId;
  store = new RunStore(runsDir);
});

test('samples pair by index and input hash; flips and metric deltas are the hand-computed ones', async () => {
  comparison = comparisonSchema.parse(await compareRuns(store, store.read(runA), store.read(store.all().find((m) => m.runId !== runA)!.runId)));
  assert.deepEqual(comparison.onlyInA, []);
  assert.deepEqual(comparison.onlyInB, ['holdout']);
  const [bench] = comparison.benchmarks;
  assert.equal(bench!.name, 'test');
  assert.equal(bench!.paired, 7);
  // Sample 7 of each run: same index, another input hash.
  assert.equal(bench!.unpaired, 2);
  assert.deepEqual(
    bench!.rightToWrong.map((s) => [s.index, s.truth, s.predictedA, s.predictedB]),
    [
      [1, 'yes', 'yes', 'no'],
      [5, 'no', 'no', 'yes'],
    ],
  );
  assert.deepEqual(
    bench!.wrongToRight.map((s) => [s.index, s.truth, s.predictedA, s.predictedB]),
    [
      [2, 'yes', 'no', 'yes'],
      [4, 'no', 'yes', 'no'],
      [6, 'no', 'yes', 'no'],
    ],
  );
  assert.match(bench!.rightToWrong[0]!.inputHash, /^[0-9a-f]{16}$/);
  const accuracy = bench!.metrics.find((m) => m.metric === 'accuracy')!;
  assert.deepEqual([accuracy.a, accuracy.b], [5 / 8, 6 / 8]);
  assert.ok(Math.abs(accuracy.delta! - 0.125) < 1e-12);
  // A: predictions 1 1 0 0 1 0 1 1 against labels 1 1 1 0 0 0 0 1; B: 1 0 1 0 0 1 0 1.
  const expected: Record<string, Record<string, [number, number]>> = {
    yes: { precision: [3 / 5, 3 / 4], recall: [3 / 4, 3 / 4], f1: [2 / 3, 3 / 4] },
    no: { precision: [2 / 3, 3 / 4], recall: [2 / 4, 3 / 4], f1: [4 / 7, 3 / 4] },
  };
  assert.deepEqual(bench!.perClass.map((c) => c.label), ['no', 'yes']);
  for (const row of bench!.perClass) {
    for (const m of row.metrics) {
      const [a, b] = expected[row.label]![m.metric]!;
      assert.ok(Math.abs(m.a! - a) < 1e-12 && Math.abs(m.b! - b) < 1e-12 && Math.abs(m.delta! - (b - a)) < 1e-12, `${row.label} ${m.metric}: ${JSON.stringify(m)}`);
    }
  }
});

test('McNemar counts the flips of the paired samples; the intervals are of the paired samples\' accuracy and F1', () => {
  const [bench] = comparison.benchmarks;
  // b = right in A only (samples 1, 5), c = right in B only (2, 4, 6): p = 2·P(X ≤ 2), X ~ Bin(5, ½) = 2·16/32, at most 1.
  assert.deepEqual(bench!.mcnemar, { output: 'p', samples: 7, b: 2, c: 3, pValue: 1 });
  assert.deepEqual(comparison.bootstrap, { resamples: 2000, seed: 1, confidence: 0.95 });
  assert.deepEqual(comparison.notes, []);
  const [accuracy, f1] = bench!.intervals!;
  // Paired samples 0-6: A right on 0, 1, 3, 5; B right on 0, 2, 3, 4, 6.
  assert.deepEqual([accuracy!.metric, accuracy!.a, accuracy!.b], ['accuracy', 4 / 7, 5 / 7]);
  // Positive class 'yes' (truth 1 1 1 0 0 0 0): A predicts 1 1 0 0 1 0 1 (TP 2, FP 2, FN 1), B 1 0 1 0 0 1 0 (TP 2, FP 1, FN 1).
  assert.equal(f1!.metric, 'f1');
  assert.ok(Math.abs(f1!.a - 4 / 7) < 1e-12 && Math.abs(f1!.b - 2 / 3) < 1e-12, JSON.stringify(f1));
  for (const x of [accuracy!, f1!]) assert.ok(x.low <= x.delta && x.delta <= x.high && x.low < x.high, JSON.stringify(x));
});

test('a sample detail gives the class probabilities of its outputs', async () => {
  const detail = await sampleDetail(store, store.read(runA), 'test', 1);
  assert.equal(detail.index, 1);
  const p = 1 / (1 + Math.exp(-2));
  const [output] = detail.probabilities;
  assert.equal(output!.output, 'p');
  assert.deepEqual(output!.classes.map((c) => c.label), ['no', 'yes']);
  assert.ok(Math.abs(output!.classes[1]!.probability - p) < 1e-6 && Math.abs(output!.classes[0]!.probability - (1 - p)) < 1e-6);
  assert.deepEqual(detail.visuals, []);
  await assert.rejects(sampleDetail(store, store.read(runA), 'test', 8), /positions 0 to 7; 8 is not one of them/);
  await assert.rejects(sampleDetail(store, store.read(runA), 'nope', 0), /has no benchmark 'nope'; its benchmarks are 'test'/);
});
