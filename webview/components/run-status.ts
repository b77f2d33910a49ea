import { html } from 'lit';
import type { RunSummary } from '../../shared/report-data';
import type { RunListStatus } from '../../shared/webview-protocol';
import { icon, type IconName } from './icon';

export function listStatus(run: RunSummary): RunListStatus {
  return run.interrupted ? 'interrupted' : run.status;
}

export const STATUS_LABELS: Record<RunListStatus, string> = {
  queued: 'Queued',
  evaluating: 'Evaluating',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

const STATUS_ICONS: Record<RunListStatus, IconName> = {
  queued: 'watch',
  evaluating: 'sync',
  completed: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
  interrupted: 'debug-stop',
};

/** A run's status as a badge: glyph and word, so it reads without colour. */
export function statusBadge(status: RunListStatus) {
  return html`<span class="status ${status}">${icon(STATUS_ICONS[status])}${STATUS_LABELS[status]}</span>`;
}
