import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleRef } from '../../../shared/analysis-types';
import { exactDuplicates, nearDuplicates } from '../../../engine/analysis/duplicates';
import { Ballot, majorityAccuracy, suggestForRow, type NeighbourTable, type RowFacts } from '../../../engine/analysis/label-suggestions';
import { findLikelyMistakes, perClassThresholds } from '../../../engine/analysis/likely-mistakes';

/**
 * The rules of suggestions, mistakes and duplicates on hand-made neighbourhoods, where the
 * right answer is worked out by hand: votes and ties, similarity weighting, confident
 * learning's thresholds, duplicates each once and leakage.
 */

function facts(truth: number[], predicted: number[], loss: number[], confidence: number[], numClasses = 3): RowFacts {
  return { numClasses, truth: Int32Array.from(truth), predicted: Int32Array.from(predicted), loss: Float64Array.from(loss), confidence: Float64Array.from(confidence) };
}

test('suggestion: neighbours and the model vote; ties go to summed similarity, then the model; agreement and weighted estimates', () => {
  // Rows 0-3 labeled (classes 0, 0, 1, 1); row 4 unlabeled with neighbours 0, 2, 1, 3 (k = 4).
  const f = facts([0, 0, 1, 1, -1], [0, 1, 1, 1, 2], [0.1, 2.0, 0.3, 0.5, NaN], [0.9, 0.5, 0.8, 0.7, 0.6]);
  const table: NeighbourTable = { k: 4, indices: new Int32Array(20).fill(-1), similarities: new Float32Array(20) };
  table.indices.set([0, 2, 1, 3], 16);
  table.similarities.set([0.9, 0.8, 0.5, 0.4], 16);
  const ballot = new Ballot(3);
  // Votes: class 0 two, class 1 two, class 2 one (the model): a tie of 0 and 1; similarity 1.4 against 1.2 gives 0.
  const s = suggestForRow(table, f, 4, ballot)!;
  assert.equal(s.label, 0);
  assert.equal(s.agreement, 2 / 5);
  assert.ok(Math.abs(s.estimatedLoss! - (0.9 * 0.1 + 0.8 * 0.3 + 0.5 * 2.0 + 0.4 * 0.5) / 2.6) < 1e-6);
  assert.ok(Math.abs(s.estimatedConfidence! - (0.9 * 0.9 + 0.8 * 0.8 + 0.5 * 0.5 + 0.4 * 0.7) / 2.6) < 1e-6);

  // Equal similarities: the model's vote breaks the tie.
  table.similarities.set([0.5, 0.5, 0.5, 0.5], 16);
  f.predicted[4] = 1;
  assert.deepEqual([suggestForRow(table, f, 4, ballot)!.label, suggestForRow(table, f, 4, ballot)!.agreement], [1, 3 / 5]);
  // Without neighbours the model's prediction is the suggestion, with full agreement and no estimate.
  table.indices.fill(-1, 16);
  assert.deepEqual(suggestForRow(table, f, 4, ballot), { label: 1, agreement: 1, estimatedLoss: null, estimatedConfidence: null });
});

test("suggestion accuracy: the neighbours' plain majority on labeled rows, without the model's vote", () => {
  const f = facts([0, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1], 2);
  // Row 2's neighbours are 1 and 1 (right); row 3's are 1, 2 (wrong: majority 1, truth 0) whatever the model says.
  const table: NeighbourTable = { k: 2, indices: Int32Array.from([-1, -1, -1, -1, 1, 1, 1, 2]), similarities: Float32Array.from([0, 0, 0, 0, 0.9, 0.9, 0.9, 0.8]) };
  assert.deepEqual(majorityAccuracy(table, f, [2, 3]), { value: 0.5, samples: 2 });
  assert.equal(majorityAccuracy(table, f, [0]), null);
});

test('likely mistakes: per-class thresholds as cleanlab computes them, the off-diagonal of the confident joint, lowest self-confidence first', () => {
  // Rows labeled 0, 0, 1, 1, 1. Thresholds: t0 = mean(0.9, 0.2) = 0.55, t1 = mean(0.8, 0.7, 0.4) ≈ 0.633.
  const p = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4].map(Math.fround));
  const truth = Int32Array.from([0, 0, 1, 1, 1]);
  const thresholds = perClassThresholds(p, 2, truth, [0, 1, 2, 3, 4]);
  assert.ok(Math.abs(thresholds[0]! - 0.55) < 1e-6 && Math.abs(thresholds[1]! - (0.8 + 0.7 + 0.4) / 3) < 1e-6);
  const found = findLikelyMistakes(p, 2, truth, [0, 1, 2, 3, 4]);
  // Row 1 (labeled 0, p1 = 0.8 ≥ t1) and row 4 (labeled 1, p0 = 0.6 ≥ t0) are off-diagonal; row 1 has the lower p(given).
  assert.deepEqual(found.map((m) => [m.row, m.givenLabel, m.likelyLabel]), [[1, 0, 1], [4, 1, 0]]);
  assert.ok(Math.abs(found[0]!.score - (0.8 - 0.2)) < 1e-6 && Math.abs(found[1]!.selfConfidence - 0.4) < 1e-6);
});

test('duplicates: equal inputs grouped once per sample, leakage across train and test, near pairs each once and not the exact ones', () => {
  const ref = (benchmark: string, index: number, subset: string | null): SampleRef => ({ benchmark, position: index, index, subset });
  const rows = {
    refs: [ref('train', 0, 'train'), ref('test', 0, 'test'), ref('test-again', 0, 'test'), ref('test', 1, 'test'), ref('test', 2, 'test')],
    inputHashes: ['h0', 'h0', 'h0', 'h1', 'h2'],
    identities: ['train/0', 'test/0', 'test/0', 'test/1', 'test/2'],
  };
  const groups = exactDuplicates(rows);
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0]!.samples.map((r) => r.benchmark), ['train', 'test']);
  assert.equal(groups[0]!.leakage, true);

  // Row 3 and 4 are each other's neighbours at 0.995 (one pair), 0 and 1 too (equal inputs: not a near pair), 0 and 3 at 0.9 (below).
  const table: NeighbourTable = { k: 2, indices: Int32Array.from([1, 3, 0, 2, 1, 0, 4, 0, 3, -1]), similarities: Float32Array.from([1, 0.9, 1, 1, 1, 1, 0.995, 0.9, 0.995, 0]) };
  assert.deepEqual(nearDuplicates(table, rows, 0.99), { pairs: [{ a: 3, b: 4, similarity: Math.fround(0.995) }], total: 1 });
});
