import ts from 'typescript';
import { SDK_FILE } from '../ts/script-host';
import { skipOuter } from './slots';

/** The SDK imported by path (from this repository's sources, or an installed `evalens` package) instead of as `evalens`. */
const SDK_SOURCES = /(^|\/)(engine\/sdk\/index|node_modules\/evalens\/.*)\.(d\.)?[cm]?[jt]s$/;

/** A `defineIntegration({...})` call in the analyzed document. */
export interface IntegrationCall {
  readonly call: ts.CallExpression;
  readonly callee: ts.Node;
  readonly argument: ts.Expression | undefined;
  /** false when the loader will certainly not find it (its result is dropped or never default-exported). */
  readonly exported: boolean;
}

/** Finds the calls of the SDK's defineIntegration (or of an unresolved function of that name). */
export function findIntegrationCalls(file: ts.SourceFile, checker: ts.TypeChecker): IntegrationCall[] {
  const calls: IntegrationCall[] = [];
  // Only where the name occurs in the text, instead of walking the whole tree on every edit.
  for (let at = file.text.indexOf('defineIntegration'); at >= 0; at = file.text.indexOf('defineIntegration', at + 1)) {
    const name = identifierAt(file, at);
    if (name === undefined) continue;
    const call = callOf(name);
    if (call === undefined || calleeName(call.expression) !== name || !isSdkFunction(checker, name)) continue;
    calls.push({ call, callee: name, argument: call.arguments[0], exported: isExported(file, call) });
  }
  return calls;
}

function identifierAt(file: ts.SourceFile, position: number): ts.Identifier | undefined {
  let node: ts.Node = file;
  for (;;) {
    const child: ts.Node | undefined = node.forEachChild((c) => (c.pos <= position && position < c.end ? c : undefined));
    if (child === undefined) return ts.isIdentifier(node) && node.getStart(file) === position ? node : undefined;
    node = child;
  }
}

/** The call whose callee is this name (`defineIntegration(...)` or `evalens.defineIntegration(...)`). */
function callOf(name: ts.Identifier): ts.CallExpression | undefined {
  let callee: ts.Node = name;
  if (ts.isPropertyAccessExpression(callee.parent) && callee.parent.name === callee) callee = callee.parent;
  while (ts.isParenthesizedExpression(callee.parent) || ts.isAsExpression(callee.parent) || ts.isNonNullExpression(callee.parent)) callee = callee.parent;
  return ts.isCallExpression(callee.parent) && callee.parent.expression === callee ? callee.parent : undefined;
}

function calleeName(expression: ts.Expression): ts.Identifier | undefined {
  const inner = skipOuter(expression);
  if (ts.isIdentifier(inner)) return inner;
  if (ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.name)) return inner.name;
  return undefined;
}

function isSdkFunction(checker: ts.TypeChecker, callee: ts.Identifier): boolean {
  let symbol = checker.getSymbolAtLocation(callee);
  if (symbol === undefined) return true;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    try {
      symbol = checker.getAliasedSymbol(symbol);
    } catch {
      return true;
    }
  }
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  // A user function of the same name is not the SDK's; an unresolved one is given the benefit of the doubt.
  if (declaration === undefined) return true;
  const file = declaration.getSourceFile().fileName;
  return file === SDK_FILE || SDK_SOURCES.test(file) || (symbol.flags & ts.SymbolFlags.Function) === 0;
}

/**
 * Whether the loader can find the call's result: `export default`, `module.exports =`,
 * `exports.default =`, or a variable exported in one of those ways. Anything it cannot
 * follow (passed to a function, in an array) counts as exported: no false alarm.
 */
function isExported(file: ts.SourceFile, call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (node.parent !== undefined && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent))) node = node.parent;
  const parent = node.parent;
  if (parent === undefined) return true;
  if (ts.isExportAssignment(parent)) return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === node) return isExportTarget(parent.left);
  if (ts.isExpressionStatement(parent)) return false;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return isVariableExported(file, parent.name.text);
  return true;
}

function isExportTarget(target: ts.Expression): boolean {
  const text = target.getText().replace(/\s+/g, '');
  if (/^(module\.exports|exports)(\.default)?$/.test(text)) return true;
  // A named CommonJS export (exports.integration = ...) is not what the loader reads.
  if (/^(module\.exports|exports)\./.test(text)) return false;
  return true;
}

function isVariableExported(file: ts.SourceFile, name: string): boolean {
  let exported = false;
  let anyDefault = false;
  const visit = (node: ts.Node): void => {
    if (exported) return;
    if (ts.isExportAssignment(node)) {
      anyDefault = true;
      if (ts.isIdentifier(skipOuter(node.expression)) && (skipOuter(node.expression) as ts.Identifier).text === name) exported = true;
    } else if (ts.isExportDeclaration(node) && node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
      for (const element of node.exportClause.elements) {
        if (element.name.text === 'default') {
          anyDefault = true;
          if ((element.propertyName ?? element.name).getText() === name) exported = true;
        }
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(module\.)?exports(\.default)?$/.test(node.left.getText())) {
      anyDefault = true;
      const right = skipOuter(node.right);
      if (ts.isIdentifier(right) && right.text === name) exported = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  // Some other default export may wrap it (export default withLogging(integration)): not decidable.
  return exported || anyDefault;
}
