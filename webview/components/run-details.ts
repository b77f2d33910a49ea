import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import { basename, formatDateTime } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

/** Per-sample errors listed at most; the count says how many there are. */
const ERRORS_SHOWN = 200;

/** What the run ran with (configuration, hashes, providers, seeds, versions), what happened to it (events), and the samples that failed. */
export class RunDetailsElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles];
  

  override render() {
    const report = this.state.report;
    if (report === undefined) return nothing;
    const { configuration, run } = report;
    return html`<section aria-labelledby="configuration">
        <h2 id="configuration">Configuration</h2>
        <dl class="facts" data-section="configuration">
          <dt>Model</dt>
          <dd><span class="mono">${run.model.path}</span></dd>
          <dt>Model hash</dt>
          <dd class="mono">${run.model.hash}</dd>
          <dt>Integration</dt>
          <dd class="mono">${configuration.integration}</dd>
          <dt>Script hash</dt>
          <dd class="mono">${run.scriptHash}</dd>
          <dt>Execution providers</dt>
          <dd>requested ${configuration.executionProviders.requested.join(', ') || '—'}; used ${configuration.executionProviders.used.join(', ') || '—'}</dd>
          <dt>Batch size</dt>
          <dd>${configuration.batchSize}</dd>
          <dt>Seeds</dt>
          <dd>${configuration.seeds.map((s) => `${s.benchmark}: ${s.seed ?? 'none'}`).join(', ') || '—'}</dd>
          <dt>Versions</dt>
          <dd>${Object.entries(configuration.versions).map(([name, version]) => `${name} ${version}`).join(', ') || '—'}</dd>
        </dl>
        <h3>Config snapshot</h3>
        <pre data-section="snapshot">${JSON.stringify(configuration.snapshot, null, 2)}</pre>
      </section>
      <section aria-labelledby="events">
        <h2 id="events">Events</h2>
        ${report.events.length === 0
          ? html`<p class="muted">No event recorded.</p>`
          : html`<div class="scroll-x">
              <table class="data" data-table="events" aria-label="Run events">
                <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col" class="text">What happened</th></tr></thead>
                <tbody>
                  ${report.events.map((e) => html`<tr><td>${formatDateTime(e.at)}</td><td>${e.kind}</td><td class="text">${e.message}</td></tr>`)}
                </tbody>
              </table>
            </div>`}
      </section>
      <section aria-labelledby="errors">
        <h2 id="errors">Sample errors</h2>
        ${report.sampleErrors.length === 0
          ? html`<p class="muted">No sample failed.</p>`
          : html`<p>${report.sampleErrors.length} sample${report.sampleErrors.length === 1 ? '' : 's'} failed${report.sampleErrors.length > ERRORS_SHOWN ? `; the first ${ERRORS_SHOWN}:` : ':'}</p>
              <div class="scroll-x">
                <table class="data" data-table="sample-errors" aria-label="Per-sample errors">
                  <thead><tr><th scope="col">Benchmark</th><th scope="col">Position</th><th scope="col">Index</th><th scope="col">Component</th><th scope="col" class="text">Message</th></tr></thead>
                  <tbody>
                    ${report.sampleErrors
                      .slice(0, ERRORS_SHOWN)
                      .map(
                        (e) =>
                          html`<tr>
                            <td>${e.benchmark}</td><td>${e.position}</td><td>${e.index}</td><td>${e.component}</td>
                            <td class="text">
                              ${e.message}
                              ${e.location === undefined || !this.state.interactive
                                ? nothing
                                : html`<button class="link" @click=${() => this.state.openLocation(e.location!.file, e.location!.line, e.location!.column)}>${basename(e.location.file)}:${e.location.line}</button>`}
                            </td>
                          </tr>`,
                      )}
                  </tbody>
                </table>
              </div>`}
      </section>`;
  }
}
customElements.define('evalens-run-details', RunDetailsElement);
