import { html, nothing } from 'lit';
import type { ReportAnalysis, ReportProjection } from '../../shared/report-data';
import { colorOptions, defaultColorKey, pointColoring, pointValue, pointValues, type ColorOption, type PointColoring } from '../analysis/point-colors';
import '../charts/scatter-canvas';
import type { PointEvent, ScatterCanvasElement, ScatterPoints } from '../charts/scatter-canvas';
import type { ReportState } from '../state/report-state';
import { formatCell, formatCount, formatPercent, formatScore } from '../format';
import { insightsStyles } from './insights.css';
import { sectionStyles } from './report-view.css';
import { sharedStyles } from './shared.css';
import { StateElement } from './state-element';

/**
 * Category colours from the theme's chart and terminal colours: ten hues apart in each theme
 * (the curve charts' bright blue would pass for the first blue among 10 classes of points).
 */
const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-terminal-ansiCyan',
  '--vscode-terminal-ansiMagenta',
  '--vscode-terminal-ansiBrightGreen',
  '--vscode-terminal-ansiBrightYellow',
];
/** Gradient of numeric colourings, low to high, from the theme's chart colours. */
const GRADIENT = ['--vscode-charts-blue', '--vscode-charts-purple', '--vscode-charts-red'];
/** Right and wrong read as the theme's pass and fail colours, not as two arbitrary categories. */
const CORRECT_COLORS = { false: '--vscode-testing-iconFailed', true: '--vscode-testing-iconPassed' };
const MISSING_COLOR = '--vscode-descriptionForeground';

/**
 * The latent space, projected to 2-D (PCA, and UMAP when it was computed): one point per
 * embedded sample, coloured by any column of the sample table; hover names the sample, a click
 * (or Enter on the point the arrow keys reach) opens its detail.
 */
export class LatentScatterElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, insightsStyles];
  static override properties = { ...StateElement.properties, method: { state: true }, colorKey: { state: true }, hovered: { state: true } };
  private method: ReportProjection['method'] | undefined;
  private colorKey: string | undefined;
  private hovered: { index: number; x: number; y: number } | undefined;
  private readonly coordinates = new WeakMap<ReportProjection, { x: Float32Array; y: Float32Array }>();
  private lastPoints: ScatterPoints | undefined;
  private cached: { analysis: ReportAnalysis; key: string; theme: string; coloring: PointColoring; colors: Uint32Array; order: Uint32Array } | undefined;
  private readonly themeObserver = new MutationObserver(() => {
    this.cached = undefined;
    this.requestUpdate();
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // VS Code swaps the body's theme class (and variables) when the user changes theme: colours are resolved again.
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.themeObserver.disconnect();
  }

  override render() {
    const report = this.state.report;
    const analysis = report?.analysis;
    if (report === undefined || analysis === undefined) return nothing;
    const projections = analysis.projections;
    if (projections.length === 0 || analysis.points.row.length === 0) {
      return html`<section aria-labelledby="latent"><h2 id="latent">Latent space</h2><p class="muted">No projection of the latent space was computed.</p></section>`;
    }
    const projection = projections.find((p) => p.method === this.method) ?? projections.find((p) => p.method === 'umap') ?? projections[0]!;
    const options = colorOptions(report);
    const option = options.find((o) => o.key === this.colorKey) ?? options.find((o) => o.key === defaultColorKey(options))!;
    const { coloring, colors, order } = this.coloringOf(analysis, option);
    const points = this.pointsOf(this.coordinatesOf(projection), colors, order);
    const variance = projection.explainedVarianceRatio;
    return html`<section aria-labelledby="latent">
      <h2 id="latent">Latent space</h2>
      <div class="toolbar" role="group" aria-label="Latent scatter options">
        ${projections.length > 1
          ? html`<span role="group" aria-label="Projection">
              ${projections.map(
                (p) => html`<button class="action" data-projection=${p.method} aria-pressed=${p === projection ? 'true' : 'false'} @click=${() => (this.method = p.method)}>${p.method.toUpperCase()}</button>`,
              )}
            </span>`
          : html`<span class="muted">${projection.method.toUpperCase()}</span>`}
        <label
          >Colour by
          <select data-control="color-by" @change=${(event: Event) => (this.colorKey = (event.target as HTMLSelectElement).value)}>
            ${(['Sample', 'Outputs', 'Scores', 'Metadata'] as const).map((group) => {
              const inGroup = options.filter((o) => o.group === group);
              return inGroup.length === 0
                ? nothing
                : html`<optgroup label=${group}>${inGroup.map((o) => html`<option value=${o.key} ?selected=${o.key === option.key}>${o.label}</option>`)}</optgroup>`;
            })}
          </select></label
        >
        <span class="muted" data-figure="points">${formatCount(analysis.points.row.length)} points${analysis.latent === null ? '' : ` · ${analysis.latent.output}, ${analysis.latent.dim} dimensions`}</span>
      </div>
      <div class="scatter-layout">
        <div class="scatter-box">
          <evalens-scatter
            .points=${points}
            .selected=${this.selectedPoint(analysis)}
            label=${`${projection.method.toUpperCase()} projection of ${formatCount(analysis.points.row.length)} samples' embeddings, coloured by ${option.label}. Arrow keys move between points, Enter opens one.`}
            @point-hover=${this.onHover}
            @point-select=${(event: PointEvent) => this.open(event.detail.index)}
          ></evalens-scatter>
          ${this.renderTooltip(option)}
          <p class="muted axis-note">
            ${projection.method === 'pca' && variance !== null
              ? `x: component 1 (${formatPercent(variance[0])} of the variance), y: component 2 (${formatPercent(variance[1])})`
              : `UMAP, seed ${projection.seed ?? '—'}: distances between clusters are not to scale`}
          </p>
        </div>
        ${this.renderLegend(option, coloring)}
      </div>
    </section>`;
  }

  private renderLegend(option: ColorOption, coloring: PointColoring) {
    if (coloring.kind === 'numeric') {
      return html`<div class="legend" aria-label=${`Colour scale of ${option.label}`} data-legend="numeric">
        <div class="gradient" style=${`background: linear-gradient(to top, ${GRADIENT.map((v) => `var(${v})`).join(', ')})`}></div>
        <div class="gradient-labels">
          <span>${formatScore(coloring.max)}</span><span>median ${formatScore(coloring.median)}</span><span>${formatScore(coloring.min)}</span>
        </div>
      </div>`;
    }
    return html`<ul class="legend" aria-label=${`Colours of ${option.label}`} data-legend="categorical">
      ${coloring.categories.map(
        (c) => html`<li><span class="swatch" style=${`background: var(${this.categoryVariable(option, c.value, c.slot)})`}></span><span class="legend-label" title=${c.label}>${c.label}</span><span class="muted">${formatCount(c.count)}</span></li>`,
      )}
    </ul>`;
  }

  private renderTooltip(option: ColorOption) {
    const hovered = this.hovered;
    const analysis = this.state.report?.analysis;
    if (hovered === undefined || analysis === undefined) return html`<div class="visually-hidden" aria-live="polite"></div>`;
    const sample = this.describe(hovered.index);
    if (sample === undefined) return nothing;
    // The colour's value, unless the label or prediction lines already say it.
    const value = option.column === undefined || option.column.role === 'truthLabel' || option.column.role === 'predictedLabel' ? undefined : pointValue(this.state.report!, analysis, hovered.index, option.key);
    return html`<div class="tooltip" role="tooltip" aria-live="polite" style=${`left:${hovered.x + 12}px;top:${hovered.y + 12}px`} data-point=${hovered.index}>
      <div><strong>${sample.benchmark}</strong> · index ${sample.index}</div>
      ${sample.label === undefined ? nothing : html`<div>label <span data-field="label">${sample.label}</span></div>`}
      ${sample.prediction === undefined ? nothing : html`<div>prediction <span data-field="prediction">${sample.prediction}</span></div>`}
      ${value === undefined ? nothing : html`<div>${option.label} ${formatCell(value, option.column!)}</div>`}
    </div>`;
  }

  /** A point's sample as the tooltip names it: benchmark, index, and the first output's label and prediction. */
  private describe(point: number): { benchmark: string; index: string; position: number; label?: string; prediction?: string } | undefined {
    const report = this.state.report!;
    const analysis = report.analysis!;
    const benchmark = report.benchmarks[analysis.points.benchmark[point]!];
    if (benchmark === undefined) return undefined;
    const row = analysis.points.row[point]!;
    const cell = (role: string) => {
      const c = benchmark.table.columns.findIndex((column) => column.role === role);
      return c < 0 ? undefined : benchmark.table.values[c]![row];
    };
    const text = (role: string) => {
      const value = cell(role);
      return value === undefined || value === null ? undefined : String(value);
    };
    return { benchmark: benchmark.name, index: text('index') ?? '—', position: Number(cell('position') ?? row), label: text('truthLabel'), prediction: text('predictedLabel') };
  }

  private readonly onHover = (event: PointEvent) => {
    const index = event.detail.index;
    const box = this.renderRoot.querySelector('.scatter-box')?.getBoundingClientRect();
    this.hovered = index < 0 || box === undefined ? undefined : { index, x: event.detail.clientX - box.left, y: event.detail.clientY - box.top };
  };

  private open(point: number): void {
    const sample = this.describe(point);
    if (sample === undefined) return;
    this.state.openSample(this.state.report!.analysis!.points.benchmark[point]!, sample.position);
    this.dispatchEvent(new CustomEvent('show-sample', { bubbles: true, composed: true }));
  }

  /** The point of the sample open in the detail, for its ring. */
  private selectedPoint(analysis: ReportAnalysis): number {
    const detail = this.state.detail;
    const benchmark = this.state.benchmark;
    if (detail === undefined || benchmark === undefined) return -1;
    const found = this.state.sampleRow(benchmark.name, detail.position);
    if (found === undefined) return -1;
    const { benchmark: benchmarks, row } = analysis.points;
    for (let i = 0; i < row.length; i++) if (row[i] === found.row && benchmarks[i] === found.benchmarkIndex) return i;
    return -1;
  }

  /** The same object while its arrays are the same: the canvas redraws 100k points only when a new one arrives (not on a hover). */
  private pointsOf(coordinates: { x: Float32Array; y: Float32Array }, colors: Uint32Array, order: Uint32Array): ScatterPoints {
    const last = this.lastPoints;
    if (last !== undefined && last.x === coordinates.x && last.y === coordinates.y && last.colors === colors && last.order === order) return last;
    this.lastPoints = { ...coordinates, colors, order };
    return this.lastPoints;
  }

  private coordinatesOf(projection: ReportProjection): { x: Float32Array; y: Float32Array } {
    let coordinates = this.coordinates.get(projection);
    if (coordinates === undefined) {
      coordinates = { x: Float32Array.from(projection.x), y: Float32Array.from(projection.y) };
      this.coordinates.set(projection, coordinates);
    }
    return coordinates;
  }

  private categoryVariable(option: ColorOption, value: unknown, slot: number | 'other'): string {
    if (option.column?.role === 'correct' && typeof value === 'boolean') return CORRECT_COLORS[`${value}`];
    return slot === 'other' ? MISSING_COLOR : PALETTE[slot % PALETTE.length]!;
  }

  /**
   * Each point's packed colour and the drawing order, for one colour-by choice: points without
   * a value first (muted), then the larger categories, the rarer ones on top (wrong predictions
   * over right ones); numbers in increasing order, so the highest losses stay visible.
   */
  private coloringOf(analysis: ReportAnalysis, option: ColorOption): { coloring: PointColoring; colors: Uint32Array; order: Uint32Array } {
    const theme = document.body.className;
    const cached = this.cached;
    if (cached?.analysis === analysis && cached.key === option.key && cached.theme === theme) return cached;
    const report = this.state.report!;
    const values = pointValues(report, analysis, option.key);
    const coloring = pointColoring(values, option.column, PALETTE.length);
    const resolve = colorResolver(this);
    const missing = resolve(MISSING_COLOR, 0.45);
    const n = values.length;
    const colors = new Uint32Array(n);
    // Draw keys 0..K: 0 first. Counting sort keeps it linear for 100k points.
    const keys = new Uint16Array(n);
    let keyCount: number;
    if (coloring.kind === 'categorical') {
      const packed = coloring.categories.map((c) => resolve(this.categoryVariable(option, c.value, c.slot), 1));
      const byCount = coloring.categories.map((_, k) => k).sort((a, b) => coloring.categories[b]!.count - coloring.categories[a]!.count);
      const drawKey = new Uint16Array(coloring.categories.length);
      byCount.forEach((k, rank) => (drawKey[k] = rank + 1));
      for (let i = 0; i < n; i++) {
        const k = coloring.category[i]!;
        colors[i] = k < 0 ? missing : packed[k]!;
        keys[i] = k < 0 ? 0 : drawKey[k]!;
      }
      keyCount = coloring.categories.length + 1;
    } else {
      const steps = 64;
      const ramp = gradientRamp(GRADIENT.map((v) => resolve(v, 1)), steps);
      for (let i = 0; i < n; i++) {
        const rank = coloring.rank[i]!;
        const step = Number.isNaN(rank) ? -1 : Math.min(steps - 1, Math.floor(rank * steps));
        colors[i] = step < 0 ? missing : ramp[step]!;
        keys[i] = step + 1;
      }
      keyCount = steps + 1;
    }
    const order = countingOrder(keys, keyCount);
    this.cached = { analysis, key: option.key, theme, coloring, colors, order };
    return this.cached;
  }

  /** For tests and the bench: the scatter element. */
  get scatter(): ScatterCanvasElement | null {
    return this.renderRoot.querySelector('evalens-scatter');
  }
}

/** Resolves a theme variable to a packed RGBA (0xAABBGGRR) through a canvas, which reads any CSS colour syntax. */
function colorResolver(element: Element): (variable: string, alpha: number) => number {
  const style = getComputedStyle(element);
  const context = new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true })!;
  return (variable, alpha) => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = '#888888';
    context.fillStyle = style.getPropertyValue(variable).trim() || '#888888';
    context.globalAlpha = alpha;
    context.fillRect(0, 0, 1, 1);
    context.globalAlpha = 1;
    const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
    return ((a! << 24) | (b! << 16) | (g! << 8) | r!) >>> 0;
  };
}

/** `steps` colours evenly along the stops (packed RGBA), interpolated per channel. */
function gradientRamp(stops: number[], steps: number): Uint32Array {
  const ramp = new Uint32Array(steps);
  for (let s = 0; s < steps; s++) {
    const t = (s / (steps - 1)) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    let packed = 0;
    for (let shift = 0; shift < 32; shift += 8) {
      const a = (stops[k]! >>> shift) & 255;
      const b = (stops[k + 1]! >>> shift) & 255;
      packed |= Math.round(a + (b - a) * f) << shift;
    }
    ramp[s] = packed >>> 0;
  }
  return ramp;
}

/** Point indices ordered by key (stable within a key). */
function countingOrder(keys: Uint16Array, keyCount: number): Uint32Array {
  const starts = new Uint32Array(keyCount + 1);
  for (let i = 0; i < keys.length; i++) starts[keys[i]! + 1]!++;
  for (let k = 0; k < keyCount; k++) starts[k + 1]! += starts[k]!;
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[starts[keys[i]!]!++] = i;
  return order;
}

customElements.define('evalens-latent-scatter', LatentScatterElement);
