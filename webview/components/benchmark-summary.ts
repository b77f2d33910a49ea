import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import { formatCount, formatScore } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

/** A score card per benchmark (choosing the one the sections below show), and every metric of the chosen one. */
export class BenchmarkSummaryElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles];
  

  override render() {
    const report = this.state.report;
    const benchmark = this.state.benchmark;
    if (report === undefined || benchmark === undefined) return nothing;
    return html`<section aria-labelledby="benchmarks">
      <h2 id="benchmarks">Benchmarks</h2>
      <div class="cards" role="group" aria-label="Benchmark shown below">
        ${report.benchmarks.map(
          (b, i) => html`<button class="card" data-benchmark=${b.name} aria-pressed=${i === this.state.benchmarkIndex ? 'true' : 'false'} @click=${() => this.state.selectBenchmark(i)}>
            <div class="label muted">${b.name}</div>
            <div class="value">${formatScore(b.overallScore)}</div>
            <div class="muted">${formatCount(b.samples)} / ${formatCount(b.total)} samples${b.errors > 0 ? html`, <span class="negative">${formatCount(b.errors)} errors</span>` : nothing}</div>
            <div class="muted">${b.source.subset ?? b.source.dataset ?? ''}${b.source.sampleCount === undefined ? '' : ` · ${formatCount(b.source.sampleCount)} sampled`}</div>
          </button>`,
        )}
      </div>
      <h3>Metrics of ${benchmark.name}</h3>
      <div class="scroll-x">
        <table class="data" aria-label=${`Metrics of ${benchmark.name}`} data-table="metrics">
          <thead><tr><th scope="col">Metric</th><th scope="col">Value</th></tr></thead>
          <tbody>
            ${Object.entries(benchmark.metrics).map(([name, value]) => html`<tr><th scope="row" style="font-weight:normal;color:inherit">${name}</th><td>${formatScore(value)}</td></tr>`)}
          </tbody>
        </table>
      </div>
    </section>`;
  }
}
customElements.define('evalens-benchmark-summary', BenchmarkSummaryElement);
