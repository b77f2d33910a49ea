import ts from 'typescript';
import type { Slot, SlotReader } from './slots';

export type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration | ts.FunctionDeclaration;

/** One way a function can return: the expression (or the `return;` / end of body) and its type. */
export interface ReturnSite {
  /** The returned expression, or the node to report on when the function returns nothing there. */
  readonly node: ts.Node;
  readonly type: ts.Type;
  /** Whether the node is the returned expression in the analyzed document (so it can be reported on and edited). */
  readonly inDocument: boolean;
}

/** The function a slot holds, when it can be followed to its code. */
export function functionNode(reader: SlotReader, slot: Slot): FunctionNode | undefined {
  if (slot.node === undefined) return undefined;
  const node = reader.resolve(slot.node);
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node)) {
    return node.body === undefined ? undefined : node;
  }
  return undefined;
}

/**
 * Every path out of the function held by a slot. A function written in the analyzed document
 * gives one site per returned expression (conditional expressions split into their branches,
 * so a problem is reported on the branch that has it); any other function gives one site, its
 * declared or inferred return type, reported at the slot.
 */
export function returnSites(reader: SlotReader, slot: Slot): ReturnSite[] | undefined {
  const { checker } = reader;
  const fn = functionNode(reader, slot);
  if (fn !== undefined && reader.inFile(fn)) {
    const expressions = returnedExpressions(fn);
    const only = expressions.length === 1 ? expressions[0]! : undefined;
    if (only !== undefined && !ts.isReturnStatement(only) && branches(only).length === 1) {
      // One way out: the signature's return type is that expression's type, and the checker
      // already has it from checking the call; asking for the expression would check it again.
      const signature = checker.getSignatureFromDeclaration(fn);
      if (signature !== undefined) return [{ node: branches(only)[0]!, type: checker.getReturnTypeOfSignature(signature), inDocument: true }];
    }
    const sites: ReturnSite[] = [];
    for (const expression of expressions) {
      if (ts.isFunctionLike(expression)) {
        sites.push({ node: expression, type: checker.getTypeAtLocation(expression), inDocument: true });
        continue;
      }
      if (ts.isReturnStatement(expression)) {
        sites.push({ node: expression, type: checker.getUndefinedType(), inDocument: true });
        continue;
      }
      for (const branch of branches(expression)) sites.push({ node: branch, type: checker.getTypeAtLocation(branch), inDocument: true });
    }
    return sites;
  }
  const type = fn !== undefined ? checker.getTypeAtLocation(fn) : slot.type;
  const signatures = type.getCallSignatures();
  if (signatures.length !== 1) return undefined;
  return [{ node: reader.keyOrAnchor(slot), type: checker.getReturnTypeOfSignature(signatures[0]!), inDocument: false }];
}

/** `return x` expressions of a function (not of functions nested in it); a bare `return;` yields the statement. */
function returnedExpressions(fn: FunctionNode): ts.Node[] {
  const body = fn.body!;
  if (!ts.isBlock(body)) return [body];
  const out: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node)) {
      out.push(node.expression ?? node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

/** `a ? b : c` returns b or c: report on the branch that is wrong. */
function branches(expression: ts.Node): ts.Node[] {
  const inner = skipOuterParens(expression);
  if (ts.isConditionalExpression(inner)) return [...branches(inner.whenTrue), ...branches(inner.whenFalse)];
  return [inner];
}

function skipOuterParens(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

