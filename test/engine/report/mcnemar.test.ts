import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mcnemarExact } from '../../../engine/report/mcnemar';
import { ROOT } from '../../helpers/paths';

/** test/fixtures/reference/mcnemar_reference.json, from make_mcnemar_reference.py (scipy, statsmodels). */
const reference = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'mcnemar_reference.json'), 'utf8')) as {
  cases: { b: number; c: number; scipy: number; statsmodels: number }[];
};

function assertRelative(actual: number, expected: number, tolerance: number, what: string): void {
  const error = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(error <= tolerance, `${what}: ${actual} against ${expected} (relative error ${error})`);
}

/**
 * The p-value from its definition in exact integer arithmetic: 2·Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c),
 * at most 1, turned into a double only at the end (64 significant bits of the quotient).
 */
function exactPValue(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let binomial = 1n;
  let sum = 0n;
  for (let i = 0; i <= k; i++) {
    sum += binomial;
    binomial = (binomial * BigInt(n - i)) / BigInt(i + 1);
  }
  const numerator = 2n * sum;
  const denominator = 1n << BigInt(n);
  if (numerator >= denominator) return 1;
  const shift = denominator.toString(2).length - numerator.toString(2).length + 64;
  const quotient = Number((numerator << BigInt(shift)) / denominator);
  // 2^-shift in two steps: shift passes 1022 for p-values near the smallest doubles.
  return quotient * 2 ** -Math.floor(shift / 2) * 2 ** -Math.ceil(shift / 2);
}

test('p-values agree with scipy.stats.binomtest and statsmodels mcnemar(exact=True) to 1e-12 relative', () => {
  assert.ok(reference.cases.length >= 20);
  for (const { b, c, scipy, statsmodels } of reference.cases) {
    const p = mcnemarExact(b, c);
    assertRelative(p, scipy, 1e-12, `b=${b}, c=${c} (scipy)`);
    assertRelative(p, statsmodels, 1e-12, `b=${b}, c=${c} (statsmodels)`);
  }
});

test('p-values agree with the binomial formula computed exactly on hand-made tables', () => {
  const tables: [number, number][] = [[0, 0], [1, 0], [4, 4], [2, 3], [12, 37], [37, 12], [0, 25], [1, 9], [30, 300], [1, 1000], [480, 520], [5000, 5200], [5200, 5000]];
  for (const [b, c] of tables) assertRelative(mcnemarExact(b, c), exactPValue(b, c), 1e-12, `b=${b}, c=${c}`);
});

test('the edges: no discordant pair, ties, one side empty, symmetry', () => {
  assert.equal(mcnemarExact(0, 0), 1);
  for (const n of [1, 2, 7, 50, 5000]) assert.equal(mcnemarExact(n, n), 1);
  // Both sides of a single disagreement: the coin could not have shown anything less likely.
  assert.equal(mcnemarExact(0, 1), 1);
  // 2 · 2^-10 exactly.
  assert.equal(mcnemarExact(0, 10), 2 ** -9);
  assert.equal(mcnemarExact(37, 12), mcnemarExact(12, 37));
  assert.equal(mcnemarExact(0, 2000), 0, '2·2^-2000 is below the smallest double');
});

test('a million discordant pairs is computed, not overflowed', () => {
  const started = performance.now();
  const p = mcnemarExact(499_000, 501_000);
  assert.ok(performance.now() - started < 1000);
  assert.ok(p > 0.04 && p < 0.05, String(p));
});

test('counts that are not counts are refused, naming them', () => {
  assert.throws(() => mcnemarExact(-1, 3), /McNemar's b must be a count/);
  assert.throws(() => mcnemarExact(2, 1.5), /McNemar's c must be a count/);
});
