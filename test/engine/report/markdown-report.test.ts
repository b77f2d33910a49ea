import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runManifestSchema, type RunManifest, type RunResults } from '../../../shared/run-types';
import { markdownReport } from '../../../engine/report/markdown-report';
import { table, text } from '../../../engine/report/markdown';

function manifest(overrides: Partial<RunManifest> = {}): RunManifest {
  return runManifestSchema.parse({
    schemaVersion: 1,
    runId: '20261123-191530-3f9a1c',
    kind: 'evaluation',
    name: 'fraud model *v2* | nightly',
    status: 'completed',
    createdAt: '2026-11-23T19:15:30.000Z',
    updatedAt: '2026-11-23T19:16:00.000Z',
    seq: 1,
    config: {
      configFile: '/ws/evalens.eval.json',
      integration: '/ws/fraud.integration.ts',
      model: '/ws/models/fraud.onnx',
      benchmarks: [{ name: 'holdout', subset: 'test', seed: 0 }],
      batchSize: 32,
      executionProviders: ['cuda', 'cpu'],
      memoryLimitMb: 2048,
      maxSampleErrors: 5,
    },
    hashes: { model: 'a'.repeat(64), script: 'b'.repeat(64) },
    outputs: { fraud: { role: 'prediction', task: 'binary', labels: ['legit', 'fraud'], groundTruth: 'y' }, price: { role: 'prediction', task: 'regression' } },
    benchmarks: [{ name: 'holdout', total: 1000, done: 1000, errors: 2 }],
    batchSize: 32,
    checkpoint: { records: 1000, recordsBytes: 1, embeddings: {} },
    events: [{ at: '2026-11-23T19:15:30.000Z', kind: 'submitted', message: 'submitted <script>' }],
    ...overrides,
  });
}

const results: RunResults = {
  runId: '20261123-191530-3f9a1c',
  overallScore: 0.91234,
  benchmarks: [
    {
      name: 'holdout',
      samples: 1000,
      errors: 2,
      overallScore: 0.91234,
      metrics: { n: 998, accuracy: 0.9, roc_auc: 0.91234, f1: 0.5, log_loss: 0.25, my_margin: 0.3 },
      outputs: {
        fraud: { n: 998, accuracy: 0.9, roc_auc: 0.91234, f1: 0.5, log_loss: 0.25, threshold: 0.5, confusion_matrix: [[800, 20], [80, 98]], warnings: ['only 178 positives'] },
        price: { n: 998, mse: 4, rmse: 2, mae: 1.5, r2: 0.7, outputs: 2, per_output: [{ mse: 3, rmse: 1.7, mae: 1, r2: 0.8 }, { mse: 5, rmse: 2.2, mae: 2, r2: 0.6 }], warnings: [] },
      },
    },
  ],
  gates: [
    { benchmark: 'holdout', metric: 'roc_auc', value: 0.91234, passed: true, message: 'roc_auc 0.9123 ≥ 0.9000' },
    { benchmark: 'holdout', metric: 'f1', value: 0.5, passed: false, message: 'f1 0.5000 < min 0.6000' },
  ],
};

test('the report has a title, the overall score, a benchmark table, gates and per-output sections', () => {
  const md = markdownReport(manifest(), results, { baseDir: '/ws' });
  assert.match(md, /^# fraud model \\\*v2\\\* \\\| nightly\n/, 'names are escaped, not formatted');
  assert.match(md, /✅ \*\*completed\*\* · run `20261123-191530-3f9a1c` · evaluation · 2026-11-23 19:15:30 UTC/);
  assert.match(md, /\*\*Overall score: 0\.9123\*\* · ❌ 1 of 2 gates failed/);
  assert.match(md, /\| benchmark \| samples \| errors \| overall \| accuracy \| roc_auc \| f1 \| log_loss \| my_margin \|/);
  assert.match(md, /\| holdout \| 1000 \| 2 \| 0\.9123 \| 0\.9000 \| 0\.9123 \| 0\.5000 \| 0\.2500 \| 0\.3000 \|/);
  assert.match(md, /- ✅ \*\*holdout\*\*: roc_auc 0\.9123 ≥ 0\.9000\n- ❌ \*\*holdout\*\*: f1 0\.5000 < min 0\.6000/);
  assert.match(md, /## Benchmark holdout: fraud/);
  assert.match(md, /\| true ↓ predicted → \| legit \(0\) \| fraud \(1\) \|/, 'classes are named by the labels the run recorded');
  assert.match(md, /\| \*\*legit \(0\)\*\* \| \*\*800\*\* \| 20 \|/);
  assert.match(md, /> ⚠️ only 178 positives/);
  assert.match(md, /## Benchmark holdout: price[\s\S]*\| 1 \| 5\.0000 \| 2\.2000 \| 2\.0000 \| 0\.6000 \|/);
});

test('the configuration is collapsed, with paths relative to the base folder and short hashes', () => {
  const md = markdownReport(manifest(), results, { baseDir: '/ws/' });
  const details = md.slice(md.indexOf('<details>'));
  assert.match(details, /^<details>\n<summary>Configuration<\/summary>\n/);
  assert.match(details, /\| config file \| `evalens\.eval\.json` \|/);
  assert.match(details, /\| integration \| `fraud\.integration\.ts` · sha256 `bbbbbbbbbbbb` \|/);
  assert.match(details, /\| model \| `models\/fraud\.onnx` · sha256 `aaaaaaaaaaaa` \|/);
  assert.match(details, /\| benchmark holdout \| subset `test`; all 1000 samples \|/);
  assert.match(details, /\| execution providers \| `cuda`, `cpu` \|/);
  assert.match(details, /- 2026-11-23 19:15:30 UTC · submitted · submitted \\<script>/, 'event messages cannot inject HTML');
  assert.match(details, /<\/details>\n$/);
});

test('a run without results shows its progress and its error with the resume command', () => {
  const md = markdownReport(
    manifest({ status: 'failed', error: { message: 'The runner ran out of memory.', resumable: true }, benchmarks: [{ name: 'holdout', total: 1000, done: 640, errors: 0 }] }),
    undefined,
  );
  assert.match(md, /❌ \*\*failed\*\*/);
  assert.match(md, /> \*\*Error:\*\* The runner ran out of memory\.\n>\n> Resume with `evalens resume 20261123-191530-3f9a1c`\./);
  assert.match(md, /\| holdout \| 640 \| 1000 \| 0 \|/);
  assert.doesNotMatch(md, /Overall score/);
});

test('confusion matrices of many classes are left out; explicit labels win over recorded ones', () => {
  const n = 40;
  const big: RunResults = {
    ...results,
    benchmarks: [{ ...results.benchmarks[0]!, outputs: { fraud: { confusion_matrix: Array.from({ length: n }, () => Array<number>(n).fill(1)), per_class: { '0': { precision: 1, recall: 1, f1: 1, support: 3 } } } } }],
  };
  const md = markdownReport(manifest(), big, { labels: { fraud: ['zero'] } });
  assert.match(md, /Confusion matrix: 40 classes, too many to show here/);
  assert.match(md, /\| zero \(0\) \| 1\.0000 \| 1\.0000 \| 1\.0000 \| 3 \|/);
});

test('table cells escape pipes; text escapes what would format', () => {
  assert.equal(table(['a', 'b'], [['x|y', '`c|d`']]), '| a | b |\n| --- | --- |\n| x\\|y | `c\\|d` |');
  assert.equal(text('f1_macro _x_ a*b <i> 1 < 2 &amp; R&D'), 'f1_macro \\_x\\_ a\\*b \\<i> 1 < 2 \\&amp; R\\&D');
});
