import type { Cell, ReportAnalysis, ReportData, TableColumn } from '../../shared/report-data';
import { formatCell } from '../format';

/**
 * What the latent scatter colours its points by: any sample-table column of the benchmarks
 * the points come from (label, prediction, correctness, confidence, losses, metrics, metadata),
 * or the benchmark itself. Colours are not chosen here: a point gets a category (an index into
 * the palette) or a position on a gradient, and the scatter turns those into theme colours.
 */

/** The pseudo-column of a point's benchmark (unlabeled and labeled subsets apart). */
export const BENCHMARK_KEY = '@benchmark';

export interface ColorOption {
  key: string;
  label: string;
  group: 'Sample' | 'Outputs' | 'Scores' | 'Metadata';
  column?: TableColumn;
}

const GROUPS: Partial<Record<TableColumn['role'], ColorOption['group']>> = {
  truthLabel: 'Outputs',
  predictedLabel: 'Outputs',
  correct: 'Outputs',
  confidence: 'Outputs',
  positiveProbability: 'Outputs',
  value: 'Outputs',
  trueValue: 'Outputs',
  loss: 'Scores',
  metric: 'Scores',
  metadata: 'Metadata',
};

/** Every column worth colouring by, once each across the benchmarks (the first benchmark's header names it). */
export function colorOptions(report: ReportData): ColorOption[] {
  const seen = new Map<string, ColorOption>();
  for (const benchmark of report.benchmarks) {
    for (const column of benchmark.table.columns) {
      const group = GROUPS[column.role];
      if (group !== undefined && !seen.has(column.key)) seen.set(column.key, { key: column.key, label: optionLabel(column), group, column });
    }
  }
  return [{ key: BENCHMARK_KEY, label: 'benchmark', group: 'Sample' }, ...seen.values()];
}

function optionLabel(column: TableColumn): string {
  switch (column.role) {
    case 'truthLabel':
      return `label (${column.output})`;
    case 'predictedLabel':
      return `prediction (${column.output})`;
    case 'correct':
      return `correct (${column.output})`;
    default:
      return column.label;
  }
}

/** The option shown first: the true label when there is one, else the prediction, else the benchmark. */
export function defaultColorKey(options: readonly ColorOption[]): string {
  return (options.find((o) => o.column?.role === 'truthLabel') ?? options.find((o) => o.column?.role === 'predictedLabel') ?? options[0]!).key;
}

/** The value of column `key` for every point (null where its benchmark lacks the column or the sample the value). */
export function pointValues(report: ReportData, analysis: ReportAnalysis, key: string): Cell[] {
  const { benchmark, row } = analysis.points;
  if (key === BENCHMARK_KEY) return benchmark.map((b) => report.benchmarks[b]?.name ?? null);
  const columns = report.benchmarks.map((b) => {
    const c = b.table.columns.findIndex((column) => column.key === key);
    return c < 0 ? undefined : b.table.values[c];
  });
  const values = new Array<Cell>(benchmark.length);
  for (let i = 0; i < benchmark.length; i++) values[i] = columns[benchmark[i]!]?.[row[i]!] ?? null;
  return values;
}

/** The value of column `key` for one point. */
export function pointValue(report: ReportData, analysis: ReportAnalysis, point: number, key: string): Cell {
  const benchmark = report.benchmarks[analysis.points.benchmark[point]!];
  if (benchmark === undefined) return null;
  if (key === BENCHMARK_KEY) return benchmark.name;
  const c = benchmark.table.columns.findIndex((column) => column.key === key);
  return c < 0 ? null : (benchmark.table.values[c]![analysis.points.row[point]!] ?? null);
}

export interface Category {
  value: Cell;
  label: string;
  count: number;
  /** Palette slot; `other` for the values past the palette, drawn in one muted colour. */
  slot: number | 'other';
}

export type PointColoring =
  | {
      kind: 'categorical';
      categories: Category[];
      /** Per point: index into `categories`, or −1 for no value. */
      category: Int32Array;
    }
  | {
      kind: 'numeric';
      /** Per point: its rank among the values, 0..1 (NaN for no value): skewed values (losses) still spread over the gradient. */
      rank: Float32Array;
      min: number;
      median: number;
      max: number;
    };

/** Integer columns with at most this many distinct values are categories (class indices), beyond it a gradient. */
const MAX_INT_CATEGORIES = 20;

export function pointColoring(values: readonly Cell[], column: TableColumn | undefined, paletteSize: number): PointColoring {
  const numeric = column !== undefined && (column.type === 'double' || (column.type === 'int' && distinctCount(values, MAX_INT_CATEGORIES + 1) > MAX_INT_CATEGORIES));
  return numeric ? numericColoring(values) : categoricalColoring(values, column, paletteSize);
}

function distinctCount(values: readonly Cell[], stopAt: number): number {
  const seen = new Set<Cell>();
  for (const value of values) {
    if (value !== null) seen.add(value);
    if (seen.size >= stopAt) break;
  }
  return seen.size;
}

function categoricalColoring(values: readonly Cell[], column: TableColumn | undefined, paletteSize: number): PointColoring {
  const counts = new Map<Cell, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  const collator = new Intl.Collator('en', { numeric: true });
  // Natural order (0..9, false before true) keeps a class's colour when the counts change; past the palette, the rarest share one colour.
  const byValue = [...counts.keys()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b))));
  const kept = new Set(byValue.length <= paletteSize ? byValue : [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, paletteSize - 1).map(([v]) => v));
  const categories: Category[] = [];
  const index = new Map<Cell, number>();
  let other: Category | undefined;
  for (const value of byValue) {
    if (kept.has(value)) {
      index.set(value, categories.length);
      categories.push({ value, label: column === undefined ? String(value) : formatCell(value, column), count: counts.get(value)!, slot: categories.length });
    } else {
      other ??= { value: null, label: 'other', count: 0, slot: 'other' };
      other.count += counts.get(value)!;
    }
  }
  if (other !== undefined) {
    for (const value of byValue) if (!kept.has(value)) index.set(value, categories.length);
    categories.push(other);
  }
  const category = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) category[i] = values[i] === null ? -1 : index.get(values[i]!)!;
  return { kind: 'categorical', categories, category };
}

function numericColoring(values: readonly Cell[]): PointColoring {
  const present: number[] = [];
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) present.push(value);
  const sorted = Float64Array.from(present).sort();
  const rank = new Float32Array(values.length);
  const last = Math.max(1, sorted.length - 1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    rank[i] = typeof value === 'number' && Number.isFinite(value) ? lowerBound(sorted, value) / last : Number.NaN;
  }
  return { kind: 'numeric', rank, min: sorted[0] ?? Number.NaN, median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN };
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
