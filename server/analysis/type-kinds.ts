import ts from 'typescript';

/** What a value of some type is, as far as Evalens' rules care. */
export type ValueKind =
  | 'number'
  | 'string'
  | 'boolean'
  | 'bigint'
  | 'symbol'
  | 'undefined'
  | 'null'
  | 'any'
  | 'never'
  | 'function'
  | 'array'
  | 'typed-array'
  | 'promise'
  | 'object'
  | 'unknown';

const TYPED_ARRAYS = new Set([
  'Float32Array',
  'Float64Array',
  'Float16Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/** `any`, `unknown` and the checker's error type: nothing can be decided from them. */
export function isAnyLike(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

/** The checker's error type (an unresolved name or import): an `any` the user did not write. */
export function isErrorType(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0 && (type as { intrinsicName?: string }).intrinsicName === 'error';
}

/** The union members of a type (the type itself when it is not a union); `boolean` stays one member. */
export function members(type: ts.Type): ts.Type[] {
  if (!type.isUnion()) return [type];
  const out: ts.Type[] = [];
  let sawBoolean = false;
  for (const t of type.types) {
    if (t.flags & ts.TypeFlags.BooleanLiteral) {
      if (!sawBoolean) out.push(t);
      sawBoolean = true;
    } else {
      out.push(t);
    }
  }
  return out;
}

export function kindOf(checker: ts.TypeChecker, type: ts.Type): ValueKind {
  const f = type.flags;
  if (f & ts.TypeFlags.Any) return 'any';
  if (f & ts.TypeFlags.Unknown) return 'unknown';
  if (f & ts.TypeFlags.Never) return 'never';
  if (f & ts.TypeFlags.NumberLike) return 'number';
  if (f & ts.TypeFlags.StringLike) return 'string';
  if (f & ts.TypeFlags.BooleanLike) return 'boolean';
  if (f & ts.TypeFlags.BigIntLike) return 'bigint';
  if (f & ts.TypeFlags.ESSymbolLike) return 'symbol';
  if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return 'undefined';
  if (f & ts.TypeFlags.Null) return 'null';
  if (type.isUnion()) return 'unknown';
  if (f & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint === undefined || constraint === type ? 'unknown' : kindOf(checker, constraint);
  }
  if (f & ts.TypeFlags.Intersection) {
    // A branded primitive (`string & { __brand: 'Id' }`) is still that primitive.
    const primitive = (type as ts.IntersectionType).types.map((t) => kindOf(checker, t)).find((k) => k === 'number' || k === 'string' || k === 'boolean');
    return primitive ?? 'object';
  }
  if (f & ts.TypeFlags.NonPrimitive) return 'object';
  if (f & ts.TypeFlags.Object) {
    if (checker.isArrayType(type) || checker.isTupleType(type)) return 'array';
    if (typedArrayName(type) !== undefined) return 'typed-array';
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return 'function';
    if (type.getSymbol()?.getName() === 'Promise') return 'promise';
    return 'object';
  }
  return 'unknown';
}

/** `Float32Array`, `BigInt64Array`, ...: the typed array class a type is an instance of. */
export function typedArrayName(type: ts.Type): string | undefined {
  const name = type.getSymbol()?.getName();
  return name !== undefined && TYPED_ARRAYS.has(name) ? name : undefined;
}

/** The element kind of an array, tuple or typed array type: what `from()` would need to convert it. */
export function elementKind(checker: ts.TypeChecker, type: ts.Type): 'number' | 'bigint' | 'boolean' | undefined {
  const typed = typedArrayName(type);
  if (typed !== undefined) return typed.startsWith('Big') ? 'bigint' : 'number';
  if (!checker.isArrayType(type) && !checker.isTupleType(type)) return undefined;
  const args = checker.getTypeArguments(type as ts.TypeReference);
  const kinds = new Set(args.flatMap((a) => members(a).map((m) => kindOf(checker, m))));
  if (kinds.size !== 1) return undefined;
  const only = [...kinds][0];
  return only === 'number' || only === 'bigint' || only === 'boolean' ? only : undefined;
}

/** A short description of a type for messages: `number[]`, `Float64Array`, `string | number`. */
export function describeType(checker: ts.TypeChecker, type: ts.Type): string {
  const typed = typedArrayName(type);
  if (typed !== undefined) return typed;
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType);
}
