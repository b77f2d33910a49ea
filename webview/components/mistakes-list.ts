import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import { formatCount, formatPercent, formatScore } from '../format';
import { insightsStyles } from './insights.css';
import { sectionStyles } from './report-view.css';
import { sharedStyles } from './shared.css';
import { moreButton, PAGE_ROWS, sampleLink } from './sample-link';
import { StateElement } from './state-element';

/**
 * Labeled samples whose given label is likely wrong (confident learning: the model is more sure
 * of another class than that class's threshold, and unsure of the given one), most likely first.
 */
export class MistakesListElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, insightsStyles];
  static override properties = { ...StateElement.properties, limit: { state: true } };
  private limit = PAGE_ROWS;


  override render() {
    const mistakes = this.state.report?.analysis?.mistakes;
    if (mistakes === undefined) return nothing;
    const shown = mistakes.slice(0, this.limit);
    return html`<section aria-labelledby="mistakes">
      <h2 id="mistakes">Likely label mistakes</h2>
      ${mistakes.length === 0
        ? html`<p class="muted">No labeled sample looks mislabeled.</p>`
        : html`<p class="muted">${formatCount(mistakes.length)} labeled samples whose label the model doubts most, most likely first: check these labels.</p>
            <div class="scroll-x">
              <table class="data" data-table="mistakes" aria-label="Likely label mistakes, most likely first">
                <thead>
                  <tr>
                    <th scope="col">Sample</th>
                    <th scope="col" class="text">Output</th>
                    <th scope="col" class="text">Given label</th>
                    <th scope="col" class="text">Likely label</th>
                    <th scope="col">P(given label)</th>
                    <th scope="col">Score</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.map(
                    (m) => html`<tr>
                      <td>${sampleLink(this.state, m.sample)}</td>
                      <td class="text mono">${m.output}</td>
                      <td class="text" data-field="given">${m.givenLabel}</td>
                      <td class="text" data-field="likely">${m.likelyLabel}</td>
                      <td>${formatPercent(m.selfConfidence)}</td>
                      <td>${formatScore(m.score)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${moreButton(mistakes.length - shown.length, () => (this.limit += PAGE_ROWS))}`}
    </section>`;
  }
}
customElements.define('evalens-mistakes-list', MistakesListElement);
