import type { McNemar } from './report-data';

/** The significance level the verdicts name; the p-value itself is always shown. */
export const SIGNIFICANCE_LEVEL = 0.05;

export function formatPValue(p: number): string {
  if (p < 0.0001) return 'p < 0.0001';
  if (p >= 1) return 'p = 1';
  return `p = ${p.toPrecision(2)}`;
}

const samples = (n: number) => `${n.toLocaleString('en-US')} sample${n === 1 ? '' : 's'}`;

/**
 * McNemar's test in plain words, the same in the panel and the terminal. It says how likely
 * chance alone is, never that a run is better by some amount: the metric intervals say that.
 */
export function mcnemarVerdict(m: McNemar): string {
  if (m.b + m.c === 0) return `A and B are right and wrong on the same ${samples(m.samples)}: no disagreement to test (p = 1).`;
  const counts = `B is right on ${samples(m.c)} A got wrong and wrong on ${m.b.toLocaleString('en-US')} it got right`;
  const reading =
    m.pValue < SIGNIFICANCE_LEVEL
      ? `unlikely to be chance alone (below ${SIGNIFICANCE_LEVEL}), so ${m.c > m.b ? 'B' : 'A'} is more often right on these data`
      : `could be chance (not below ${SIGNIFICANCE_LEVEL}): no clear evidence that either run is more often right`;
  return `${counts}: ${formatPValue(m.pValue)}, ${reading}.`;
}
