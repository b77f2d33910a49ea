import { mcnemarVerdict, SIGNIFICANCE_LEVEL } from '../../../shared/comparison-text';
import { lowerIsBetter } from '../../../shared/metric-direction';
import type { Comparison, DeltaInterval, MetricDelta } from '../../../shared/report-data';

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;
type BenchmarkComparison = Comparison['benchmarks'][number];

/** Metric deltas the terminal shows first, when both runs report them; --json holds every one. */
const HEADLINE = ['accuracy', 'f1_macro', 'precision_macro', 'recall_macro', 'roc_auc_ovr_macro', 'roc_auc', 'average_precision', 'f1', 'log_loss', 'mse', 'rmse', 'mae', 'r2', 'corpus_bleu4', 'exact_match'];
/** Flipped samples listed per direction; --json holds them all. */
const FLIPS_SHOWN = 10;

/** `evalens compare` as a person reads it: per benchmark the deltas, their intervals, McNemar's test and the flipped samples. */
export function formatComparison(comparison: Comparison, paint: Paint): string {
  const { a, b } = comparison;
  const lines = [`${paint('bold', 'A')}  ${a.runId}  ${a.name}`, `${paint('bold', 'B')}  ${b.runId}  ${b.name}`, paint('dim', 'Δ = B − A; samples paired by benchmark, index and input hash.')];
  for (const benchmark of comparison.benchmarks) lines.push('', ...benchmarkLines(benchmark, paint));
  if (comparison.onlyInA.length > 0) lines.push('', `Only in A (not compared): ${comparison.onlyInA.join(', ')}`);
  if (comparison.onlyInB.length > 0) lines.push(`${comparison.onlyInA.length > 0 ? '' : '\n'}Only in B (not compared): ${comparison.onlyInB.join(', ')}`);
  for (const note of comparison.notes ?? []) lines.push('', paint('yellow', note));
  const bootstrap = comparison.bootstrap;
  if (bootstrap !== undefined && comparison.benchmarks.some((x) => (x.intervals ?? []).length > 0)) {
    lines.push(
      '',
      paint('dim', `Intervals: ${Math.round(bootstrap.confidence * 100)}% paired bootstrap percentile intervals, ${bootstrap.resamples} resamples, seed ${bootstrap.seed} (--resamples, --seed).`),
    );
  }
  return lines.join('\n');
}

function benchmarkLines(benchmark: BenchmarkComparison, paint: Paint): string[] {
  const lines = [`${paint('bold', `Benchmark ${benchmark.name}`)}: ${count(benchmark.paired)} samples paired, ${count(benchmark.unpaired)} unpaired`];
  const intervals = benchmark.intervals ?? [];
  const shown = benchmark.metrics.filter((m) => HEADLINE.includes(m.metric)).sort((x, y) => HEADLINE.indexOf(x.metric) - HEADLINE.indexOf(y.metric));
  const rows = shown.map((m) => deltaRow(m));
  if (rows.length > 0) {
    lines.push(...table(['metric', 'A', 'B', 'Δ', ''], rows, paint, [false, true, true, true, false]));
    const rest = benchmark.metrics.length - shown.length;
    if (rest > 0) lines.push(paint('dim', `  … ${rest} more metric${rest === 1 ? '' : 's'} and ${benchmark.perClass.length} per-class rows in --json`));
  } else {
    lines.push('  No metric both runs report.');
  }
  if (intervals.length > 0) {
    lines.push('', `  ${paint('bold', 'On the paired samples')}, with the intervals of the deltas:`);
    lines.push(...table(['metric', 'A', 'B', 'Δ', 'interval'], intervals.map(intervalRow), paint, [false, true, true, true, false]));
  }
  if (benchmark.mcnemar) {
    const m = benchmark.mcnemar;
    const verdict = mcnemarVerdict(m);
    lines.push('', `  ${paint('bold', "McNemar's exact test")} on '${m.output}' (${count(m.samples)} samples scored in both; b = ${m.b}, c = ${m.c}):`, `  ${m.pValue < SIGNIFICANCE_LEVEL ? paint('green', verdict) : verdict}`);
  }
  lines.push('', ...flipLines('Right in A, wrong in B', benchmark.rightToWrong, paint), ...flipLines('Wrong in A, right in B', benchmark.wrongToRight, paint));
  return lines;
}

/** A delta and, in words, whether B is the better run on it (a loss or error that rose is worse). */
function deltaRow(m: MetricDelta): string[] {
  const better = m.delta === null || m.delta === 0 ? '' : m.delta > 0 !== (m.lowerIsBetter ?? lowerIsBetter(m.metric)) ? 'better' : 'worse';
  return [m.metric, num(m.a), num(m.b), signed(m.delta), better];
}

function intervalRow(x: DeltaInterval): string[] {
  return [`${x.output}.${x.metric}`, num(x.a), num(x.b), signed(x.delta), `[${signed(x.low)}, ${signed(x.high)}]`];
}

function flipLines(title: string, samples: BenchmarkComparison['rightToWrong'], paint: Paint): string[] {
  if (samples.length === 0) return [`  ${title}: none`];
  const rows = samples.slice(0, FLIPS_SHOWN).map((s) => [String(s.index), s.truth ?? '—', s.predictedA ?? '—', s.predictedB ?? '—', s.inputHash.slice(0, 8)]);
  const more = samples.length > FLIPS_SHOWN ? [paint('dim', `  … ${samples.length - FLIPS_SHOWN} more in --json`)] : [];
  return [`  ${title}: ${count(samples.length)}`, ...table(['index', 'truth', 'A', 'B', 'input'], rows, paint, [true, false, false, false, false]), ...more];
}

function table(header: string[], rows: string[][], paint: Paint, rightAligned: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) => `    ${cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [paint('dim', render(header)), ...rows.map(render)];
}

const count = (n: number) => n.toLocaleString('en-US');
const num = (v: number | null) => (v === null ? '—' : v.toFixed(4));
const signed = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : v < 0 ? '-' : '±'}${Math.abs(v).toFixed(4)}`);
