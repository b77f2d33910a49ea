import { html, LitElement, nothing } from 'lit';
import type { BenchmarkReport, OutputReport } from '../../shared/report-data';
import { columnValues } from '../analysis/sample-query';
import { formatCount, formatScore } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';

type TextOutput = Extract<OutputReport, { task: 'text' }>;

/** Predictions shown here at most; the sample table below holds every one. */
const SHOWN = 100;

/** A text output: its BLEU and exact-match metrics, and predictions beside their references. */
export class TextOutputElement extends LitElement {
  static override styles = [sharedStyles, sectionStyles];
  static override properties = { output: { attribute: false }, benchmark: { attribute: false } };
  output!: TextOutput;
  benchmark!: BenchmarkReport;

  override render() {
    const output = this.output;
    const texts = columnValues(this.benchmark.table, output.textColumn) ?? [];
    const references = columnValues(this.benchmark.table, output.referencesColumn) ?? [];
    const metrics = Object.entries(this.benchmark.metrics).filter(([name]) => /bleu|exact/i.test(name));
    return html`<section aria-label=${`Output ${output.name}`}>
      <h2>Output <span class="mono">${output.name}</span> · text</h2>
      <div class="cards">
        ${metrics.map(([name, value]) => html`<div class="card"><div class="label muted">${name}</div><div class="value">${formatScore(value)}</div></div>`)}
      </div>
      <h3>Predictions and references</h3>
      <div class="scroll-x">
        <table class="data" data-table="texts" aria-label=${`Predictions of ${output.name} beside their references`}>
          <thead><tr><th scope="col">#</th><th scope="col" class="text">Prediction</th><th scope="col" class="text">References</th></tr></thead>
          <tbody>
            ${texts.slice(0, SHOWN).map(
              (text, row) => html`<tr><td>${row}</td><td class="text">${text ?? '—'}</td><td class="text muted">${references[row] ?? '—'}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${texts.length > SHOWN ? html`<p class="muted">The first ${SHOWN} of ${formatCount(texts.length)}; the sample table below lists every one.</p>` : nothing}
    </section>`;
  }
}
customElements.define('evalens-text-output', TextOutputElement);
