import path from 'node:path';
import ts from 'typescript';
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDims, type ModelSignature, type TensorInfo } from '../../engine/onnx/model-signature';
import type { IntegrationFacts, ScriptAnalysis } from '../analysis/analyze-script';
import { formatShape, type EncoderFacts } from '../analysis/context';
import type { ModelFacts, OutputFacts } from '../analysis/model-checks';
import type { Slot } from '../analysis/slots';
import { rangeOf } from './diagnostics';
import { contains } from './node-at';

/** Hover on an encoder, a model input or output binding, or model.path: what is declared beside what the model has. */
export function hover(doc: TextDocument, analysis: ScriptAnalysis, offset: number): Hover | undefined {
  for (const integration of analysis.integrations) {
    const found = hoverIn(analysis.file, integration, offset);
    if (found !== undefined) {
      return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: rangeOf(doc, found.node.getStart(analysis.file), found.node.getEnd()) };
    }
  }
  return undefined;
}

function hoverIn(file: ts.SourceFile, integration: IntegrationFacts, offset: number): { node: ts.Node; markdown: string } | undefined {
  const model = integration.model;
  const at = (nodes: (ts.Node | undefined)[]) => nodes.find((n): n is ts.Node => n !== undefined && contains(file, n, offset));

  for (const encoder of [...(integration.inputs?.values() ?? []), ...(integration.groundTruths?.values() ?? [])]) {
    const node = at([encoder.slot.key, shortAnchor(encoder.slot), encoder.shapeSlot?.anchor, encoder.dtypeSlot?.anchor]);
    if (node !== undefined) return { node, markdown: encoderHover(encoder, integration) };
  }
  if (model === undefined) return undefined;
  for (const [name, binding] of model.inputs ?? []) {
    const node = at([binding.slot.key, binding.slot.anchor]);
    if (node !== undefined) {
      const encoder = binding.encoder === undefined ? undefined : integration.inputs?.get(binding.encoder);
      return { node, markdown: modelInputHover(name, model, encoder) };
    }
  }
  for (const [name, output] of model.outputs ?? []) {
    const node = at([output.slot.key, shortAnchor(output.slot)]);
    if (node !== undefined) return { node, markdown: outputHover(name, output, model, integration) };
  }
  const pathNode = at([model.pathSlot?.anchor]);
  if (pathNode !== undefined) return { node: pathNode, markdown: modelHover(model) };
  return undefined;
}

/** The anchor, when it is a name (an imported encoder written `{ image }`) rather than a whole object. */
function shortAnchor(slot: Slot): ts.Node | undefined {
  return ts.isIdentifier(slot.anchor) || ts.isShorthandPropertyAssignment(slot.anchor) ? slot.anchor : undefined;
}

function encoderHover(encoder: EncoderFacts, integration: IntegrationFacts): string {
  const kind = encoder.group === 'inputs' ? 'input encoder' : 'ground-truth encoder';
  const rows: string[][] = [['declared', code(encoder.dtype), encoder.shape === undefined ? '(not static)' : `${code(formatShape(encoder.shape))} per sample`]];
  const model = integration.model;
  const signature = model?.signature;
  if (encoder.group === 'inputs' && model !== undefined) {
    for (const [modelInput, binding] of model.inputs ?? []) {
      if (binding.encoder !== encoder.name) continue;
      const tensor = signature?.inputs.find((t) => t.name === modelInput);
      rows.push(tensor === undefined ? [`model input ${code(modelInput)}`, '?', '?'] : tensorRow(`model input ${code(modelInput)}`, tensor));
    }
  }
  if (encoder.group === 'groundTruths' && model !== undefined) {
    for (const [outputName, output] of model.outputs ?? []) {
      if (output.groundTruth !== encoder.name) continue;
      const tensor = signature?.outputs.find((t) => t.name === outputName);
      rows.push(tensor === undefined ? [`scores output ${code(outputName)}`, '?', '?'] : tensorRow(`scores output ${code(outputName)}`, tensor));
    }
  }
  return `**${kind} ${code(encoder.name)}**\n\n${table(['', 'dtype', 'shape'], rows)}${modelLine(model)}`;
}

function modelInputHover(name: string, model: ModelFacts, encoder: EncoderFacts | undefined): string {
  const tensor = model.signature?.inputs.find((t) => t.name === name);
  const rows: string[][] = [];
  if (encoder !== undefined) rows.push([`encoder ${code(encoder.name)}`, code(encoder.dtype), encoder.shape === undefined ? '(not static)' : `${code(formatShape(encoder.shape))} per sample`]);
  rows.push(tensor === undefined ? ['model', '(no such input)', ''] : tensorRow('model', tensor));
  return `**model input ${code(name)}**\n\n${table(['', 'dtype', 'shape'], rows)}${modelLine(model)}`;
}

function outputHover(name: string, output: OutputFacts, model: ModelFacts, integration: IntegrationFacts): string {
  if (output.tensor !== undefined) {
    // A latent read from a tensor of the graph: onnxruntime infers its type when the model does not record it.
    const tensor = model.signature?.values.find((t) => t.name === output.tensor);
    const label = `tensor ${code(output.tensor)}`;
    const row = tensor === undefined ? [label, '(not in the graph)', ''] : tensor.elementType === 'unknown' && tensor.dims === null ? [label, '(inferred when the model runs)', ''] : tensorRow(label, tensor);
    return `**latent ${code(name)}** (read from an intermediate tensor)\n\n${table(['', 'dtype', 'shape'], [row])}${modelLine(model)}`;
  }
  const tensor = model.signature?.outputs.find((t) => t.name === name);
  const role = output.role === 'prediction' ? `prediction${output.task === undefined ? '' : `, ${output.task}`}` : (output.role ?? '?');
  const rows: string[][] = [tensor === undefined ? ['model', '(no such output)', ''] : tensorRow('model', tensor)];
  const gt = output.groundTruth === undefined ? undefined : integration.groundTruths?.get(output.groundTruth);
  if (gt !== undefined) rows.push([`ground truth ${code(gt.name)}`, code(gt.dtype), gt.shape === undefined ? '(not static)' : `${code(formatShape(gt.shape))} per sample`]);
  const labels = output.labels === undefined ? '' : `, ${output.labels} labels`;
  return `**model output ${code(name)}** (${role}${labels})\n\n${table(['', 'dtype', 'shape'], rows)}${modelLine(model)}`;
}

function modelHover(model: ModelFacts): string {
  const signature = model.signature;
  if (signature === undefined) return `**model** ${model.file === undefined ? '' : code(model.file)}\n\nThe ONNX file could not be read (see the diagnostic).`;
  const rows = [
    ...signature.inputs.map((t) => tensorRow(`input ${code(t.name)}${boundBy(model, t.name)}`, t)),
    ...signature.outputs.map((t) => tensorRow(`output ${code(t.name)}${model.outputs?.has(t.name) ? ` (${model.outputs.get(t.name)!.role ?? 'bound'})` : ''}`, t)),
  ];
  return `**model** ${code(path.basename(signature.file))}\n\n${table(['', 'dtype', 'dims'], rows)}\n\n${describeSignature(signature)}`;
}

function boundBy(model: ModelFacts, input: string): string {
  const encoder = model.inputs?.get(input)?.encoder;
  return encoder === undefined ? '' : ` ← ${code(encoder)}`;
}

function modelLine(model: ModelFacts | undefined): string {
  const file = model?.signature?.file;
  return file === undefined ? '' : `\n\nmodel: ${code(path.basename(file))}`;
}

function describeSignature(signature: ModelSignature): string {
  const opset = signature.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return [`IR ${signature.irVersion}`, opset === undefined ? undefined : `opset ${opset.version}`, signature.producer === '' ? undefined : `from ${signature.producer}`].filter(Boolean).join(' · ');
}

function tensorRow(label: string, tensor: TensorInfo): string[] {
  return [label, code(tensor.elementType), code(formatDims(tensor.dims))];
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function code(text: string | undefined): string {
  return text === undefined ? '?' : `\`${text}\``;
}
