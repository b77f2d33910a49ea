import ts from 'typescript';
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDims, type TensorInfo } from '../../engine/onnx/model-signature';
import type { IntegrationFacts, ScriptAnalysis } from '../analysis/analyze-script';
import { formatShape } from '../analysis/context';
import { propertyNameText, type Slot, type SlotReader } from '../analysis/slots';
import { rangeOf } from './diagnostics';
import { nodeAt } from './node-at';

/**
 * Inside the model binding: model input names as keys of model.inputs (and input encoder
 * names as their values), model output names as keys of model.outputs, ground-truth
 * encoder names as `groundTruth` values, and the graph's tensors as a latent's `tensor`.
 */
export function completion(doc: TextDocument, analysis: ScriptAnalysis, offset: number): CompletionItem[] {
  const { file, reader } = analysis;
  const token = nodeAt(file, offset);
  for (const integration of analysis.integrations) {
    const model = integration.model;
    if (model === undefined) continue;
    const inputs = literalOf(reader, model.inputsSlot);
    const outputs = literalOf(reader, model.outputsSlot);
    const signature = model.signature;

    const value = stringValueContext(token);
    if (value !== undefined) {
      const range = rangeOf(doc, value.literal.getStart(file) + 1, Math.max(value.literal.getEnd() - 1, value.literal.getStart(file) + 1));
      if (value.property.parent === inputs) return names(integration.inputs, range, 'input encoder');
      const output = value.property.parent.parent;
      const inOutput = outputs !== undefined && output !== undefined && ts.isPropertyAssignment(output) && output.parent === outputs;
      if (inOutput && propertyNameText(value.property.name) === 'groundTruth') return names(integration.groundTruths, range, 'ground-truth encoder');
      if (inOutput && propertyNameText(value.property.name) === 'tensor' && signature !== undefined) return tensorNames(signature.values, range);
      continue;
    }
    if (signature === undefined) continue;
    const key = keyContext(file, token, offset, [inputs, outputs]);
    if (key === undefined) continue;
    const range = key.word === undefined ? undefined : rangeOf(doc, key.word.start, key.word.end);
    const tensors = key.literal === inputs ? signature.inputs : signature.outputs;
    const kind = key.literal === inputs ? 'model input' : 'model output';
    const taken = new Set(key.literal.properties.filter((p) => p !== key.current).map((p) => (p.name === undefined ? undefined : propertyNameText(p.name))));
    return tensors.filter((t) => !taken.has(t.name)).map((t) => tensorItem(t, kind, range, key.quoted, integration));
  }
  return [];
}

function literalOf(reader: SlotReader, slot: Slot | undefined): ts.ObjectLiteralExpression | undefined {
  const node = slot?.node === undefined ? undefined : reader.resolve(slot.node);
  return node !== undefined && ts.isObjectLiteralExpression(node) && reader.inFile(node) ? node : undefined;
}

/** The cursor is inside a string that is a property's value: `image: '|'`. */
function stringValueContext(token: ts.Node): { literal: ts.StringLiteralLike; property: ts.PropertyAssignment } | undefined {
  if (!ts.isStringLiteralLike(token)) return undefined;
  const property = token.parent;
  if (property === undefined || !ts.isPropertyAssignment(property) || property.initializer !== token) return undefined;
  return { literal: token, property };
}

interface KeyContext {
  literal: ts.ObjectLiteralExpression;
  /** The property whose key is being typed, if any. */
  current: ts.ObjectLiteralElementLike | undefined;
  /** The partly typed key, replaced by the completion. */
  word: { start: number; end: number } | undefined;
  quoted: boolean;
}

/** The cursor is where a key of one of the literals goes: between properties, or on a key being typed. */
function keyContext(file: ts.SourceFile, token: ts.Node, offset: number, literals: (ts.ObjectLiteralExpression | undefined)[]): KeyContext | undefined {
  for (const literal of literals) {
    if (literal === undefined || offset <= literal.getStart(file) || offset >= literal.getEnd()) continue;
    if (token === literal) return { literal, current: undefined, word: undefined, quoted: false };
    const current = literal.properties.find((p) => p.getStart(file) <= offset && offset <= p.getEnd());
    if (current === undefined) {
      // On a comma or brace between properties.
      return token.parent === literal || token === literal ? { literal, current: undefined, word: undefined, quoted: false } : undefined;
    }
    const name = current.name;
    if (name === undefined || !(name.getStart(file) <= offset && offset <= name.getEnd())) return undefined;
    if (ts.isStringLiteral(name)) return { literal, current, word: { start: name.getStart(file) + 1, end: Math.max(name.getEnd() - 1, name.getStart(file) + 1) }, quoted: true };
    if (ts.isIdentifier(name)) return { literal, current, word: { start: name.getStart(file), end: name.getEnd() }, quoted: false };
    return undefined;
  }
  return undefined;
}

function tensorItem(t: TensorInfo, kind: string, range: ReturnType<typeof rangeOf> | undefined, quoted: boolean, integration: IntegrationFacts): CompletionItem {
  const text = quoted || /^[A-Za-z_$][\w$]*$/.test(t.name) ? t.name : `'${t.name.replace(/'/g, "\\'")}'`;
  const encoder = kind === 'model input' ? integration.inputs?.get(t.name) : undefined;
  return {
    label: t.name,
    kind: CompletionItemKind.Field,
    detail: `${kind}: ${t.elementType} ${formatDims(t.dims)}`,
    documentation: encoder?.shape === undefined ? undefined : `Encoder '${encoder.name}' declares ${encoder.dtype ?? '?'} ${formatShape(encoder.shape)} per sample.`,
    ...(range === undefined ? { insertText: text } : { textEdit: { range, newText: text } }),
  };
}

/** Tensors a latent can read, the last computed first: the layers before the outputs are the usual choice. */
function tensorNames(values: readonly TensorInfo[], range: ReturnType<typeof rangeOf>): CompletionItem[] {
  return values.map((t, i) => ({
    label: t.name,
    kind: CompletionItemKind.Variable,
    detail: t.elementType === 'unknown' && t.dims === null ? 'tensor (type known when the model runs)' : `tensor: ${t.elementType} ${formatDims(t.dims)}`,
    sortText: String(values.length - i).padStart(6, '0'),
    textEdit: { range, newText: t.name },
  }));
}

function names(encoders: IntegrationFacts['inputs'], range: ReturnType<typeof rangeOf>, kind: string): CompletionItem[] {
  return [...(encoders?.values() ?? [])].map((e) => ({
    label: e.name,
    kind: CompletionItemKind.Value,
    detail: `${kind}: ${e.dtype ?? '?'} ${e.shape === undefined ? '' : formatShape(e.shape)}`.trim(),
    textEdit: { range, newText: e.name },
  }));
}

