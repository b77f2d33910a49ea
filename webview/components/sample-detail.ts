import { css, html, nothing } from 'lit';
import type { SampleDetail } from '../../shared/report-data';
import type { ReportState } from '../state/report-state';
import { formatCell, formatPercent } from '../format';
import { icon } from './icon';
import { sharedStyles } from './shared.css';
import { StateElement } from './state-element';

/** Largest side of a drawn image on screen: small images (8×8 digits) are scaled up by whole pixels. */
const IMAGE_SIZE = 160;

/** One sample's detail: its row, class probabilities as bars, and the integration's drawings of its input. */
export class SampleDetailElement extends StateElement<ReportState> {
  static override styles = [
    sharedStyles,
    css`
      :host {
        flex: 0 1 320px;
        min-width: 240px;
      }
      aside {
        padding: 8px 10px;
        border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
        background: var(--vscode-editorWidget-background);
        max-height: 440px;
        overflow: auto;
      }
      h3 {
        display: flex;
        justify-content: space-between;
        margin: 0 0 8px;
        font-size: 13px;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 1px 10px;
        margin: 0 0 8px;
        font-size: 12px;
      }
      dt {
        color: var(--vscode-descriptionForeground);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .bar {
        display: grid;
        grid-template-columns: 60px 1fr 52px;
        gap: 6px;
        align-items: center;
        font-size: 12px;
      }
      .bar .track {
        height: 10px;
        background: var(--vscode-input-background);
        border: 1px solid var(--vscode-contrastBorder, transparent);
      }
      .bar .fill {
        height: 100%;
        background: var(--vscode-charts-blue);
      }
      .bar .label {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      canvas {
        image-rendering: pixelated;
        border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
      }
      pre {
        white-space: pre-wrap;
        font-family: var(--vscode-editor-font-family, monospace);
        font-size: 12px;
        margin: 0;
      }
    `,
  ];
  

  override render() {
    const detail = this.state.detail;
    if (detail === undefined) return html`<aside class="muted">Select a sample (click, or Enter on a row) to see its detail.</aside>`;
    return html`<aside aria-label=${`Sample at position ${detail.position}`} aria-live="polite" data-sample=${detail.position}>
      <h3>
        <span>Sample ${detail.position}</span>
        <button class="link" aria-label="Close the sample detail" @click=${() => this.state.closeDetail()}>${icon('close')}</button>
      </h3>
      ${this.renderRow(detail.position)}
      ${detail.status === 'loading'
        ? html`<p class="muted">${this.state.interactive ? 'Loading…' : ''}</p>`
        : detail.status === 'error'
          ? html`<p class="notice error" role="alert">${detail.error}</p>`
          : this.renderDetail(detail.detail)}
    </aside>`;
  }

  private renderRow(position: number) {
    const table = this.state.benchmark?.table;
    if (table === undefined) return nothing;
    const positionColumn = table.columns.findIndex((c) => c.role === 'position');
    const row = positionColumn < 0 ? position : table.values[positionColumn]!.indexOf(position);
    if (row < 0) return nothing;
    return html`<dl>
      ${table.columns.map((column, c) => html`<dt>${column.label}</dt><dd>${formatCell(table.values[c]![row] ?? null, column)}</dd>`)}
    </dl>`;
  }

  private renderDetail(detail: SampleDetail) {
    return html`${detail.probabilities.map(
        (output) => html`<h4>Probabilities · ${output.output}</h4>
          <div role="list" aria-label=${`Class probabilities of ${output.output}`}>
            ${output.classes.map(
              (c) => html`<div class="bar" role="listitem" aria-label=${`${c.label}: ${formatPercent(c.probability)}`}>
                <span class="label" title=${c.label}>${c.label}</span>
                <span class="track"><span class="fill" style=${`display:block;width:${Math.max(0, Math.min(1, c.probability)) * 100}%`}></span></span>
                <span class="mono">${formatPercent(c.probability)}</span>
              </div>`,
            )}
          </div>`,
      )}
      ${detail.visuals.map((visual) =>
        visual.kind === 'text'
          ? html`<h4>${visual.name}</h4><pre data-visual="text">${visual.text}</pre>`
          : html`<h4>${visual.name}</h4>${this.imageCanvas(visual.width, visual.height, visual.rgba, visual.name)}`,
      )}
      ${detail.visualsNote === undefined ? nothing : html`<p class="muted">${detail.visualsNote}</p>`}`;
  }

  /** Draws RGBA bytes (base64) onto a canvas at their own size; CSS scales it up with crisp pixels. */
  private imageCanvas(width: number, height: number, rgba: string, name: string) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.dataset.visual = 'image';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${name}, ${width}×${height} pixels`);
    const scale = Math.max(1, Math.floor(IMAGE_SIZE / Math.max(width, height)));
    canvas.style.width = `${width * scale}px`;
    canvas.style.height = `${height * scale}px`;
    const bytes = Uint8ClampedArray.from(atob(rgba), (ch) => ch.charCodeAt(0));
    if (bytes.length === width * height * 4) canvas.getContext('2d')?.putImageData(new ImageData(bytes, width, height), 0, 0);
    return canvas;
  }
}
customElements.define('evalens-sample-detail', SampleDetailElement);
