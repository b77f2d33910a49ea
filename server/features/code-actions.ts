import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE } from '../../shared/lsp-protocol';
import type { Finding } from '../analysis/findings';
import { rangeOf, toDiagnostic } from './diagnostics';

/**
 * Quick fixes for the findings of the document's current analysis: those of the diagnostics
 * the client sends back (matched by code and range), or, without any, those under the cursor.
 */
export function codeActions(doc: TextDocument, findings: readonly Finding[], params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only !== undefined && !only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`) || kind === CodeActionKind.Empty)) return [];
  const sent = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
  const actions: CodeAction[] = [];
  for (const finding of findings) {
    if (finding.fixes.length === 0) continue;
    const range = rangeOf(doc, finding.start, finding.end);
    let diagnostic: Diagnostic | undefined;
    if (sent.length > 0) {
      diagnostic = sent.find((d) => d.code === finding.code && sameRange(d.range, range));
      if (diagnostic === undefined) continue;
    } else if (!overlaps(range, params.range)) {
      continue;
    }
    finding.fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic ?? toDiagnostic(doc, finding)],
        isPreferred: i === 0,
        edit: { changes: { [doc.uri]: fix.edits.map((e) => ({ range: rangeOf(doc, e.start, e.end), newText: e.newText })) } },
      });
    });
  }
  return actions;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}
