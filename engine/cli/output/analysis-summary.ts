import type { Analysis } from '../../../shared/analysis-types';
import type { RunManifest } from '../../../shared/run-types';
import { intervalText, leakageCounts, sampleLabel, sliceLabel, sliceMainMetric } from '../../analysis/describe';

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

/** Rows of each list the terminal shows; --json and the CSV hold them all. */
const SHOWN = 10;

/** A run's analysis as a person reads it in a terminal: what to trust, what to label, what to fix. */
export function formatAnalysisSummary(manifest: RunManifest, analysis: Analysis, paint: Paint): string {
  const lines = [`${paint('bold', 'Analysis of run')} ${manifest.runId}  ${manifest.name}  ${paint(analysis.status === 'completed' ? 'green' : 'red', analysis.status)}  ${(analysis.durationMs / 1000).toFixed(1)} s`];
  if (analysis.latent !== null) {
    const projections = analysis.projections.map((p) => (p.explainedVarianceRatio === null ? p.method : `${p.method} (explains ${p.explainedVarianceRatio.map((r) => `${(r * 100).toFixed(1)}%`).join(' + ')})`));
    lines.push(`  latent '${analysis.latent.output}': ${analysis.latent.rows} × ${analysis.latent.dim}; projections: ${projections.join(', ')}`);
  }
  if (analysis.neighbours !== null) lines.push(`  ${analysis.neighbours.k} nearest labeled neighbours from: ${analysis.neighbours.referenceBenchmarks.join(', ')}`);
  if (analysis.suggestionAccuracy !== null) {
    lines.push(`  ${paint('bold', 'Suggestion accuracy')} ${analysis.suggestionAccuracy.value.toFixed(4)} (neighbours' majority on ${analysis.suggestionAccuracy.samples} labeled samples outside the reference pool)`);
  }
  lines.push('', ...suggestionLines(analysis, paint), '', ...mistakeLines(analysis, paint), '', ...duplicateLines(analysis, paint), '', ...sliceLines(analysis, paint));
  if (analysis.warnings.length > 0) lines.push('', paint('bold', 'Warnings'), ...analysis.warnings.map((w) => `  ${paint('yellow', w)}`));
  return lines.join('\n');
}

function suggestionLines(analysis: Analysis, paint: Paint): string[] {
  const s = analysis.suggestions;
  if (s.length === 0) return [`${paint('bold', 'Label suggestions')}: none (no sample of an 'unlabeled' subset)`];
  const rows = s.slice(0, SHOWN).map((x) => [sampleLabel(x.sample), x.suggestedLabel, x.agreement.toFixed(2), num(x.estimatedLoss), x.modelPrediction ?? '—']);
  return [`${paint('bold', 'Label suggestions')}: ${s.length} unlabeled samples, most uncertain first`, ...table(['sample', 'suggested', 'agreement', 'est. loss', 'model'], rows, paint), ...more(s.length)];
}

function mistakeLines(analysis: Analysis, paint: Paint): string[] {
  const m = analysis.mistakes;
  if (m.length === 0) return [`${paint('bold', 'Likely label mistakes')}: none found`];
  const rows = m.slice(0, SHOWN).map((x) => [sampleLabel(x.sample), x.givenLabel, x.likelyLabel, x.selfConfidence.toFixed(4), x.score.toFixed(4)]);
  return [`${paint('bold', 'Likely label mistakes')}: ${m.length}, least self-confident first`, ...table(['sample', 'given', 'likely', 'p(given)', 'margin'], rows, paint), ...more(m.length)];
}

function duplicateLines(analysis: Analysis, paint: Paint): string[] {
  const leaks = leakageCounts(analysis);
  const lines = [
    `${paint('bold', 'Duplicates')}: ${analysis.exactDuplicates.length} groups of equal inputs, ${analysis.nearDuplicates.pairs.length} near-duplicate pairs (cosine ≥ ${analysis.nearDuplicates.threshold})`,
  ];
  if (leaks.exact > 0) lines.push(`  ${paint('red', `Leakage: ${leaks.exact} groups of equal inputs span 'train' and another subset`)}`);
  if (leaks.near > 0) lines.push(`  ${leaks.near} of the near-duplicate pairs span 'train' and another subset`);
  for (const g of analysis.exactDuplicates.filter((x) => x.leakage).slice(0, SHOWN)) lines.push(`  ${g.samples.map((r) => `${sampleLabel(r)} (${r.subset ?? 'dataset'})`).join(' = ')}`);
  return lines;
}

function sliceLines(analysis: Analysis, paint: Paint): string[] {
  const items = analysis.slices.items;
  if (items.length === 0) return [`${paint('bold', 'Slices')}: none with ${analysis.slices.minSupport} samples or more`];
  const rows = items.slice(0, SHOWN).map((s) => {
    const metric = sliceMainMetric(s);
    return [s.benchmark, sliceLabel(s), String(s.samples), metric === undefined ? '—' : `${metric} ${intervalText(s.metrics[metric])}`];
  });
  return [`${paint('bold', 'Weakest slices')} (95% intervals, at least ${analysis.slices.minSupport} samples)`, ...table(['benchmark', 'slice', 'samples', 'metric [95% interval]'], rows, paint), ...more(items.length)];
}

function table(header: string[], rows: string[][], paint: Paint): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [paint('dim', render(header)), ...rows.map(render)];
}

function more(count: number): string[] {
  return count > SHOWN ? [`  … ${count - SHOWN} more (--json, or --suggest-labels for the suggestions)`] : [];
}

function num(value: number | null): string {
  return value === null ? '—' : value.toFixed(4);
}
