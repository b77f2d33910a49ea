import type ts from 'typescript';
import type { DiagnosticCode } from '../diagnostic-codes';

/** A text edit in offsets of the analyzed document. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: OffsetEdit[];
}

/** One problem found in a document, located by offsets (UTF-16, as TypeScript and LSP count). */
export interface Finding {
  code: DiagnosticCode;
  start: number;
  end: number;
  message: string;
  fixes: Fix[];
}

/** Collects findings for one document; a node is located by its text without leading trivia. */
export class Findings {
  readonly list: Finding[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly file: ts.SourceFile) {}

  add(code: DiagnosticCode, node: ts.Node, message: string, fixes: Fix[] = []): void {
    // Checks report where a value enters the document; a node elsewhere has no range here.
    if (node.getSourceFile() !== this.file) return;
    this.addRange(code, node.getStart(this.file), node.getEnd(), message, fixes);
  }

  addRange(code: DiagnosticCode, start: number, end: number, message: string, fixes: Fix[] = []): void {
    // The same value can be reached twice (e.g. an encoder imported once, reported where it is used).
    const key = `${code}:${start}:${end}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ code, start, end, message, fixes });
  }
}
