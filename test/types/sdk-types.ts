/**
 * Type-level tests of the SDK, checked by `npm run typecheck`: each `@ts-expect-error`
 * must sit on a line that does not compile, or the typecheck fails.
 */
import { defineIntegration } from 'evalens';

const preprocess = () => ({ test: { length: 2, data: { rows: [[0, 1]] } } });
const model = { path: 'm.onnx', inputs: { x: 'x' }, outputs: {} } as const;

export const valid = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: (i, s) => Float32Array.from(s.data.rows[i] ?? []) } },
  groundTruths: { y: { shape: [], dtype: 'int64', encode: () => BigInt64Array.of(1n) } },
  metadata: { flat: () => ({ n: 1, s: 'a', b: true }), single: () => 'value' },
  metrics: { m: ({ outputs }) => outputs.y?.length ?? 0 },
  model,
});

export const nestedMetadata = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error metadata must be flat: a nested object does not compile
  metadata: { nested: () => ({ size: { width: 8, height: 8 } }) },
  model,
});

export const arrayMetadata = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error metadata values cannot be arrays
  metadata: { list: () => ({ tags: ['a', 'b'] }) },
  model,
});

export const plainArrayEncoder = defineIntegration({
  preprocess,
  // @ts-expect-error a float32 encoder must return a Float32Array, not number[]
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => [0, 1] } },
  model,
});

export const wrongTypedArray = defineIntegration({
  preprocess,
  // @ts-expect-error an int64 encoder must return a BigInt64Array
  inputs: { x: { shape: [2], dtype: 'int64', encode: () => new Int32Array(2) } },
  model,
});

export const unknownDtype = defineIntegration({
  preprocess,
  // @ts-expect-error float64 is not a supported dtype
  inputs: { x: { shape: [2], dtype: 'float64', encode: () => new Float64Array(2) } },
  model,
});

export const subsetDataTyped = defineIntegration({
  preprocess,
  // @ts-expect-error the subset's data is typed from preprocess: there is no `columns`
  inputs: { x: { shape: [2], dtype: 'float32', encode: (i, s) => Float32Array.from(s.data.columns[i]) } },
  model,
});

export const visualizers = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  visualizers: {
    grey: { kind: 'image', draw: (i, s) => ({ data: Float32Array.from(s.data.rows[i] ?? []), width: 2, height: 1, channels: 1 }) },
    rgba: { kind: 'image', draw: () => ({ data: new Uint8ClampedArray(4), width: 1, height: 1, channels: 4 }) },
    caption: { kind: 'text', draw: (i) => `row ${i}` },
  },
  model,
});

export const textVisualizerNumber = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error a text visualizer's draw must return a string
  visualizers: { caption: { kind: 'text', draw: (i) => i } },
  model,
});

export const imageVisualizerPlainArray = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error image data must be a Uint8Array, Uint8ClampedArray or Float32Array, not number[]
  visualizers: { grey: { kind: 'image', draw: () => ({ data: [0, 1], width: 2, height: 1, channels: 1 }) } },
  model,
});

export const imageVisualizerChannels = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error channels is 1, 3 or 4
  visualizers: { grey: { kind: 'image', draw: () => ({ data: new Uint8Array(4), width: 2, height: 1, channels: 2 }) } },
  model,
});

export const imageVisualizerNoHeight = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error an image needs data, width, height and channels
  visualizers: { grey: { kind: 'image', draw: () => ({ data: new Uint8Array(2), width: 2, channels: 1 }) } },
  model,
});

export const unknownVisualizerKind = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error visualizers are of kind 'image' or 'text'
  visualizers: { plot: { kind: 'chart', draw: () => 'x' } },
  model,
});

export const visualizerSubsetTyped = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error the subset's data is typed from preprocess in visualizers too
  visualizers: { caption: { kind: 'text', draw: (i, s) => s.data.columns[i] } },
  model,
});

export const imageVisualizerFloat64 = defineIntegration({
  preprocess,
  inputs: { x: { shape: [2], dtype: 'float32', encode: () => new Float32Array(2) } },
  // @ts-expect-error a Float64Array is not image data: use a Float32Array of 0..1
  visualizers: { grey: { kind: 'image', draw: () => ({ data: new Float64Array(2), width: 2, height: 1, channels: 1 }) } },
  model,
});
