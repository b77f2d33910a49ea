import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MetricError, MultilabelAccumulator, type MultilabelResult } from '../../../engine/metrics';
import { assertClose } from './assertions';
import { shuffled } from './reference-data';

/** test/fixtures/reference/make_multilabel_reference.py (scikit-learn 1.2.1): the test split's scores and the metrics of three cases. */
interface MultilabelReference {
  labels: string[];
  y: number[][];
  scores: number[][];
  cases: Record<string, { thresholds: number[]; rows: number[]; metrics: ReferenceMetrics }>;
}
type ReferenceMetrics = Record<string, number | boolean | number[] | null> & {
  roc_auc_macro_raises: boolean;
  roc_auc_undefined_labels: number[];
  per_label: { precision: number; recall: number; f1: number; support: number; average_precision: number; roc_auc: number | null }[];
};

const reference = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/reference/multilabel_reference.json', import.meta.url)), 'utf8')) as MultilabelReference;
const TOLERANCE = 1e-9;
const SCALARS = [
  'subset_accuracy',
  'hamming_loss',
  ...['precision', 'recall', 'f1'].flatMap((m) => ['micro', 'macro', 'weighted', 'samples'].map((a) => `${m}_${a}`)),
  'average_precision_macro',
  'average_precision_micro',
  'roc_auc_macro',
  'roc_auc_micro',
];

function resultOf(rows: readonly number[], thresholds: number | readonly number[]): MultilabelResult {
  const accumulator = new MultilabelAccumulator({ numLabels: reference.labels.length, thresholds });
  for (const i of rows) accumulator.add(reference.scores[i]!, reference.y[i]!);
  return accumulator.result();
}

for (const [name, { thresholds, rows, metrics }] of Object.entries(reference.cases)) {
  describe(`MultilabelAccumulator on ${name} (scikit-learn 1.2 reference)`, () => {
    const result = resultOf(rows, thresholds);

    for (const metric of SCALARS) {
      it(`matches ${metric}`, () => assertClose(result[metric as keyof MultilabelResult], metrics[metric] as number, TOLERANCE, metric));
    }

    it('matches every label\'s precision, recall, F1, support, average precision and ROC AUC', () => {
      metrics.per_label.forEach((expected, j) => {
        const actual = result.per_label[String(j)]!;
        for (const key of ['precision', 'recall', 'f1', 'average_precision'] as const) assertClose(actual[key], expected[key], TOLERANCE, `label ${j} ${key}`);
        assert.equal(actual.support, expected.support, `label ${j} support`);
        assert.equal(actual.threshold, thresholds[j]);
        if (expected.roc_auc === null) assert.equal(actual.roc_auc, null, `label ${j} roc_auc`);
        else assertClose(actual.roc_auc, expected.roc_auc, TOLERANCE, `label ${j} roc_auc`);
      });
    });

    it('leaves out of roc_auc_macro exactly the labels where scikit-learn raises, and says so', () => {
      assert.deepEqual(result.roc_auc_macro_excluded, metrics.roc_auc_undefined_labels);
      assert.equal(metrics.roc_auc_macro_raises, metrics.roc_auc_undefined_labels.length > 0);
      const said = result.warnings.some((w) => w.startsWith('roc_auc_macro is the mean over the other labels'));
      assert.equal(said, metrics.roc_auc_macro_raises);
    });

    it('returns plain JSON, the same whatever order the samples come in', () => {
      assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
      const again = resultOf(shuffled(rows, 5), thresholds);
      for (const metric of SCALARS) assertClose(again[metric as keyof MultilabelResult], result[metric as keyof MultilabelResult] as number, 1e-12, metric);
    });
  });
}

describe('MultilabelAccumulator edge cases', () => {
  const { thresholds, rows } = reference.cases.per_label_thresholds!;

  it('covers a label never predicted and a sample with no label, true or predicted (what the fixture is for)', () => {
    const result = resultOf(rows, thresholds);
    const never = reference.scores.every((s) => s[2]! < thresholds[2]!);
    assert.ok(never);
    assert.equal(result.per_label['2']!.precision, 0);
    assert.ok(result.warnings.some((w) => w.startsWith('No sample is predicted label 2')), result.warnings.join('\n'));
    assert.ok(rows.some((i) => reference.y[i]!.every((v) => v === 0) && reference.scores[i]!.every((s, j) => s < thresholds[j]!)));
  });

  it('one threshold applies to every label; labels held by no sample get 0 and a warning, not NaN', () => {
    const accumulator = new MultilabelAccumulator({ numLabels: 3, thresholds: 0.4 });
    accumulator.add([0.5, 0.1, 0.39], [1, 0, 0]);
    accumulator.add([0.3, 0.45, 0.41], [1, 0, 0]);
    const result = accumulator.result();
    assert.deepEqual(result.thresholds, [0.4, 0.4, 0.4]);
    // Sample 0 exact (label 0 only); sample 1 predicts labels 1 and 2 and misses 0.
    assert.equal(result.subset_accuracy, 0.5);
    assert.equal(result.hamming_loss, 3 / 6);
    assert.deepEqual(result.per_label['1'], { precision: 0, recall: 0, f1: 0, support: 0, threshold: 0.4, average_precision: 0, roc_auc: null });
    assert.equal(result.roc_auc_macro, null);
    assert.deepEqual(result.roc_auc_macro_excluded, [0, 1, 2]);
    assert.ok(result.warnings.some((w) => w.startsWith('No sample holds labels 1, 2')), result.warnings.join('\n'));
    assert.ok(Object.values(result).every((v) => typeof v !== 'number' || Number.isFinite(v)));
  });

  it('rejects a row or a ground truth it cannot score, naming the sample and label, and counts nothing of it', () => {
    const accumulator = new MultilabelAccumulator({ numLabels: 2 });
    accumulator.add([0.2, 0.9], [0, 1]);
    assert.throws(() => accumulator.add([0.2, 1.7], [0, 1]), (e: unknown) => e instanceof MetricError && /Sample 1: label 1 has probability 1.7, outside \[0, 1\].*sigmoid/.test(e.message));
    assert.throws(() => accumulator.add([0.2, 0.7], [0, 2]), (e: unknown) => e instanceof MetricError && /Sample 1: the ground truth of label 1 is 2; a multilabel ground truth holds 0 or 1 per label/.test(e.message));
    assert.throws(() => accumulator.add([0.2], [0, 1]), /Sample 1: expected 2 label probabilities, got 1/);
    assert.throws(() => accumulator.add([0.2, 0.3], [1]), /Sample 1: expected a ground truth of 2 values/);
    assert.equal(accumulator.count, 1);
    assert.equal(accumulator.result().subset_accuracy, 1);
    assert.throws(() => new MultilabelAccumulator({ numLabels: 2, thresholds: [0.5] }), /one threshold per label \(2\); got 1/);
    assert.throws(() => new MultilabelAccumulator({ numLabels: 2, thresholds: [0.5, Number.NaN] }), /threshold of label 1 must be a finite number/);
    assert.throws(() => new MultilabelAccumulator({ numLabels: 2 }).result(), (e: unknown) => e instanceof MetricError && e.code === 'empty');
  });

  it('with ranking turned off, reports the thresholded metrics and says why the others are null', () => {
    const accumulator = new MultilabelAccumulator({ numLabels: reference.labels.length, thresholds, ranking: false });
    for (const i of rows) accumulator.add(reference.scores[i]!, reference.y[i]!);
    const result = accumulator.result();
    assertClose(result.f1_micro, reference.cases.per_label_thresholds!.metrics.f1_micro as number, TOLERANCE, 'f1_micro');
    assert.equal(result.roc_auc_micro, null);
    assert.equal(result.per_label['0']!.average_precision, null);
    assert.ok(result.warnings.some((w) => /ranking metrics are turned off/.test(w)));
  });
});
