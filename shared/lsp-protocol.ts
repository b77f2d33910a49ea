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

/** Glob patterns the server asks the client to watch (dynamic `workspace/didChangeWatchedFiles`). */
export const WATCHED_FILE_GLOBS = ['**/*.onnx', '**/*.{ts,mts,cts,js,mjs,cjs,json}'] as const;

/**
 * `evalens/serverStats` request, sent by benchmarks and tests (any client may) to the server,
 * which answers with its memory use, after a garbage collection when node runs with
 * --expose-gc. Why: to check that memory stays bounded over many edits.
 */
export const SERVER_STATS_REQUEST = 'evalens/serverStats';

export interface ServerStats {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Whether a garbage collection ran first (node started with --expose-gc). */
  collected: boolean;
}
