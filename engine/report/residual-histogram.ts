/**
 * The histogram of a regression's residuals. Bins by the Freedman–Diaconis rule (width
 * 2·IQR/n^⅓: robust to the long tails residuals often have), falling back to Sturges
 * (log2 n + 1 bins) when the IQR is 0; edges evenly spaced from the smallest residual to the
 * largest, as numpy.histogram_bin_edges(values, 'fd') lays them out, and counted as
 * numpy.histogram counts (each bin half-open, the last one closed).
 */

/** A cap on bins: a few outliers must not make Freedman–Diaconis ask for thousands. */
const MAX_BINS = 200;

export interface Histogram {
  edges: number[];
  counts: number[];
}

export function residualHistogram(residuals: Float64Array): Histogram {
  const n = residuals.length;
  if (n === 0) return { edges: [], counts: [] };
  const sorted = Float64Array.from(residuals).sort();
  let low = sorted[0]!;
  let high = sorted[n - 1]!;
  const constant = low === high;
  if (constant) {
    // One value: numpy's one bin of width 1 around it.
    low -= 0.5;
    high += 0.5;
  }
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const fdWidth = (2 * iqr) / Math.cbrt(n);
  const bins = constant ? 1 : fdWidth > 0 ? Math.ceil((high - low) / fdWidth) : Math.ceil(Math.log2(n)) + 1;
  const count = Math.min(MAX_BINS, Math.max(1, bins));
  const edges = Array.from({ length: count + 1 }, (_, k) => low + ((high - low) * k) / count);
  edges[count] = high;
  const counts = new Array<number>(count).fill(0);
  const scale = count / (high - low);
  for (const value of sorted) {
    let bin = Math.min(count - 1, Math.floor((value - low) * scale));
    // The division may put a value on an edge into its neighbour: compare with the edges themselves.
    while (bin > 0 && value < edges[bin]!) bin--;
    while (bin < count - 1 && value >= edges[bin + 1]!) bin++;
    counts[bin]!++;
  }
  return { edges, counts };
}

/** numpy.percentile's default (linear interpolation between closest ranks) on sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}
