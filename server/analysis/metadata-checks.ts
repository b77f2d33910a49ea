import ts from 'typescript';
import { placeOf, type AnalysisContext } from './context';
import { flattenFix } from './metadata-flatten';
import { returnSites, type ReturnSite } from './return-sites';
import { isSlot, type Slot } from './slots';
import { isAnyLike, isErrorType, kindOf, members, type ValueKind } from './type-kinds';

type Flat = 'number' | 'string' | 'boolean';

/** What one return path of a metadata function gives: one flat value, or a record of them. */
type SiteShape =
  | { kind: 'value'; flat: Flat; site: ReturnSite }
  | { kind: 'record'; keys: Map<string, { flat: Flat | undefined; node: ts.Node }>; site: ReturnSite };

/**
 * EV2xx: a metadata function returns a number, string or boolean, or a flat record of them,
 * with the same keys and one kind per key on every return path.
 */
export function checkMetadata(ctx: AnalysisContext, definition: Slot): void {
  const { reader } = ctx;
  const metadata = reader.property(definition, 'metadata');
  if (!isSlot(metadata)) return;
  const names = reader.keys(metadata);
  if (names === undefined) return;
  for (const name of names) {
    const fn = reader.property(metadata, name);
    if (!isSlot(fn)) continue;
    const sites = returnSites(reader, fn);
    if (sites === undefined) continue;
    const shapes = sites.map((site) => siteShape(ctx, name, site)).filter((s): s is SiteShape => s !== undefined);
    comparePaths(ctx, name, shapes);
  }
}

function siteShape(ctx: AnalysisContext, name: string, site: ReturnSite): SiteShape | undefined {
  const { checker } = ctx.reader;
  const here = site.inDocument ? ' here' : '';
  if (isAnyLike(site.type)) {
    reportAny(ctx, site.type, site.node, `Metadata '${name}' returns \`any\`${here}, so Evalens cannot check that it is flat. Annotate the return type (number, string, boolean or a flat record of them) or convert the value, e.g. \`Number(...)\`.`);
    return undefined;
  }
  const parts = members(site.type).filter((m) => !(m.flags & ts.TypeFlags.Never));
  if (parts.length === 0) return undefined;
  const kinds = parts.map((m) => kindOf(checker, m));
  if (kinds.some((k) => k === 'any' || k === 'unknown')) return undefined;

  const flats = new Set(kinds.filter(isFlat));
  const objects = parts.filter((_, i) => kinds[i] === 'object');
  const others = kinds.filter((k) => !isFlat(k) && k !== 'object');
  if (others.length > 0) {
    const kind = others[0]!;
    const code = kind === 'array' || kind === 'typed-array' ? 'EV202' : kind === 'undefined' || kind === 'null' ? 'EV204' : 'EV203';
    ctx.findings.add(code, site.node, `Metadata '${name}' returns ${describeKind(kind)}${here}. ${FLAT_RULE}${kind === 'undefined' || kind === 'null' ? " Return a default (0, '' or false) instead." : ''}`);
    return undefined;
  }
  if (objects.length > 0 && flats.size > 0) {
    ctx.findings.add('EV207', site.node, `Metadata '${name}' returns a record on some samples and a single ${[...flats].join(' / ')} on others${here}. Every sample needs the same keys: always return the record.`);
    return undefined;
  }
  if (flats.size > 1) {
    ctx.findings.add('EV206', site.node, `Metadata '${name}' returns a ${[...flats].join(' or a ')}${here}, depending on the sample. Keep one type across samples: convert with ${converter([...flats][0]!)}.`);
    return undefined;
  }
  if (flats.size === 1) return { kind: 'value', flat: [...flats][0]!, site };
  if (objects.length > 1) {
    const keySets = objects.map((o) => new Set(checker.getPropertiesOfType(o).filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name)));
    const all = new Set(keySets.flatMap((k) => [...k]));
    const missing = [...all].filter((k) => keySets.some((set) => !set.has(k)));
    if (missing.length > 0) {
      ctx.findings.add('EV207', site.node, `Metadata '${name}' returns records with different keys${here}: ${quote(missing)} ${missing.length === 1 ? 'is' : 'are'} missing on some samples. Every sample needs the same keys: return a default (0, '' or false) instead of leaving a key out.`);
      return undefined;
    }
  }
  return recordShape(ctx, name, site, objects);
}

function recordShape(ctx: AnalysisContext, name: string, site: ReturnSite, objects: ts.Type[]): SiteShape {
  const { checker } = ctx.reader;
  const keys = new Map<string, { flat: Flat | undefined; node: ts.Node }>();
  const names = new Set(objects.flatMap((o) => checker.getPropertiesOfType(o).map((p) => p.name)));
  for (const key of names) {
    const props = objects.map((o) => checker.getPropertyOfType(o, key)).filter((p): p is ts.Symbol => p !== undefined);
    const node = keyNode(ctx, props[0], site);
    const label = `Metadata '${name}' key '${key}'`;
    if (props.some((p) => p.flags & ts.SymbolFlags.Optional)) {
      ctx.findings.add('EV204', node, `${label} is optional, so some samples may lack it. Every sample needs the same keys: always set it, with a default (0, '' or false) when there is no value.`);
      keys.set(key, { flat: undefined, node });
      continue;
    }
    const types = props.flatMap((p) => members(checker.getTypeOfSymbol(p)));
    keys.set(key, { flat: checkKeyValue(ctx, label, key, node, types, site), node });
  }
  return { kind: 'record', keys, site };
}

/** Checks one key's value type; returns its flat kind when it is one. */
function checkKeyValue(ctx: AnalysisContext, label: string, key: string, node: ts.Node, types: ts.Type[], site: ReturnSite): Flat | undefined {
  const { checker } = ctx.reader;
  const parts = types.filter((t) => !(t.flags & ts.TypeFlags.Never));
  const kinds = parts.map((t) => kindOf(checker, t));
  if (kinds.includes('any')) {
    const anyType = parts[kinds.indexOf('any')]!;
    reportAny(ctx, anyType, node, `${label} is typed \`any\`, so Evalens cannot check that it is flat. Give it a number, string or boolean type, e.g. with \`Number(...)\` or \`String(...)\`.`);
    return undefined;
  }
  if (kinds.includes('unknown')) return undefined;
  const bad = kinds.find((k) => !isFlat(k));
  if (bad === 'object') {
    ctx.findings.add('EV201', node, `${label} is a nested object. Metadata is flat: one level of keys, each a number, string or boolean. Flatten it into dotted keys, e.g. '${key}.width'.`, flattenFix(ctx, node, site));
    return undefined;
  }
  if (bad === 'array' || bad === 'typed-array') {
    ctx.findings.add('EV202', node, `${label} is an array. ${FLAT_RULE} Store one key per entry, or a summary (count, mean, joined string).`);
    return undefined;
  }
  if (bad === 'undefined' || bad === 'null') {
    ctx.findings.add('EV204', node, `${label} may be ${bad}. Every sample needs a value for every key: use a default (0, '' or false) when there is none.`);
    return undefined;
  }
  if (bad !== undefined) {
    ctx.findings.add('EV203', node, `${label} is ${describeKind(bad)}. ${FLAT_RULE}`);
    return undefined;
  }
  const flats = [...new Set(kinds.filter(isFlat))];
  if (flats.length > 1) {
    ctx.findings.add('EV206', node, `${label} is a ${flats.join(' or a ')}, depending on the sample. Keep one type per key across samples: convert with ${converter(flats[0]!)}.`);
    return undefined;
  }
  return flats[0];
}

/** Compares the return paths of one function: same keys, and one kind per key. */
function comparePaths(ctx: AnalysisContext, name: string, shapes: SiteShape[]): void {
  const first = shapes[0];
  if (first === undefined) return;
  const records = shapes.filter((s) => s.kind === 'record');
  const values = shapes.filter((s) => s.kind === 'value');
  if (records.length > 0 && values.length > 0) {
    const [minority, majority] = values.length <= records.length ? [values, records] : [records, values];
    for (const s of minority) {
      ctx.findings.add('EV207', s.site.node, `Metadata '${name}' returns ${s.kind === 'record' ? 'a record' : `a single ${s.flat}`} here but ${majority[0]!.kind === 'record' ? 'a record' : 'a single value'} on another path (${placeOf(majority[0]!.site.node)}). Every sample needs the same keys: return the same form on every path.`);
    }
    return;
  }
  if (values.length > 1) {
    const reference = values[0]!;
    for (const s of values.slice(1)) {
      if (s.kind === 'value' && reference.kind === 'value' && s.flat !== reference.flat) {
        ctx.findings.add('EV206', s.site.node, `Metadata '${name}' returns a ${s.flat} here but a ${reference.flat} on another path (${placeOf(reference.site.node)}). Keep one type across samples: convert with ${converter(reference.flat)}.`);
      }
    }
    return;
  }
  const all = new Map<string, SiteShape>();
  for (const r of records) if (r.kind === 'record') for (const key of r.keys.keys()) if (!all.has(key)) all.set(key, r);
  for (const r of records) {
    if (r.kind !== 'record') continue;
    const missing = [...all.keys()].filter((k) => !r.keys.has(k));
    if (missing.length > 0) {
      const other = all.get(missing[0]!)!;
      ctx.findings.add('EV207', r.site.node, `Metadata '${name}' returns no ${quote(missing)} here, but returns ${missing.length === 1 ? 'that key' : 'those keys'} on another path (${placeOf(other.site.node)}). Every sample needs the same keys: return a default (0, '' or false) instead of leaving a key out.`);
    }
  }
  // One kind per key across paths, reported where it differs from the first path that has the key.
  const firstKind = new Map<string, { flat: Flat; node: ts.Node }>();
  for (const r of records) {
    if (r.kind !== 'record') continue;
    for (const [key, v] of r.keys) {
      if (v.flat === undefined) continue;
      const seen = firstKind.get(key);
      if (seen === undefined) firstKind.set(key, { flat: v.flat, node: v.node });
      else if (seen.flat !== v.flat) {
        ctx.findings.add('EV206', v.node, `Metadata '${name}' key '${key}' is a ${v.flat} here but a ${seen.flat} on another path (${placeOf(seen.node)}). Keep one type per key across samples: convert with ${converter(seen.flat)}.`);
      }
    }
  }
}

/** The key's name where it is written on this return path, else the return site. */
function keyNode(ctx: AnalysisContext, prop: ts.Symbol | undefined, site: ReturnSite): ts.Node {
  const declaration = prop?.valueDeclaration;
  if (site.inDocument && declaration !== undefined && ctx.reader.inFile(declaration) && isWithin(declaration, site.node)) {
    if (ts.isPropertyAssignment(declaration) || ts.isShorthandPropertyAssignment(declaration) || ts.isMethodDeclaration(declaration)) return declaration.name;
  }
  return site.node;
}

function isWithin(node: ts.Node, container: ts.Node): boolean {
  return node.pos >= container.pos && node.end <= container.end;
}

/** `any` is reported in TypeScript only: in JavaScript nearly everything is `any`, and an unresolved import is not the user's `any`. */
function reportAny(ctx: AnalysisContext, type: ts.Type, node: ts.Node, message: string): void {
  if (!ctx.isTypeScript || isErrorType(type)) return;
  ctx.findings.add('EV205', node, message);
}

const FLAT_RULE = 'Metadata values must be a number, string or boolean, or a flat record of them.';

function isFlat(kind: ValueKind): kind is Flat {
  return kind === 'number' || kind === 'string' || kind === 'boolean';
}

function describeKind(kind: ValueKind): string {
  switch (kind) {
    case 'array':
      return 'an array';
    case 'typed-array':
      return 'a typed array';
    case 'function':
      return 'a function';
    case 'promise':
      return 'a Promise (metadata functions must return synchronously)';
    case 'bigint':
      return 'a bigint (convert it with Number(...) or String(...))';
    case 'symbol':
      return 'a symbol';
    case 'undefined':
      return 'undefined';
    case 'null':
      return 'null';
    default:
      return `a ${kind}`;
  }
}

function converter(flat: Flat): string {
  return flat === 'number' ? 'Number(...)' : flat === 'string' ? 'String(...)' : 'Boolean(...)';
}

function quote(keys: string[]): string {
  return keys.map((k) => `'${k}'`).join(', ');
}
