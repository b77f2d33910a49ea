/**
 * Two real runs to compare: the digits example's run (the CNN) and the same example with a
 * second model, a nearest-centroid classifier built here as ONNX (Flatten, MatMul, Add;
 * centroids of the train split), evaluated by the CLI into the same store. Same inputs,
 * another model: samples pair by input hash, and some flip each way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Comparison, ReportData } from '../../shared/report-data';
import { buildReportData } from '../../engine/report/report-data';
import { compareRuns } from '../../engine/report/compare-runs';
import { RunStore } from '../../engine/runs/run-store';
import { EXAMPLE_DIR, evaluate, writeConfig } from '../helpers/eval-runs';
import { buildModel, DataType } from '../helpers/onnx-writer';
import { digitsRun } from '../helpers/report-fixtures';

interface Digits {
  x: number[][];
  y: number[];
  train_index: number[];
}

/** logits_c = x·μ_c − ½‖μ_c‖²: the class whose train-split mean image is nearest wins; the means of the first `trainRows` train rows, when given. */
export function centroidModel(trainRows?: number): Uint8Array {
  const digits = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'data', 'digits.json'), 'utf8')) as Digits;
  const sums = Array.from({ length: 10 }, () => new Float64Array(64));
  const counts = new Array<number>(10).fill(0);
  for (const row of digits.train_index.slice(0, trainRows)) {
    const label = digits.y[row]!;
    counts[label]!++;
    digits.x[row]!.forEach((v, k) => (sums[label]![k]! += v));
  }
  const centroids = sums.map((sum, c) => Array.from(sum, (v) => v / counts[c]!));
  const weights = Array.from({ length: 64 * 10 }, (_, i) => centroids[i % 10]![Math.floor(i / 10)]!);
  const bias = centroids.map((mu) => -0.5 * mu.reduce((s, v) => s + v * v, 0));
  return buildModel({
    nodes: [
      { op: 'Flatten', inputs: ['image'], outputs: ['embedding'] },
      { op: 'MatMul', inputs: ['embedding', 'w'], outputs: ['scores'] },
      { op: 'Add', inputs: ['scores', 'b'], outputs: ['logits'] },
    ],
    inputs: [{ name: 'image', type: { tensor: DataType.FLOAT, dims: ['batch', 1, 8, 8] } }],
    outputs: [
      { name: 'logits', type: { tensor: DataType.FLOAT, dims: ['batch', 10] } },
      { name: 'embedding', type: { tensor: DataType.FLOAT, dims: ['batch', 64] } },
    ],
    initializers: [
      { name: 'w', dataType: DataType.FLOAT, dims: [64, 10], floats: weights },
      { name: 'b', dataType: DataType.FLOAT, dims: [10], floats: bias },
    ],
  });
}

let runs: Promise<{ storeDir: string; runA: string; runB: string }> | undefined;
let cached: Promise<{ report: ReportData; comparison: Comparison }> | undefined;

/** The two runs in one store: A the CNN (the digits example as shipped), B the nearest centroids. */
export function comparisonRuns(): Promise<{ storeDir: string; runA: string; runB: string }> {
  runs ??= (async () => {
    const { storeDir, runId } = await digitsRun();
    const dir = path.dirname(storeDir);
    writeFileSync(path.join(dir, 'digits_centroids.onnx'), centroidModel());
    const config = writeConfig(
      dir,
      (c) => {
        c.name = 'digits: nearest centroid';
        c.model = { path: './digits_centroids.onnx' };
        delete c.gates;
      },
      'centroids.eval.json',
    );
    return { storeDir, runA: runId, runB: evaluate(config, storeDir).runId };
  })();
  return runs;
}

/** The CNN run's report, and its comparison with the nearest-centroid run (A = CNN, B = centroids). */
export function comparisonFixture(): Promise<{ report: ReportData; comparison: Comparison }> {
  cached ??= (async () => {
    const { storeDir, runA, runB } = await comparisonRuns();
    const store = new RunStore(storeDir);
    const a = store.read(runA);
    return { report: await buildReportData(store, a), comparison: await compareRuns(store, a, store.read(runB)) };
  })();
  return cached;
}
