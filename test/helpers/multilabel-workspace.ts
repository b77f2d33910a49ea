import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluate, writeEvalConfig } from './eval-runs';
import { buildModel, DataType } from './onnx-writer';
import { INTEGRATIONS, ROOT } from './paths';
import type { RunFixture } from './report-fixtures';

/**
 * A workspace with a multilabel output, and its run: test/fixtures/integrations/multilabel.integration.ts,
 * the test split and model weights of multilabel_reference.json (make_multilabel_reference.py,
 * scikit-learn 1.2), and multilabel.onnx built from those weights here (Gemm + Sigmoid, float32).
 */

export const MULTILABEL_REFERENCE = path.join(ROOT, 'test', 'fixtures', 'reference', 'multilabel_reference.json');
export const MULTILABEL_SCRIPT = 'multilabel.integration.ts';

interface Weights {
  weights: number[][];
  bias: number[];
}

/** The model of the reference: probabilities = sigmoid(features · weights + bias), one per label; with `logits`, without the sigmoid. */
export function multilabelModel(logits = false): Uint8Array {
  const { weights, bias } = JSON.parse(readFileSync(MULTILABEL_REFERENCE, 'utf8')) as Weights;
  const features = weights.length;
  const labels = bias.length;
  return buildModel({
    nodes: logits
      ? [{ op: 'Gemm', inputs: ['features', 'weights', 'bias'], outputs: ['topics'] }]
      : [
          { op: 'Gemm', inputs: ['features', 'weights', 'bias'], outputs: ['logits'] },
          { op: 'Sigmoid', inputs: ['logits'], outputs: ['topics'] },
        ],
    inputs: [{ name: 'features', type: { tensor: DataType.FLOAT, dims: ['batch', features] } }],
    outputs: [{ name: 'topics', type: { tensor: DataType.FLOAT, dims: ['batch', labels] } }],
    initializers: [
      { name: 'weights', dataType: DataType.FLOAT, dims: [features, labels], floats: weights.flat() },
      { name: 'bias', dataType: DataType.FLOAT, dims: [labels], floats: bias },
    ],
  });
}

/** A scratch folder with the integration (its source changed by `edit`), its data and model (returning logits, with `logits`). */
export function multilabelWorkspace(edit: (source: string) => string = (s) => s, logits = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-multilabel-'));
  writeFileSync(path.join(dir, MULTILABEL_SCRIPT), edit(readFileSync(path.join(INTEGRATIONS, MULTILABEL_SCRIPT), 'utf8')));
  mkdirSync(path.join(dir, 'data'));
  copyFileSync(MULTILABEL_REFERENCE, path.join(dir, 'data', 'multilabel_reference.json'));
  writeFileSync(path.join(dir, 'multilabel.onnx'), multilabelModel(logits));
  return dir;
}

/** The eval config of the workspace: its test split, gated on subset accuracy (passes) and micro F1 (fails). */
export const MULTILABEL_CONFIG = {
  name: 'topics: logistic regression per label',
  integration: MULTILABEL_SCRIPT,
  benchmarks: [{ name: 'test', subset: 'test' }],
  batchSize: 16,
  gates: [
    { metric: 'subset_accuracy', min: 0.4 },
    { benchmark: 'test', metric: 'f1_micro', min: 0.8 },
  ],
};

let run: Promise<RunFixture> | undefined;

/** The workspace evaluated by the built CLI, once per test process. */
export function multilabelRun(): Promise<RunFixture> {
  run ??= Promise.resolve().then(() => {
    const dir = multilabelWorkspace();
    const storeDir = path.join(dir, '.evalens');
    return { storeDir, runId: evaluate(writeEvalConfig(dir, 'evalens.eval.json', MULTILABEL_CONFIG), storeDir).runId };
  });
  return run;
}
