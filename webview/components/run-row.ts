import { html, LitElement, nothing } from 'lit';
import type { RunSummary } from '../../shared/report-data';
import { exportFormatSchema, type ExportFormat, type LiveProgress, type RunAction } from '../../shared/webview-protocol';
import { basename, formatCount, formatDuration, formatRate, formatRelativeTime, formatDateTime, formatScore, shortHash } from '../format';
import { icon, type IconName } from './icon';
import { listStatus, statusBadge } from './run-status';
import { runRowStyles } from './run-row.css';
import { sharedStyles, statusStyles } from './shared.css';

export const EXPORT_LABELS: Record<ExportFormat, string> = { html: 'HTML', md: 'Markdown', csv: 'CSV', json: 'JSON', parquet: 'Parquet' };

/** The row actions that apply to a run in its state, in the order they are shown. */
export function rowActions(run: RunSummary, interactive: boolean): RunAction[] {
  if (!interactive) return [];
  const status = listStatus(run);
  const actions: RunAction[] = [];
  if (run.progress.done > 0 || status === 'completed') actions.push('viewReport');
  if (status === 'failed' || status === 'cancelled' || status === 'interrupted' || status === 'queued') actions.push('resume');
  if (status === 'evaluating' || status === 'queued') actions.push('cancel');
  if (status !== 'queued' && status !== 'evaluating') actions.push('export');
  // A cross-validation scores a classifier it trained, not the run's model: nothing to pair with another run.
  if (status !== 'queued' && status !== 'evaluating' && run.kind !== 'cross-validation') actions.push('compare');
  // An evaluation's model outputs, scored again by the integration as it is now (eval --reuse).
  if (status === 'completed' && run.kind === 'evaluation') actions.push('rescore');
  actions.push('reveal', 'copyId');
  if (status !== 'evaluating') actions.push('delete');
  return actions;
}

const ACTIONS: Record<RunAction, { label: string; icon: IconName }> = {
  viewReport: { label: 'View report', icon: 'preview' },
  resume: { label: 'Resume', icon: 'debug-continue' },
  cancel: { label: 'Cancel', icon: 'debug-stop' },
  export: { label: 'Export…', icon: 'export' },
  compare: { label: 'Compare with…', icon: 'git-compare' },
  rescore: { label: 'Re-score with changed metrics', icon: 'sync' },
  reveal: { label: 'Reveal run folder', icon: 'folder-opened' },
  copyId: { label: 'Copy run id', icon: 'copy' },
  delete: { label: 'Delete', icon: 'trash' },
};

/** Asks for a row action; the runs view turns it into a message. */
export class RunActionEvent extends Event {
  constructor(
    readonly action: RunAction,
    readonly runId: string,
    readonly format?: ExportFormat,
  ) {
    super('run-action', { bubbles: true, composed: true });
  }
}

export class OpenLocationEvent extends Event {
  constructor(readonly location: { file: string; line: number; column?: number }) {
    super('open-location', { bubbles: true, composed: true });
  }
}

/** One run of the Evaluations view: what it is, how far it got, and what can be done with it. */
export class RunRowElement extends LitElement {
  static override styles = [sharedStyles, statusStyles, runRowStyles];
  static override properties = {
    run: { attribute: false },
    live: { attribute: false },
    interactive: { type: Boolean },
    choosingFormat: { state: true },
  };

  run!: RunSummary;
  live: LiveProgress | undefined;
  interactive = true;
  private choosingFormat = false;

  override render() {
    const run = this.run;
    const status = listStatus(run);
    return html`<article aria-label=${`${run.name}, ${status}`}>
      <div class="head">
        ${statusBadge(status)}
        <span class="name" title=${run.name}>${run.name}</span>
        <span class="score" title="Overall score">${run.overallScore === null ? nothing : formatScore(run.overallScore)}</span>
      </div>
      <div class="facts muted">
        <span title=${`${run.model.path} (${run.model.hash})`}>${basename(run.model.path)} <span class="mono">${shortHash(run.model.hash)}</span></span>
        <span>${run.benchmarks.join(', ')}</span>
        <span title=${formatDateTime(run.createdAt)}>started ${formatRelativeTime(run.createdAt)}</span>
        ${status === 'completed' && run.durationMs !== null ? html`<span>took ${formatDuration(run.durationMs)}</span>` : nothing}
        ${run.kind === 'evaluation' ? nothing : html`<span>${run.kind}</span>`}
      </div>
      ${status === 'evaluating' || this.live !== undefined ? this.renderProgress() : nothing} ${this.renderError()} ${this.renderActions()}
    </article>`;
  }

  private renderProgress() {
    const live = this.live;
    const done = live?.done ?? this.run.progress.done;
    const total = live?.total ?? this.run.progress.total;
    const eta = live?.etaSeconds;
    return html`<div class="progress">
      <vscode-progress-bar .value=${total === 0 ? 0 : done} .max=${Math.max(total, 1)} aria-label=${`Progress of ${this.run.name}`}></vscode-progress-bar>
      <div class="figures muted">
        <span>${formatCount(done)} / ${formatCount(total)}${live?.benchmark === undefined ? '' : ` · ${live.benchmark}`}</span>
        <span>${formatRate(live?.samplesPerSecond)}${eta === null || eta === undefined ? '' : ` · ETA ${formatDuration(eta * 1000)}`}</span>
      </div>
    </div>`;
  }

  private renderError() {
    const error = this.run.error;
    if (error === undefined || this.run.status !== 'failed') return nothing;
    const where = [error.benchmark === undefined ? undefined : `benchmark ${error.benchmark}`, error.sample === undefined ? undefined : `sample ${error.sample}`, error.component]
      .filter((part) => part !== undefined)
      .join(', ');
    const location = error.location;
    return html`<div class="error" role="note" aria-label="Why the run failed">
      <div>${error.message}</div>
      ${where === '' ? nothing : html`<div class="muted">Failing at ${where}</div>`}
      ${location === undefined
        ? nothing
        : html`<button class="link" @click=${() => this.dispatchEvent(new OpenLocationEvent(location))}>
            ${icon('go-to-file')} ${basename(location.file)}:${location.line}${location.column === undefined ? '' : `:${location.column}`}
          </button>`}
    </div>`;
  }

  private renderActions() {
    const actions = rowActions(this.run, this.interactive);
    if (actions.length === 0) return nothing;
    return html`<div class="actions" role="toolbar" aria-label=${`Actions for ${this.run.name}`}>
      ${actions.map((action) =>
        action === 'export' && this.choosingFormat
          ? this.renderFormats()
          : html`<button
              class="action"
              data-action=${action}
              aria-expanded=${action === 'export' ? 'false' : nothing}
              @click=${() => (action === 'export' ? (this.choosingFormat = true) : this.dispatchEvent(new RunActionEvent(action, this.run.runId)))}
            >
              ${icon(ACTIONS[action].icon)}${ACTIONS[action].label}
            </button>`,
      )}
    </div>`;
  }

  private renderFormats() {
    return html`<span class="formats" role="group" aria-label="Export as">
      <span class="muted">Export as</span>
      ${exportFormatSchema.options.map(
        (format) =>
          html`<button
            class="action"
            data-format=${format}
            @click=${() => {
              this.choosingFormat = false;
              this.dispatchEvent(new RunActionEvent('export', this.run.runId, format));
            }}
          >
            ${EXPORT_LABELS[format]}
          </button>`,
      )}
      <button class="action" aria-label="Close export formats" @click=${() => (this.choosingFormat = false)}>${icon('close')}</button>
    </span>`;
  }
}
customElements.define('evalens-run-row', RunRowElement);
