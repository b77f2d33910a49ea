import { css, html, nothing } from 'lit';
import { CV_LOWER_IS_BETTER, CV_METRICS, type CrossValidation, type CvMetric } from '../../shared/cross-validation-types';
import type { ReportState } from '../state/report-state';
import { formatCount, formatDuration, formatScore } from '../format';
import './confusion-matrix';
import { icon } from './icon';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

const METRIC_LABELS: Record<CvMetric, string> = {
  accuracy: 'Accuracy',
  precision_macro: 'Precision (macro)',
  recall_macro: 'Recall (macro)',
  f1_macro: 'F1 (macro)',
  log_loss: 'Log loss',
};

/**
 * A cross-validation run's report (`evalens cv`): what was trained on what, each metric's
 * mean ± spread over the folds, the per-fold table and the pooled confusion matrix.
 */
export class CrossValidationSectionElement extends StateElement<ReportState> {
  static override styles = [
    sharedStyles,
    sectionStyles,
    css`
      .card .spread {
        font-size: 12px;
        font-variant-numeric: tabular-nums;
      }
      .card .value small {
        font-size: 13px;
        font-weight: normal;
      }
      table.data td.unconverged {
        color: var(--vscode-editorWarning-foreground, var(--vscode-testing-iconFailed));
      }
      table.data tfoot th,
      table.data tfoot td {
        white-space: nowrap;
        border-top: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
        font-weight: 600;
      }
    `,
  ];

  override render() {
    const cv = this.state.report?.crossValidation;
    if (cv === undefined) return nothing;
    return html`<section aria-labelledby="cross-validation" data-section="cross-validation">
      <h2 id="cross-validation">Cross-validation</h2>
      ${this.renderFacts(cv)}
      ${cv.warnings.map((w) => html`<div class="notice warning" role="status" data-notice="cv-warning">${icon('warning')}<span>${w}</span></div>`)}
      <div class="cards" role="group" aria-label="Mean and spread of each metric over the folds">
        ${CV_METRICS.map((m) => {
          const s = cv.summary[m];
          return html`<div class="card" data-metric=${m}>
            <div class="label muted">${METRIC_LABELS[m]}</div>
            <div class="value">${formatScore(s.mean)} <small class="muted">± ${formatScore(s.std)}</small></div>
            <div class="spread muted">${formatScore(s.min)} – ${formatScore(s.max)} over ${cv.k} folds${CV_LOWER_IS_BETTER.has(m) ? ' · lower is better' : ''}</div>
          </div>`;
        })}
      </div>
      <p class="muted">± is the population standard deviation over the folds (ddof = 0, as numpy's std); the range is the worst and best fold.</p>
      <h3>Per fold</h3>
      <div class="scroll-x">
        <table class="data" data-table="folds" aria-label="Scores of each fold's held-out samples">
          <thead>
            <tr>
              <th scope="col">Fold</th>
              <th scope="col">Train</th>
              <th scope="col">Held out</th>
              ${CV_METRICS.map((m) => html`<th scope="col">${METRIC_LABELS[m]}</th>`)}
              <th scope="col">Iterations</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            ${cv.folds.map(
              (f) => html`<tr data-fold=${f.fold}>
                <th scope="row" style="font-weight:normal;color:inherit">${f.fold + 1}</th>
                <td>${formatCount(f.trainSize)}</td>
                <td>${formatCount(f.testSize)}</td>
                ${CV_METRICS.map((m) => html`<td>${formatScore(f.metrics[m])}</td>`)}
                <td class=${f.converged ? '' : 'unconverged'} title=${`final gradient ${f.gradientNorm.toExponential(2)}${f.converged ? '' : ': stopped before converging'}`}>${formatCount(f.iterations)}</td>
                <td>${formatDuration(f.durationMs)}</td>
              </tr>`,
            )}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Mean ± std</th>
              <td></td>
              <td></td>
              ${CV_METRICS.map((m) => html`<td>${formatScore(cv.summary[m].mean)} ± ${formatScore(cv.summary[m].std)}</td>`)}
              <td></td>
              <td></td>
            </tr>
          </tfoot>
        </table>
      </div>
      <h3>Pooled confusion matrix</h3>
      <p class="muted">Every held-out prediction of every fold: ${formatCount(cv.samples)} samples, each predicted once by the head that did not see it.</p>
      <evalens-confusion-matrix data-matrix="pooled" .labels=${cv.labels} .matrix=${cv.confusionMatrix} caption="Pooled confusion matrix"></evalens-confusion-matrix>
    </section>`;
  }

  private renderFacts(cv: CrossValidation) {
    const assignment = cv.assignment.kind === 'stratified' ? `stratified, seeded (seed ${cv.assignment.seed})` : `from ${cv.assignment.file}`;
    return html`<dl class="facts">
      <dt>Samples</dt>
      <dd>${formatCount(cv.samples)} labeled samples of benchmark <span class="mono">${cv.benchmark}</span>, ${cv.labels.length} classes (${cv.labels.map((l, i) => `${l}: ${formatCount(cv.classCounts[i]!)}`).join(', ')})</dd>
      <dt>Folds</dt>
      <dd>${cv.k}, ${assignment}</dd>
      <dt>Features</dt>
      <dd>
        latent <span class="mono">${cv.latent}</span> (${cv.dim} values) of run <span class="mono">${cv.sourceRunId}</span>${cv.sourceEvaluated ? ', evaluated for this cross-validation' : ', a completed run of the same model and inputs'}
      </dd>
      <dt>Classifier</dt>
      <dd>multinomial logistic regression on the labels of <span class="mono">${cv.output}</span>, L2 with C = ${cv.solver.c} (intercepts unpenalised), L-BFGS from zero to a gradient of ${cv.solver.gradientTolerance}</dd>
      <dt>Time</dt>
      <dd>${formatDuration(cv.durationMs)}</dd>
    </dl>`;
  }
}
customElements.define('evalens-cross-validation', CrossValidationSectionElement);

declare global {
  interface HTMLElementTagNameMap {
    'evalens-cross-validation': CrossValidationSectionElement;
  }
}
