import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runIntegrationTest } from '../../engine/integration-test/run-integration-test';
import { spreadIndices } from '../../engine/integration-test/sample-indices';
import { integrationTestReportSchema, type CheckResult } from '../../shared/integration-test-report';
import { EXAMPLE_SCRIPT, fixture } from '../helpers/paths';

function problems(checks: CheckResult[]): CheckResult[] {
  return checks.filter((c) => c.status !== 'passed');
}

/** Each broken fixture changes one thing of the valid one and must fail exactly the matching checks. */
const BROKEN: Record<string, { failed: [id: string, component: string][]; sample?: number; says: RegExp[] }> = {
  'encoder-throws.integration.ts': {
    failed: [['encoder.runs', 'input:image']],
    sample: 37,
    says: [/Input encoder 'image' at sample 37 of subset 'test' threw/, /encoder-throws\.integration\.ts:10:\d+/, /pixel row missing for digit 37/],
  },
  'shape-changes.integration.ts': {
    failed: [['encoder.shape', 'input:image']],
    sample: 37,
    says: [/returned 63 elements at sample 37/, /shape \[1, 8, 8\] needs 64/],
  },
  'wrong-dtype.integration.js': {
    failed: [['encoder.dtype', 'input:image']],
    sample: 0,
    says: [/returned a Float64Array/, /dtype 'float32' needs a Float32Array/],
  },
  'nan-input.integration.ts': {
    failed: [['encoder.finite', 'input:image']],
    sample: 37,
    says: [/NaN at element 5 of sample 37/],
  },
  'metadata-nested.integration.ts': {
    failed: [['metadata.flat', 'metadata:geometry']],
    sample: 0,
    says: [/key 'size' holds a nested object \{width, height\}/, /'size\.width'/],
  },
  'metadata-type-flip.integration.ts': {
    failed: [['metadata.consistent', 'metadata:scanner']],
    sample: 37,
    says: [/key 'dpi' is a string \("300dpi"\) at sample 37 of subset 'test', but was a number \(300\) at sample 0/],
  },
  'metadata-missing-key.integration.ts': {
    failed: [['metadata.consistent', 'metadata:source']],
    sample: 37,
    says: [/at sample 37 of subset 'test' lacks key 'writer'/],
  },
  'preprocess-throws.integration.ts': {
    failed: [['preprocess.runs', 'preprocess']],
    says: [/Preprocess threw \(at .*preprocess-throws\.integration\.ts:8:\d+\)/, /no-such-file\.json/],
  },
  'unknown-model-input.integration.ts': {
    failed: [
      ['binding.input-fed', 'model-input:image'],
      ['binding.input-exists', 'input:image'],
    ],
    says: [/Model input 'image' \(float32 \[batch, 1, 8, 8\]\) of digits_cnn\.onnx is not fed/, /binds encoder 'image' to 'pixels', which digits_cnn\.onnx does not have/],
  },
  'shape-disagrees.integration.ts': {
    failed: [['binding.input-shape', 'input:image']],
    says: [/declares shape \[64\].*is \[batch, 1, 8, 8\]: the model expects 3 per-sample dims after the batch dim, the encoder declares 1/],
  },
  'labels-count.integration.ts': {
    failed: [['binding.labels-count', 'output:logits']],
    says: [/Output 'logits' is \[batch, 10\] \(10 values per sample\), but its classification binding lists 9 labels/],
  },
  'label-out-of-range.integration.ts': {
    failed: [['ground-truth.range', 'groundTruth:label']],
    sample: 37,
    says: [/Ground truth 'label' is 10 at sample 37 of subset 'test', outside the 10 classes/],
  },
  'metric-nan.integration.ts': {
    failed: [
      ['metric.finite', 'metric:ratio'],
      ['loss.finite', 'loss:log_margin'],
    ],
    sample: 37,
    says: [/Custom metric 'ratio' returned NaN for sample 37/, /Custom loss 'log_margin' returned Infinity for sample 37/],
  },
  'visualizer-throws.integration.ts': {
    failed: [['visualizer.runs', 'visualizer:image']],
    sample: 37,
    says: [/Image visualizer 'image' at sample 37 of subset 'test' threw/, /visualizer-throws\.integration\.ts:12:\d+/, /no thumbnail for digit 37/],
  },
  'visualizer-shape.integration.ts': {
    failed: [['visualizer.shape', 'visualizer:image']],
    sample: 37,
    says: [/Image visualizer 'image' returned 63 values at sample 37 of subset 'test', but width × height × channels = 8 × 8 × 1 = 64/],
  },
  'visualizer-range.integration.ts': {
    failed: [['visualizer.range', 'visualizer:image']],
    sample: 37,
    says: [/Image visualizer 'image' returned \d+ at value \d+ of sample 37 of subset 'test'\. Float32Array pixels must be in \[0, 1\]/],
  },
  'visualizer-text.integration.ts': {
    failed: [['visualizer.text', 'visualizer:label']],
    sample: 37,
    says: [/Text visualizer 'label' returned a number at sample 37 of subset 'test'\. draw\(\) of a text visualizer must return a string/],
  },
};

for (const [name, expected] of Object.entries(BROKEN)) {
  test(`integration test: ${name} fails ${expected.failed.map(([id]) => id).join(', ')}`, async () => {
    const report = await runIntegrationTest({ scriptPath: fixture(name) });
    integrationTestReportSchema.parse(report);
    assert.equal(report.ok, false);
    const failed = problems(report.checks).filter((c) => c.status === 'failed');
    assert.deepEqual(
      failed.map((c) => [c.id, c.component]),
      expected.failed,
    );
    for (const check of failed) {
      if (expected.sample !== undefined) {
        assert.equal(check.sample, expected.sample);
        assert.equal(check.subset, 'test');
      }
    }
    const messages = failed.map((c) => c.message).join('\n');
    for (const pattern of expected.says) assert.match(messages, pattern);
  });
}

test('a check failing on several samples reports the first and how many', async () => {
  const report = await runIntegrationTest({ scriptPath: fixture('wrong-dtype.integration.js') });
  const check = report.checks.find((c) => c.id === 'encoder.dtype')!;
  assert.equal(check.sample, 0);
  assert.equal(check.affected, 60);
});

test('a visualizer failing on one sample reports it once, with the other samples passing', async () => {
  const report = await runIntegrationTest({ scriptPath: fixture('visualizer-shape.integration.ts') });
  const shape = report.checks.find((c) => c.id === 'visualizer.shape')!;
  assert.equal(shape.affected, 1);
  assert.equal(report.checks.find((c) => c.id === 'visualizer.runs')!.message, 'ok on 60 samples');
  // A Uint8Array image has no range to check.
  assert.equal(report.checks.find((c) => c.id === 'visualizer.range'), undefined);
  assert.ok(report.timings.some((t) => t.component === 'visualizer:image' && t.samples === 60));
});

test('a throwing visualizer points at the line of the user script', async () => {
  const report = await runIntegrationTest({ scriptPath: fixture('visualizer-throws.integration.ts') });
  const check = report.checks.find((c) => c.id === 'visualizer.runs')!;
  assert.equal(check.location?.file, fixture('visualizer-throws.integration.ts'));
  assert.equal(check.location?.line, 12);
});

test('a throwing encoder points at the line of the user script', async () => {
  const report = await runIntegrationTest({ scriptPath: fixture('encoder-throws.integration.ts') });
  const check = report.checks.find((c) => c.id === 'encoder.runs')!;
  assert.equal(check.location?.file, fixture('encoder-throws.integration.ts'));
  assert.equal(check.location?.line, 10);
});

for (const name of ['valid.integration.ts', 'valid.integration.js', 'valid.integration.mjs']) {
  test(`integration test: ${name} passes every check`, async () => {
    const report = await runIntegrationTest({ scriptPath: fixture(name) });
    assert.deepEqual(problems(report.checks), []);
    assert.equal(report.ok, true);
    assert.equal(report.samplesChecked, 60);
    assert.deepEqual(report.subsets, [{ name: 'test', length: 60, checked: 60 }]);
  });
}

test('the digits example passes and runs every kind of check', async () => {
  const progress: string[] = [];
  const report = await runIntegrationTest({ scriptPath: EXAMPLE_SCRIPT, onProgress: (p) => progress.push(p.phase) });
  assert.deepEqual(problems(report.checks), []);
  assert.deepEqual(
    report.subsets.map((s) => [s.name, s.checked]),
    [
      ['train', 100],
      ['test', 100],
      ['unlabeled', 100],
    ],
  );
  const ids = new Set(report.checks.map((c) => c.id));
  for (const id of [
    'binding.input-fed', 'binding.input-exists', 'binding.input-dtype', 'binding.input-shape', 'binding.output-exists',
    'binding.labels-count', 'binding.ground-truth-shape', 'preprocess.runs', 'preprocess.subsets', 'encoder.runs',
    'encoder.dtype', 'encoder.shape', 'encoder.finite', 'metadata.runs', 'metadata.flat', 'metadata.consistent',
    'model.runs', 'model.output-finite', 'ground-truth.range', 'metric.runs', 'metric.finite', 'loss.runs', 'loss.finite',
    'visualizer.runs', 'visualizer.shape', 'visualizer.range', 'visualizer.text',
  ]) {
    assert.ok(ids.has(id), `missing check ${id}`);
  }
  // Ground truths and scores are not computed for the unlabeled subset.
  assert.match(report.checks.find((c) => c.id === 'encoder.runs' && c.component === 'groundTruth:label')!.message, /200 samples/);
  assert.ok(report.timings.some((t) => t.component === 'model' && t.samples === 300));
  assert.ok(progress.includes('encoding') && progress.includes('model'));
});

test('--samples and --subset choose what is checked', async () => {
  const report = await runIntegrationTest({ scriptPath: EXAMPLE_SCRIPT, samples: 7, subsets: ['test'] });
  assert.deepEqual(report.subsets, [{ name: 'test', length: 540, checked: 7 }]);
  assert.equal(report.samplesChecked, 7);
});

test('asking for a subset the integration does not return fails the subsets check', async () => {
  const report = await runIntegrationTest({ scriptPath: EXAMPLE_SCRIPT, subsets: ['validation'] });
  const check = report.checks.find((c) => c.id === 'preprocess.subsets')!;
  assert.equal(check.status, 'failed');
  assert.match(check.message, /Subset 'validation' was asked for, but preprocess in digits\.integration\.ts returns only 'train', 'test', 'unlabeled'/);
});

test('sample indices spread over the whole subset, first and last included', () => {
  assert.deepEqual(spreadIndices(10, 4), [0, 3, 6, 9]);
  assert.deepEqual(spreadIndices(3, 100), [0, 1, 2]);
  assert.deepEqual(spreadIndices(1000, 1), [0]);
  assert.deepEqual(spreadIndices(0, 5), []);
  const many = spreadIndices(540, 100);
  assert.equal(many.length, 100);
  assert.equal(new Set(many).size, 100);
  assert.equal(many.at(-1), 539);
});
