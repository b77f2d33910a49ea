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

/**
 * `evalens/integrationComponents` request, sent by the extension's Test Explorer to the
 * server when it lists a script's components and after each integration test of it. The
 * server answers with where each component of the script's `defineIntegration({...})` is
 * declared, from its analysis of the definition (open or not: a script only on disk is
 * read from disk). Why: test items and failure messages must point at the component's
 * property, which only the analysis knows (a text search lands on the wrong line); a
 * component whose place is unknown is left out, so it gets no place rather than a wrong one.
 */
export const INTEGRATION_COMPONENTS_REQUEST = 'evalens/integrationComponents';

export interface IntegrationComponentsParams {
  textDocument: { uri: string };
}

/** A place in a file, as LSP writes it (zero-based lines, UTF-16 characters). */
export interface DeclarationLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface IntegrationComponents {
  /** The `defineIntegration` call the loader reads (the default export). */
  definition: DeclarationLocation;
  /**
   * Declared components by the integration test's component id (`CheckResult.component`):
   * `preprocess`, `model`, `input:<name>`, `groundTruth:<name>`, `metadata:<name>`,
   * `metric:<name>`, `loss:<name>`, `visualizer:<name>`, `model-input:<model input>`,
   * `output:<model output>`.
   * The location is the property's name, in the script or in the file it comes from.
   */
  components: Record<string, DeclarationLocation>;
}
