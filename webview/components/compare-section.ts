import { html, nothing } from 'lit';
import type { Comparison, MetricDelta } from '../../shared/report-data';
import type { ReportState } from '../state/report-state';
import { formatCount, formatDelta, formatScore } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

type BenchmarkComparison = Comparison['benchmarks'][number];
type Flipped = BenchmarkComparison['rightToWrong'][number];

/** Flipped samples listed at most per direction; the count says how many there are. */
const FLIPS_SHOWN = 100;

/** This run against another: metric deltas per benchmark and per class, and the samples that changed sides. */
export class CompareSectionElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles];
  

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
      ${comparison.benchmarks.map((benchmark) => this.renderBenchmark(benchmark))}
    </section>`;
  }

  private renderBenchmark(benchmark: BenchmarkComparison) {
    return html`<h3>${benchmark.name}</h3>
      <p class="muted">${formatCount(benchmark.paired)} samples paired, ${formatCount(benchmark.unpaired)} unpaired.</p>
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

  private deltaTable(label: string, rows: { name: string; delta: MetricDelta }[]) {
    return html`<table class="data" aria-label=${label} data-table="deltas">
      <thead><tr><th scope="col">Metric</th><th scope="col">A</th><th scope="col">B</th><th scope="col">Δ</th></tr></thead>
      <tbody>
        ${rows.map(({ name, delta }) => {
          const sign = delta.delta === null || delta.delta === 0 ? '' : delta.delta > 0 ? 'positive' : 'negative';
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
