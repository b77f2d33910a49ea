import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import { formatCount, formatPercent, formatScore } from '../format';
import { icon } from './icon';
import { insightsStyles } from './insights.css';
import { sectionStyles } from './report-view.css';
import { sharedStyles } from './shared.css';
import { moreButton, PAGE_ROWS, sampleLink } from './sample-link';
import { StateElement } from './state-element';

/**
 * What the labeled neighbours say about each unlabeled sample: a suggested label and how far
 * they (and the model) agree, the loss the model likely has on it; most uncertain first, so the
 * samples worth labeling come first. "Export CSV" has the host write the CSV a labeling tool imports.
 */
export class SuggestionsTableElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, insightsStyles];
  static override properties = { ...StateElement.properties, limit: { state: true } };
  private limit = PAGE_ROWS;


  override render() {
    const analysis = this.state.report?.analysis;
    if (analysis === undefined) return nothing;
    const suggestions = analysis.suggestions;
    const accuracy = analysis.suggestionAccuracy;
    const shown = suggestions.slice(0, this.limit);
    return html`<section aria-labelledby="suggestions">
      <h2 id="suggestions">Unlabeled samples: suggested labels</h2>
      ${suggestions.length === 0
        ? html`<p class="muted">No unlabeled sample was evaluated (a benchmark of an <span class="mono">unlabeled</span> subset gets suggestions).</p>`
        : html`<div class="toolbar">
              <span class="muted" data-figure="suggestion-accuracy"
                >${formatCount(suggestions.length)} suggestions, most uncertain first.${accuracy === null
                  ? nothing
                  : ` The neighbours' majority is right on ${formatPercent(accuracy.value)} of ${formatCount(accuracy.samples)} labeled samples held out.`}</span
              >
              ${this.state.interactive
                ? html`<button class="action" data-action="export-suggestions" @click=${() => this.state.exportSuggestions()}>${icon('export')} Export CSV</button>`
                : nothing}
            </div>
            <div class="scroll-x">
              <table class="data" data-table="suggestions" aria-label="Suggested labels, most uncertain first">
                <thead>
                  <tr>
                    <th scope="col">Sample</th>
                    <th scope="col" class="text">Suggested label</th>
                    <th scope="col">Agreement</th>
                    <th scope="col">Estimated loss</th>
                    <th scope="col">Neighbours' confidence</th>
                    <th scope="col" class="text">Model prediction</th>
                    <th scope="col">Model confidence</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.map(
                    (s) => html`<tr>
                      <td>${sampleLink(this.state, s.sample)}</td>
                      <td class="text" data-field="suggested">${s.suggestedLabel}</td>
                      <td><span class="agreement" aria-hidden="true"><span style=${`width:${Math.round(s.agreement * 100)}%`}></span></span>${formatPercent(s.agreement)}</td>
                      <td>${formatScore(s.estimatedLoss)}</td>
                      <td>${formatPercent(s.estimatedConfidence)}</td>
                      <td class="text ${s.modelPrediction !== null && s.modelPrediction !== s.suggestedLabel ? 'negative' : ''}">${s.modelPrediction ?? '—'}</td>
                      <td>${formatPercent(s.modelConfidence)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${moreButton(suggestions.length - shown.length, () => (this.limit += PAGE_ROWS))}`}
    </section>`;
  }
}
customElements.define('evalens-suggestions-table', SuggestionsTableElement);
