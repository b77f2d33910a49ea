import type { Analysis } from '../../shared/analysis-types';
import { intervalText, leakageCounts, sampleLabel, sliceLabel, sliceMainMetric } from '../analysis/describe';
import { code, num, table, text } from './markdown';

/** Rows of each list the Markdown report shows: `evalens analyze --json` and the export hold them all. */
const SHOWN = 10;

/** The run's analysis as a section of the Markdown report: suggestions, mistakes, duplicates, weakest slices. */
export function insightsSection(analysis: Analysis): string {
  const lines = ['## Insights', ''];
  if (analysis.status === 'failed') {
    lines.push(`> **The analysis failed:** ${text(analysis.error ?? 'no reason recorded')}`);
    return lines.join('\n');
  }
  const facts = [analysis.latent === null ? undefined : `latent ${code(analysis.latent.output)} (${analysis.latent.rows} × ${analysis.latent.dim})`];
  if (analysis.neighbours !== null) facts.push(`${analysis.neighbours.k} nearest labeled neighbours from ${analysis.neighbours.referenceBenchmarks.map(text).join(', ')}`);
  facts.push(`analysed ${analysis.createdAt.slice(0, 19).replace('T', ' ')} UTC`);
  lines.push(facts.filter((f) => f !== undefined).join(' · '));

  const accuracy = analysis.suggestionAccuracy;
  lines.push('', `**Label suggestions**: ${analysis.suggestions.length} unlabeled samples, most uncertain first.${accuracy === null ? '' : ` The neighbours' majority label is right on ${num(accuracy.value)} of ${accuracy.samples} labeled samples outside the reference pool.`}`);
  if (analysis.suggestions.length > 0) {
    const rows = analysis.suggestions.slice(0, SHOWN).map((s) => [text(sampleLabel(s.sample)), text(s.suggestedLabel), s.agreement.toFixed(2), num(s.estimatedLoss), text(s.modelPrediction ?? '—')]);
    lines.push('', table(['sample', 'suggested', 'agreement', 'estimated loss', 'model'], rows, ['left', 'left', 'right', 'right', 'left']));
  }

  lines.push('', `**Likely label mistakes** (confident learning): ${analysis.mistakes.length}.`);
  if (analysis.mistakes.length > 0) {
    const rows = analysis.mistakes.slice(0, SHOWN).map((m) => [text(sampleLabel(m.sample)), text(m.givenLabel), text(m.likelyLabel), num(m.selfConfidence), num(m.score)]);
    lines.push('', table(['sample', 'given', 'likely', 'p(given)', 'margin'], rows, ['left', 'left', 'left', 'right', 'right']));
  }

  const leaks = leakageCounts(analysis);
  lines.push('', `**Duplicates**: ${analysis.exactDuplicates.length} groups of equal inputs, ${analysis.nearDuplicates.pairs.length} near-duplicate pairs (cosine ≥ ${analysis.nearDuplicates.threshold}; ${leaks.near} of them span the ${code('train')} subset and another).`);
  if (leaks.exact > 0) lines.push('', `> ⚠️ **Leakage**: ${leaks.exact} groups of equal inputs span the ${code('train')} subset and another.`);

  const slices = analysis.slices.items;
  lines.push('', `**Weakest slices** (95% intervals; at least ${analysis.slices.minSupport} samples): ${slices.length}.`);
  if (slices.length > 0) {
    const rows = slices.slice(0, SHOWN).map((s) => {
      const metric = sliceMainMetric(s);
      return [text(s.benchmark), text(sliceLabel(s)), String(s.samples), metric === undefined ? '—' : text(metric), metric === undefined ? '—' : intervalText(s.metrics[metric])];
    });
    lines.push('', table(['benchmark', 'slice', 'samples', 'metric', 'value [95% interval]'], rows, ['left', 'left', 'right', 'left', 'right']));
  }
  for (const warning of analysis.warnings) lines.push('', `> ⚠️ ${text(warning)}`);
  return lines.join('\n');
}
