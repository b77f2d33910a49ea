import ts from 'typescript';
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LensCommand, type IntegrationCommandArgs } from '../../shared/lsp-protocol';
import type { ScriptAnalysis } from '../analysis/analyze-script';

/** `Run integration test` and `Evaluate` above each defineIntegration call (on its statement's first line). */
export function codeLenses(doc: TextDocument, analysis: ScriptAnalysis, scriptPath: string): CodeLens[] {
  const args: IntegrationCommandArgs = { uri: doc.uri, path: scriptPath };
  return analysis.integrations.flatMap(({ call }) => {
    let statement: ts.Node = call.call;
    while (statement.parent !== undefined && !ts.isSourceFile(statement.parent)) statement = statement.parent;
    const start = doc.positionAt(statement.getStart(analysis.file));
    const range = { start, end: start };
    return [
      { range, command: { title: 'Run integration test', command: LensCommand.runIntegrationTest, arguments: [args] } },
      { range, command: { title: 'Evaluate', command: LensCommand.evaluate, arguments: [args] } },
    ];
  });
}
