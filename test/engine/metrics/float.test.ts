import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompensatedSum, pairwiseSum } from '../../../engine/metrics/float';

describe('pairwiseSum', () => {
  // Expected values are numpy 2.4's np.add.reduce over float32 arrays of 1/(i+1).
  const harmonic = (n: number) => Float32Array.from({ length: n }, (_, i) => 1 / (i + 1));

  it('reproduces numpy float32 sums bit for bit', () => {
    assert.equal(pairwiseSum(harmonic(5), Math.fround), 2.2833335399627686);
    assert.equal(pairwiseSum(harmonic(10), Math.fround), 2.9289684295654297);
    assert.equal(pairwiseSum(harmonic(100), Math.fround), 5.187378406524658);
    assert.equal(pairwiseSum(harmonic(300), Math.fround), 6.282664775848389);
    assert.equal(pairwiseSum(harmonic(1000), Math.fround), 7.485471725463867);
  });

  it('differs from a sequential float32 sum, which is why it is needed', () => {
    let sequential = 0;
    for (const value of harmonic(1000)) sequential = Math.fround(sequential + value);
    assert.equal(sequential, 7.485478401184082);
  });

  it('sums a slice', () => {
    assert.equal(pairwiseSum([1, 2, 3, 4, 5], (x) => x, 1, 3), 9);
  });
});

describe('CompensatedSum', () => {
  it('keeps what a plain float64 sum loses', () => {
    const sum = new CompensatedSum();
    for (const value of [1e16, 1, -1e16, 1]) sum.add(value);
    assert.equal(sum.value, 2);
  });
});
