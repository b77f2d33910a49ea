/**
 * Latent outputs read from any tensor of the graph (the output of the last hidden layer, say):
 * a copy of the model with those tensors added to graph.output, so onnxruntime returns them
 * without the user re-exporting the model. The original file is never touched.
 */
import path from 'node:path';
import { closestName } from '../config/closest-name';
import { EvalensError } from '../errors';
import { formatDims, parseModelSignature, type ModelSignature, type TensorInfo } from './model-signature';
import { bytesField, concat, messageField, stringField, type Bytes } from './onnx-writer';
import { ProtobufReader } from './protobuf-reader';

/** A latent output of the edited copy. */
export interface TensorOutput {
  /** Its name in the copy, the key of model.outputs: records and embeddings files use it. */
  readonly name: string;
  /** The graph value it returns. */
  readonly tensor: string;
}

/** Why a latent cannot read its tensor: the graph does not compute it, or the latent's name is another tensor's. */
export interface TensorOutputProblem {
  readonly kind: 'missing' | 'name-taken';
  /** What is wrong and what to do, naming the tensor and the model file. */
  readonly message: string;
}

/** Why `output` cannot be read from this model; undefined when it can. */
export function tensorOutputProblem(signature: ModelSignature, output: TensorOutput): TensorOutputProblem | undefined {
  const model = path.basename(signature.file);
  const { name, tensor } = output;
  if (!signature.values.some((v) => v.name === tensor)) {
    const close = closestName(tensor, signature.values.map((v) => v.name));
    const hint = close === undefined ? '' : ` Did you mean '${close}'?`;
    const last = signature.values.slice(-8).reverse();
    return {
      kind: 'missing',
      message: `model.outputs.${name}.tensor names '${tensor}', which ${model} does not compute.${hint} Name a graph input or a node output (weights are not per-sample values); the last values it computes are ${last.map(describe).join(', ')}.`,
    };
  }
  const taken = name !== tensor && (signature.values.some((v) => v.name === name) || signature.outputs.some((o) => o.name === name));
  if (taken) {
    return {
      kind: 'name-taken',
      message: `model.outputs key '${name}' is also the name of a tensor of ${model}, so the latent reading '${tensor}' cannot take it. Rename the key (for example '${name}_latent').`,
    };
  }
  return undefined;
}

/**
 * A copy of `model` whose graph also outputs each tensor under its name: a graph output when
 * the name is the tensor's own, else an Identity node from the tensor to a new output named
 * after the key, so every output keeps the name the integration gave it. Outputs the model
 * already has are left as they are. `file` names the model in errors.
 */
export function withExtraOutputs(model: Uint8Array, outputs: readonly TensorOutput[], file: string): Uint8Array {
  const signature = parseModelSignature(model, file);
  for (const output of outputs) {
    const problem = tensorOutputProblem(signature, output);
    if (problem !== undefined) throw new EvalensError('definition-invalid', problem.message, { file });
  }
  const graph = lastGraph(model);
  const { types, externalData } = graphFacts(model);
  if (externalData !== undefined) {
    throw new EvalensError(
      'model-invalid',
      `${path.basename(file)} keeps its weights in an external data file ('${externalData}'), which a copy of the model in another folder would not find, so Evalens cannot add the tensor ${quote(outputs.map((o) => o.tensor))} as an output. Export the model with that tensor as an output (or with its weights inside the .onnx file).`,
      { file },
    );
  }
  const added: Bytes[] = [];
  for (const { name, tensor } of outputs) {
    if (signature.outputs.some((o) => o.name === name)) continue;
    if (name !== tensor) {
      // NodeProto: input (1), output (2), name (3), op_type (4); Identity exists in every opset of the default domain.
      added.push(messageField(1, [stringField(1, tensor), stringField(2, name), stringField(3, `evalens/latent/${name}`), stringField(4, 'Identity')]));
    }
    // ValueInfoProto: name (1), type (2). onnxruntime infers the type when the model does not record it.
    const type = types.get(tensor);
    added.push(messageField(12, type === undefined ? [stringField(1, name)] : [stringField(1, name), bytesField(2, type)]));
  }
  if (added.length === 0) return model;
  return concat([model.subarray(0, graph.fieldStart), messageField(7, [model.subarray(graph.start, graph.end), ...added]), model.subarray(graph.end)]);
}

/**
 * Where the model's last graph field lies: protobuf merges repeated occurrences of a message
 * field, so what is appended to the last one comes after every node before it.
 */
function lastGraph(model: Uint8Array): { fieldStart: number; start: number; end: number } {
  const r = new ProtobufReader(model);
  let found: { fieldStart: number; start: number; end: number } | undefined;
  let fieldStart = 0;
  while (r.next()) {
    if (r.field === 7) {
      const bytes = r.bytes();
      found = { fieldStart, start: bytes.byteOffset - model.byteOffset, end: r.offset };
    } else {
      r.skip();
    }
    fieldStart = r.offset;
  }
  // parseModelSignature, called first, has already refused a model without a graph.
  return found!;
}

/** TypeProto bytes of every value whose type the model records, and the first external data file its weights use. */
function graphFacts(model: Uint8Array): { types: Map<string, Bytes>; externalData: string | undefined } {
  const types = new Map<string, Bytes>();
  let externalData: string | undefined;
  const r = new ProtobufReader(model);
  while (r.next()) {
    if (r.field !== 7) {
      r.skip();
      continue;
    }
    const g = r.message();
    while (g.next()) {
      if (g.field === 11 || g.field === 12 || g.field === 13) {
        const v = g.message();
        let name = '';
        let type: Bytes | undefined;
        while (v.next()) {
          if (v.field === 1) name = v.string();
          else if (v.field === 2) type = v.bytes();
          else v.skip();
        }
        if (type !== undefined) types.set(name, type);
      } else if (g.field === 5) {
        externalData ??= externalLocation(g.message());
      } else {
        g.skip();
      }
    }
  }
  return { types, externalData };
}

/** The file of a TensorProto stored outside the model (data_location 14 = EXTERNAL), from its "location" entry (13). */
function externalLocation(t: ProtobufReader): string | undefined {
  let external = false;
  let location = '';
  while (t.next()) {
    if (t.field === 14) {
      external = t.int64() === 1;
    } else if (t.field === 13) {
      const entry = t.message();
      let key = '';
      let value = '';
      while (entry.next()) {
        if (entry.field === 1) key = entry.string();
        else if (entry.field === 2) value = entry.string();
        else entry.skip();
      }
      if (key === 'location') location = value;
    } else {
      t.skip();
    }
  }
  return external ? location || '(unnamed)' : undefined;
}

function describe(t: TensorInfo): string {
  return t.elementType === 'unknown' && t.dims === null ? `'${t.name}'` : `'${t.name}' ${t.elementType} ${formatDims(t.dims)}`;
}

function quote(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
