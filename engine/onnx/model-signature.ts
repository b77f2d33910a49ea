/**
 * Reads an ONNX model's signature (IR version, opsets, producer, graph inputs and outputs)
 * by walking its protobuf directly, so it works where onnxruntime cannot be loaded (the
 * language server) and never touches the weights.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EvalensError } from '../errors';
import { ProtobufError, ProtobufReader } from './protobuf-reader';

export type OnnxElementType =
  | 'float32'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'string'
  | 'bool'
  | 'float16'
  | 'float64'
  | 'uint32'
  | 'uint64'
  | 'complex64'
  | 'complex128'
  | 'bfloat16'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'uint4'
  | 'int4'
  | 'unknown';

/** A fixed size, a symbolic name (e.g. "batch"), or unknown. */
export type Dim = number | string | null;

export interface TensorInfo {
  name: string;
  /** 'unknown' also for inputs that are not tensors (sequences, maps, optionals, sparse). */
  elementType: OnnxElementType;
  /** null when the rank is unknown (or the value is not a tensor). */
  dims: Dim[] | null;
}

export interface ModelSignature {
  file: string;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /**
   * Every per-sample value of the main graph a latent output can read (engine/onnx/graph-outputs.ts):
   * its inputs, then each node's outputs in graph order, typed where the model records it
   * (graph inputs and outputs, value_info), else 'unknown' with unknown dims.
   */
  values: TensorInfo[];
}

/** Indexed by TensorProto.DataType. */
const ELEMENT_TYPES: readonly OnnxElementType[] = [
  'unknown',
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'uint4',
  'int4',
];

/** "[batch, 1, 8, 8]"; an unknown dim is "?", an unknown rank "[...]", a scalar "[]". */
export function formatDims(dims: Dim[] | null): string {
  if (dims === null) return '[...]';
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function parseModelSignature(bytes: Uint8Array, file: string): ModelSignature {
  if (bytes.length === 0) {
    throw invalid(file, 'is empty (0 bytes). It was probably not written completely; re-export or re-download it.');
  }
  const notOnnx = notOnnxReason(bytes);
  if (notOnnx) throw invalid(file, notOnnx);

  let irVersion: number | undefined;
  let producer = '';
  const opsets: { domain: string; version: number }[] = [];
  let parts: GraphParts | undefined;
  try {
    const r = new ProtobufReader(bytes);
    while (r.next()) {
      switch (r.field) {
        case 1:
          irVersion = r.int64();
          break;
        case 2:
          producer = r.string();
          break;
        case 7:
          // protobuf merges a message field that occurs twice, so every occurrence adds to one graph.
          parts ??= { inputs: [], outputs: [], initializers: new Set(), nodeOutputs: [], valueInfo: [] };
          readGraph(r.message(), parts);
          break;
        case 8:
          opsets.push(readOpset(r.message()));
          break;
        default:
          r.skip();
      }
    }
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    // ONNX writers emit ir_version (tag byte 0x08) first, so a cut-off model still starts with it.
    if (error.truncated && (irVersion !== undefined || bytes[0] === 0x08)) {
      throw invalid(
        file,
        `looks truncated: its data ends in the middle of a field after ${bytes.length} bytes (${error.message}). ` +
          'It was probably partially downloaded or not completely written; re-export or re-download it.',
        error,
      );
    }
    throw invalid(file, `is not an ONNX model: it is not a valid protobuf file (${error.message}). ${EXPECTED}`, error);
  }

  if (irVersion === undefined || parts === undefined) {
    const missing = irVersion === undefined ? 'IR version' : 'graph';
    throw invalid(
      file,
      `is not an ONNX model: it has no ${missing}. ${EXPECTED} If it was just exported, it may have been cut off; re-export it.`,
    );
  }
  const initializers = parts.initializers;
  // Older exporters also list weights as graph inputs; they are not fed by the caller.
  const inputs = parts.inputs.filter((input) => !initializers.has(input.name));
  return { file, irVersion, opsets, producer, inputs, outputs: parts.outputs, values: graphValues(inputs, parts) };
}

function graphValues(inputs: readonly TensorInfo[], parts: GraphParts): TensorInfo[] {
  const known = new Map<string, TensorInfo>();
  for (const t of [...parts.valueInfo, ...parts.outputs]) known.set(t.name, t);
  const values = new Map<string, TensorInfo>(inputs.map((t) => [t.name, t]));
  for (const name of parts.nodeOutputs) {
    // An empty name is an optional output the node does not produce.
    if (name !== '' && !values.has(name)) values.set(name, known.get(name) ?? { name, elementType: 'unknown', dims: null });
  }
  return [...values.values()];
}

export function readModelSignatureSync(file: string): ModelSignature {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw readError(file, error);
  }
  return parseModelSignature(bytes, file);
}

export async function readModelSignature(file: string): Promise<ModelSignature> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw readError(file, error);
  }
  return parseModelSignature(bytes, file);
}

interface GraphParts {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  initializers: Set<string>;
  nodeOutputs: string[];
  valueInfo: TensorInfo[];
}

const EXPECTED =
  'Point the model path at a binary .onnx file exported from your training framework (for example with torch.onnx.export or tf2onnx).';

function readGraph(r: ProtobufReader, parts: GraphParts): void {
  while (r.next()) {
    switch (r.field) {
      case 1: {
        // node: NodeProto; only its output names (2) are read, attributes (weights of Constant nodes) are skipped
        const node = r.message();
        while (node.next()) {
          if (node.field === 2) parts.nodeOutputs.push(node.string());
          else node.skip();
        }
        break;
      }
      case 13:
        parts.valueInfo.push(readValueInfo(r.message()));
        break;
      case 5: // initializer: TensorProto
        parts.initializers.add(readTensorName(r.message()));
        break;
      case 15: {
        // sparse_initializer: SparseTensorProto, named by its values tensor (field 1)
        const sparse = r.message();
        while (sparse.next()) {
          if (sparse.field === 1) parts.initializers.add(readTensorName(sparse.message()));
          else sparse.skip();
        }
        break;
      }
      case 11:
        parts.inputs.push(readValueInfo(r.message()));
        break;
      case 12:
        parts.outputs.push(readValueInfo(r.message()));
        break;
      default:
        r.skip();
    }
  }
}

function readTensorName(r: ProtobufReader): string {
  let name = '';
  while (r.next()) {
    if (r.field === 8) name = r.string();
    else r.skip(); // raw_data and the typed data fields are skipped by moving the offset
  }
  return name;
}

function readOpset(r: ProtobufReader): { domain: string; version: number } {
  let domain = '';
  let version = 0;
  while (r.next()) {
    if (r.field === 1) domain = r.string();
    else if (r.field === 2) version = r.int64();
    else r.skip();
  }
  return { domain, version };
}

function readValueInfo(r: ProtobufReader): TensorInfo {
  let name = '';
  let type: Omit<TensorInfo, 'name'> = { elementType: 'unknown', dims: null };
  while (r.next()) {
    if (r.field === 1) name = r.string();
    else if (r.field === 2) type = readType(r.message());
    else r.skip();
  }
  return { name, ...type };
}

function readType(r: ProtobufReader): Omit<TensorInfo, 'name'> {
  let type: Omit<TensorInfo, 'name'> = { elementType: 'unknown', dims: null };
  while (r.next()) {
    // value is a oneof: the last member present wins; only tensor_type (1) is a plain tensor.
    if (r.field === 1) {
      type = readTensorType(r.message());
    } else if (r.field === 4 || r.field === 5 || r.field === 8 || r.field === 9) {
      r.skip();
      type = { elementType: 'unknown', dims: null };
    } else {
      r.skip();
    }
  }
  return type;
}

function readTensorType(r: ProtobufReader): Omit<TensorInfo, 'name'> {
  let elementType: OnnxElementType = 'unknown';
  let dims: Dim[] | null = null;
  while (r.next()) {
    if (r.field === 1) elementType = ELEMENT_TYPES[r.int64()] ?? 'unknown';
    else if (r.field === 2) dims = readShape(r.message());
    else r.skip();
  }
  return { elementType, dims };
}

function readShape(r: ProtobufReader): Dim[] {
  const dims: Dim[] = [];
  while (r.next()) {
    if (r.field === 1) dims.push(readDim(r.message()));
    else r.skip();
  }
  return dims;
}

function readDim(r: ProtobufReader): Dim {
  let dim: Dim = null;
  while (r.next()) {
    if (r.field === 1) dim = r.int64();
    else if (r.field === 2) dim = r.string();
    else r.skip();
  }
  // A negative size or an empty name carries no information: treat it as unknown.
  return dim === '' || (typeof dim === 'number' && dim < 0) ? null : dim;
}

/** Recognizes common non-model files up front, for a more helpful message than a parse error. */
function notOnnxReason(bytes: Uint8Array): string | undefined {
  let head = new TextDecoder('utf-8').decode(bytes.subarray(0, 512));
  // The cut at 512 bytes may split a character; that is not a sign of binary data.
  if (bytes.length > 512) head = head.replace(/\ufffd{1,3}$/, '');
  if (head.startsWith('version https://git-lfs')) {
    return 'is a Git LFS pointer, not the model itself. Run `git lfs pull` to fetch the model file.';
  }
  // ONNX files start with binary tags; text (JSON, README, HTML error page) has no control bytes.
  const textLike = bytes[0] !== 0x08 && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(head);
  if (textLike) return `is not an ONNX model: it is a text file. ${EXPECTED}`;
  return undefined;
}

function readError(file: string, error: unknown): EvalensError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const { base, abs } = names(file);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new EvalensError(
      'model-not-found',
      `Model file '${base}' was not found at ${abs}. Check the model path (and the folder it is relative to), or export the model there.`,
      { file: abs },
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    return invalid(file, `is a directory, not a model file. Point the model path at the .onnx file inside it.`, error);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return invalid(file, `could not be read (${reason}). Check that the file is readable and try again.`, error);
}

function invalid(file: string, problem: string, cause?: unknown): EvalensError {
  const { base, abs } = names(file);
  return new EvalensError('model-invalid', `Model file '${base}' at ${abs} ${problem}`, { file: abs }, { cause });
}

function names(file: string): { base: string; abs: string } {
  return { base: path.basename(file), abs: path.resolve(file) };
}
