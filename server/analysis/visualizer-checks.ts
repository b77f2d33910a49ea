import ts from 'typescript';
import type { AnalysisContext } from './context';
import { returnSites, type ReturnSite } from './return-sites';
import { isSlot, type Slot } from './slots';
import { numberValue, stringValue } from './static-values';
import { COMPONENT_NAME } from './structure-checks';
import { describeType, isAnyLike, kindOf, members, typedArrayName } from './type-kinds';

const KINDS = ['image', 'text'];
const IMAGE_KEYS = ['data', 'width', 'height', 'channels'] as const;
const PIXEL_ARRAYS = ['Uint8Array', 'Uint8ClampedArray', 'Float32Array'];
const CHANNELS = [1, 3, 4];
const IMAGE_FORM = '{ data, width, height, channels }';

/**
 * EV405 and EV6xx: each visualizer is `{ kind: 'image' | 'text', draw }`; a text visualizer's
 * draw() returns a string on every path, an image visualizer's returns an image whose data,
 * channels and dims are right where they are known before anything runs.
 */
export function checkVisualizers(ctx: AnalysisContext, definition: Slot): void {
  const { reader } = ctx;
  const group = reader.property(definition, 'visualizers');
  if (!isSlot(group)) return;
  for (const name of reader.keys(group) ?? []) {
    const slot = reader.property(group, name);
    if (!isSlot(slot)) continue;
    if (!COMPONENT_NAME.test(name)) {
      ctx.findings.add('EV405', reader.keyOrAnchor(slot), `The name '${name}' in visualizers is not valid: names start with a letter or _ and hold letters, digits, _, . or -. Rename it, e.g. '${name.replace(/[^\w.-]/g, '_').replace(/^([^A-Za-z_])/, '_$1')}'.`);
    }
    const kind = visualizerKind(ctx, name, slot);
    const draw = reader.property(slot, 'draw');
    if (kind === undefined || !isSlot(draw)) continue;
    const sites = returnSites(reader, draw);
    for (const site of sites ?? []) {
      if (kind === 'text') checkText(ctx, name, site);
      else checkImage(ctx, name, site);
    }
  }
}

/** The visualizer's kind when it is known and valid; reports a missing or unknown kind, or a missing draw(). */
function visualizerKind(ctx: AnalysisContext, name: string, slot: Slot): 'image' | 'text' | undefined {
  const { reader, findings } = ctx;
  const at = reader.keyOrAnchor(slot);
  const what = kindOf(reader.checker, slot.type);
  if (what === 'any' || what === 'unknown') return undefined;
  if (what !== 'object') {
    findings.add('EV601', at, `Visualizer '${name}' is ${describeType(reader.checker, slot.type)}, not a visualizer. Write \`{ kind: 'image', draw: (index, subset) => ${IMAGE_FORM} }\` or \`{ kind: 'text', draw: (index, subset) => string }\`.`);
    return undefined;
  }
  const kindSlot = reader.property(slot, 'kind');
  const draw = reader.property(slot, 'draw');
  if (draw === undefined) {
    findings.add('EV601', at, `Visualizer '${name}' has no draw function. Add \`draw: (index, subset) => ...\` returning ${IMAGE_FORM} for an image or a string for text.`);
  }
  if (kindSlot === undefined) {
    findings.add('EV601', at, `Visualizer '${name}' has no kind. Add \`kind: 'image'\` (draw returns ${IMAGE_FORM}) or \`kind: 'text'\` (draw returns a string).`);
    return undefined;
  }
  if (!isSlot(kindSlot)) return undefined;
  const kind = stringValue(reader, kindSlot);
  if (kind === undefined) return undefined;
  if (!KINDS.includes(kind)) {
    findings.add('EV601', kindSlot.anchor, `Visualizer kind '${kind}' of '${name}' is not one Evalens draws. Use 'image' (draw returns ${IMAGE_FORM}) or 'text' (draw returns a string).`);
    return undefined;
  }
  return kind as 'image' | 'text';
}

function checkText(ctx: AnalysisContext, name: string, site: ReturnSite): void {
  const kinds = siteKinds(ctx, site);
  if (kinds === undefined) return;
  const wrong = kinds.filter((k) => k.kind !== 'string');
  if (wrong.length === 0) return;
  ctx.findings.add(
    'EV602',
    site.node,
    `draw() of text visualizer '${name}' returns ${wrong.map((k) => k.described).join(' | ')}${site.inDocument ? ' here' : ''}. A text visualizer returns a string on every path: convert with String(...) or a template literal.`,
  );
}

function checkImage(ctx: AnalysisContext, name: string, site: ReturnSite): void {
  const { checker } = ctx.reader;
  const kinds = siteKinds(ctx, site);
  if (kinds === undefined) return;
  const here = site.inDocument ? ' here' : '';
  for (const { type, kind, described } of kinds) {
    if (kind !== 'object') {
      ctx.findings.add('EV603', site.node, `draw() of image visualizer '${name}' returns ${described}${here}, not an image. Return ${IMAGE_FORM}: data a Uint8Array (0..255) or Float32Array (0..1) of width × height × channels values.`);
      continue;
    }
    const missing = IMAGE_KEYS.filter((key) => checker.getPropertyOfType(type, key) === undefined);
    if (missing.length > 0) {
      ctx.findings.add('EV603', site.node, `draw() of image visualizer '${name}' returns an object without ${missing.join(', ')}${here}. Return ${IMAGE_FORM}: data a Uint8Array (0..255) or Float32Array (0..1) of width × height × channels values.`);
      continue;
    }
    checkData(ctx, name, site, type);
    checkNumber(ctx, site, type, 'channels', (v) => CHANNELS.includes(v), (shown) => `channels of image visualizer '${name}' is ${shown}${here}. Use 1 (grey), 3 (RGB) or 4 (RGBA).`, 'EV605');
    for (const dim of ['width', 'height'] as const) {
      checkNumber(ctx, site, type, dim, (v) => Number.isInteger(v) && v > 0, (shown) => `${dim} of image visualizer '${name}' is ${shown}${here}. Width and height are positive integers: pixels per row and rows.`, 'EV606');
    }
  }
}

function checkData(ctx: AnalysisContext, name: string, site: ReturnSite, image: ts.Type): void {
  const { checker } = ctx.reader;
  const prop = checker.getPropertyOfType(image, 'data')!;
  const wrong: string[] = [];
  for (const member of members(checker.getTypeOfSymbol(prop))) {
    const kind = kindOf(checker, member);
    if (kind === 'never') continue;
    if (kind === 'any' || kind === 'unknown') return;
    const array = typedArrayName(member);
    if (array === undefined || !PIXEL_ARRAYS.includes(array)) wrong.push(array ?? describeType(checker, member));
  }
  if (wrong.length === 0) return;
  ctx.findings.add(
    'EV604',
    valueNode(ctx, prop, site),
    `Image data of visualizer '${name}' is ${wrong.join(' | ')}${site.inDocument ? ' here' : ''}, but must be a Uint8Array or Uint8ClampedArray (0..255) or a Float32Array (0..1). Convert it, e.g. \`Float32Array.from(values)\` for values in 0..1.`,
  );
}

/** Reports a number property of the returned image whose value is known and breaks `valid`. */
function checkNumber(ctx: AnalysisContext, site: ReturnSite, image: ts.Type, key: string, valid: (v: number) => boolean, message: (shown: string) => string, code: 'EV605' | 'EV606'): void {
  const { reader } = ctx;
  const prop = reader.checker.getPropertyOfType(image, key)!;
  const node = valueNode(ctx, prop, site);
  // A value written in the returned literal is read from the code: its type is often widened to `number`.
  const written = node !== site.node ? numberValue(reader, node) : undefined;
  const values: (number | string)[] = [];
  if (written !== undefined) {
    values.push(written);
  } else {
    for (const member of members(reader.checker.getTypeOfSymbol(prop))) {
      const kind = kindOf(reader.checker, member);
      if (kind === 'never') continue;
      if (member.isNumberLiteral()) values.push(member.value);
      else if (kind === 'number' || kind === 'any' || kind === 'unknown') return;
      else values.push(describeType(reader.checker, member));
    }
  }
  const bad = values.filter((v) => typeof v === 'string' || !valid(v));
  if (bad.length > 0) ctx.findings.add(code, node, message(bad.map(String).join(' or ')));
}

/** The kinds of what a return site can return; undefined when it cannot be told. */
function siteKinds(ctx: AnalysisContext, site: ReturnSite): { type: ts.Type; kind: string; described: string }[] | undefined {
  const { checker } = ctx.reader;
  if (isAnyLike(site.type)) return undefined;
  const out = [];
  for (const type of members(site.type)) {
    const kind = kindOf(checker, type);
    if (kind === 'never') continue;
    if (kind === 'any' || kind === 'unknown') return undefined;
    out.push({ type, kind, described: kind === 'promise' ? 'a Promise (draw() must return synchronously)' : describeType(checker, type) });
  }
  return out;
}

/** The property's value where it is written in the returned literal, else the return site. */
function valueNode(ctx: AnalysisContext, prop: ts.Symbol, site: ReturnSite): ts.Node {
  const declaration = prop.valueDeclaration;
  if (site.inDocument && declaration !== undefined && ctx.reader.inFile(declaration) && declaration.pos >= site.node.pos && declaration.end <= site.node.end) {
    if (ts.isPropertyAssignment(declaration)) return declaration.initializer;
    if (ts.isShorthandPropertyAssignment(declaration)) return declaration.name;
  }
  return site.node;
}
