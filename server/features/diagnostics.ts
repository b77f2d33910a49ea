import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE } from '../../shared/lsp-protocol';
import type { Finding } from '../analysis/findings';
import { severityOf } from '../diagnostic-codes';

export function toDiagnostic(doc: TextDocument, finding: Finding): Diagnostic {
  return {
    range: rangeOf(doc, finding.start, finding.end),
    severity: severityOf(finding.code) === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
}

export function rangeOf(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}
