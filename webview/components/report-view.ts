import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import './benchmark-summary';
import './checkpoint-series';
import './classification-output';
import './compare-section';
import './cross-validation-section';
import './insights-section';
import './multilabel-output';
import './regression-output';
import './report-header';
import './run-details';
import './sample-table';
import './text-output';
import { sharedStyles } from './shared.css';
import { reportViewStyles, sectionStyles } from './report-view.css';
import { StateElement } from './state-element';
import { noticeBanner } from './notice-banner';

/** A run's report: header, benchmarks, each prediction output, the samples, the configuration, and a comparison when one arrives; a cross-validation run's: its cross-validation instead of benchmarks and samples. */
export class ReportViewElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, reportViewStyles];
  
  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('show-samples', () => this.renderRoot.querySelector('evalens-sample-table')?.scrollIntoView({ block: 'start' }));
    // A sample opened from an insight (a scatter point, a suggestion): its detail, beside the sample table, comes into view.
    this.addEventListener('show-sample', () => this.renderRoot.querySelector('evalens-sample-table')?.shadowRoot?.querySelector('evalens-sample-detail')?.scrollIntoView({ block: 'nearest' }));
  }

  override render() {
    const state = this.state;
    const benchmark = state.benchmark;
    return html`${noticeBanner(this.state.notice, () => this.state.dismissNotice())}
    ${state.report === undefined
      ? state.notice === undefined
        ? html`<p class="loading muted" aria-busy="true">Loading the report…</p>`
        : nothing
      : state.report.crossValidation !== undefined
        ? html`<evalens-report-header .state=${state}></evalens-report-header>
            <evalens-cross-validation .state=${state}></evalens-cross-validation>
            <evalens-run-details .state=${state}></evalens-run-details>`
        : html`<evalens-report-header .state=${state}></evalens-report-header>
          <evalens-compare-section .state=${state}></evalens-compare-section>
          <evalens-benchmark-summary .state=${state}></evalens-benchmark-summary>
          ${state.report.checkpoints === undefined ? nothing : html`<evalens-checkpoint-series .checkpoints=${state.report.checkpoints}></evalens-checkpoint-series>`}
          ${benchmark?.outputs.map((output) => {
            switch (output.task) {
              case 'classification':
              case 'binary':
                return html`<evalens-classification-output .state=${state} .output=${output}></evalens-classification-output>`;
              case 'regression':
                return html`<evalens-regression-output .output=${output}></evalens-regression-output>`;
              case 'text':
                return html`<evalens-text-output .output=${output} .benchmark=${benchmark}></evalens-text-output>`;
              case 'multilabel':
                return html`<evalens-multilabel-output .output=${output} .benchmark=${benchmark}></evalens-multilabel-output>`;
            }
          })}
          <evalens-insights .state=${state}></evalens-insights>
          <evalens-sample-table .state=${state}></evalens-sample-table>
          <evalens-run-details .state=${state}></evalens-run-details>`}`;
  }

}
customElements.define('evalens-report-view', ReportViewElement);

declare global {
  interface HTMLElementTagNameMap {
    'evalens-report-view': ReportViewElement;
  }
}
