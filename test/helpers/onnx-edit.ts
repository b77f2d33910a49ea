/**
 * Edits of ONNX models for fixtures: graph outputs removed, so hidden layers are not outputs
 * (the engine only ever adds outputs: engine/onnx/graph-outputs.ts), and graph fields the
 * test writer does not write (value_info, weights in external data) added.
 */
import { bytesField, concat, DataType, messageField } from '../../engine/onnx/onnx-writer';
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

/** The name of a ValueInfoProto (field 1) or TensorProto (field 8). */
function nameOf(message: Uint8Array, field = 1): string {
  const r = new ProtobufReader(message);
  while (r.next()) {
    if (r.field === field) return r.string();
    r.skip();
  }
  return '';
}

/**
 * The model with `change` applied to the float32 values of each initializer kept as raw bytes
 * (a PyTorch export keeps its weights so): checkpoints of one architecture with other weights.
 */
export function withWeights(model: Uint8Array, change: (values: Float32Array, name: string) => void): Uint8Array {
  return mapFields(model, (field, graph) =>
    field === 7
      ? messageField(7, [
          mapFields(graph!, (f, tensor) => {
            if (f !== 5 || !isFloatTensor(tensor!)) return undefined;
            const name = nameOf(tensor!, 8);
            return messageField(5, [
              mapFields(tensor!, (tf, raw) => {
                if (tf !== 9) return undefined;
                const values = new Float32Array(new Uint8Array(raw!).buffer);
                change(values, name);
                return bytesField(9, new Uint8Array(values.buffer));
              }),
            ]);
          }),
        ])
      : undefined,
  );
}

/** Whether a TensorProto holds float32 (data_type, field 2, is FLOAT). */
function isFloatTensor(tensor: Uint8Array): boolean {
  const r = new ProtobufReader(tensor);
  while (r.next()) {
    if (r.field === 2) return r.int64() === DataType.FLOAT;
    r.skip();
  }
  return false;
}
