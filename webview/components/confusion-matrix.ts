import { html, LitElement, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { CellFilter } from '../analysis/sample-query';
import { formatPercent } from '../format';
import { confusionMatrixStyles } from './confusion-matrix.css';
import { sharedStyles } from './shared.css';

/** Asks the sample table to show one cell's samples (or all, with `cell` undefined). */
export class CellSelectEvent extends Event {
  constructor(readonly cell: { truth: number; predicted: number } | undefined) {
    super('cell-select', { bubbles: true, composed: true });
  }
}

/**
 * A confusion matrix as an HTML grid: heat by background, the number always written, arrow
 * keys move between cells (one tab stop), Enter or Space shows the cell's samples.
 */
export class ConfusionMatrixElement extends LitElement {
  static override styles = [sharedStyles, confusionMatrixStyles];
  static override properties = {
    labels: { attribute: false },
    matrix: { attribute: false },
    selected: { attribute: false },
    caption: {},
    normalised: { state: true },
    focusCell: { state: true },
  };

  labels: string[] = [];
  matrix: number[][] = [];
  selected: CellFilter | undefined;
  caption = 'Confusion matrix';
  private normalised = false;
  private focusCell: [number, number] = [0, 0];

  override render() {
    const matrix = this.matrix;
    const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
    const max = Math.max(1, ...matrix.flat());
    return html`<div class="toolbar" role="group" aria-label="Confusion matrix values">
        <button class="action" aria-pressed=${this.normalised ? 'false' : 'true'} data-mode="counts" @click=${() => (this.normalised = false)}>Counts</button>
        <button class="action" aria-pressed=${this.normalised ? 'true' : 'false'} data-mode="normalised" @click=${() => (this.normalised = true)}>Row-normalised</button>
        ${this.selected === undefined ? nothing : html`<button class="link" @click=${() => this.select(undefined)}>Show all samples</button>`}
      </div>
      <div class="scroll-x" style="overflow-x:auto">
        <table class="matrix" role="grid" aria-label=${`${this.caption}: rows are true classes, columns predicted classes`} @keydown=${this.onKey}>
          <thead>
            <tr>
              <th class="corner axis" scope="col">true ↓ / predicted →</th>
              ${this.labels.map((label) => html`<th scope="col" title=${label}>${label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${matrix.map(
              (row, i) => html`<tr>
                <th scope="row" title=${this.labels[i] ?? ''}>${this.labels[i] ?? i}</th>
                ${row.map((count, j) => {
                  const share = rowTotals[i] === 0 ? 0 : count / rowTotals[i]!;
                  const intensity = this.normalised ? share : count / max;
                  const text = this.normalised ? formatPercent(share) : String(count);
                  const selected = this.selected?.truth === i && this.selected.predicted === j;
                  const focused = this.focusCell[0] === i && this.focusCell[1] === j;
                  return html`<td
                    role="gridcell"
                    class=${`${i === j ? 'diagonal' : ''} ${intensity > 0.5 ? 'strong' : ''}`}
                    style=${styleMap({ background: `color-mix(in srgb, var(--vscode-charts-blue) ${Math.round(intensity * 100)}%, transparent)` })}
                    tabindex=${focused ? 0 : -1}
                    data-truth=${i}
                    data-predicted=${j}
                    aria-selected=${selected ? 'true' : 'false'}
                    aria-label=${`true ${this.labels[i] ?? i}, predicted ${this.labels[j] ?? j}: ${count} samples (${formatPercent(share)} of the row)`}
                    @click=${() => this.select({ truth: i, predicted: j })}
                  >
                    ${text}
                  </td>`;
                })}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  private select(cell: { truth: number; predicted: number } | undefined): void {
    if (cell !== undefined) this.focusCell = [cell.truth, cell.predicted];
    this.dispatchEvent(new CellSelectEvent(cell));
  }

  private readonly onKey = (event: KeyboardEvent) => {
    const cell = (event.target as HTMLElement).closest('td');
    if (cell === null) return;
    let i = Number(cell.dataset.truth);
    let j = Number(cell.dataset.predicted);
    const n = this.matrix.length;
    switch (event.key) {
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.select({ truth: i, predicted: j });
        return;
      case 'ArrowUp':
        i = Math.max(0, i - 1);
        break;
      case 'ArrowDown':
        i = Math.min(n - 1, i + 1);
        break;
      case 'ArrowLeft':
        j = Math.max(0, j - 1);
        break;
      case 'ArrowRight':
        j = Math.min(n - 1, j + 1);
        break;
      case 'Home':
        j = 0;
        break;
      case 'End':
        j = n - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.focusCell = [i, j];
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`td[data-truth="${i}"][data-predicted="${j}"]`)?.focus());
  };
}
customElements.define('evalens-confusion-matrix', ConfusionMatrixElement);
