import { html, nothing } from 'lit';
import type { ReportAnalysis } from '../../shared/report-data';
import type { ReportState } from '../state/report-state';
import { formatCount, formatScore } from '../format';
import { insightsStyles } from './insights.css';
import { sectionStyles } from './report-view.css';
import { sharedStyles } from './shared.css';
import { moreButton, PAGE_ROWS } from './sample-link';
import { StateElement } from './state-element';

type Slice = ReportAnalysis['slices']['items'][number];

/**
 * Every metric by metadata value and by quantile bin, weakest first (as the analysis ranked
 * them: by the lower bound of the main metric, among slices with enough samples), each value
 * with its 95% interval.
 */
export class SlicesTableElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, insightsStyles];
  static override properties = { ...StateElement.properties, limit: { state: true } };
  private limit = PAGE_ROWS;


  override render() {
    const slices = this.state.report?.analysis?.slices;
    if (slices === undefined) return nothing;
    // Slices of unlabeled samples have no metric to show: left out, and counted.
    const items = slices.items.filter((s) => Object.values(s.metrics).some((m) => m.value !== null));
    const unscored = slices.items.length - items.length;
    const metrics = [...new Set(items.flatMap((s) => Object.keys(s.metrics)))];
    const shown = items.slice(0, this.limit);
    return html`<section aria-labelledby="slices">
      <h2 id="slices">Weakest slices</h2>
      ${items.length === 0
        ? html`<p class="muted">No scored metadata slice has ${slices.minSupport} samples or more.</p>`
        : html`<p class="muted">
              By metadata value, and by quantile bin of numeric metadata; slices of at least ${slices.minSupport} samples, weakest first. Intervals: 95%, Wilson for
              proportions, bootstrap (seed ${slices.seed}) otherwise.${unscored > 0 ? ` ${formatCount(unscored)} slices of unlabeled samples have no metric and are not listed.` : ''}
            </p>
            <div class="scroll-x">
              <table class="data" data-table="slices" aria-label="Slices, weakest first">
                <thead>
                  <tr>
                    <th scope="col">Benchmark</th>
                    <th scope="col" class="text">Metadata</th>
                    <th scope="col" class="text">Slice</th>
                    <th scope="col">Samples</th>
                    ${metrics.map((m) => html`<th scope="col">${m} [95% interval]</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${shown.map(
                    (s) => html`<tr>
                      <td>${s.benchmark}</td>
                      <td class="text mono">${s.key}</td>
                      <td class="text">${sliceText(s)}</td>
                      <td>${formatCount(s.samples)}</td>
                      ${metrics.map((m) => {
                        const interval = s.metrics[m];
                        return interval === undefined
                          ? html`<td>—</td>`
                          : html`<td data-metric=${m}>${formatScore(interval.value)} <span class="interval">[${formatScore(interval.low)}, ${formatScore(interval.high)}]</span></td>`;
                      })}
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${moreButton(items.length - shown.length, () => (this.limit += PAGE_ROWS))}`}
    </section>`;
  }
}

/** A value (`"top"`, `true`) or a bin (`[0.12, 0.3)`; the last bin closed). */
function sliceText(s: Slice): string {
  const slice = s.slice;
  return slice.kind === 'value' ? String(slice.value) : `[${formatScore(slice.low)}, ${formatScore(slice.high)}${slice.closedHigh ? ']' : ')'}`;
}

customElements.define('evalens-slices-table', SlicesTableElement);
