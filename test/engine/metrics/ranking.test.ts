import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averagePrecision, bestF1, rocAuc, thresholdCurve } from '../../../engine/metrics';
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

describe('ranking metrics', () => {
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
