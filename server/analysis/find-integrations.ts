import ts from 'typescript';
import { SDK_FILE } from '../ts/script-host';
import { skipOuter } from './slots';

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
  if (!file.text.includes('defineIntegration')) return [];
  const calls: IntegrationCall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = calleeName(node.expression);
      if (callee !== undefined && callee.text === 'defineIntegration' && isSdkFunction(checker, callee)) {
        calls.push({ call: node, callee, argument: node.arguments[0], exported: isExported(file, node) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return calls;
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
  return declaration.getSourceFile().fileName === SDK_FILE || (symbol.flags & ts.SymbolFlags.Function) === 0;
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
