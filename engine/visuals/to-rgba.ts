import type { DrawnImage } from '../sdk';

/**
 * An image as RGBA bytes, row by row, the one form the panel and the HTML export draw: grey
 * becomes r = g = b, a missing alpha is opaque, and 0..1 floats are scaled to 0..255 and
 * rounded. The image must have passed the visualizer checks (length, channels, range).
 */
export function toRgba(image: DrawnImage): Uint8Array {
  const { data, channels } = image;
  const pixels = image.width * image.height;
  const out = new Uint8Array(pixels * 4);
  const scale = data instanceof Float32Array ? 255 : 1;
  for (let p = 0; p < pixels; p++) {
    const from = p * channels;
    const to = p * 4;
    if (channels === 1) {
      const v = Math.round(data[from]! * scale);
      out[to] = v;
      out[to + 1] = v;
      out[to + 2] = v;
      out[to + 3] = 255;
    } else {
      out[to] = Math.round(data[from]! * scale);
      out[to + 1] = Math.round(data[from + 1]! * scale);
      out[to + 2] = Math.round(data[from + 2]! * scale);
      out[to + 3] = channels === 4 ? Math.round(data[from + 3]! * scale) : 255;
    }
  }
  return out;
}
