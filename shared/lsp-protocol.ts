/**
 * What the Evalens language server and its clients say to each other beyond standard LSP.
 * Declared once here and imported by both sides (server/ and client/), never copied.
 */

/**
 * Commands carried by the code lenses the server puts above `defineIntegration(...)`.
 * Sent by: the editor, when the user clicks a lens (`workspace/executeCommand` is NOT used:
 * the client registers these ids as its own commands). Why: running user code and the
 * model belongs to the client (workspace trust, worker process, Test Explorer), not to the
 * server, which only analyzes text.
 */
export const LensCommand = {
  /** Runs the integration test of the script (the CLI's `evalens test <script>`). */
  runIntegrationTest: 'evalens.runIntegrationTest',
  /** Starts an evaluation run of the script (the client picks or asks for the eval config). */
  evaluate: 'evalens.evaluate',
} as const;

export type LensCommandId = (typeof LensCommand)[keyof typeof LensCommand];

/** The single argument of both lens commands. */
export interface IntegrationCommandArgs {
  /** URI of the integration script (`file:///.../digits.integration.ts`). */
  uri: string;
  /** Absolute file system path of the same script, for clients that do not parse URIs. */
  path: string;
}

/** The diagnostic `source` of everything the server reports, so clients can filter on it. */
export const DIAGNOSTIC_SOURCE = 'evalens';

/**
 * Attached by the server to a diagnostic's `data` when it knows a fix; read back by the
 * server itself in `textDocument/codeAction` (clients pass `data` through unchanged).
 */
export interface DiagnosticFixData {
  /** Document version the edits were computed for; fixes for another version are not offered. */
  version: number;
  fixes: DiagnosticFix[];
}

export interface DiagnosticFix {
  title: string;
  /** Edits of the diagnosed document, ranges in LSP positions (UTF-16). */
  edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
}

/** Glob patterns the server asks the client to watch (dynamic `workspace/didChangeWatchedFiles`). */
export const WATCHED_FILE_GLOBS = ['**/*.onnx', '**/*.{ts,mts,cts,js,mjs,cjs,json}'] as const;
