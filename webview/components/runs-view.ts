import { html, nothing } from 'lit';
import { runKindSchema } from '../../shared/run-types';
import { runListStatusSchema } from '../../shared/webview-protocol';
import type { RunsState } from '../state/runs-state';
import { icon } from './icon';
import type { OpenLocationEvent, RunActionEvent } from './run-row';
import './run-row';
import { STATUS_LABELS } from './run-status';
import { runsViewStyles } from './runs-view.css';
import { sharedStyles } from './shared.css';
import { StateElement } from './state-element';
import { noticeBanner } from './notice-banner';

const KIND_LABELS = { evaluation: 'Evaluations', 'integration-test': 'Integration tests', 'cross-validation': 'Cross-validations' } as const;

/** The Evaluations view: the store's runs, newest first, a page at a time. */
export class RunsViewElement extends StateElement<RunsState> {
  static override styles = [sharedStyles, runsViewStyles];

  
  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('run-action', (event) => {
      const { action, runId, format } = event as RunActionEvent;
      this.state.act(action, runId, format);
    });
    this.addEventListener('open-location', (event) => {
      const { file, line, column } = (event as OpenLocationEvent).location;
      this.state.openLocation(file, line, column);
    });
  }

  override render() {
    const state = this.state;
    if (state.loaded && state.storeTotal === 0) return html`${noticeBanner(this.state.notice, () => this.state.dismissNotice())}${this.renderEmptyStore()}`;
    return html`${this.renderToolbar()}${noticeBanner(this.state.notice, () => this.state.dismissNotice())}
      <div role="list" aria-label="Runs" aria-busy=${state.loaded ? 'false' : 'true'}>
        ${state.rows.map(
          (row) => html`<evalens-run-row role="listitem" .run=${row.summary} .live=${state.progressOf(row)} ?interactive=${state.interactive}></evalens-run-row>`,
        )}
      </div>
      ${state.loaded && state.rows.length === 0 ? html`<p class="empty muted">No run matches this filter.</p>` : nothing} ${this.renderPager()}`;
  }

  private renderToolbar() {
    const filter = this.state.filter;
    return html`<div class="toolbar">
      <vscode-textfield
        type="search"
        placeholder="Search runs by name or id"
        aria-label="Search runs by name or id"
        .value=${filter.search}
        @input=${(event: Event) => this.state.search((event.target as HTMLInputElement).value)}
      >
        <span slot="content-before">${icon('search')}</span>
      </vscode-textfield>
      <div class="chips" role="group" aria-label="Filter by status">
        ${runListStatusSchema.options.map(
          (status) =>
            html`<button class="action" data-status=${status} aria-pressed=${filter.status.includes(status) ? 'true' : 'false'} @click=${() => this.state.toggleStatus(status)}>
              ${STATUS_LABELS[status]}
            </button>`,
        )}
      </div>
      <div class="chips" role="group" aria-label="Filter by kind">
        ${runKindSchema.options.map(
          (kind) =>
            html`<button class="action" data-kind=${kind} aria-pressed=${filter.kind.includes(kind) ? 'true' : 'false'} @click=${() => this.state.toggleKind(kind)}>
              ${KIND_LABELS[kind]}
            </button>`,
        )}
      </div>
    </div>`;
  }

  private renderPager() {
    const { page, pageCount } = this.state;
    if (pageCount <= 1) return nothing;
    return html`<nav class="pager" aria-label="Pages of runs">
      <button class="action" data-page="previous" ?disabled=${page === 0} @click=${() => this.state.goToPage(page - 1)} aria-label="Previous page">
        ${icon('chevron-left')}
      </button>
      <span aria-live="polite">Page ${page + 1} of ${pageCount}</span>
      <button class="action" data-page="next" ?disabled=${page >= pageCount - 1} @click=${() => this.state.goToPage(page + 1)} aria-label="Next page">
        ${icon('chevron-right')}
      </button>
    </nav>`;
  }


  private renderEmptyStore() {
    return html`<div class="empty">
      <p><strong>No evaluation yet.</strong> Runs of this workspace's store show up here, live.</p>
      <ol>
        <li>Open your integration script (<code>*.integration.ts</code>) and run <strong>${icon('beaker')} Run Integration Test</strong> from its code lens, to check it on many samples.</li>
        <li>Create an eval config, <code>evalens.eval.json</code>: the model, the integration and the benchmarks to score.</li>
        <li>Run <strong>${icon('play')} Evaluate…</strong>, or <code>evalens eval --config evalens.eval.json</code> in a terminal: the run appears here with its progress.</li>
      </ol>
    </div>`;
  }
}
customElements.define('evalens-runs-view', RunsViewElement);

declare global {
  interface HTMLElementTagNameMap {
    'evalens-runs-view': RunsViewElement;
  }
}
