import ts from 'typescript';
import type { AnalysisContext } from './context';
import { indentOf } from './edits';
import type { Fix } from './findings';
import type { ReturnSite } from './return-sites';
import { propertyNameText, skipOuter } from './slots';
import { kindOf } from './type-kinds';

/**
 * The quick fix for a nested metadata object: `size: { width: w, height: h }` becomes
 * `'size.width': w, 'size.height': h` (recursively), and `size` holding a variable becomes
 * `'size.width': size.width, ...`. Offered only when every nested key can be named.
 */
export function flattenFix(ctx: AnalysisContext, keyNode: ts.Node, site: ReturnSite): Fix[] {
  if (!site.inDocument) return [];
  const prop = keyNode.parent;
  if (prop === undefined || !(ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop)) || prop.name !== keyNode) return [];
  const prefix = propertyNameText(prop.name);
  if (prefix === undefined) return [];
  const value = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name;
  const entries = flatEntries(ctx, prefix, value, 0);
  if (entries === undefined || entries.length === 0) return [];
  const file = ctx.file;
  const start = prop.getStart(file);
  const multiline = file.getLineAndCharacterOfPosition(start).line !== file.getLineAndCharacterOfPosition(prop.getEnd()).line;
  const separator = multiline ? `,\n${indentOf(file, start)}` : ', ';
  return [
    {
      title: `Flatten '${prefix}' into dotted keys`,
      edits: [{ start, end: prop.getEnd(), newText: entries.map(([key, text]) => `${quoteKey(key)}: ${text}`).join(separator) }],
    },
  ];
}

function flatEntries(ctx: AnalysisContext, prefix: string, expression: ts.Node, depth: number): [string, string][] | undefined {
  if (depth > 8) return undefined;
  const { checker } = ctx.reader;
  const inner = skipOuter(expression);
  if (ts.isObjectLiteralExpression(inner)) {
    const out: [string, string][] = [];
    for (const p of inner.properties) {
      let name: string | undefined;
      let value: ts.Node;
      if (ts.isPropertyAssignment(p)) {
        name = propertyNameText(p.name);
        value = p.initializer;
      } else if (ts.isShorthandPropertyAssignment(p)) {
        name = p.name.text;
        value = p.name;
      } else {
        return undefined;
      }
      if (name === undefined) return undefined;
      const key = `${prefix}.${name}`;
      if (kindOf(checker, checker.getTypeAtLocation(value)) === 'object') {
        const nested = flatEntries(ctx, key, value, depth + 1);
        if (nested === undefined) return undefined;
        out.push(...nested);
      } else {
        out.push([key, value.getText(ctx.file)]);
      }
    }
    return out;
  }
  if (isSimpleReference(inner)) return fromType(ctx, prefix, inner.getText(ctx.file), checker.getTypeAtLocation(inner), depth);
  return undefined;
}

/** Entries read from a reference's type: `'size.width': size.width`. */
function fromType(ctx: AnalysisContext, prefix: string, text: string, type: ts.Type, depth: number): [string, string][] | undefined {
  if (depth > 8) return undefined;
  const { checker } = ctx.reader;
  if (checker.getIndexInfosOfType(type).length > 0 || type.isUnion()) return undefined;
  const out: [string, string][] = [];
  for (const prop of checker.getPropertiesOfType(type)) {
    // A class instance (Date, Map, ...) is not a record of values: its methods cannot be flattened.
    if (prop.flags & ts.SymbolFlags.Method || checker.getTypeOfSymbol(prop).getCallSignatures().length > 0) return undefined;
    const access = /^[A-Za-z_$][\w$]*$/.test(prop.name) ? `${text}.${prop.name}` : `${text}[${JSON.stringify(prop.name)}]`;
    const propType = checker.getTypeOfSymbol(prop);
    if (kindOf(checker, propType) === 'object') {
      const nested = fromType(ctx, `${prefix}.${prop.name}`, access, propType, depth + 1);
      if (nested === undefined) return undefined;
      out.push(...nested);
    } else {
      out.push([`${prefix}.${prop.name}`, access]);
    }
  }
  return out;
}

/** `a` or `a.b.c`: safe to repeat, unlike a call. */
function isSimpleReference(node: ts.Node): node is ts.Identifier | ts.PropertyAccessExpression {
  if (ts.isIdentifier(node)) return true;
  return ts.isPropertyAccessExpression(node) && !node.questionDotToken && ts.isIdentifier(node.name) && isSimpleReference(node.expression);
}

function quoteKey(key: string): string {
  return `'${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
