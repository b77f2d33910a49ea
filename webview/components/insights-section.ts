import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import { formatCount, formatDateTime, formatDuration } from '../format';
import { icon } from './icon';
import { insightsStyles } from './insights.css';
import { sectionStyles } from './report-view.css';
import { sharedStyles } from './shared.css';
import './duplicates-list';
import './latent-scatter';
import './mistakes-list';
import './slices-table';
import './suggestions-table';
import { StateElement } from './state-element';

/**
 * The insights of the run's analysis (`evalens analyze`): what it was computed from, its error
 * and warnings, then the latent scatter, slices, suggestions, mistakes and duplicates. A run
 * not analysed yet (or whose analysis failed) offers to analyse it, where there is a host to do it.
 */
export class InsightsSectionElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, insightsStyles];
  static override properties = { ...StateElement.properties, umap: { state: true } };
  private umap = false;


  override render() {
    const report = this.state.report;
    if (report === undefined || report.run.status !== 'completed') return nothing;
    const analysis = report.analysis;
    if (analysis === undefined) {
      return html`<section aria-labelledby="insights" data-analysis="absent">
        <h2 id="insights">Insights</h2>
        <p class="muted">
          This run has not been analysed: the latent space, label suggestions for unlabeled samples, likely label mistakes, duplicates and the weakest slices come
          from <span class="mono">evalens analyze ${report.run.runId}</span>.
        </p>
        ${this.renderAnalyze('Analyze')}
      </section>`;
    }
    const latent = analysis.latent;
    return html`<section aria-labelledby="insights" data-analysis=${analysis.status}>
        <h2 id="insights">Insights</h2>
        <p class="muted" data-figure="analysis">
          ${analysis.status === 'failed' ? `Last analysis ${formatDateTime(analysis.createdAt)}` : `Analysed ${formatDateTime(analysis.createdAt)} in ${formatDuration(analysis.durationMs)}`}${latent === null
            ? ''
            : ` · latent output ${latent.output}, ${latent.dim} dimensions, ${formatCount(latent.rows)} samples`}
        </p>
        ${analysis.status === 'failed'
          ? html`<div class="notice error" role="alert" data-notice="analysis-error">${icon('error')}<span>The analysis failed: ${(analysis.error ?? 'no reason was recorded').replace(/\.$/, '')}. The run itself is unchanged.</span></div>`
          : analysis.error === undefined
            ? nothing
            : html`<div class="notice warning" role="status">${icon('warning')}<span>${analysis.error}</span></div>`}
        ${analysis.warnings.map((w) => html`<div class="notice warning" role="status" data-notice="analysis-warning">${icon('warning')}<span>${w}</span></div>`)}
        ${this.renderAnalyze(analysis.status === 'failed' ? 'Analyze again' : 'Re-analyze')}
      </section>
      ${analysis.status === 'failed'
        ? nothing
        : html`<evalens-latent-scatter .state=${this.state}></evalens-latent-scatter>
            <evalens-slices-table .state=${this.state}></evalens-slices-table>
            <evalens-suggestions-table .state=${this.state}></evalens-suggestions-table>
            <evalens-mistakes-list .state=${this.state}></evalens-mistakes-list>
            <evalens-duplicates-list .state=${this.state}></evalens-duplicates-list>`}`;
  }

  /** The Analyze action (hidden in the exported HTML, which has no host to run it). */
  private renderAnalyze(label: string) {
    if (!this.state.interactive) return nothing;
    const busy = this.state.analyzing;
    return html`<div class="toolbar">
      <button class="action ${label === 'Analyze' ? 'primary' : ''}" data-action="analyze" ?disabled=${busy} aria-busy=${busy ? 'true' : 'false'} @click=${() => this.state.analyze(this.umap)}>
        ${icon(busy ? 'sync' : 'play')} ${busy ? 'Analyzing…' : label}
      </button>
      <label><input type="checkbox" data-control="umap" .checked=${this.umap} @change=${(e: Event) => (this.umap = (e.target as HTMLInputElement).checked)} /> with UMAP (slower)</label>
    </div>`;
  }
}
customElements.define('evalens-insights', InsightsSectionElement);
