import { html, nothing } from 'lit';
import type { Cell, TableColumn } from '../../shared/report-data';
import { columnValues, distinctValues } from '../analysis/sample-query';
import type { ReportState } from '../state/report-state';
import { formatCell, formatCount } from '../format';
import { icon } from './icon';
import './sample-detail';
import { sampleTableStyles } from './sample-table.css';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';
import { StateElement } from './state-element';

/** Every row is this tall, so the rows in view follow from the scroll offset alone. */
const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 26;
const GRID_HEIGHT = 440;
/** Rows rendered beyond the visible ones, above and below, so a fast scroll shows no gap. */
const OVERSCAN = 10;

const WIDTHS: Record<TableColumn['type'], number> = { int: 80, double: 100, boolean: 80, string: 150 };
/** Distinct values a metadata column may have to be picked from a list (more: a range, or no filter). */
const PICKABLE = 60;


/**
 * Every sample of the benchmark, virtualised (only the rows in view, at a fixed height, exist
 * in the DOM: 100k rows scroll as smoothly as 100): sort by
 * any column from its header, filter by right or wrong, by a metadata value or range, or by a
 * confusion-matrix cell; a row's detail on click or Enter. Arrow keys move between rows.
 */
export class SampleTableElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, sampleTableStyles];
  static override properties = { ...StateElement.properties, focusIndex: { state: true }, scrollOffset: { state: true } };
  /** Index (in the current order) of the row holding the one tab stop of the body. */
  private focusIndex = 0;
  private scrollOffset = 0;
  private scrollFrame = 0;


  override render() {
    const benchmark = this.state.benchmark;
    if (benchmark === undefined) return nothing;
    const table = benchmark.table;
    const rows = this.state.rows;
    this.focusIndex = Math.min(this.focusIndex, Math.max(0, rows.length - 1));
    const first = Math.max(0, Math.floor(this.scrollOffset / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((this.scrollOffset + GRID_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
    const shown = Array.from(rows.subarray(first, last));
    const template = table.columns.map((c) => `${WIDTHS[c.type]}px`).join(' ');
    const sort = this.state.sort;
    const positions = columnValues(table, table.columns.find((c) => c.role === 'position')?.key ?? '');
    const selectedPosition = this.state.detail?.position;
    return html`<section aria-labelledby="samples">
      <h2 id="samples">Samples of ${benchmark.name}</h2>
      ${this.renderFilters()}
      <div class="layout">
        <div
          class="grid"
          role="grid"
          aria-label=${`Samples of ${benchmark.name}`}
          aria-rowcount=${rows.length + 1}
          aria-colcount=${table.columns.length}
          style=${`--columns: ${template}`}
          @keydown=${this.onKey}
          @scroll=${this.onScroll}
        >
          <div class="header" role="row" aria-rowindex="1">
            ${table.columns.map((column) => {
              const sorted = sort?.column === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none';
              return html`<div role="columnheader" aria-sort=${sorted} data-column=${column.key}>
                <button title=${`${column.label} (${column.key}): sort`} @click=${() => this.state.cycleSort(column.key)}>
                  <span style="overflow:hidden;text-overflow:ellipsis">${column.label}</span>
                  ${sorted === 'ascending' ? icon('arrow-up') : sorted === 'descending' ? icon('arrow-down') : nothing}
                </button>
              </div>`;
            })}
          </div>
          <div class="body" role="rowgroup" style=${`height: ${rows.length * ROW_HEIGHT}px`}>
            ${shown.map((row, k) => {
              const index = first + k;
              const position = (positions?.[row] as number | undefined) ?? row;
              return html`<div
                class="row"
                role="row"
                style=${`top: ${index * ROW_HEIGHT}px`}
                aria-rowindex=${index + 2}
                aria-selected=${position === selectedPosition ? 'true' : 'false'}
                tabindex=${index === this.focusIndex ? 0 : -1}
                data-index=${index}
                data-row=${row}
                @click=${() => this.open(index, position)}
              >
                ${table.columns.map((column, c) => {
                  const value = table.values[c]![row] ?? null;
                  return html`<div role="gridcell" class=${`cell ${typeof value === 'number' ? 'number' : ''} ${column.role === 'correct' && value === false ? 'wrong' : ''}`}>${formatCell(value, column)}</div>`;
                })}
              </div>`;
            })}
          </div>
        </div>
        <evalens-sample-detail .state=${this.state}></evalens-sample-detail>
      </div>
    </section>`;
  }

  private renderFilters() {
    const state = this.state;
    const table = state.benchmark!.table;
    const correctColumn = table.columns.find((c) => c.role === 'correct');
    const metadataColumns = table.columns.filter((c) => c.role === 'metadata');
    const metadata = state.filter.metadata;
    const metadataColumn = metadataColumns.find((c) => c.key === metadata?.column);
    const cell = state.filter.cell;
    return html`<div class="filters" role="group" aria-label="Filter samples">
      <span aria-live="polite" data-figure="shown">${formatCount(state.rows.length)} of ${formatCount(table.rows)} samples</span>
      ${correctColumn === undefined
        ? nothing
        : html`<label
            >Outcome
            <select
              data-filter="correctness"
              .value=${state.filter.correctness === undefined ? 'all' : state.filter.correctness.correct ? 'right' : 'wrong'}
              @change=${(event: Event) => {
                const value = (event.target as HTMLSelectElement).value;
                state.filterCorrectness(value === 'all' ? undefined : { column: correctColumn.key, correct: value === 'right' });
              }}
            >
              <option value="all">right and wrong</option>
              <option value="right">right only</option>
              <option value="wrong">wrong only</option>
            </select></label
          >`}
      ${metadataColumns.length === 0
        ? nothing
        : html`<label
              >Metadata
              <select
                data-filter="metadata-column"
                .value=${metadata?.column ?? ''}
                @change=${(event: Event) => {
                  const key = (event.target as HTMLSelectElement).value;
                  state.filterMetadata(key === '' ? undefined : { column: key });
                }}
              >
                <option value="">(any)</option>
                ${metadataColumns.map((c) => html`<option value=${c.key} ?selected=${c.key === metadata?.column}>${c.label}</option>`)}
              </select></label
            >
            ${metadataColumn === undefined ? nothing : this.renderMetadataValue(metadataColumn)}`}
      ${cell === undefined
        ? nothing
        : html`<span class="chip" data-filter="cell"
            >${cell.output}: true ${this.labelOf(cell.output, cell.truth)}, predicted ${this.labelOf(cell.output, cell.predicted)}
            <button aria-label="Remove the confusion-matrix filter" @click=${() => state.filterCell(undefined)}>${icon('close')}</button></span
          >`}
      ${state.filter.correctness || state.filter.metadata || cell ? html`<button class="link" @click=${() => state.clearFilters()}>Clear filters</button>` : nothing}
    </div>`;
  }

  private renderMetadataValue(column: TableColumn) {
    const state = this.state;
    const metadata = state.filter.metadata!;
    const values = columnValues(state.benchmark!.table, column.key) ?? [];
    const distinct = distinctValues(values, PICKABLE);
    if (column.type === 'double' || column.type === 'int' || distinct === undefined) {
      if (column.type === 'string') return html`<span class="muted">(too many values to pick from: sort by this column instead)</span>`;
      const set = (bound: 'min' | 'max') => (event: Event) => {
        const text = (event.target as HTMLInputElement).value;
        state.filterMetadata({ ...metadata, [bound]: text === '' ? undefined : Number(text) });
      };
      return html`<label>from <input type="number" data-filter="min" step="any" .value=${metadata.min?.toString() ?? ''} @change=${set('min')} /></label>
        <label>to <input type="number" data-filter="max" step="any" .value=${metadata.max?.toString() ?? ''} @change=${set('max')} /></label>`;
    }
    const current = metadata.equals === undefined ? '' : JSON.stringify(metadata.equals);
    return html`<label
      >is
      <select
        data-filter="metadata-value"
        @change=${(event: Event) => {
          const text = (event.target as HTMLSelectElement).value;
          state.filterMetadata({ column: column.key, equals: text === '' ? undefined : (JSON.parse(text) as Cell) });
        }}
      >
        <option value="">(any)</option>
        ${distinct.map(({ value, count }) => html`<option value=${JSON.stringify(value)} ?selected=${JSON.stringify(value) === current}>${formatCell(value, column)} (${formatCount(count)})</option>`)}
      </select></label
    >`;
  }

  private labelOf(outputName: string, classIndex: number): string {
    const output = this.state.benchmark?.outputs.find((o) => o.name === outputName);
    return output !== undefined && 'labels' in output ? (output.labels[classIndex] ?? String(classIndex)) : String(classIndex);
  }

  private open(index: number, position: number): void {
    this.focusIndex = index;
    this.state.requestSample(position);
  }

  private readonly onKey = (event: KeyboardEvent) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('.row');
    if (row === null) return;
    const index = Number(row.dataset.index);
    const count = this.state.rows.length;
    const page = Math.max(1, Math.floor((GRID_HEIGHT - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    let next = index;
    switch (event.key) {
      case 'Enter':
      case ' ':
        event.preventDefault();
        row.click();
        return;
      case 'ArrowDown':
        next = index + 1;
        break;
      case 'ArrowUp':
        next = index - 1;
        break;
      case 'PageDown':
        next = index + page;
        break;
      case 'PageUp':
        next = index - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.focusRow(Math.max(0, Math.min(count - 1, next)));
  };

  private readonly onScroll = (event: Event) => {
    const grid = event.currentTarget as HTMLElement;
    // One render per frame, however many scroll events arrive in it.
    if (this.scrollFrame !== 0) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      this.scrollOffset = grid.scrollTop;
    });
  };

  /** Moves the tab stop to a row, scrolling it into view first (it may not be rendered yet). */
  private focusRow(index: number): void {
    this.focusIndex = index;
    const grid = this.renderRoot.querySelector<HTMLElement>('.grid');
    if (grid !== null) {
      const top = index * ROW_HEIGHT;
      const visible = grid.clientHeight - HEADER_HEIGHT;
      if (top < grid.scrollTop) grid.scrollTop = top;
      else if (top + ROW_HEIGHT > grid.scrollTop + visible) grid.scrollTop = top + ROW_HEIGHT - visible;
      this.scrollOffset = grid.scrollTop;
    }
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.row[data-index="${index}"]`)?.focus({ preventScroll: true }));
  }

}
customElements.define('evalens-sample-table', SampleTableElement);
