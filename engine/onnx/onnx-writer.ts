/**
 * A tiny protobuf writer for building small ONNX models in TypeScript: the engine's own graphs
 * (nearest neighbours as MatMul + TopK) and test fixtures for edge cases (weights listed as
 * inputs, unknown rank, unnamed dims), with no Python or checked-in files.
 */

export type Bytes = Uint8Array;

export function varint(value: number | bigint): Bytes {
  // asUintN gives negative int64 values their 10-byte two's-complement encoding.
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export function concat(parts: readonly Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const tag = (field: number, wireType: number): Bytes => varint(field * 8 + wireType);

export const intField = (field: number, value: number | bigint): Bytes => concat([tag(field, 0), varint(value)]);

export const bytesField = (field: number, value: Bytes): Bytes => concat([tag(field, 2), varint(value.length), value]);

export const stringField = (field: number, value: string): Bytes => bytesField(field, new TextEncoder().encode(value));

export const messageField = (field: number, parts: readonly Bytes[]): Bytes => bytesField(field, concat(parts));

/** TensorProto.DataType values the writer's callers use. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** A dim: size, symbolic name, or null for a dim with neither. */
export type DimSpec = number | string | null;

export type TypeSpec =
  | { tensor: number; dims?: DimSpec[] } // dims omitted = unknown rank
  | { sequenceOf: number };

export interface ValueSpec {
  name: string;
  type: TypeSpec;
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes (TopK's axis, ReduceMax's keepdims...): a number is INT, an array INTS. */
  attributes?: Record<string, number | number[]>;
}

export interface ModelSpec {
  irVersion?: number;
  opset?: number;
  producer?: string;
  graphName?: string;
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: { name: string; dataType: number; dims: number[]; floats: ArrayLike<number> }[];
}

function encodeType(type: TypeSpec): Bytes {
  if ('sequenceOf' in type) {
    // TypeProto.sequence_type (4) -> Sequence.elem_type (1): TypeProto
    return messageField(4, [messageField(1, [encodeType({ tensor: type.sequenceOf, dims: [] })])]);
  }
  const tensor: Bytes[] = [intField(1, type.tensor)];
  if (type.dims) {
    const dims = type.dims.map((d) =>
      messageField(1, d === null ? [] : typeof d === 'number' ? [intField(1, d)] : [stringField(2, d)]),
    );
    tensor.push(messageField(2, dims));
  }
  return messageField(1, tensor);
}

/** AttributeProto: name (1), then INT (type 2) in i (3), or INTS (type 7) in ints (8). */
const encodeAttribute = (name: string, value: number | number[]): Bytes =>
  messageField(5, [
    stringField(1, name),
    ...(typeof value === 'number' ? [intField(3, value)] : value.map((v) => intField(8, v))),
    intField(20, typeof value === 'number' ? 2 : 7),
  ]);

const encodeValueInfo = (field: number, v: ValueSpec): Bytes =>
  messageField(field, [stringField(1, v.name), messageField(2, [encodeType(v.type)])]);

/** Encodes a ModelProto with fields in ascending order, as ONNX writers do. */
export function buildModel(spec: ModelSpec): Bytes {
  const graph: Bytes[] = [];
  spec.nodes.forEach((n, i) =>
    graph.push(
      messageField(1, [
        ...n.inputs.map((x) => stringField(1, x)),
        ...n.outputs.map((x) => stringField(2, x)),
        stringField(3, `node${i}`),
        stringField(4, n.op),
        ...Object.entries(n.attributes ?? {}).map(([name, value]) => encodeAttribute(name, value)),
      ]),
    ),
  );
  graph.push(stringField(2, spec.graphName ?? 'test-graph'));
  for (const init of spec.initializers ?? []) {
    const raw = new Uint8Array(new Float32Array(init.floats).buffer);
    graph.push(
      messageField(5, [...init.dims.map((d) => intField(1, d)), intField(2, init.dataType), stringField(8, init.name), bytesField(9, raw)]),
    );
  }
  for (const v of spec.inputs) graph.push(encodeValueInfo(11, v));
  for (const v of spec.outputs) graph.push(encodeValueInfo(12, v));

  return concat([
    intField(1, spec.irVersion ?? 8),
    stringField(2, spec.producer ?? 'evalens-test'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, spec.opset ?? 13)]),
  ]);
}
