import type { Dtype } from '../sdk';
import { describeValue, isArrayOf, product } from '../inference/dtypes';
import type { CheckCollector, SampleRef } from './check-collector';

/** "sample 37 of subset 'test'" */
export function where(ref: SampleRef): string {
  return `sample ${ref.sample} of subset '${ref.subset}'`;
}

const ARRAY_NAME: Record<Dtype, string> = {
  float32: 'Float32Array',
  int64: 'BigInt64Array',
  int32: 'Int32Array',
  uint8: 'Uint8Array',
  bool: 'Uint8Array (of 0 / 1)',
};

export interface EncoderSpec {
  readonly kind: 'input' | 'groundTruth';
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: Dtype;
}

/** A check that did not hold for one sample: the check id and the user-facing message. */
export interface Problem {
  readonly id: string;
  readonly message: string;
}

/** The checks of an encoded value, in the order they run: a failure means the ones before it held. */
const ENCODER_CHECKS = ['encoder.dtype', 'encoder.shape', 'encoder.finite'] as const;

/**
 * Validates one encoded sample: dtype, element count, and that floats are finite. Returns the
 * first problem, if any. Shared by the integration test and runs (once per sample: keep it lean).
 */
export function encodedProblem(spec: EncoderSpec, value: unknown, ref: SampleRef): Problem | undefined {
  const label = `${spec.kind === 'input' ? 'Input' : 'Ground-truth'} encoder '${spec.name}'`;
  if (!isArrayOf(spec.dtype, value)) {
    return {
      id: 'encoder.dtype',
      message: `${label} returned ${describeValue(value)} at ${where(ref)}, but its dtype '${spec.dtype}' needs a ${ARRAY_NAME[spec.dtype]}. Return \`${ARRAY_NAME[spec.dtype].split(' ')[0]}.from(values)\` from encode(), or change the declared dtype.`,
    };
  }
  const expected = product(spec.shape);
  if (value.length !== expected) {
    return {
      id: 'encoder.shape',
      message: `${label} returned ${value.length} elements at ${where(ref)}, but its declared shape [${spec.shape.join(', ')}] needs ${expected}. Every sample must have the declared static shape: pad, crop or resize inside encode(), or fix the shape.`,
    };
  }
  if (!(value instanceof Float32Array)) return undefined;
  const bad = firstNonFinite(value);
  if (bad === undefined) return undefined;
  return {
    id: 'encoder.finite',
    message: `${label} returned ${value[bad]} at element ${bad} of ${where(ref)}. Inputs must be finite numbers: check for division by zero or missing values in this sample's data.`,
  };
}

/** Checks one encoded sample into the collector. Returns whether it is usable. */
export function checkEncoded(spec: EncoderSpec, value: unknown, ref: SampleRef, checks: CheckCollector): boolean {
  const component = `${spec.kind}:${spec.name}`;
  const problem = encodedProblem(spec, value, ref);
  const applicable = value instanceof Float32Array ? ENCODER_CHECKS : ENCODER_CHECKS.slice(0, 2);
  const passed = problem === undefined ? applicable : ENCODER_CHECKS.slice(0, ENCODER_CHECKS.indexOf(problem.id as (typeof ENCODER_CHECKS)[number]));
  for (const id of passed) checks.pass(id, component);
  if (problem !== undefined) checks.fail(problem.id, component, problem.message, ref);
  return problem === undefined;
}

/** Index of the first NaN or infinity, if any. */
export function firstNonFinite(values: ArrayLike<number>): number | undefined {
  if (values instanceof Float32Array && allFinite(values)) return undefined;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return i;
  }
  return undefined;
}

/**
 * Whether every value is finite, at about twice the speed of testing each one: x * 0 is 0 for
 * a finite x and NaN otherwise, and a sum of zeros cannot overflow. Runs twice per sample.
 */
function allFinite(values: Float32Array): boolean {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n = values.length - (values.length % 4);
  for (let i = 0; i < n; i += 4) {
    a += values[i]! * 0;
    b += values[i + 1]! * 0;
    c += values[i + 2]! * 0;
    d += values[i + 3]! * 0;
  }
  for (let i = n; i < values.length; i++) a += values[i]! * 0;
  return a + b + c + d === 0;
}

type Kind = 'number' | 'string' | 'boolean';

interface KeyOrigin {
  kind: Kind;
  ref: SampleRef;
  example: unknown;
}

/**
 * Tracks one metadata function across samples: flat values only, the same keys in every
 * sample, and one type per key.
 */
export class MetadataTracker {
  private keys: Map<string, KeyOrigin> | undefined;
  private firstRef: SampleRef | undefined;

  constructor(private readonly name: string) {}

  check(value: unknown, ref: SampleRef, checks: CheckCollector): void {
    const component = `metadata:${this.name}`;
    const record = this.flatten(value, ref, checks, component);
    if (record === undefined) return;
    checks.pass('metadata.flat', component);

    if (this.keys === undefined) {
      this.keys = new Map([...record].map(([k, v]) => [k, { kind: v.kind, ref, example: v.value }]));
      this.firstRef = ref;
      checks.pass('metadata.consistent', component);
      return;
    }
    const missing = [...this.keys.keys()].filter((k) => !record.has(k));
    const extra = [...record.keys()].filter((k) => !this.keys!.has(k));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`lacks ${quote(missing)}`);
      if (extra.length > 0) parts.push(`adds ${quote(extra)}`);
      checks.fail(
        'metadata.consistent',
        component,
        `Metadata '${this.name}' at ${where(ref)} ${parts.join(' and ')} compared with ${where(this.firstRef!)}. Every sample needs the same keys: return a default (0, '' or false) instead of leaving a key out.`,
        ref,
      );
      return;
    }
    for (const [key, v] of record) {
      const origin = this.keys.get(key)!;
      if (origin.kind !== v.kind) {
        checks.fail(
          'metadata.consistent',
          component,
          `Metadata '${this.name}'${key === '' ? '' : ` key '${key}'`} is a ${v.kind} (${JSON.stringify(v.value)}) at ${where(ref)}, but was a ${origin.kind} (${JSON.stringify(origin.example)}) at ${where(origin.ref)}. Keep one type per key across samples: convert with ${origin.kind === 'number' ? 'Number(...)' : origin.kind === 'string' ? 'String(...)' : 'Boolean(...)'}.`,
          ref,
        );
        return;
      }
    }
    checks.pass('metadata.consistent', component);
  }

  private flatten(value: unknown, ref: SampleRef, checks: CheckCollector, component: string): Map<string, FlatValue> | undefined {
    const flat = flattenMetadata(this.name, value, ref);
    for (const warning of flat.warnings) checks.warn(warning.id, component, warning.message, ref);
    if (flat.problem !== undefined) {
      checks.fail(flat.problem.id, component, flat.problem.message, ref);
      return undefined;
    }
    return flat.values;
  }
}

export interface FlatValue {
  kind: Kind;
  value: number | string | boolean;
}

/**
 * What a metadata function returned, as flat key → value ('' for a function returning a
 * single value), or the problem that makes it not flat. NaN and infinities are warnings.
 */
export function flattenMetadata(name: string, value: unknown, ref: SampleRef): { values: Map<string, FlatValue>; warnings: Problem[]; problem?: Problem } {
  const warnings: Problem[] = [];
  const primitive = kindOf(value);
  if (primitive !== undefined) return { values: new Map([['', { kind: primitive, value: value as FlatValue['value'] }]]), warnings };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      values: new Map(),
      warnings,
      problem: { id: 'metadata.flat', message: `Metadata '${name}' returned ${describeMetadata(value)} at ${where(ref)}. Return a number, string or boolean, or a flat object of them.` },
    };
  }
  const values = new Map<string, FlatValue>();
  for (const [key, v] of Object.entries(value)) {
    const kind = kindOf(v);
    if (kind === undefined) {
      const nested = typeof v === 'object' && v !== null && !Array.isArray(v);
      return {
        values,
        warnings,
        problem: {
          id: 'metadata.flat',
          message: `Metadata '${name}' key '${key}' holds ${describeMetadata(v)} at ${where(ref)}. Metadata must be flat: ${
            nested
              ? `return its fields as separate keys (${Object.keys(v).slice(0, 2).map((k) => `'${key}.${k}'`).join(', ')})`
              : "each key holds a number, string or boolean (use a default like 0 or '' for missing values)"
          }.`,
        },
      };
    }
    if (kind === 'number' && !Number.isFinite(v)) {
      warnings.push({ id: 'metadata.finite', message: `Metadata '${name}' key '${key}' is ${v} at ${where(ref)}; slices and charts will ignore it.` });
    }
    values.set(key, { kind, value: v as FlatValue['value'] });
  }
  return { values, warnings };
}

function kindOf(value: unknown): Kind | undefined {
  const t = typeof value;
  return t === 'number' || t === 'string' || t === 'boolean' ? (t as Kind) : undefined;
}

function describeMetadata(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `a nested object {${Object.keys(value).join(', ')}}`;
  return `a ${typeof value}`;
}

function quote(keys: string[]): string {
  return `key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`;
}
