import ts from 'typescript';
import { isAnyLike } from './type-kinds';

/**
 * A value reachable from the integration definition: the expression that gives it (in any
 * file, when it can be followed), where to report about it in the analyzed document, and
 * its type. Values that come from imports or spreads are followed through the checker and
 * their declarations, and reported at the place in the document they enter it.
 */
export interface Slot {
  /** The expression or declaration giving the value, in any file; undefined when only the type is known. */
  readonly node: ts.Node | undefined;
  /** Where a problem with this value is reported in the analyzed document. */
  readonly anchor: ts.Node;
  /** The property name written in the analyzed document, when the value is a property written there. */
  readonly key: ts.Node | undefined;
  readonly type: ts.Type;
}

/** The value may exist but cannot be known statically (a spread of `any`, a getter, an index signature). */
export const UNKNOWN = Symbol('unknown');
export type Lookup = Slot | undefined | typeof UNKNOWN;

export class SlotReader {
  constructor(
    readonly checker: ts.TypeChecker,
    readonly file: ts.SourceFile,
  ) {}

  inFile(node: ts.Node): boolean {
    return node.getSourceFile() === this.file;
  }

  root(expression: ts.Expression): Slot {
    return { node: expression, anchor: expression, key: undefined, type: this.typeOf(expression) };
  }

  /** The type of what an expression evaluates to, looking through `as`, `satisfies` and `!`. */
  typeOf(node: ts.Node): ts.Type {
    return this.checker.getTypeAtLocation(skipOuter(node));
  }

  /**
   * Follows an expression to the expression that gives its value: through parentheses and
   * type assertions, `const` variables (also imported ones) and properties of object
   * literals. Returns the last node it could reach.
   */
  resolve(node: ts.Node, depth = 0): ts.Node {
    const inner = skipOuter(node);
    if (depth > 16) return inner;
    if (ts.isIdentifier(inner) || ts.isPropertyAccessExpression(inner)) {
      const target = this.declarationValue(inner);
      return target === undefined ? inner : this.resolve(target, depth + 1);
    }
    if (ts.isShorthandPropertyAssignment(inner)) {
      const symbol = this.checker.getShorthandAssignmentValueSymbol(inner);
      const target = symbol === undefined ? undefined : this.symbolValue(symbol);
      return target === undefined ? inner : this.resolve(target, depth + 1);
    }
    return inner;
  }

  /** Whether the node is an expression written directly (not reached through a variable or property). */
  isWrittenInline(slot: Slot, resolved: ts.Node): boolean {
    return slot.node !== undefined && skipOuter(slot.node) === resolved;
  }

  property(slot: Slot, name: string): Lookup {
    const node = slot.node === undefined ? undefined : this.resolve(slot.node);
    if (node !== undefined && ts.isObjectLiteralExpression(node)) return this.literalProperty(node, slot, name);
    return this.typeProperty(slot, name);
  }

  /** Property names of an object value, in declaration order; undefined when they cannot all be known. */
  keys(slot: Slot): string[] | undefined {
    const type = slot.node === undefined ? slot.type : this.typeOf(this.resolve(slot.node));
    if (isAnyLike(type) || type.isUnion() || this.checker.getIndexInfosOfType(type).length > 0) return undefined;
    if (!(type.flags & ts.TypeFlags.Object)) return undefined;
    return this.checker.getPropertiesOfType(type).map((p) => p.name);
  }

  /** The node the slot's problems are reported on: its key when written in the document, else its anchor. */
  keyOrAnchor(slot: Slot): ts.Node {
    return slot.key ?? slot.anchor;
  }

  private literalProperty(literal: ts.ObjectLiteralExpression, slot: Slot, name: string): Lookup {
    // Later properties override earlier ones and spreads, so read from the end.
    for (let i = literal.properties.length - 1; i >= 0; i--) {
      const p = literal.properties[i]!;
      if (ts.isSpreadAssignment(p)) {
        const spreadType = this.typeOf(p.expression);
        if (isAnyLike(spreadType)) return UNKNOWN;
        if (this.checker.getPropertyOfType(spreadType, name) === undefined) {
          if (this.checker.getIndexInfosOfType(spreadType).length > 0) return UNKNOWN;
          continue;
        }
        const here = this.inFile(p);
        return this.property({ node: p.expression, anchor: here ? p.expression : slot.anchor, key: undefined, type: spreadType }, name);
      }
      const propName = propertyNameText(p.name);
      if (propName === undefined) return UNKNOWN;
      if (propName !== name) continue;
      const here = this.inFile(p);
      if (ts.isPropertyAssignment(p)) {
        return { node: p.initializer, anchor: here ? p.initializer : slot.anchor, key: here ? p.name : undefined, type: this.typeOf(p.initializer) };
      }
      if (ts.isShorthandPropertyAssignment(p)) {
        return { node: p, anchor: here ? p.name : slot.anchor, key: here ? p.name : undefined, type: this.typeOf(p.name) };
      }
      if (ts.isMethodDeclaration(p)) {
        return { node: p, anchor: here ? p.name : slot.anchor, key: here ? p.name : undefined, type: this.checker.getTypeAtLocation(p) };
      }
      return UNKNOWN;
    }
    return undefined;
  }

  private typeProperty(slot: Slot, name: string): Lookup {
    const type = slot.type;
    if (isAnyLike(type)) return UNKNOWN;
    const prop = this.checker.getPropertyOfType(type, name);
    if (prop === undefined) return this.checker.getIndexInfosOfType(type).length > 0 || type.isUnion() ? UNKNOWN : undefined;
    const declaration = prop.valueDeclaration;
    let node: ts.Node | undefined;
    if (declaration !== undefined && !type.isUnion()) {
      if (ts.isPropertyAssignment(declaration)) node = declaration.initializer;
      else if (ts.isShorthandPropertyAssignment(declaration) || ts.isMethodDeclaration(declaration)) node = declaration;
    }
    const plainValue = node !== undefined && !ts.isMethodDeclaration(node) && !ts.isShorthandPropertyAssignment(node);
    const propType = plainValue && node !== undefined ? this.typeOf(node) : this.checker.getTypeOfSymbol(prop);
    // A declaration in the analyzed document (e.g. a `const model = {...}` above the definition) is reported where it is written.
    if (node !== undefined && declaration !== undefined && this.inFile(node)) {
      const name = (declaration as ts.PropertyAssignment | ts.ShorthandPropertyAssignment | ts.MethodDeclaration).name;
      return { node, anchor: plainValue ? node : name, key: name, type: propType };
    }
    return { node, anchor: slot.anchor, key: undefined, type: propType };
  }

  private declarationValue(node: ts.Identifier | ts.PropertyAccessExpression): ts.Node | undefined {
    const symbol = this.checker.getSymbolAtLocation(ts.isIdentifier(node) ? node : node.name);
    return symbol === undefined ? undefined : this.symbolValue(symbol);
  }

  private symbolValue(symbol: ts.Symbol): ts.Node | undefined {
    let target = symbol;
    if (target.flags & ts.SymbolFlags.Alias) {
      try {
        target = this.checker.getAliasedSymbol(target);
      } catch {
        return undefined;
      }
    }
    const declaration = target.valueDeclaration ?? target.declarations?.[0];
    if (declaration === undefined) return undefined;
    if (ts.isVariableDeclaration(declaration)) {
      const isConst = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
      if (!isConst || declaration.initializer === undefined || !ts.isIdentifier(declaration.name)) return undefined;
      // `const x = require('...')` (and its destructuring) is an alias above; a plain call is not followed.
      return declaration.initializer;
    }
    if (ts.isPropertyAssignment(declaration)) return declaration.initializer;
    if (ts.isShorthandPropertyAssignment(declaration)) return declaration;
    if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration;
    return undefined;
  }
}

/** Looks through parentheses, `as`, `satisfies`, `<T>` assertions and `!`. */
export function skipOuter(node: ts.Node): ts.Node {
  let current = node;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const e = skipOuter(name.expression);
    if (ts.isStringLiteral(e) || ts.isNumericLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  }
  return undefined;
}

export function isSlot(lookup: Lookup): lookup is Slot {
  return lookup !== undefined && lookup !== UNKNOWN;
}
