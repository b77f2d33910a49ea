import { css, html, LitElement, type PropertyValues } from 'lit';
import { extent } from './extent';

/**
 * A 2-D scatter of up to hundreds of thousands of points, drawn in one pass: each point's
 * pixels are written into an ImageData buffer (32-bit colours, no path per point), with a
 * pick buffer beside it that remembers which point owns each pixel, so hover and click find
 * the point under the pointer without a search. 100k points draw in a few milliseconds.
 *
 * The element knows nothing of samples: it draws `x`, `y` with one packed colour per point
 * (`colors`, 0xAABBGGRR as ImageData holds it on little-endian machines) in `order`, and says
 * which point is under the pointer (`point-hover`) or chosen (`point-select`).
 */

export interface ScatterPoints {
  x: Float32Array;
  y: Float32Array;
  /** Packed RGBA per point. */
  colors: Uint32Array;
  /** Indices of the points in drawing order: later ones cover earlier ones. */
  order: Uint32Array;
}

/** `detail`: the point index, or −1 when the pointer left every point. */
export type PointEvent = CustomEvent<{ index: number; clientX: number; clientY: number }>;

/** How far (CSS px) from the pointer a point still counts as under it. */
const PICK_RADIUS = 5;
const MARGIN = 8;

export class ScatterCanvasElement extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      min-width: 0;
    }
    canvas {
      display: block;
      width: 100%;
      cursor: crosshair;
      border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
    }
    canvas:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: 1px;
    }
  `;
  static override properties = { points: { attribute: false }, height: { type: Number }, label: { type: String }, selected: { type: Number } };

  points: ScatterPoints | undefined;
  height = 420;
  label = '';
  /** Index of the point drawn with a ring (the sample open in the detail), −1 for none. */
  selected = -1;
  /** The point the keyboard or the pointer is on. */
  active = -1;
  /** Milliseconds the last full draw took. */
  lastDrawMs = 0;
  /** Per device pixel, the index of the point drawn there last (−1: none). */
  private pick: Int32Array = new Int32Array(0);
  /** The drawn points, kept so rings can be redrawn over them without a full draw. */
  private image: ImageData | undefined;
  private dpr = 1;
  private screenX: Float32Array = new Float32Array(0);
  private screenY: Float32Array = new Float32Array(0);
  private readonly resize = new ResizeObserver(() => this.draw());

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override render() {
    return html`<canvas
      tabindex="0"
      role="img"
      aria-label=${this.label}
      style=${`height:${this.height}px`}
      @pointermove=${this.onPointerMove}
      @pointerleave=${() => this.hover(-1)}
      @click=${this.onClick}
      @keydown=${this.onKey}
    ></canvas>`;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('points') || changed.has('height')) this.draw();
    else if (changed.has('selected')) this.drawRing();
  }

  /** Screen position (CSS px, relative to the canvas) of a point, for a tooltip. */
  positionOf(index: number): { x: number; y: number } {
    return { x: this.screenX[index]! / this.dpr, y: this.screenY[index]! / this.dpr };
  }

  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const points = this.points;
    const cssWidth = Math.floor(this.clientWidth);
    if (canvas === null || points === undefined || cssWidth <= 0) return;
    const start = performance.now();
    const dpr = (this.dpr = Math.max(1, Math.round(window.devicePixelRatio || 1)));
    const width = cssWidth * dpr;
    const height = this.height * dpr;
    canvas.width = width;
    canvas.height = height;
    const n = points.x.length;
    this.project(points, width, height, MARGIN * dpr);
    const image = new ImageData(width, height);
    const pixels = new Uint32Array(image.data.buffer);
    if (this.pick.length !== width * height) this.pick = new Int32Array(width * height);
    this.pick.fill(-1);
    const offsets = discOffsets(pointSize(n) * dpr, width);
    const radius = Math.floor((pointSize(n) * dpr) / 2);
    const { screenX, screenY, pick } = this;
    const { colors, order } = points;
    // A point is a small disc of pixels; one that would cross the edge is pulled in (the margin makes that rare).
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const px = Math.min(width - 1 - radius, Math.max(radius, Math.round(screenX[i]!)));
      const py = Math.min(height - 1 - radius, Math.max(radius, Math.round(screenY[i]!)));
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      const centre = py * width + px;
      const color = colors[i]!;
      for (let o = 0; o < offsets.length; o++) {
        pixels[centre + offsets[o]!] = color;
        pick[centre + offsets[o]!] = i;
      }
    }
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    this.image = image;
    this.drawRing();
    this.lastDrawMs = performance.now() - start;
    // Read by the bench and the tests: how long the last draw took, how many draws so far.
    this.dataset.drawMs = this.lastDrawMs.toFixed(1);
    this.dataset.draws = String(Number(this.dataset.draws ?? 0) + 1);
    this.dataset.points = String(n);
  }

  /** The rings of the selected and the active point, over the drawn points (redrawn from the kept image, no full draw). */
  private drawRing(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const context = canvas?.getContext('2d');
    if (canvas === null || context === null || context === undefined || this.image === undefined) return;
    context.putImageData(this.image, 0, 0);
    const style = getComputedStyle(this);
    for (const [index, variable] of [
      [this.selected, '--vscode-focusBorder'],
      [this.active, '--vscode-foreground'],
    ] as const) {
      if (index < 0 || index >= this.screenX.length) continue;
      context.beginPath();
      context.lineWidth = 2 * this.dpr;
      context.strokeStyle = style.getPropertyValue(variable).trim() || '#888';
      context.arc(this.screenX[index]!, this.screenY[index]!, 6 * this.dpr, 0, 2 * Math.PI);
      context.stroke();
    }
  }

  /** Data to screen coordinates: both axes fitted to the points, y upwards. */
  private project(points: ScatterPoints, width: number, height: number, margin: number): void {
    const [x0, x1] = extent(points.x);
    const [y0, y1] = extent(points.y);
    const sx = (width - 2 * margin) / (x1 - x0 || 1);
    const sy = (height - 2 * margin) / (y1 - y0 || 1);
    const n = points.x.length;
    if (this.screenX.length !== n) {
      this.screenX = new Float32Array(n);
      this.screenY = new Float32Array(n);
    }
    for (let i = 0; i < n; i++) {
      this.screenX[i] = margin + (points.x[i]! - x0) * sx;
      this.screenY[i] = height - margin - (points.y[i]! - y0) * sy;
    }
  }

  /** The topmost point within PICK_RADIUS of a canvas position (CSS px), nearest first; −1 for none. */
  pointAt(cssX: number, cssY: number): number {
    const width = this.pick.length === 0 ? 0 : this.screenWidth();
    if (width === 0) return -1;
    const height = this.pick.length / width;
    const cx = Math.round(cssX * this.dpr);
    const cy = Math.round(cssY * this.dpr);
    const r = PICK_RADIUS * this.dpr;
    let best = -1;
    let bestDistance = Infinity;
    for (let y = Math.max(0, cy - r); y <= Math.min(height - 1, cy + r); y++) {
      for (let x = Math.max(0, cx - r); x <= Math.min(width - 1, cx + r); x++) {
        const index = this.pick[y * width + x]!;
        const distance = (x - cx) ** 2 + (y - cy) ** 2;
        if (index >= 0 && distance < bestDistance) {
          best = index;
          bestDistance = distance;
        }
      }
    }
    return bestDistance <= r * r ? best : -1;
  }

  private screenWidth(): number {
    return this.renderRoot.querySelector('canvas')?.width ?? 0;
  }

  private readonly onPointerMove = (event: PointerEvent) => {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    this.hover(this.pointAt(event.clientX - box.left, event.clientY - box.top));
  };

  private readonly onClick = (event: MouseEvent) => {
    // The point the tooltip names: a click's coordinates are whole pixels, a pointer move's are not, and close points would differ.
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const index = this.active >= 0 ? this.active : this.pointAt(event.clientX - box.left, event.clientY - box.top);
    if (index >= 0) this.choose(index);
  };

  private hover(index: number): void {
    if (index === this.active) return;
    this.active = index;
    this.drawRing();
    this.emit('point-hover', index);
  }

  private choose(index: number): void {
    this.emit('point-select', index);
  }

  private emit(type: 'point-hover' | 'point-select', index: number): void {
    const canvas = this.renderRoot.querySelector('canvas')!.getBoundingClientRect();
    const at = index < 0 ? { x: 0, y: 0 } : this.positionOf(index);
    this.dispatchEvent(new CustomEvent(type, { detail: { index, clientX: canvas.left + at.x, clientY: canvas.top + at.y }, bubbles: true, composed: true }));
  }

  /** Arrow keys move to the nearest point in that direction (within a 90° cone); Enter or Space opens it; Escape leaves. */
  private readonly onKey = (event: KeyboardEvent) => {
    const n = this.screenX.length;
    if (n === 0) return;
    const directions: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (this.active >= 0) this.choose(this.active);
      return;
    }
    if (event.key === 'Escape') return this.hover(-1);
    const direction = directions[event.key];
    if (direction === undefined) return;
    event.preventDefault();
    // The first step lands on the topmost point drawn.
    if (this.active < 0) return this.hover(this.points!.order[this.points!.order.length - 1] ?? 0);
    this.hover(nextInDirection(this.screenX, this.screenY, this.active, direction));
  };
}

/** The nearest point whose offset from `from` lies within 45° of `direction`; `from` itself when none does. */
export function nextInDirection(xs: Float32Array, ys: Float32Array, from: number, [dx, dy]: [number, number]): number {
  const x0 = xs[from]!;
  const y0 = ys[from]!;
  let best = from;
  let bestDistance = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const ox = xs[i]! - x0;
    const oy = ys[i]! - y0;
    const along = ox * dx + oy * dy;
    const across = Math.abs(ox * dy - oy * dx);
    // Points at the same pixel are skipped: a step always moves on screen.
    if (along <= 0 || across > along) continue;
    const distance = ox * ox + oy * oy;
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

/** Point diameter in CSS px: big enough to see a few hundred points, small enough not to hide 100k. */
function pointSize(n: number): number {
  return n <= 2_000 ? 5 : n <= 20_000 ? 3 : 2;
}

/** Pixel offsets (from the centre, in a row-major buffer `width` wide) of a filled disc of `diameter` pixels. */
function discOffsets(diameter: number, width: number): Int32Array {
  const r = diameter / 2;
  const low = -Math.floor(r);
  const high = Math.ceil(r) - 1;
  const offsets: number[] = [];
  for (let y = low; y <= high; y++) {
    for (let x = low; x <= high; x++) {
      // Squares up to 3 px; past that the corners go, so points read as dots.
      if (diameter <= 3 || (x + 0.5) ** 2 + (y + 0.5) ** 2 <= r * r + 0.5) offsets.push(y * width + x);
    }
  }
  return Int32Array.from(offsets);
}


customElements.define('evalens-scatter', ScatterCanvasElement);

declare global {
  interface HTMLElementTagNameMap {
    'evalens-scatter': ScatterCanvasElement;
  }
}
