import { html, nothing } from 'lit';
import type { Notice } from '../state/runs-state';
import { icon } from './icon';

/** What the host told the user (an action that failed, a run that is gone), with a button to dismiss it; errors are announced at once. */
export function noticeBanner(notice: Notice | undefined, dismiss: () => void) {
  if (notice === undefined) return nothing;
  return html`<div class="notice ${notice.level}" role=${notice.level === 'error' ? 'alert' : 'status'}>
    ${icon(notice.level)}<span style="flex:1">${notice.message}</span>
    <button class="link" aria-label="Dismiss" @click=${dismiss}>${icon('close')}</button>
  </div>`;
}
