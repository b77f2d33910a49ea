import type { Dtype, DtypeArray } from '../sdk';

export type AnyTensorArray = DtypeArray<Dtype>;

type ArrayConstructorOf = Float32ArrayConstructor | BigInt64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

const CONSTRUCTORS: Record<Dtype, ArrayConstructorOf> = {
  float32: Float32Array,
  int64: BigInt64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function arrayConstructorOf(dtype: Dtype): ArrayConstructorOf {
  return CONSTRUCTORS[dtype];
}

/** Whether a value is the typed array a given dtype requires (exactly, not a subclass of another kind). */
export function isArrayOf(dtype: Dtype, value: unknown): value is AnyTensorArray {
  return value instanceof CONSTRUCTORS[dtype];
}

/** How a returned value is described to the user when it is not the array its dtype requires. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a plain Array of ${value.length} ${typeof value[0] === 'number' ? 'numbers' : 'values'}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Concatenates per-sample arrays of one dtype into one batch buffer (`out` when given, of the right length). */
export function concatSamples(dtype: Dtype, samples: readonly AnyTensorArray[], perSample: number, out: AnyTensorArray = new CONSTRUCTORS[dtype](samples.length * perSample)): AnyTensorArray {
  samples.forEach((s, i) => (out as Float32Array).set(s as Float32Array, i * perSample));
  return out;
}
