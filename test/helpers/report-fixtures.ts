/**
 * Real run stores for the report's tests (engine, webview, panel): each is produced by the
 * built CLI (`dist/cli.js eval`, onnxruntime) in a temporary folder, once per test process,
 * and returned as the store folder and the run's id. Build first: `npm run build`.
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildModel, DataType } from './onnx-writer';
import { copyExample, evaluate, writeEvalConfig } from './eval-runs';
import { ROOT } from './paths';
import { textWorkspace } from './text-workspace';

export interface RunFixture {
  /** The run store (an `--runs-dir`). */
  storeDir: string;
  runId: string;
}

const REPORT_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'report');
const cache = new Map<string, Promise<RunFixture>>();

function cached(key: string, make: () => RunFixture): Promise<RunFixture> {
  let run = cache.get(key);
  if (run === undefined) {
    // A failed fixture is not cached: the next test gets the error again, not a stale rejection.
    run = Promise.resolve().then(make);
    run.catch(() => cache.delete(key));
    cache.set(key, run);
  }
  return run;
}

/** examples/digits as shipped: a 10-class CNN on the test split (540) and a train sample (300), with gates. */
export function digitsRun(): Promise<RunFixture> {
  return cached('digits', () => {
    const dir = copyExample('evalens-report-digits-');
    const storeDir = path.join(dir, '.evalens');
    return { storeDir, runId: evaluate(path.join(dir, 'evalens.eval.json'), storeDir).runId };
  });
}

/** The breast-cancer logistic regression on its test split (171), binary; one sample's metadata holds markup. */
export function binaryRun(): Promise<RunFixture> {
  return cached('binary', () => {
    const dir = scratchWith('bc-binary.integration.ts');
    copyFileSync(path.join(ROOT, 'test', 'fixtures', 'models', 'bc_logreg.onnx'), path.join(dir, 'bc_logreg.onnx'));
    return evaluateIn(dir, {
      name: 'breast cancer: logistic regression',
      integration: 'bc-binary.integration.ts',
      benchmarks: [{ name: 'test', subset: 'test' }],
      batchSize: 32,
      gates: [{ benchmark: 'test', metric: 'accuracy', min: 0.95 }, { metric: 'roc_auc', min: 0.9 }],
    });
  });
}

/** The digits example whose image encoder throws on sample 37 of 'test', with room for that error: a completed run with one per-sample error at a script line. */
export function sampleErrorRun(): Promise<RunFixture> {
  return cached('sample-error', () => {
    const dir = copyExample('evalens-report-sample-error-');
    const script = path.join(dir, 'digits.integration.ts');
    const encoder = 'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),';
    const source = readFileSync(script, 'utf8');
    if (!source.includes(encoder)) throw new Error(`examples/digits/digits.integration.ts no longer has the line this fixture changes: ${encoder}`);
    writeFileSync(script, source.replace(encoder, "encode: (index, subset) => { if (index === 37 && subset.length === 540) throw new Error('no pixels for this digit'); return Float32Array.from(pixels(index, subset.data)); },"));
    return evaluateIn(dir, { name: 'digits: one sample fails', integration: 'digits.integration.ts', benchmarks: [{ name: 'test', subset: 'test' }], maxSampleErrors: 3 });
  });
}

/** A text output (token ids decoded to sentences) scored with BLEU and exact match against bleu_pairs.json's references (50 samples). */
export function textRun(): Promise<RunFixture> {
  return cached('text', () => {
    const dir = textWorkspace();
    const storeDir = path.join(dir, '.evalens');
    return { storeDir, runId: evaluate(path.join(dir, 'evalens.eval.json'), storeDir).runId };
  });
}

/**
 * Weights of bc_area_linear.onnx: least squares of 'mean area' on 'mean texture', 'mean
 * smoothness' and 'mean concavity' over the test split (numpy.linalg.lstsq, rounded).
 */
export const AREA_WEIGHTS: Readonly<Record<number, number>> = { 1: 0.13, 4: -0.11, 6: 0.55 };

/** A linear regression of the breast-cancer mean area (171 samples), its ONNX model built here. */
export function regressionRun(): Promise<RunFixture> {
  return cached('regression', () => {
    const dir = scratchWith('bc-regression.integration.ts');
    const weights = Array.from({ length: 30 }, (_, k) => AREA_WEIGHTS[k] ?? 0);
    writeFileSync(
      path.join(dir, 'bc_area_linear.onnx'),
      buildModel({
        nodes: [{ op: 'MatMul', inputs: ['features', 'w'], outputs: ['area'] }],
        inputs: [{ name: 'features', type: { tensor: DataType.FLOAT, dims: ['batch', 30] } }],
        outputs: [{ name: 'area', type: { tensor: DataType.FLOAT, dims: ['batch', 1] } }],
        initializers: [{ name: 'w', dataType: DataType.FLOAT, dims: [30, 1], floats: weights }],
      }),
    );
    return evaluateIn(dir, {
      name: 'breast cancer: mean area, linear',
      integration: 'bc-regression.integration.ts',
      benchmarks: [{ name: 'test', subset: 'test' }],
      batchSize: 64,
      gates: [{ metric: 'r2', min: 0.3 }],
    });
  });
}

/** The digits CNN on its test split repeated to `samples` samples (the 100k report benchmark), with metadata, a custom metric and a loss. */
export function largeDigitsRun(samples: number): Promise<RunFixture> {
  return cached(`digits-${samples}`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evalens-report-large-'));
    return evaluateIn(dir, {
      name: `digits repeated to ${samples} samples`,
      integration: path.join(REPORT_FIXTURES, 'digits-repeated.integration.ts'),
      benchmarks: [{ name: 'test', subset: 'test', parameters: { samples } }],
      batchSize: 256,
      memoryLimitMb: 2048,
    });
  });
}

/** A scratch folder holding an integration of test/fixtures/report and its data. */
function scratchWith(script: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-report-'));
  copyFileSync(path.join(REPORT_FIXTURES, script), path.join(dir, script));
  cpSync(path.join(REPORT_FIXTURES, 'data'), path.join(dir, 'data'), { recursive: true });
  return dir;
}

function evaluateIn(dir: string, config: Record<string, unknown>): RunFixture {
  const storeDir = path.join(dir, '.evalens');
  return { storeDir, runId: evaluate(writeEvalConfig(dir, 'evalens.eval.json', config), storeDir).runId };
}
