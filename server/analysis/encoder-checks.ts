import ts from 'typescript';
import { ARRAY_CLASS, DTYPES, encoderLabel, formatShape, isDtype, placeOf, type AnalysisContext, type EncoderFacts } from './context';
import { replaceValue } from './edits';
import type { Fix } from './findings';
import { returnSites, type ReturnSite } from './return-sites';
import { isSlot, skipOuter, type Slot } from './slots';
import { shapeValue, stringValue } from './static-values';
import { describeType, elementKind, isAnyLike, kindOf, members, typedArrayName } from './type-kinds';

/**
 * EV1xx: every input and ground-truth encoder has a static shape of positive integers, a
 * supported dtype, and an encode() that returns that dtype's typed array on every path.
 * Returns what it learned about each encoder (undefined when the group cannot be read).
 */
export function checkEncoders(ctx: AnalysisContext, definition: Slot, group: 'inputs' | 'groundTruths'): Map<string, EncoderFacts> | undefined {
  const { reader } = ctx;
  const groupSlot = reader.property(definition, group);
  if (groupSlot === undefined) return new Map();
  if (!isSlot(groupSlot)) return undefined;
  const names = reader.keys(groupSlot);
  if (names === undefined) return undefined;
  const out = new Map<string, EncoderFacts>();
  for (const name of names) {
    const slot = reader.property(groupSlot, name);
    if (!isSlot(slot)) continue;
    out.set(name, checkEncoder(ctx, group, name, slot));
  }
  return out;
}

function checkEncoder(ctx: AnalysisContext, group: 'inputs' | 'groundTruths', name: string, slot: Slot): EncoderFacts {
  const { reader } = ctx;
  const label = encoderLabel(group, name);
  const shapeSlot = reader.property(slot, 'shape');
  const dtypeSlot = reader.property(slot, 'dtype');
  const encodeSlot = reader.property(slot, 'encode');

  const shape = isSlot(shapeSlot) ? checkShape(ctx, label, shapeSlot) : undefined;
  let dtype = isSlot(dtypeSlot) ? stringValue(reader, dtypeSlot) : undefined;
  if (dtype !== undefined && !isDtype(dtype) && isSlot(dtypeSlot)) {
    ctx.findings.add('EV106', dtypeSlot.anchor, `dtype '${dtype}' of ${label} is not supported. Use one of ${DTYPES.join(', ')}, and return the matching typed array from encode().`);
    dtype = undefined;
  }
  if (isSlot(encodeSlot)) checkEncodeReturns(ctx, label, dtype, encodeSlot);
  return {
    group,
    name,
    slot,
    shape,
    shapeSlot: isSlot(shapeSlot) ? shapeSlot : undefined,
    dtype,
    dtypeSlot: isSlot(dtypeSlot) ? dtypeSlot : undefined,
  };
}

function checkShape(ctx: AnalysisContext, label: string, slot: Slot): number[] | undefined {
  const { reader, findings } = ctx;
  const value = shapeValue(reader, slot);
  switch (value.kind) {
    case 'unknown':
      return undefined;
    case 'runtime': {
      const what = value.node === slot.anchor ? 'is computed' : `depends on \`${textOf(value.node)}\`, which is computed`;
      findings.add(
        'EV101',
        value.node,
        `Shape of ${label} ${what} at run time, so it is not static. Declare it as a literal tuple of positive integers, e.g. \`shape: [1, 28, 28]\`: every sample must have this one shape (without the batch dimension).`,
      );
      return undefined;
    }
    case 'known':
      findings.add(
        'EV103',
        slot.anchor,
        `Shape of ${label} is ${formatShape(value.dims)} but typed \`number[]\`, so it is not a literal tuple and can change before the run. Add \`as const\` to the array or write the tuple inline: \`shape: ${formatShape(value.dims)}\`.`,
        shapeFixes(ctx, slot, value.dims, value.literal),
      );
      break;
    case 'static':
      break;
  }
  let valid = true;
  value.dims.forEach((dim, i) => {
    if (Number.isInteger(dim) && dim > 0) return;
    valid = false;
    const element = value.kind === 'static' ? value.elements?.[i] : undefined;
    const at = element !== undefined && reader.inFile(element) ? element : slot.anchor;
    findings.add(
      'EV102',
      at,
      `Dimension ${i + 1} of the shape of ${label} is ${dim}. Dimensions must be positive integers: give the per-sample size (without the batch dimension), e.g. 1 for a single channel.`,
    );
  });
  return valid ? value.dims : undefined;
}

function shapeFixes(ctx: AnalysisContext, slot: Slot, dims: number[], literal: ts.ArrayLiteralExpression): Fix[] {
  const fixes: Fix[] = [];
  const { reader } = ctx;
  const tuple = formatShape(dims);
  if (ctx.isTypeScript && reader.inFile(literal)) {
    const owner = ts.isVariableDeclaration(literal.parent) && ts.isIdentifier(literal.parent.name) ? literal.parent.name.text : 'the shape';
    fixes.push({ title: `Add \`as const\` to ${owner}`, edits: [{ start: literal.getEnd(), end: literal.getEnd(), newText: ' as const' }] });
  }
  const rewrite = replaceValue(reader, slot, 'shape', tuple);
  if (rewrite !== undefined) fixes.push({ title: `Write the shape as ${tuple}`, edits: [rewrite] });
  return fixes;
}

function checkEncodeReturns(ctx: AnalysisContext, label: string, dtype: string | undefined, encodeSlot: Slot): void {
  const { reader, findings } = ctx;
  const sites = returnSites(reader, encodeSlot);
  if (sites === undefined) return;
  const expected = dtype !== undefined && isDtype(dtype) ? ARRAY_CLASS[dtype] : undefined;
  const described = sites.map((site) => describeSite(ctx, site));

  if (expected !== undefined) {
    sites.forEach((site, i) => {
      const d = described[i];
      if (d === undefined || d.every((m) => m === expected)) return;
      const wrong = d.filter((m) => m !== expected).join(' | ');
      findings.add(
        'EV104',
        site.node,
        `encode() of ${label} returns ${wrong}${site.inDocument ? ' here' : ''}, but its dtype '${dtype}' needs a ${expected}${dtype === 'bool' ? ' of 0 / 1' : ''}. Return \`${expected}.from(values)\` on every path, or declare the dtype that matches.`,
        wrapFixes(ctx, site, dtype as (typeof DTYPES)[number]),
      );
    });
    return;
  }
  // Without a known dtype, the paths must at least agree with each other.
  const firstIndex = described.findIndex((d) => d !== undefined && d.length === 1);
  if (firstIndex < 0) return;
  const reference = described[firstIndex]![0]!;
  sites.forEach((site, i) => {
    const d = described[i];
    if (d === undefined || d.every((m) => m === reference)) return;
    findings.add(
      'EV105',
      site.node,
      `encode() of ${label} returns ${d.join(' | ')} here but ${reference} on another path (${placeOf(sites[firstIndex]!.node)}). Every sample must have the same dtype: return the same typed array on every path.`,
    );
  });
}

/** Names of what a return site can return (typed array classes, or type descriptions); undefined when it cannot be told. */
function describeSite(ctx: AnalysisContext, site: ReturnSite): string[] | undefined {
  const { checker } = ctx.reader;
  if (isAnyLike(site.type)) return undefined;
  const out: string[] = [];
  for (const member of members(site.type)) {
    const kind = kindOf(checker, member);
    if (kind === 'never') continue;
    if (kind === 'any' || kind === 'unknown') return undefined;
    if (kind === 'promise') {
      out.push('a Promise (encode() must return synchronously)');
      continue;
    }
    const name = typedArrayName(member) ?? describeType(checker, member);
    if (!out.includes(name)) out.push(name);
  }
  return out.length === 0 ? undefined : out;
}

function wrapFixes(ctx: AnalysisContext, site: ReturnSite, dtype: (typeof DTYPES)[number]): Fix[] {
  if (!site.inDocument || ts.isReturnStatement(site.node)) return [];
  const { checker } = ctx.reader;
  const element = elementKind(checker, site.type);
  if (element === undefined) return [];
  const target = ARRAY_CLASS[dtype];
  const wantsBigInt = dtype === 'int64';
  if (typedArrayName(site.type) !== undefined && (element === 'bigint') !== wantsBigInt) return [];
  const map = wantsBigInt ? (element === 'bigint' ? '' : ', BigInt') : element === 'number' ? '' : ', Number';
  const node = site.node;
  const text = textOf(node);
  const inner = ts.isBinaryExpression(skipOuter(node)) && (skipOuter(node) as ts.BinaryExpression).operatorToken.kind === ts.SyntaxKind.CommaToken ? `(${text})` : text;
  return [{ title: `Wrap the returned value in ${target}.from(...)`, edits: [{ start: node.getStart(ctx.file), end: node.getEnd(), newText: `${target}.from(${inner}${map})` }] }];
}

function textOf(node: ts.Node): string {
  return node.getText(node.getSourceFile());
}
