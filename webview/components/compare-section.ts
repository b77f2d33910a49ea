import { css, html, nothing } from 'lit';
import { formatPValue, mcnemarVerdict, SIGNIFICANCE_LEVEL } from '../../shared/comparison-text';
import { lowerIsBetter } from '../../shared/metric-direction';
import type { Comparison, DeltaInterval, MetricDelta } from '../../shared/report-data';
import type { ReportState } from '../state/report-state';
import { formatCount, formatDelta, formatScore } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

type BenchmarkComparison = Comparison['benchmarks'][number];
type Flipped = BenchmarkComparison['rightToWrong'][number];

/** Flipped samples listed at most per direction; the count says how many there are. */
const FLIPS_SHOWN = 100;

/** Whether a change by `delta` is an improvement: the colour of a delta, never its only sign. */
function deltaClass(delta: number | null, lower: boolean): string {
  if (delta === null || delta === 0) return '';
  return delta > 0 !== lower ? 'positive' : 'negative';
}

/** This run against another: metric deltas per benchmark and per class, whether the difference is more than chance, and the samples that changed sides. */
export class CompareSectionElement extends StateElement<ReportState> {
  static override styles = [
    sharedStyles,
    sectionStyles,
    css`
      .significance {
        margin: 0 0 12px;
        padding: 8px 12px;
        border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
        border-left: 3px solid var(--vscode-descriptionForeground);
        border-radius: 2px;
        background: var(--vscode-editorWidget-background);
        max-width: 72em;
      }
      .significance.significant {
        border-left-color: var(--vscode-focusBorder);
      }
      .significance p {
        margin: 0 0 6px;
      }
      .verdict {
        font-weight: 600;
      }
      .significance .scroll-x {
        margin-bottom: 6px;
      }
    `,
  ];


  override render() {
    const comparison = this.state.comparison;
    if (comparison === undefined) return nothing;
    const { a, b } = comparison;
    return html`<section aria-labelledby="compare" data-section="compare">
      <h2 id="compare">Compared: ${a.name} → ${b.name}</h2>
      <p class="muted">
        Δ is B − A: <span class="mono">${a.runId}</span> (A) against <span class="mono">${b.runId}</span> (B). Samples are paired by benchmark, index and input hash.
        ${comparison.onlyInA.length > 0 ? html`Only in A: ${comparison.onlyInA.join(', ')}.` : nothing}
        ${comparison.onlyInB.length > 0 ? html`Only in B: ${comparison.onlyInB.join(', ')}.` : nothing}
      </p>
      ${(comparison.notes ?? []).map((note) => html`<p class="notice warning" data-figure="compare-note">${note}</p>`)}
      ${comparison.benchmarks.map((benchmark) => this.renderBenchmark(benchmark))}
    </section>`;
  }

  private renderBenchmark(benchmark: BenchmarkComparison) {
    return html`<h3>${benchmark.name}</h3>
      <p class="muted">${formatCount(benchmark.paired)} samples paired, ${formatCount(benchmark.unpaired)} unpaired.</p>
      ${this.renderSignificance(benchmark)}
      <div class="charts">
        <div class="scroll-x">${this.deltaTable(`Metric deltas of ${benchmark.name}`, benchmark.metrics.map((m) => ({ name: m.metric, delta: m })))}</div>
        ${benchmark.perClass.length === 0
          ? nothing
          : html`<div class="scroll-x">
              ${this.deltaTable(
                `Per-class deltas of ${benchmark.name}`,
                benchmark.perClass.flatMap((c) => c.metrics.map((m) => ({ name: `${c.output} · ${c.label} · ${m.metric}`, delta: m }))),
              )}
            </div>`}
      </div>
      <div class="charts">
        ${this.flipList('Right → wrong', 'right-to-wrong', benchmark.rightToWrong)} ${this.flipList('Wrong → right', 'wrong-to-right', benchmark.wrongToRight)}
      </div>`;
  }

  /** McNemar's test in words and figures, and the bootstrap intervals of the headline deltas. */
  private renderSignificance(benchmark: BenchmarkComparison) {
    const m = benchmark.mcnemar;
    const intervals = benchmark.intervals ?? [];
    const bootstrap = this.state.comparison?.bootstrap;
    if (!m && intervals.length === 0) return nothing;
    return html`<div class="significance ${m && m.pValue < SIGNIFICANCE_LEVEL ? 'significant' : ''}" data-figure="significance">
      ${m
        ? html`<p class="verdict" data-figure="mcnemar">${mcnemarVerdict(m)}</p>
            <p class="muted">
              McNemar's exact test on <span class="mono">${m.output}</span>, ${formatCount(m.samples)} samples scored in both runs: b = ${formatCount(m.b)} (right in A only),
              c = ${formatCount(m.c)} (right in B only), two-sided ${formatPValue(m.pValue)}.
            </p>`
        : nothing}
      ${intervals.length === 0
        ? nothing
        : html`<div class="scroll-x">
              <table class="data" data-table="intervals" aria-label=${`Delta intervals of ${benchmark.name}`}>
                <thead>
                  <tr><th scope="col">Metric, paired samples</th><th scope="col">A</th><th scope="col">B</th><th scope="col">Δ</th><th scope="col">${Math.round((bootstrap?.confidence ?? 0.95) * 100)}% interval of Δ</th></tr>
                </thead>
                <tbody>
                  ${intervals.map((x) => this.intervalRow(x))}
                </tbody>
              </table>
            </div>
            ${bootstrap
              ? html`<p class="muted">Paired bootstrap: ${formatCount(bootstrap.resamples)} resamples of the paired samples, seed ${bootstrap.seed}, percentile interval. An interval that excludes 0 is a change beyond resampling noise.</p>`
              : nothing}`}
    </div>`;
  }

  private intervalRow(x: DeltaInterval) {
    return html`<tr>
      <th scope="row" style="font-weight:normal;color:inherit">${x.output} · ${x.metric}</th>
      <td>${formatScore(x.a)}</td>
      <td>${formatScore(x.b)}</td>
      <td class=${deltaClass(x.delta, lowerIsBetter(x.metric))} data-delta=${x.delta}>${formatDelta(x.delta)}</td>
      <td data-low=${x.low} data-high=${x.high}>[${formatDelta(x.low)}, ${formatDelta(x.high)}]</td>
    </tr>`;
  }

  private deltaTable(label: string, rows: { name: string; delta: MetricDelta }[]) {
    return html`<table class="data" aria-label=${label} data-table="deltas">
      <thead><tr><th scope="col">Metric</th><th scope="col">A</th><th scope="col">B</th><th scope="col">Δ</th></tr></thead>
      <tbody>
        ${rows.map(({ name, delta }) => {
          const sign = deltaClass(delta.delta, delta.lowerIsBetter ?? lowerIsBetter(delta.metric));
          return html`<tr>
            <th scope="row" style="font-weight:normal;color:inherit">${name}</th>
            <td>${formatScore(delta.a)}</td>
            <td>${formatScore(delta.b)}</td>
            <td class=${sign} data-delta=${delta.delta ?? ''}>${formatDelta(delta.delta)}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  private flipList(title: string, key: string, samples: Flipped[]) {
    return html`<div>
      <h3>${title} (${formatCount(samples.length)})</h3>
      ${samples.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<div class="scroll-x">
            <table class="data" data-table=${key} aria-label=${`Samples ${title}`}>
              <thead><tr><th scope="col">Index</th><th scope="col">Truth</th><th scope="col">A predicted</th><th scope="col">B predicted</th><th scope="col">Input hash</th></tr></thead>
              <tbody>
                ${samples
                  .slice(0, FLIPS_SHOWN)
                  .map((s) => html`<tr><td>${s.index}</td><td>${s.truth ?? '—'}</td><td>${s.predictedA ?? '—'}</td><td>${s.predictedB ?? '—'}</td><td class="mono">${s.inputHash.slice(0, 8)}</td></tr>`)}
              </tbody>
            </table>
          </div>
          ${samples.length > FLIPS_SHOWN ? html`<p class="muted">The first ${FLIPS_SHOWN}.</p>` : nothing}`}
    </div>`;
  }
}
customElements.define('evalens-compare-section', CompareSectionElement);
