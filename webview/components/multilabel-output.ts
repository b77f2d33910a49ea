import { html, LitElement, nothing } from 'lit';
import type { BenchmarkReport, OutputReport } from '../../shared/report-data';
import { formatCount, formatScore } from '../format';
import { curveFigures } from './curve-figures';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';

type MultilabelOutput = Extract<OutputReport, { task: 'multilabel' }>;

/** The multilabel metrics shown as cards, most read first (every one is also in the benchmark's metrics table). */
const CARDS = ['f1_micro', 'subset_accuracy', 'hamming_loss', 'f1_macro', 'f1_samples', 'average_precision_macro', 'roc_auc_macro'];

/** A multilabel output: its headline metrics, each label at its threshold with its threshold-free scores, and each label's ROC and precision-recall curves. */
export class MultilabelOutputElement extends LitElement {
  static override styles = [sharedStyles, sectionStyles];
  static override properties = { output: { attribute: false }, benchmark: { attribute: false } };
  output!: MultilabelOutput;
  benchmark!: BenchmarkReport;

  override render() {
    const output = this.output;
    const undefinedAuc = output.perLabel.filter((row) => row.rocAuc === null).map((row) => row.label);
    return html`<section aria-label=${`Output ${output.name}`}>
      <h2>Output <span class="mono">${output.name}</span> · multilabel</h2>
      <div class="cards">
        ${CARDS.map((metric) => {
          const value = this.metric(metric);
          return value === undefined ? nothing : html`<div class="card" data-metric=${metric}><div class="label muted">${metric}</div><div class="value">${formatScore(value)}</div></div>`;
        })}
      </div>
      <h3>Per label</h3>
      <div class="scroll-x">
        <table class="data" aria-label=${`Per-label metrics of ${output.name}`} data-table="per-label">
          <thead>
            <tr>
              <th scope="col">Label</th><th scope="col">Threshold</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th><th scope="col">Support</th><th scope="col">Average precision</th><th scope="col">ROC AUC</th>
            </tr>
          </thead>
          <tbody>
            ${output.perLabel.map(
              (row) =>
                html`<tr><th scope="row" style="font-weight:normal;color:inherit">${row.label}</th><td>${formatScore(row.threshold)}</td><td>${formatScore(row.precision)}</td><td>${formatScore(row.recall)}</td><td>${formatScore(row.f1)}</td><td>${formatCount(row.support)}</td><td>${formatScore(row.averagePrecision)}</td><td>${formatScore(row.rocAuc)}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${undefinedAuc.length === 0 ? nothing : html`<p class="muted">No ROC AUC for ${undefinedAuc.join(', ')}: held by no sample or by every sample. roc_auc_macro averages the other labels.</p>`}
      ${curveFigures(output.name, output.roc, output.precisionRecall, 'label')}
    </section>`;
  }

  /** The output's metric: prefixed by its name when the benchmark has several outputs, bare for its first. */
  private metric(name: string): number | null | undefined {
    const metrics = this.benchmark.metrics;
    const prefixed = `${this.output.name}.${name}`;
    if (prefixed in metrics) return metrics[prefixed];
    return this.benchmark.outputs[0]?.name === this.output.name ? metrics[name] : undefined;
  }
}
customElements.define('evalens-multilabel-output', MultilabelOutputElement);
