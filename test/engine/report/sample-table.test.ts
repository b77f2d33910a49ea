import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleRecord } from '../../../shared/run-types';
import { sampleTable, scanRecordShape } from '../../../engine/report/sample-table';
import type { PredictionOutput } from '../../../engine/report/prediction-outputs';

function record(overrides: Partial<SampleRecord>): SampleRecord {
  return { benchmark: 'b', position: 0, index: 0, inputHash: 'h', outputs: {}, groundTruths: {}, metadata: {}, metrics: {}, losses: {}, ...overrides };
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function rows(records: SampleRecord[], outputs: PredictionOutput[]) {
  const table = sampleTable(await scanRecordShape(iterate(records)), outputs);
  return records.map((r) => Object.fromEntries(table.columns.map((c, i) => [c.name, table.row(r)[i]])));
}

test('classification: argmax of the softmax of logits, its probability, labels, truth and correctness', async () => {
  const output: PredictionOutput = { name: 'logits', task: 'classification', labels: ['cat', 'dog', 'eel'], groundTruth: 'label', activation: 'logits' };
  const [row] = await rows([record({ outputs: { logits: [0, 2, 1] }, groundTruths: { label: [2] } })], [output]);
  const e = [Math.exp(0), Math.exp(2), Math.exp(1)];
  assert.equal(row!['logits.predicted_class'], 1);
  assert.equal(row!['logits.predicted_label'], 'dog');
  assert.ok(Math.abs((row!['logits.probability'] as number) - e[1]! / (e[0]! + e[1]! + e[2]!)) < 1e-15);
  assert.equal(row!['logits.true_class'], 2);
  assert.equal(row!['logits.true_label'], 'eel');
  assert.equal(row!['logits.correct'], false);
});

test('classification with probabilities and a one-hot ground truth', async () => {
  const output: PredictionOutput = { name: 'p', task: 'classification', groundTruth: 'y' };
  const [row] = await rows([record({ outputs: { p: [0.2, 0.7, 0.1] }, groundTruths: { y: [0, 1, 0] } })], [output]);
  assert.equal(row!['p.predicted_class'], 1);
  assert.equal(row!['p.predicted_label'], '1', 'without labels a class is named by its index');
  assert.equal(row!['p.probability'], 0.7);
  assert.equal(row!['p.true_class'], 1);
  assert.equal(row!['p.correct'], true);
});

test('binary: threshold 0.5 on the positive probability (a sigmoid of one logit)', async () => {
  const output: PredictionOutput = { name: 'score', task: 'binary', labels: ['no', 'yes'], groundTruth: 'y', activation: 'logits' };
  const [pos, neg] = await rows(
    [record({ outputs: { score: [0] }, groundTruths: { y: [1] } }), record({ position: 1, outputs: { score: [-2] }, groundTruths: { y: [1] } })],
    [output],
  );
  assert.equal(pos!['score.predicted_class'], 1, 'p = 0.5 is positive, as the metrics count it');
  assert.equal(pos!['score.predicted_label'], 'yes');
  assert.equal(pos!['score.positive_probability'], 0.5);
  assert.equal(neg!['score.predicted_class'], 0);
  assert.ok(Math.abs((neg!['score.probability'] as number) - (1 - 1 / (1 + Math.exp(2)))) < 1e-15);
  assert.equal(neg!['score.correct'], false);
});

test('regression keeps raw values, one column per value; multilabel lists the classes at ≥ 0.5', async () => {
  const outputs: PredictionOutput[] = [
    { name: 'xy', task: 'regression', groundTruth: 't' },
    { name: 'tags', task: 'multilabel', labels: ['a', 'b', 'c'], groundTruth: 'm', activation: 'probabilities' },
  ];
  const [row] = await rows([record({ outputs: { xy: [1.5, -2], tags: [0.9, 0.1, 0.5] }, groundTruths: { t: [1, -1], m: [1, 0, 0] } })], outputs);
  assert.deepEqual([row!['xy.0'], row!['xy.1'], row!['xy.true.0'], row!['xy.true.1']], [1.5, -2, 1, -1]);
  assert.equal(row!['tags.predicted_classes'], '0|2');
  assert.equal(row!['tags.predicted_labels'], 'a|c');
  assert.equal(row!['tags.true_labels'], 'a');
  assert.equal(row!['tags.correct'], false, 'label 2 predicted too: not an exact match');
});

test('metadata keeps its types, a key of changing type becomes text, an errored sample gets nulls', async () => {
  const output: PredictionOutput = { name: 'logits', task: 'classification', groundTruth: 'label' };
  const records = [
    record({ outputs: { logits: [1, 0] }, groundTruths: { label: [0] }, metadata: { size: 3, kind: 'x', ok: true, odd: 1 }, metrics: { m: 0.5 }, losses: { l: 0.25 } }),
    record({ position: 1, index: 7, metadata: { size: 4, kind: 'y', ok: false, odd: 'one' }, error: { component: 'input:image', message: 'threw' } }),
  ];
  const table = sampleTable(await scanRecordShape(iterate(records)), [output]);
  const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
  assert.equal(types['metadata.size'], 'double');
  assert.equal(types['metadata.kind'], 'string');
  assert.equal(types['metadata.ok'], 'boolean');
  assert.equal(types['metadata.odd'], 'string');
  const [ok, failed] = await rows(records, [output]);
  assert.equal(ok!['metadata.odd'], '1');
  assert.equal(ok!['metric.m'], 0.5);
  assert.equal(ok!['loss.l'], 0.25);
  assert.equal(failed!.error, 'input:image: threw');
  assert.equal(failed!['logits.predicted_class'], null);
  assert.equal(failed!['logits.correct'], null);
  assert.equal(failed!['metric.m'], null);
  assert.equal(failed!['metadata.ok'], false);
});
