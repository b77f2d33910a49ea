import { css, html, LitElement, unsafeCSS, type PropertyValues } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { extent } from './extent';

/**
 * uPlot glue: a chart described as data (series of x/y points, or bars), drawn by uPlot on a
 * canvas and redrawn when the element's width or the theme changes. Colours come from the
 * theme's chart variables, read when drawing.
 */

export interface ChartSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface ChartSpec {
  /** `lines`: a polyline per series; `points`: a scatter; `bars`: one series of bars at x (bin starts, equal widths). */
  kind: 'lines' | 'points' | 'bars';
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  xRange?: [number, number];
  yRange?: [number, number];
  /** A dashed y = x line (ROC's chance line, the perfect-prediction diagonal). */
  diagonal?: boolean;
  /** x holds positions 1, 2, … (checkpoints of a series): ticks on whole numbers only. */
  ordinalX?: boolean;
  /** What a screen reader hears for the canvas. */
  description: string;
}

/** Series colours from VS Code's chart and terminal palettes, so every theme (high contrast included) supplies them. */
const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-terminal-ansiCyan',
  '--vscode-terminal-ansiMagenta',
  '--vscode-terminal-ansiBrightBlue',
  '--vscode-terminal-ansiBrightGreen',
];
const DASHES = [[], [6, 3], [2, 2]];

export function seriesColorVariable(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export class ChartElement extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 12px;
        margin: 4px 0 0 0;
        padding: 0;
        list-style: none;
        font-size: 12px;
      }
      .swatch {
        display: inline-block;
        width: 14px;
        height: 0;
        margin-right: 4px;
        vertical-align: middle;
        border-top: 3px solid;
      }
    `,
  ];
  static override properties = { spec: { attribute: false }, height: { type: Number } };

  spec!: ChartSpec;
  height = 240;
  private plot: uPlot | undefined;
  private readonly resize = new ResizeObserver(() => this.draw());
  private readonly themeObserver = new MutationObserver(() => this.draw());

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
    // VS Code swaps the body's theme class (and variables) when the user changes theme.
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.themeObserver.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  override render() {
    const spec = this.spec;
    const legend = spec.kind === 'bars' ? [] : spec.series;
    return html`<div class="plot" role="img" aria-label=${spec.description}></div>
      ${legend.length > 1
        ? html`<ul class="legend" aria-hidden="true">
            ${legend.map(
              (s, i) => html`<li><span class="swatch" style=${`border-top-color: var(${seriesColorVariable(i)}); border-top-style: ${i >= PALETTE.length ? 'dashed' : 'solid'}`}></span>${s.label}</li>`,
            )}
          </ul>`
        : ''}`;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('spec') || changed.has('height')) this.draw();
  }

  private draw(): void {
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    const width = Math.floor(this.clientWidth);
    if (target === null || width <= 0 || this.spec === undefined) return;
    this.plot?.destroy();
    this.plot = new uPlot(this.options(width), this.data() as uPlot.AlignedData, target);
  }

  private color(variable: string, fallback: string): string {
    return getComputedStyle(this).getPropertyValue(variable).trim() || fallback;
  }

  private options(width: number): uPlot.Options {
    const spec = this.spec;
    const foreground = this.color('--vscode-foreground', '#888');
    const grid = this.color('--vscode-editorWidget-border', this.color('--vscode-contrastBorder', '#8884'));
    const font = `11px ${this.color('--vscode-font-family', 'sans-serif')}`;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: foreground,
      font,
      labelFont: font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    });
    const series: uPlot.Series[] = spec.series.map((s, i) => {
      const stroke = this.color(seriesColorVariable(i), foreground);
      // Drawn as the series' own path (uPlot's points builder): its point markers are hidden when dense.
      if (spec.kind === 'points') return { label: s.label, stroke, fill: stroke, width: 1, paths: uPlot.paths.points!(), points: { show: false, size: 4 } };
      if (spec.kind === 'bars') return { label: s.label, stroke, fill: `${stroke}99`, width: 1, paths: uPlot.paths.bars!({ align: 1, size: [1, Infinity], gap: 1 }), points: { show: false } };
      return { label: s.label, stroke, width: 2, dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length], points: { show: false } };
    });
    if (spec.diagonal) series.push({ label: 'y = x', stroke: this.color('--vscode-descriptionForeground', foreground), width: 1, dash: [4, 4], points: { show: false } });
    const facetSeries: uPlot.Series[] = series.map((s) => ({ ...s, facets: [{ scale: 'x', auto: spec.xRange === undefined }, { scale: 'y', auto: spec.yRange === undefined }] }) as uPlot.Series);
    const range = (fixed: [number, number] | undefined): uPlot.Scale['range'] =>
      fixed ?? ((_u, min, max) => (min === max ? [min - 1, max + 1] : [min - (max - min) * 0.03, max + (max - min) * 0.03]));
    const bars = spec.kind === 'bars';
    return {
      width,
      height: this.height,
      // Bars share one x; lines and points each carry their own x (uPlot's "facets" mode).
      mode: bars ? 1 : 2,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: bars ? undefined : range(spec.xRange) },
        y: { range: range(spec.yRange) },
      },
      axes: [spec.ordinalX ? { ...axis(spec.xLabel), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : axis(spec.xLabel), axis(spec.yLabel)],
      series: bars ? [{}, ...series] : [{}, ...facetSeries],
    } as uPlot.Options;
  }

  private data(): unknown[] {
    const spec = this.spec;
    if (spec.kind === 'bars') {
      const bars = spec.series[0];
      return bars === undefined ? [[], []] : [Array.from(bars.x), Array.from(bars.y)];
    }
    const data: unknown[] = [null, ...spec.series.map((s) => [s.x, s.y])];
    if (spec.diagonal) {
      const [lo, hi] = spec.xRange ?? extent(spec.series.flatMap((s) => [...Array.from(s.x), ...Array.from(s.y)]));
      data.push([
        [lo, hi],
        [lo, hi],
      ]);
    }
    return data;
  }
}


customElements.define('evalens-chart', ChartElement);

declare global {
  interface HTMLElementTagNameMap {
    'evalens-chart': ChartElement;
  }
}
