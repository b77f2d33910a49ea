import path from 'node:path';
import ts from 'typescript';
import { dimsProblem, groundTruthHint, perSampleSize } from '../../engine/integration-test/binding-checks';
import { classCountOf, expectedGroundTruthSizes } from '../../engine/integration-test/prediction-shapes';
import { product } from '../../engine/inference/dtypes';
import { formatDims, type ModelSignature, type TensorInfo } from '../../engine/onnx/model-signature';
import { tensorOutputProblem } from '../../engine/onnx/graph-outputs';
import { closestName } from '../../engine/config/closest-name';
import type { PredictionTask } from '../../engine/sdk';
import { ARRAY_CLASS, formatShape, isDtype, type AnalysisContext, type EncoderFacts } from './context';
import { insertProperty, replaceValue } from './edits';
import type { Fix } from './findings';
import { isSlot, type Lookup, type Slot } from './slots';
import { arrayLength, stringValue } from './static-values';

/** The model binding as the analysis understood it; hover and completion read it too. */
export interface ModelFacts {
  readonly slot: Slot;
  readonly pathSlot: Slot | undefined;
  /** Absolute path of the ONNX file, when model.path is known. */
  readonly file: string | undefined;
  readonly signature: ModelSignature | undefined;
  readonly inputsSlot: Slot | undefined;
  readonly outputsSlot: Slot | undefined;
  /** Model input name → encoder name (undefined when not known statically). */
  readonly inputs: Map<string, { encoder: string | undefined; slot: Slot }> | undefined;
  readonly outputs: Map<string, OutputFacts> | undefined;
}

export interface OutputFacts {
  readonly slot: Slot;
  readonly role: string | undefined;
  readonly task: string | undefined;
  readonly labels: number | undefined;
  readonly groundTruth: string | undefined;
  /** The graph tensor a latent reads, when it names one (the key is then not a model output). */
  readonly tensor: string | undefined;
}

const TASKS: readonly string[] = ['classification', 'binary', 'multilabel', 'regression'];

/** EV3xx: the binding names what the ONNX file has (outputs, or tensors its latents read), feeds every model input, and agrees with its dims, dtypes and class counts. */
export function checkModel(
  ctx: AnalysisContext,
  definition: Slot,
  encoders: Map<string, EncoderFacts> | undefined,
  groundTruths: Map<string, EncoderFacts> | undefined,
): ModelFacts | undefined {
  const { reader } = ctx;
  const model = reader.property(definition, 'model');
  if (!isSlot(model)) return undefined;
  const pathSlot = slotOrUndefined(reader.property(model, 'path'));
  const inputsSlot = slotOrUndefined(reader.property(model, 'inputs'));
  const outputsSlot = slotOrUndefined(reader.property(model, 'outputs'));

  const modelPath = pathSlot === undefined ? undefined : stringValue(reader, pathSlot);
  const file = modelPath === undefined || modelPath === '' ? undefined : path.resolve(ctx.scriptDir, modelPath);
  let signature: ModelSignature | undefined;
  if (file !== undefined && pathSlot !== undefined) {
    const result = ctx.signatures.get(file);
    if (result.ok) signature = result.signature;
    else ctx.findings.add(result.error.code === 'model-not-found' ? 'EV301' : 'EV302', pathSlot.anchor, `model.path '${modelPath}': ${result.error.message}`);
  }

  const inputs = inputsSlot === undefined ? undefined : readInputs(ctx, inputsSlot);
  if (inputs !== undefined) checkInputBindings(ctx, inputs, inputsSlot!, encoders, signature);
  const outputs = outputsSlot === undefined ? undefined : readOutputs(ctx, outputsSlot, groundTruths, signature);
  return { slot: model, pathSlot, file, signature, inputsSlot, outputsSlot, inputs, outputs };
}

function readInputs(ctx: AnalysisContext, inputsSlot: Slot): Map<string, { encoder: string | undefined; slot: Slot }> | undefined {
  const { reader } = ctx;
  const keys = reader.keys(inputsSlot);
  if (keys === undefined) return undefined;
  const out = new Map<string, { encoder: string | undefined; slot: Slot }>();
  for (const key of keys) {
    const slot = reader.property(inputsSlot, key);
    if (isSlot(slot)) out.set(key, { encoder: stringValue(reader, slot), slot });
  }
  return out;
}

function checkInputBindings(
  ctx: AnalysisContext,
  inputs: Map<string, { encoder: string | undefined; slot: Slot }>,
  inputsSlot: Slot,
  encoders: Map<string, EncoderFacts> | undefined,
  signature: ModelSignature | undefined,
): void {
  const { reader, findings } = ctx;
  const modelName = signature === undefined ? '' : path.basename(signature.file);
  const tensors = new Map(signature?.inputs.map((t) => [t.name, t]));
  const unfed = signature?.inputs.filter((t) => !inputs.has(t.name)) ?? [];
  const unknownKeys: ts.Node[] = [];

  for (const [modelInput, { encoder, slot }] of inputs) {
    if (encoder !== undefined && encoders !== undefined && !encoders.has(encoder)) {
      findings.add('EV305', slot.anchor, `model.inputs binds model input '${modelInput}' to encoder '${encoder}', which is not declared in inputs (declared: ${list([...encoders.keys()])}). Name one of the input encoders, or declare '${encoder}' in inputs.`);
    }
    if (signature === undefined) continue;
    const tensor = tensors.get(modelInput);
    if (tensor === undefined) {
      const keyNode = reader.keyOrAnchor(slot);
      unknownKeys.push(keyNode);
      findings.add(
        'EV303',
        keyNode,
        `model.inputs binds '${modelInput}', which ${modelName} does not have (its inputs: ${listTensors(signature.inputs)}). Rename the key to one of the model's inputs.`,
        renameFixes(ctx, keyNode, unfed),
      );
      continue;
    }
    const facts = encoder === undefined ? undefined : encoders?.get(encoder);
    if (facts !== undefined) checkAgainstTensor(ctx, facts, modelInput, tensor, modelName);
  }

  if (signature !== undefined && unfed.length > 0) {
    const at = reader.keyOrAnchor(inputsSlot);
    // A misspelled key and one unfed input: renaming the key fixes both.
    const rename = unknownKeys.length === 1 ? renameFixes(ctx, unknownKeys[0]!, unfed) : [];
    for (const tensor of unfed) {
      findings.add(
        'EV304',
        at,
        `Model input '${tensor.name}' (${describeTensor(tensor)}) of ${modelName} is fed by no encoder. Add \`${tensor.name}: '<encoder name>'\` to model.inputs, naming an input encoder that produces it.`,
        rename.length > 0 ? rename : addBindingFixes(ctx, inputsSlot, tensor, inputs, encoders),
      );
    }
  }

  // With a model input unfed, EV304 already says what to bind; an unused encoder is the other half of that.
  if (encoders !== undefined && unfed.length === 0 && [...inputs.values()].every((b) => b.encoder !== undefined)) {
    const bound = new Set([...inputs.values()].map((b) => b.encoder));
    for (const [name, facts] of encoders) {
      if (bound.has(name)) continue;
      findings.add('EV306', reader.keyOrAnchor(facts.slot), `Input encoder '${name}' feeds no model input, so its work is wasted. Bind it in model.inputs (\`<model input>: '${name}'\`) or remove it.`);
    }
  }
}

function checkAgainstTensor(ctx: AnalysisContext, facts: EncoderFacts, modelInput: string, tensor: TensorInfo, modelName: string): void {
  const { findings } = ctx;
  if (facts.dtype !== undefined && tensor.elementType !== 'unknown' && facts.dtype !== tensor.elementType && facts.dtypeSlot !== undefined) {
    const array = isDtype(tensor.elementType) ? ` and return a ${ARRAY_CLASS[tensor.elementType]}` : '';
    findings.add('EV307', facts.dtypeSlot.anchor, `Input encoder '${facts.name}' declares dtype '${facts.dtype}', but model input '${modelInput}' of ${modelName} takes '${tensor.elementType}'. Declare dtype '${tensor.elementType}'${array}.`);
  }
  if (facts.shape !== undefined && facts.shapeSlot !== undefined) {
    const problem = dimsProblem(facts.shape, tensor.dims);
    if (problem !== undefined) {
      const perSample = tensor.dims?.slice(1);
      const suggestion = perSample !== undefined && perSample.every((d): d is number => typeof d === 'number') ? `: \`shape: ${formatShape(perSample)}\`` : '';
      const fixed = suggestion === '' ? undefined : replaceValue(ctx.reader, facts.shapeSlot, 'shape', formatShape(perSample as number[]));
      findings.add(
        'EV308',
        facts.shapeSlot.anchor,
        `Input encoder '${facts.name}' declares shape ${formatShape(facts.shape)} (per sample), but model input '${modelInput}' of ${modelName} is ${formatDims(tensor.dims)}: ${problem}. Declare the model's per-sample dims (all but the first, batch, dim)${suggestion}.`,
        fixed === undefined ? [] : [{ title: `Use the model's shape ${formatShape(perSample as number[])}`, edits: [fixed] }],
      );
    }
  }
}

function readOutputs(
  ctx: AnalysisContext,
  outputsSlot: Slot,
  groundTruths: Map<string, EncoderFacts> | undefined,
  signature: ModelSignature | undefined,
): Map<string, OutputFacts> | undefined {
  const { reader, findings } = ctx;
  const keys = reader.keys(outputsSlot);
  if (keys === undefined) return undefined;
  const modelName = signature === undefined ? '' : path.basename(signature.file);
  const tensors = new Map(signature?.outputs.map((t) => [t.name, t]));
  const out = new Map<string, OutputFacts>();
  for (const name of keys) {
    const slot = reader.property(outputsSlot, name);
    if (!isSlot(slot)) continue;
    const roleSlot = slotOrUndefined(reader.property(slot, 'role'));
    const role = roleSlot === undefined ? undefined : stringValue(reader, roleSlot);
    const taskSlot = slotOrUndefined(reader.property(slot, 'task'));
    const task = taskSlot === undefined ? undefined : stringValue(reader, taskSlot);
    const labelsSlot = slotOrUndefined(reader.property(slot, 'labels'));
    const gtSlot = slotOrUndefined(reader.property(slot, 'groundTruth'));
    const tensorSlot = role === 'latent' ? slotOrUndefined(reader.property(slot, 'tensor')) : undefined;
    const tensorName = tensorSlot === undefined ? undefined : stringValue(reader, tensorSlot);
    out.set(name, {
      slot,
      role,
      task,
      labels: labelsSlot === undefined ? undefined : arrayLength(reader, labelsSlot),
      groundTruth: gtSlot === undefined ? undefined : stringValue(reader, gtSlot),
      tensor: tensorName,
    });
    const keyNode = reader.keyOrAnchor(slot);
    if (tensorSlot !== undefined) {
      // A latent read from a tensor of the graph: its key names the latent, not a model output.
      if (signature !== undefined && tensorName !== undefined) checkTensorLatent(ctx, name, tensorName, tensorSlot, keyNode, signature);
      continue;
    }
    const tensor = tensors.get(name);
    if (signature !== undefined && tensor === undefined) {
      findings.add('EV309', keyNode, `model.outputs names '${name}', which ${modelName} does not have (its outputs: ${listTensors(signature.outputs)}). Rename the key to one of the model's outputs.`);
    }
    if (role !== 'prediction') continue;
    if (task === undefined || !TASKS.includes(task)) continue;
    checkPrediction(ctx, name, slot, keyNode, task as PredictionTask, tensor, groundTruths, modelName);
  }
  return out;
}

/** EV314: the graph computes no such tensor; EV315: the latent's key is the name of another tensor. */
function checkTensorLatent(ctx: AnalysisContext, name: string, tensor: string, tensorSlot: Slot, keyNode: ts.Node, signature: ModelSignature): void {
  const problem = tensorOutputProblem(signature, { name, tensor });
  if (problem === undefined) return;
  if (problem.kind === 'name-taken') {
    ctx.findings.add('EV315', keyNode, problem.message);
    return;
  }
  const close = closestName(tensor, signature.values.map((v) => v.name));
  const edit = close === undefined ? undefined : replaceValue(ctx.reader, tensorSlot, 'tensor', `'${close.replace(/'/g, "\\'")}'`);
  ctx.findings.add('EV314', tensorSlot.anchor, problem.message, edit === undefined ? [] : [{ title: `Read tensor '${close}'`, edits: [edit] }]);
}

/** EV316: a threshold belongs to a multilabel output, one number for all labels or one per label. */
function checkThreshold(ctx: AnalysisContext, name: string, slot: Slot, task: PredictionTask, labelsLookup: Lookup): void {
  const thresholdSlot = slotOrUndefined(ctx.reader.property(slot, 'threshold'));
  if (thresholdSlot === undefined) return;
  if (task !== 'multilabel') {
    ctx.findings.add('EV316', thresholdSlot.anchor, `Output '${name}' is a ${task} prediction: threshold applies to multilabel outputs only. Remove it.`);
    return;
  }
  const count = arrayLength(ctx.reader, thresholdSlot);
  const labels = isSlot(labelsLookup) ? arrayLength(ctx.reader, labelsLookup) : undefined;
  if (count !== undefined && labels !== undefined && count !== labels) {
    ctx.findings.add('EV316', thresholdSlot.anchor, `Output '${name}' lists ${count} thresholds for its ${labels} labels. Give one per label, in the order of labels, or one number for all.`);
  }
}

function checkPrediction(
  ctx: AnalysisContext,
  name: string,
  slot: Slot,
  keyNode: ts.Node,
  task: PredictionTask,
  tensor: TensorInfo | undefined,
  groundTruths: Map<string, EncoderFacts> | undefined,
  modelName: string,
): void {
  const { reader, findings } = ctx;
  const labelsLookup = reader.property(slot, 'labels');
  if (labelsLookup === undefined && task !== 'regression') {
    findings.add('EV313', keyNode, `Output '${name}' is a ${task} prediction without labels. Add \`labels: [...]\` with one class name per entry of its class dimension${task === 'binary' ? ' (binary: two labels, negative then positive)' : ''}.`);
  }
  const perSample = tensor === undefined ? undefined : perSampleSize(tensor.dims);
  if (isSlot(labelsLookup) && tensor !== undefined && perSample !== undefined) {
    const count = arrayLength(reader, labelsLookup);
    if (count !== undefined && !classCountOf(task, count).includes(perSample)) {
      findings.add(
        'EV310',
        labelsLookup.anchor,
        `Output '${name}' of ${modelName} is ${formatDims(tensor.dims)} (${perSample} values per sample), but its ${task} binding lists ${count} labels. Give exactly one label per class of the output${task === 'binary' ? ' (binary: two labels, negative then positive)' : ''}.`,
      );
    }
  }
  checkThreshold(ctx, name, slot, task, labelsLookup);
  const gtSlot = slotOrUndefined(reader.property(slot, 'groundTruth'));
  const gtName = gtSlot === undefined ? undefined : stringValue(reader, gtSlot);
  if (gtName === undefined || groundTruths === undefined) return;
  const gt = groundTruths.get(gtName);
  if (gt === undefined) {
    findings.add('EV312', gtSlot!.anchor, `Output '${name}' is scored against ground truth '${gtName}', which is not declared in groundTruths (declared: ${list([...groundTruths.keys()])}). Name one of the ground-truth encoders, or declare '${gtName}'.`);
    return;
  }
  if (gt.shape === undefined || perSample === undefined) return;
  const sizes = expectedGroundTruthSizes(task, perSample);
  const size = product(gt.shape);
  if (sizes.includes(size)) return;
  findings.add(
    'EV311',
    gt.shapeSlot?.anchor ?? reader.keyOrAnchor(gt.slot),
    `Ground truth '${gtName}' has shape ${formatShape(gt.shape)} (${size} values), but output '${name}' (${task}, ${perSample} values per sample) is scored against ${sizes.join(' or ')} values per sample. ${groundTruthHint(task)}`,
  );
}

/** Rename an unknown model.inputs key to the model input nothing feeds (when there is exactly one). */
function renameFixes(ctx: AnalysisContext, keyNode: ts.Node, unfed: readonly TensorInfo[]): Fix[] {
  const target = unfed.length === 1 ? unfed[0]! : undefined;
  if (target === undefined || !ctx.reader.inFile(keyNode) || !isPropertyName(keyNode)) return [];
  return [{ title: `Rename '${keyNode.getText(ctx.file).replace(/^['"]|['"]$/g, '')}' to '${target.name}'`, edits: [{ start: keyNode.getStart(ctx.file), end: keyNode.getEnd(), newText: propertyKey(target.name, keyNode) }] }];
}

function addBindingFixes(
  ctx: AnalysisContext,
  inputsSlot: Slot,
  tensor: TensorInfo,
  inputs: Map<string, { encoder: string | undefined }>,
  encoders: Map<string, EncoderFacts> | undefined,
): Fix[] {
  const literal = inputsSlot.node === undefined ? undefined : ctx.reader.resolve(inputsSlot.node);
  if (literal === undefined || !ts.isObjectLiteralExpression(literal) || !ctx.reader.inFile(literal) || encoders === undefined) return [];
  const bound = new Set([...inputs.values()].map((b) => b.encoder));
  const names = [...encoders.keys()];
  const encoder = encoders.has(tensor.name) ? tensor.name : (names.filter((n) => !bound.has(n)).length === 1 ? names.find((n) => !bound.has(n)) : undefined);
  if (encoder === undefined) return [];
  const entry = `${propertyKey(tensor.name)}: '${encoder}'`;
  return [{ title: `Bind model input '${tensor.name}' to encoder '${encoder}'`, edits: [insertProperty(ctx.file, literal, entry)] }];
}

function isPropertyName(node: ts.Node): boolean {
  return ts.isIdentifier(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

/** A key as written in an object literal: bare when it is an identifier, else quoted like the key it replaces. */
function propertyKey(name: string, like?: ts.Node): string {
  if (like !== undefined && ts.isStringLiteral(like)) return JSON.stringify(name).replace(/^"|"$/g, like.getText().charAt(0));
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`;
}

function slotOrUndefined<T>(lookup: T): Extract<T, Slot> | undefined {
  return isSlot(lookup as never) ? (lookup as Extract<T, Slot>) : undefined;
}

export function describeTensor(t: TensorInfo): string {
  return `${t.elementType} ${formatDims(t.dims)}`;
}

function listTensors(tensors: readonly TensorInfo[]): string {
  return tensors.map((t) => `'${t.name}' ${describeTensor(t)}`).join(', ') || 'none';
}

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}
