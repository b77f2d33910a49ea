/**
 * Edits of ONNX models for fixtures: graph outputs removed, so hidden layers are not outputs
 * (the engine only ever adds outputs: engine/onnx/graph-outputs.ts), and graph fields the
 * test writer does not write (value_info, weights in external data) added.
 */
import { concat, messageField } from '../../engine/onnx/onnx-writer';
import { ProtobufReader, WireType } from '../../engine/onnx/protobuf-reader';

export function withoutGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  return mapFields(model, (field, graph) =>
    field === 7 ? messageField(7, [mapFields(graph!, (f, output) => (f === 12 && names.includes(nameOf(output!)) ? null : undefined))]) : undefined,
  );
}

/** The model with `fields` (encoded GraphProto fields) appended to its graph. */
export function appendToGraph(model: Uint8Array, ...fields: Uint8Array[]): Uint8Array {
  return mapFields(model, (field, graph) => (field === 7 ? messageField(7, [graph!, ...fields]) : undefined));
}

/**
 * A message with its fields in order, each kept as it is (`change` returns undefined), dropped
 * (null) or replaced by the bytes returned. `change` gets a length-delimited field's value.
 */
function mapFields(message: Uint8Array, change: (field: number, value: Uint8Array | undefined) => Uint8Array | null | undefined): Uint8Array {
  const parts: Uint8Array[] = [];
  const r = new ProtobufReader(message);
  let start = 0;
  while (r.next()) {
    let value: Uint8Array | undefined;
    if (r.wireType === WireType.LengthDelimited) value = r.bytes();
    else r.skip();
    const replaced = change(r.field, value);
    if (replaced === undefined) parts.push(message.subarray(start, r.offset));
    else if (replaced !== null) parts.push(replaced);
    start = r.offset;
  }
  return concat(parts);
}

function nameOf(valueInfo: Uint8Array): string {
  const r = new ProtobufReader(valueInfo);
  while (r.next()) {
    if (r.field === 1) return r.string();
    r.skip();
  }
  return '';
}
