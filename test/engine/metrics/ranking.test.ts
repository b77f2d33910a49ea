import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averagePrecision, bestF1, rocAuc, thresholdCurve } from '../../../engine/metrics';
import { sortFloat32 } from '../../../engine/metrics/radix-sort';
import { columnCurve, CurveBuffers, type ThresholdCurve } from '../../../engine/metrics/ranking';
import { assertClose } from './assertions';

/** Scores on a coarse grid, so that many samples tie. */
function tiedSample(n: number, seed: number): { scores: number[]; positive: number[] } {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const scores: number[] = [];
  const positive: number[] = [];
  for (let i = 0; i < n; i++) {
    const isPositive = next() < 0.4 ? 1 : 0;
    positive.push(isPositive);
    scores.push(Math.round((next() * 0.7 + isPositive * 0.3) * 10) / 10);
  }
  return { scores, positive };
}

/** The probability that a random positive outscores a random negative, ties counting half. */
function bruteForceAuc(scores: number[], positive: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (positive[i] !== 1) return;
    scores.forEach((t, j) => {
      if (positive[j] !== 0) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

/** Precision and recall at every distinct threshold t, predicting positive when score >= t. */
function operatingPoints(scores: number[], positive: number[]) {
  const positives = positive.filter((p) => p === 1).length;
  return [...new Set(scores)]
    .sort((a, b) => b - a)
    .map((threshold) => {
      let tp = 0;
      let fp = 0;
      scores.forEach((s, i) => {
        if (s >= threshold) positive[i] === 1 ? tp++ : fp++;
      });
      return { threshold, precision: tp / (tp + fp), recall: tp / positives };
    });
}

/** The curve by a stable sort of all samples with a comparator, as scikit-learn orders them: the definition the faster one must match. */
function comparatorCurve(scores: ArrayLike<number>, positive: ArrayLike<number>): ThresholdCurve {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((i, k) => {
    if (positive[i] === 1) tp++;
    else fp++;
    if (k + 1 === order.length || scores[order[k + 1]!] !== scores[i]) {
      thresholds.push(scores[i]!);
      tps.push(tp);
      fps.push(fp);
    }
  });
  return { thresholds: Float64Array.from(thresholds), truePositives: Float64Array.from(tps), falsePositives: Float64Array.from(fps), positives: tp, negatives: fp };
}

/** Exactly equal, -0 told from 0. */
function assertSameCurve(actual: ThresholdCurve, expected: ThresholdCurve, label: string): void {
  assert.deepEqual([actual.positives, actual.negatives], [expected.positives, expected.negatives], label);
  for (const key of ['thresholds', 'truePositives', 'falsePositives'] as const) {
    assert.equal(actual[key].length, expected[key].length, `${label}: ${key}`);
    expected[key].forEach((value, k) => assert.ok(Object.is(actual[key][k], value), `${label}: ${key}[${k}] is ${actual[key][k]}, expected ${value}`));
  }
}

/** float32 scores with many ties, zeros of both signs, and a few negatives and infinities. */
function float32Sample(n: number, seed: number): { scores: Float32Array; positive: Uint8Array } {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const special = [0, -0, 1, -1, Infinity, -Infinity, 2 ** -149];
  const scores = new Float32Array(n);
  const positive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    positive[i] = next() < 0.3 ? 1 : 0;
    const r = next();
    scores[i] = r < 0.1 ? special[Math.floor(next() * special.length)]! : r < 0.5 ? Math.round(next() * 20) / 20 : next() ** 3 + positive[i]! * 0.2;
  }
  return { scores, positive };
}

describe('ranking metrics', () => {
  it('sort float32 scores by radix in the order of the built-in sort', () => {
    for (const seed of [1, 2, 3]) {
      const { scores } = float32Sample(5000, seed);
      const expected = Float32Array.from(scores).sort();
      const actual = Float32Array.from(scores);
      sortFloat32(actual, new Uint32Array(actual.length));
      expected.forEach((value, i) => assert.ok(Object.is(actual[i], value), `seed ${seed}: [${i}] is ${actual[i]}, expected ${value}`));
    }
  });

  it('give the curve of a stable comparator sort, for float32 and float64 scores, -0 included', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { scores, positive } = float32Sample(2000, seed);
      const expected = comparatorCurve(scores, positive);
      assertSameCurve(thresholdCurve(scores, positive), expected, `float32, seed ${seed}`);
      assertSameCurve(thresholdCurve(Array.from(scores), positive), expected, `numbers, seed ${seed}`);
      assertSameCurve(thresholdCurve(Float64Array.from(scores), Array.from(positive)), expected, `float64, seed ${seed}`);
    }
    // A tie of 0 and -0 reports the score of its last sample, as the stable sort does.
    for (const scores of [[0.5, -0, 0], [0.5, 0, -0]]) {
      for (const positive of [[1, 0, 1], [1, 1, 0]]) assertSameCurve(thresholdCurve(scores, positive), comparatorCurve(scores, positive), `${scores} ${positive}`);
    }
  });

  it('give each column of a row-major matrix its own curve, reusing the buffers', () => {
    const classes = 3;
    const { scores } = float32Sample(900, 7);
    const labels = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % classes);
    const buffers = new CurveBuffers(labels.length);
    for (let c = 0; c < classes; c++) {
      const column = scores.filter((_, j) => j % classes === c);
      const positive = Array.from(labels, (label) => (label === c ? 1 : 0));
      assertSameCurve(columnCurve(scores, classes, c, labels, c, buffers), comparatorCurve(column, positive), `class ${c}`);
    }
  });


  it('match scikit-learn documentation examples', () => {
    const curve = thresholdCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    assert.equal(rocAuc(curve), 0.75);
    assertClose(averagePrecision(curve), 0.8333333333333333, 1e-15, 'average_precision');
    assert.deepEqual(Array.from(curve.thresholds), [0.8, 0.4, 0.35, 0.1]);
    assert.deepEqual(Array.from(curve.truePositives), [1, 1, 2, 2]);
    assert.deepEqual(Array.from(curve.falsePositives), [0, 1, 1, 2]);
  });

  it('treat tied scores as one operating point', () => {
    const curve = thresholdCurve([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]);
    assert.equal(curve.thresholds.length, 1);
    assert.equal(rocAuc(curve), 0.5);
    assert.equal(averagePrecision(curve), 0.5);
  });

  it('agree with brute-force definitions on data with many ties', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { scores, positive } = tiedSample(300, seed);
      const curve = thresholdCurve(scores, positive);
      assertClose(rocAuc(curve), bruteForceAuc(scores, positive), 1e-12, `auc seed ${seed}`);

      const points = operatingPoints(scores, positive);
      let expectedAp = 0;
      let previousRecall = 0;
      for (const { precision, recall } of points) {
        expectedAp += (recall - previousRecall) * precision;
        previousRecall = recall;
      }
      assertClose(averagePrecision(curve), expectedAp, 1e-12, `ap seed ${seed}`);

      const f1s = points.map(({ precision, recall }) => (precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)));
      const best = bestF1(curve);
      const bestF1Value = Math.max(...f1s);
      assert.equal(best?.f1, bestF1Value);
      const lowestTied = Math.min(...points.filter((_, k) => f1s[k] === bestF1Value).map((p) => p.threshold));
      assert.equal(best?.threshold, lowestTied);
    }
  });

  it('are undefined without both classes', () => {
    const onlyNegatives = thresholdCurve([0.2, 0.7], [0, 0]);
    assert.equal(rocAuc(onlyNegatives), null);
    assert.equal(averagePrecision(onlyNegatives), null);
    assert.equal(bestF1(onlyNegatives), null);
    assert.equal(rocAuc(thresholdCurve([0.2, 0.7], [1, 1])), null);
  });
});
