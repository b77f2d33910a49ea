import { css, html, nothing } from 'lit';
import type { OutputReport } from '../../shared/report-data';
import type { ReportState } from '../state/report-state';
import { formatCount, formatScore } from '../format';
import { curveFigures } from './curve-figures';
import type { CellSelectEvent } from './confusion-matrix';
import './confusion-matrix';
import './threshold-panel';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

type ClassificationOutput = Extract<OutputReport, { task: 'classification' | 'binary' }>;

/** A classification (or binary) output: per-class table, confusion matrix, ROC and PR curves, and for binary the threshold. */
export class ClassificationOutputElement extends StateElement<ReportState> {
  static override styles = [
    sharedStyles,
    sectionStyles,
    // The matrix keeps its full width: beside the table when it fits, else below it.
    css`
      .tables {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 40px;
        align-items: flex-start;
      }
    `,
  ];
  static override properties = { ...StateElement.properties, output: { attribute: false } };
  output!: ClassificationOutput;


  override render() {
    const output = this.output;
    const selected = this.state.filter.cell?.output === output.name ? this.state.filter.cell : undefined;
    return html`<section aria-label=${`Output ${output.name}`}>
      <h2>Output <span class="mono">${output.name}</span> · ${output.task}</h2>
      <div class="tables">
        <div>
          <h3>Per class</h3>
          <div class="scroll-x">
            <table class="data" aria-label=${`Per-class metrics of ${output.name}`} data-table="per-class">
              <thead>
                <tr><th scope="col">Class</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th><th scope="col">Support</th></tr>
              </thead>
              <tbody>
                ${output.perClass.map(
                  (row) => html`<tr><th scope="row" style="font-weight:normal;color:inherit">${row.label}</th><td>${formatScore(row.precision)}</td><td>${formatScore(row.recall)}</td><td>${formatScore(row.f1)}</td><td>${formatCount(row.support)}</td></tr>`,
                )}
              </tbody>
            </table>
          </div>
        </div>
        <div>
          <h3>Confusion matrix${output.task === 'binary' ? ` at ${output.threshold}` : ''}</h3>
          <evalens-confusion-matrix
            data-output=${output.name}
            .labels=${output.labels}
            .matrix=${output.confusionMatrix}
            .selected=${selected}
            caption=${`Confusion matrix of ${output.name}`}
            @cell-select=${(event: CellSelectEvent) => this.selectCell(event)}
          ></evalens-confusion-matrix>
          ${output.columns.truth === undefined || output.columns.predicted === undefined ? nothing : html`<p class="muted">Select a cell to list its samples below.</p>`}
        </div>
      </div>
      ${output.task === 'binary' ? html`<evalens-threshold-panel .state=${this.state} .output=${output}></evalens-threshold-panel>` : nothing}
      ${curveFigures(output.name, output.roc, output.precisionRecall, 'class')}
    </section>`;
  }

  private selectCell(event: CellSelectEvent): void {
    const { truth, predicted } = this.output.columns;
    if (event.cell === undefined || truth === undefined || predicted === undefined) return this.state.filterCell(undefined);
    this.state.filterCell({ output: this.output.name, truthColumn: truth, predictedColumn: predicted, ...event.cell });
    // The samples are what the user asked to see: bring the table into view.
    this.dispatchEvent(new Event('show-samples', { bubbles: true, composed: true }));
  }
}
customElements.define('evalens-classification-output', ClassificationOutputElement);
