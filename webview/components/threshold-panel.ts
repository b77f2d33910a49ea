import { css, html, nothing } from 'lit';
import type { OutputReport } from '../../shared/report-data';
import { columnValues } from '../analysis/sample-query';
import { thresholdMetrics } from '../analysis/threshold-metrics';
import type { ReportState } from '../state/report-state';
import { formatScore } from '../format';
import './confusion-matrix';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

type BinaryOutput = Extract<OutputReport, { task: 'binary' }>;

/** A binary output at a threshold the user picks: precision, recall, F1 and the confusion matrix recomputed from every sample's stored score. */
export class ThresholdPanelElement extends StateElement<ReportState> {
  static override styles = [
    sharedStyles,
    sectionStyles,
    css`
      .slider {
        display: flex;
        align-items: center;
        gap: 10px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      input[type='range'] {
        flex: 1;
        min-width: 160px;
        max-width: 420px;
        accent-color: var(--vscode-button-background);
      }
      .layout {
        display: flex;
        flex-wrap: wrap;
        gap: 24px;
        align-items: flex-start;
      }
    `,
  ];
  static override properties = { ...StateElement.properties, output: { attribute: false } };
  output!: BinaryOutput;


  override render() {
    const output = this.output;
    const table = this.state.benchmark?.table;
    const scores = table && output.columns.positiveProbability !== undefined ? columnValues(table, output.columns.positiveProbability) : undefined;
    const truths = table && output.columns.truth !== undefined ? columnValues(table, output.columns.truth) : undefined;
    if (scores === undefined || truths === undefined) return nothing;
    const threshold = this.state.thresholds.get(output.name) ?? output.threshold;
    const m = thresholdMetrics(scores, truths, threshold);
    const id = `threshold-${output.name}`;
    return html`<h3>Threshold</h3>
      <div class="slider">
        <label for=${id}>Positive when ${output.labels[1] ?? 'positive'} probability ≥</label>
        <input
          id=${id}
          type="range"
          min="0"
          max="1"
          step="0.01"
          .value=${String(threshold)}
          aria-valuetext=${threshold.toFixed(2)}
          @input=${(event: Event) => this.state.setThreshold(output.name, Number((event.target as HTMLInputElement).value))}
        />
        <output for=${id} data-figure="threshold" class="mono">${threshold.toFixed(2)}</output>
        ${threshold !== output.threshold
          ? html`<button class="link" @click=${() => this.state.setThreshold(output.name, output.threshold)}>Back to ${output.threshold}</button>`
          : nothing}
      </div>
      <div class="layout">
        <table class="data" aria-label=${`Metrics of ${output.name} at threshold ${threshold.toFixed(2)}`} aria-live="polite">
          <tbody>
            <tr><th scope="row">Precision</th><td data-figure="precision">${formatScore(m.precision)}</td></tr>
            <tr><th scope="row">Recall</th><td data-figure="recall">${formatScore(m.recall)}</td></tr>
            <tr><th scope="row">F1</th><td data-figure="f1">${formatScore(m.f1)}</td></tr>
            <tr><th scope="row">Accuracy</th><td data-figure="accuracy">${formatScore(m.accuracy)}</td></tr>
          </tbody>
        </table>
        <evalens-confusion-matrix
          data-threshold-matrix
          .labels=${output.labels}
          .matrix=${m.confusionMatrix}
          caption=${`Confusion matrix at threshold ${threshold.toFixed(2)}`}
        ></evalens-confusion-matrix>
      </div>`;
  }
}
customElements.define('evalens-threshold-panel', ThresholdPanelElement);
