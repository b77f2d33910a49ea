import type { DrawnImage, Visualizer } from '../sdk';
import { describeValue } from '../inference/dtypes';
import type { CheckCollector, SampleRef } from './check-collector';
import { where, type Problem } from './value-checks';

export type VisualizerKind = Visualizer['kind'];

/** The checks of a drawn image, in the order they run: a failure means the ones before it held. */
const IMAGE_CHECKS = ['visualizer.shape', 'visualizer.range'] as const;

const IMAGE_FORM = '{ data, width, height, channels } with data a Uint8Array or Uint8ClampedArray (0..255) or a Float32Array (0..1)';

/**
 * What is wrong with what a visualizer's draw() returned for one sample, if anything. Shared
 * by the integration test and `evalens draw`, which refuses to convert a value that fails it.
 */
export function drawnProblem(kind: VisualizerKind, name: string, value: unknown, ref: SampleRef): Problem | undefined {
  return kind === 'text' ? textProblem(name, value, ref) : imageProblem(name, value, ref);
}

function textProblem(name: string, value: unknown, ref: SampleRef): Problem | undefined {
  if (typeof value === 'string') return undefined;
  return {
    id: 'visualizer.text',
    message: `Text visualizer '${name}' returned ${describeDrawn(value)} at ${where(ref)}. draw() of a text visualizer must return a string: convert with String(...) or a template literal.`,
  };
}

function imageProblem(name: string, value: unknown, ref: SampleRef): Problem | undefined {
  const label = `Image visualizer '${name}'`;
  const shape = (message: string): Problem => ({ id: 'visualizer.shape', message });
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof Promise) {
    return shape(`${label} returned ${describeDrawn(value)} at ${where(ref)}. draw() must return ${IMAGE_FORM}, synchronously.`);
  }
  const { data, width, height, channels } = value as Partial<Record<keyof DrawnImage, unknown>>;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    return shape(`${label} returned data that is ${data === undefined ? 'missing' : describeValue(data)} at ${where(ref)}. Image data must be a Uint8Array or Uint8ClampedArray of 0..255, or a Float32Array of 0..1: convert with e.g. \`Float32Array.from(values)\`.`);
  }
  for (const [key, dim] of [['width', width], ['height', height]] as const) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim <= 0) {
      return shape(`${label} returned ${key} ${shown(dim)} at ${where(ref)}. width and height must be positive integers (pixels per row, rows).`);
    }
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    return shape(`${label} returned channels ${shown(channels)} at ${where(ref)}. channels must be 1 (grey), 3 (RGB) or 4 (RGBA).`);
  }
  const expected = (width as number) * (height as number) * channels;
  if (data.length !== expected) {
    return shape(
      `${label} returned ${data.length} values at ${where(ref)}, but width × height × channels = ${width} × ${height} × ${channels} = ${expected}. Return one value per pixel and channel, row by row (pixel-interleaved: r, g, b, r, g, b, ...).`,
    );
  }
  if (!(data instanceof Float32Array)) return undefined;
  const bad = firstOutsideUnit(data);
  if (bad === undefined) return undefined;
  return {
    id: 'visualizer.range',
    message: `${label} returned ${data[bad]} at value ${bad} of ${where(ref)}. Float32Array pixels must be in [0, 1]: divide by the largest possible value (e.g. 255 or 16), or return a Uint8Array of 0..255.`,
  };
}

/** Checks one drawn value into the collector. */
export function checkDrawn(kind: VisualizerKind, name: string, value: unknown, ref: SampleRef, checks: CheckCollector): void {
  const component = `visualizer:${name}`;
  const problem = drawnProblem(kind, name, value, ref);
  const floatData = typeof value === 'object' && value !== null && (value as { data?: unknown }).data instanceof Float32Array;
  const applicable: readonly string[] = kind === 'text' ? ['visualizer.text'] : floatData ? IMAGE_CHECKS : IMAGE_CHECKS.slice(0, 1);
  const passed = problem === undefined ? applicable : applicable.slice(0, applicable.indexOf(problem.id));
  for (const id of passed) checks.pass(id, component);
  if (problem !== undefined) checks.fail(problem.id, component, problem.message, ref);
}

/** Index of the first value outside [0, 1], NaN included. */
function firstOutsideUnit(values: Float32Array): number | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return i;
  }
  return undefined;
}

/** A width, height or channels value as the user would recognise it: 1.5, NaN, "2", missing. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return describeValue(value);
}

function describeDrawn(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Promise) return 'a Promise (draw() must return synchronously)';
  return describeValue(value);
}
