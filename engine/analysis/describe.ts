import type { Analysis, SampleRef, Slice } from '../../shared/analysis-types';

/** How the terminal summary and the Markdown report name the things an analysis lists. */

/** `test #37` (benchmark and index in its subset). */
export function sampleLabel(ref: SampleRef): string {
  return `${ref.benchmark} #${ref.index}`;
}

/** `heavier_half = top`, `mean_intensity in [0.12, 0.25)`. */
export function sliceLabel(slice: Slice): string {
  const s = slice.slice;
  if (s.kind === 'value') return `${slice.key} = ${String(s.value)}`;
  return `${slice.key} in [${short(s.low)}, ${short(s.high)}${s.closedHigh ? ']' : ')'}`;
}

/** The metric that ranked the slices (the first one every slice reports), with its interval. */
export function sliceMainMetric(slice: Slice): string | undefined {
  return Object.keys(slice.metrics)[0];
}

/** `0.8519 [0.8195, 0.8792]`. */
export function intervalText(interval: { value: number | null; low: number | null; high: number | null } | undefined): string {
  if (interval === undefined || interval.value === null) return '—';
  return `${interval.value.toFixed(4)} [${interval.low?.toFixed(4) ?? '—'}, ${interval.high?.toFixed(4) ?? '—'}]`;
}

/** Exact duplicate groups that leak, and near-duplicate pairs that span the training subset and another. */
export function leakageCounts(analysis: Analysis): { exact: number; near: number } {
  return {
    exact: analysis.exactDuplicates.filter((g) => g.leakage).length,
    near: analysis.nearDuplicates.pairs.filter((p) => (p.a.subset === 'train') !== (p.b.subset === 'train')).length,
  };
}

function short(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
