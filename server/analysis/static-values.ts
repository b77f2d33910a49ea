import ts from 'typescript';
import { skipOuter, type Slot, type SlotReader } from './slots';
import { isAnyLike } from './type-kinds';

/** A string known before anything runs: a literal, or a `const` / `as const` value. */
export function stringValue(reader: SlotReader, slot: Slot): string | undefined {
  if (slot.node !== undefined) {
    const node = reader.resolve(slot.node);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  }
  return slot.type.isStringLiteral() ? slot.type.value : undefined;
}

/** A number known before anything runs: a literal (possibly negated) or a value of a number literal type. */
export function numberValue(reader: SlotReader, node: ts.Node): number | undefined {
  const inner = skipOuter(node);
  if (ts.isNumericLiteral(inner)) return Number(inner.text);
  if (ts.isPrefixUnaryExpression(inner) && (inner.operator === ts.SyntaxKind.MinusToken || inner.operator === ts.SyntaxKind.PlusToken)) {
    const operand = numberValue(reader, inner.operand);
    return operand === undefined ? undefined : inner.operator === ts.SyntaxKind.MinusToken ? -operand : operand;
  }
  if (ts.isBinaryExpression(inner)) {
    const left = numberValue(reader, inner.left);
    const right = left === undefined ? undefined : numberValue(reader, inner.right);
    if (left !== undefined && right !== undefined) return arithmetic(inner.operatorToken.kind, left, right);
  }
  const type = reader.checker.getTypeAtLocation(inner);
  return type.isNumberLiteral() ? type.value : undefined;
}

/** Folds `8 * 8` and the like, which TypeScript types as plain `number`. */
function arithmetic(operator: ts.SyntaxKind, a: number, b: number): number | undefined {
  switch (operator) {
    case ts.SyntaxKind.PlusToken:
      return a + b;
    case ts.SyntaxKind.MinusToken:
      return a - b;
    case ts.SyntaxKind.AsteriskToken:
      return a * b;
    case ts.SyntaxKind.SlashToken:
      return a / b;
    case ts.SyntaxKind.PercentToken:
      return a % b;
    case ts.SyntaxKind.AsteriskAsteriskToken:
      return a ** b;
    default:
      return undefined;
  }
}

export type ShapeValue =
  /** Static: written as a literal tuple (inline, or a tuple type of number literals). */
  | { kind: 'static'; dims: number[]; elements: readonly ts.Node[] | undefined }
  /** Known before running, but typed `number[]`: it can change before the run (no `as const`). */
  | { kind: 'known'; dims: number[]; literal: ts.ArrayLiteralExpression }
  /** Depends on something only known at run time; `node` is the part that does. */
  | { kind: 'runtime'; node: ts.Node }
  | { kind: 'unknown' };

/** Reads an encoder's declared shape as the checker and the code show it. */
export function shapeValue(reader: SlotReader, slot: Slot): ShapeValue {
  const { checker } = reader;
  if (isAnyLike(slot.type)) return { kind: 'unknown' };
  const resolved = slot.node === undefined ? undefined : reader.resolve(slot.node);
  const literal = resolved !== undefined && ts.isArrayLiteralExpression(resolved) ? resolved : undefined;

  const fromType = literalTuple(checker, slot.type);
  if (fromType !== undefined) return { kind: 'static', dims: fromType, elements: literal?.elements };

  if (literal !== undefined) {
    const dims: number[] = [];
    for (const element of literal.elements) {
      if (ts.isSpreadElement(element)) {
        const spread = literalTuple(checker, reader.typeOf(element.expression));
        if (spread === undefined) return runtimeAt(reader, slot, element);
        dims.push(...spread);
        continue;
      }
      const value = numberValue(reader, element);
      if (value === undefined) {
        if (isAnyLike(reader.typeOf(element))) return { kind: 'unknown' };
        return runtimeAt(reader, slot, element);
      }
      dims.push(value);
    }
    if (reader.isWrittenInline(slot, literal) || isConstContext(literal)) return { kind: 'static', dims, elements: literal.elements };
    return { kind: 'known', dims, literal };
  }

  if (checker.isArrayType(slot.type) || checker.isTupleType(slot.type)) return { kind: 'runtime', node: slot.anchor };
  return { kind: 'unknown' };
}

/** The length of an array known before anything runs (labels): literals, `const` arrays, tuples, `.slice()` of those. */
export function arrayLength(reader: SlotReader, slot: Slot): number | undefined {
  if (slot.node !== undefined) {
    const length = literalLength(reader, slot.node, 0);
    if (length !== undefined) return length;
  }
  return tupleLength(reader.checker, slot.type);
}

function literalLength(reader: SlotReader, node: ts.Node, depth: number): number | undefined {
  if (depth > 8) return undefined;
  const resolved = reader.resolve(node);
  if (ts.isArrayLiteralExpression(resolved)) {
    let length = 0;
    for (const element of resolved.elements) {
      if (ts.isOmittedExpression(element)) return undefined;
      if (ts.isSpreadElement(element)) {
        const inner = literalLength(reader, element.expression, depth + 1) ?? tupleLength(reader.checker, reader.typeOf(element.expression));
        if (inner === undefined) return undefined;
        length += inner;
      } else {
        length += 1;
      }
    }
    return length;
  }
  // LABELS.slice(1): the usual way to drop a background class.
  if (ts.isCallExpression(resolved) && ts.isPropertyAccessExpression(resolved.expression) && resolved.expression.name.text === 'slice') {
    const base = literalLength(reader, resolved.expression.expression, depth + 1) ?? tupleLength(reader.checker, reader.typeOf(resolved.expression.expression));
    if (base === undefined) return undefined;
    const args = resolved.arguments.map((a) => numberValue(reader, a));
    if (args.some((a) => a === undefined) || args.length > 2) return undefined;
    return sliceLength(base, args[0], args[1]);
  }
  return tupleLength(reader.checker, reader.typeOf(resolved));
}

function sliceLength(length: number, start: number | undefined, end: number | undefined): number {
  const clamp = (v: number | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    const i = Math.trunc(v);
    return i < 0 ? Math.max(length + i, 0) : Math.min(i, length);
  };
  return Math.max(clamp(end, length) - clamp(start, 0), 0);
}

function tupleLength(checker: ts.TypeChecker, type: ts.Type): number | undefined {
  if (!checker.isTupleType(type)) return undefined;
  const target = (type as ts.TupleTypeReference).target;
  // Optional or rest elements make the length vary.
  if (target.minLength !== target.fixedLength || target.hasRestElement) return undefined;
  return target.fixedLength;
}

/** The dims of a tuple type whose elements are all number literal types, e.g. `readonly [1, 8, 8]`. */
function literalTuple(checker: ts.TypeChecker, type: ts.Type): number[] | undefined {
  if (!checker.isTupleType(type) || tupleLength(checker, type) === undefined) return undefined;
  const dims: number[] = [];
  for (const t of checker.getTypeArguments(type as ts.TypeReference)) {
    if (!t.isNumberLiteral()) return undefined;
    dims.push(t.value);
  }
  return dims;
}

function runtimeAt(reader: SlotReader, slot: Slot, part: ts.Node): ShapeValue {
  return { kind: 'runtime', node: reader.inFile(part) ? part : slot.anchor };
}

/** Inside `as const` (written on the literal or on an enclosing literal). */
function isConstContext(node: ts.Node): boolean {
  for (let current: ts.Node = node; ; current = current.parent) {
    const parent = current.parent;
    if (parent === undefined) return false;
    if (ts.isAsExpression(parent) || ts.isTypeAssertionExpression(parent)) {
      return ts.isTypeReferenceNode(parent.type) && ts.isIdentifier(parent.type.typeName) && parent.type.typeName.text === 'const';
    }
    if (!(ts.isParenthesizedExpression(parent) || ts.isArrayLiteralExpression(parent) || ts.isObjectLiteralExpression(parent) || ts.isPropertyAssignment(parent) || ts.isSatisfiesExpression(parent))) {
      return false;
    }
  }
}
