import { css, html, nothing } from 'lit';
import { exportFormatSchema } from '../../shared/webview-protocol';
import type { ReportState } from '../state/report-state';
import { formatDuration, formatRate, formatScore, formatDateTime, basename, shortHash } from '../format';
import { icon } from './icon';
import { EXPORT_LABELS, rowActions } from './run-row';
import { listStatus, statusBadge } from './run-status';
import { sharedStyles, statusStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

/** The report's header: what run this is, how it went, and what can be done with it. */
export class ReportHeaderElement extends StateElement<ReportState> {
  static override styles = [
    sharedStyles,
    statusStyles,
    sectionStyles,
    css`
      header {
        margin-bottom: 16px;
      }
      .title {
        display: flex;
        align-items: center;
        gap: 10px;
        flex-wrap: wrap;
      }
      h1 {
        font-size: 20px;
        font-weight: 600;
        margin: 0;
        overflow-wrap: anywhere;
      }
      .sub {
        margin: 4px 0 10px;
        font-size: 12px;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        align-items: center;
        margin-top: 10px;
      }
      .gates .passed {
        color: var(--vscode-testing-iconPassed);
      }
      .gates .failed {
        color: var(--vscode-testing-iconFailed);
      }
      ul.gate-list {
        margin: 6px 0 0;
        padding-left: 18px;
        font-size: 12px;
      }
    `,
  ];
  

  override render() {
    const report = this.state.report;
    if (report === undefined) return nothing;
    const run = report.run;
    const gates = report.gates;
    const failedGates = gates.filter((g) => !g.passed);
    // A cross-validation has no overall score, throughput or gates of its own: its section gives its figures.
    const crossValidation = run.kind === 'cross-validation';
    return html`<header>
      <div class="title">
        <h1>${run.name}</h1>
        ${statusBadge(listStatus(run))}
      </div>
      <div class="sub muted">
        <span class="mono">${run.runId}</span> · ${basename(run.model.path)} <span class="mono">${shortHash(run.model.hash)}</span> · started ${formatDateTime(run.createdAt)}
      </div>
      <div class="cards">
        ${crossValidation ? nothing : html`<div class="card"><div class="label muted">Overall score</div><div class="value" data-figure="overall">${formatScore(run.overallScore)}</div></div>`}
        <div class="card"><div class="label muted">Duration</div><div class="value">${formatDuration(run.durationMs)}</div></div>
        ${crossValidation ? nothing : html`<div class="card"><div class="label muted">Throughput</div><div class="value">${formatRate(run.samplesPerSecond)}</div></div>`}
        <div class="card"><div class="label muted">Samples</div><div class="value">${run.progress.done.toLocaleString('en-US')} / ${run.progress.total.toLocaleString('en-US')}</div></div>
        ${crossValidation ? nothing : this.renderGates()}
      </div>
      ${failedGates.length > 0 ? html`<ul class="gate-list" aria-label="Failed quality gates">${failedGates.map((g) => html`<li>${g.benchmark}: ${g.message}</li>`)}</ul>` : nothing}
      ${this.renderError()} ${this.renderActions()}
    </header>`;
  }

  private renderGates() {
    const { run, gates } = this.state.report!;
    return html`<div class="card gates">
      <div class="label muted">Quality gates</div>
      <div class="value">
        ${gates.length === 0
          ? html`<span class="muted">none</span>`
          : html`<span class="passed">${icon('pass')} ${run.gates.passed} passed</span> ${run.gates.failed > 0 ? html`<span class="failed">${icon('error')} ${run.gates.failed} failed</span>` : nothing}`}
      </div>
    </div>`;
  }

  private renderError() {
    const error = this.state.report?.run.error;
    if (error === undefined) return nothing;
    const location = error.location;
    return html`<div class="notice error" role="note">
      ${icon('error')}
      <div>
        <div>${error.message}</div>
        ${error.benchmark === undefined ? nothing : html`<div class="muted">benchmark ${error.benchmark}${error.sample === undefined ? '' : `, sample ${error.sample}`}${error.component === undefined ? '' : `, ${error.component}`}</div>`}
        ${location === undefined || !this.state.interactive
          ? nothing
          : html`<button class="link" @click=${() => this.state.openLocation(location.file, location.line, location.column)}>${basename(location.file)}:${location.line}</button>`}
      </div>
    </div>`;
  }

  private renderActions() {
    const run = this.state.report!.run;
    const actions = rowActions(run, this.state.interactive).filter((a) => a !== 'viewReport' && a !== 'export');
    if (!this.state.interactive) return nothing;
    const labels = { resume: 'Resume', cancel: 'Cancel', compare: 'Compare with…', rescore: 'Re-score with changed metrics', reveal: 'Reveal run folder', copyId: 'Copy run id', delete: 'Delete' } as const;
    const icons = { resume: 'debug-continue', cancel: 'debug-stop', compare: 'git-compare', rescore: 'sync', reveal: 'folder-opened', copyId: 'copy', delete: 'trash' } as const;
    return html`<div class="actions" role="toolbar" aria-label="Run actions">
      ${actions.map(
        (action) =>
          html`<button class="action" data-action=${action} @click=${() => this.state.act(action)}>${icon(icons[action as keyof typeof icons])}${labels[action as keyof typeof labels]}</button>`,
      )}
      ${rowActions(run, true).includes('export')
        ? html`<span class="muted" style="margin-left:8px">${icon('export')} Export</span>
            ${exportFormatSchema.options.map(
              (format) => html`<button class="action" data-format=${format} aria-label=${`Export as ${EXPORT_LABELS[format]}`} @click=${() => this.state.act('export', format)}>${EXPORT_LABELS[format]}</button>`,
            )}`
        : nothing}
    </div>`;
  }
}
customElements.define('evalens-report-header', ReportHeaderElement);
