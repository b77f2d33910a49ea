import { html, nothing } from 'lit';
import type { SampleRef } from '../../shared/analysis-types';
import type { ReportState } from '../state/report-state';
import { formatCount } from '../format';

/**
 * A sample an insight names (suggestion, mistake, duplicate, slice), as a link that opens its
 * detail below the sample table, as a click in the table does. Its benchmark and index are
 * user data: shown as text.
 */
export function sampleLink(state: ReportState, ref: SampleRef) {
  const found = state.sampleRow(ref.benchmark, ref.position);
  const name = `${ref.benchmark} #${ref.index}`;
  if (found === undefined) return html`<span class="mono">${name}</span>`;
  return html`<button
    class="link mono"
    data-sample=${`${ref.benchmark}:${ref.position}`}
    aria-label=${`Open sample ${ref.index} of ${ref.benchmark}`}
    @click=${(event: Event) => {
      state.openSample(found.benchmarkIndex, ref.position);
      event.target!.dispatchEvent(new CustomEvent('show-sample', { bubbles: true, composed: true }));
    }}
  >
    ${name}
  </button>`;
}

/** Rows shown at first, and added by each "Show more": long lists stay quick to render. */
export const PAGE_ROWS = 50;

/** The "Show more" of a list that holds `left` more rows than it shows; nothing when it shows them all. */
export function moreButton(left: number, more: () => void) {
  return left <= 0 ? nothing : html`<button class="action more" @click=${more}>Show ${formatCount(Math.min(PAGE_ROWS, left))} more (${formatCount(left)} not shown)</button>`;
}
