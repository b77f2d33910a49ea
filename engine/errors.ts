/**
 * The one error type the engine raises for problems a user can fix. Its message is a
 * complete paragraph meant to be shown as is (what is wrong, where, what to do); `code`
 * is stable so tests, the CLI and the extension can react to the kind of failure.
 */
export type EvalensErrorCode =
  | 'usage'
  | 'script-not-found'
  | 'script-compile'
  | 'script-runtime'
  | 'script-no-integration'
  | 'definition-invalid'
  | 'model-not-found'
  | 'model-invalid'
  | 'config-not-found'
  | 'config-invalid'
  | 'run-not-found'
  | 'run-corrupt'
  | 'resume-refused'
  | 'merge-refused'
  | 'benchmark-not-found'
  | 'sample-out-of-range'
  | 'no-visualizers'
  | 'visualizer-failed';

export interface ErrorLocation {
  file?: string;
  /** Line and column in `file` (the user's script), when the error was raised in its code. */
  line?: number;
  column?: number;
  component?: string;
  subset?: string;
  sample?: number;
}

export class EvalensError extends Error {
  override readonly name = 'EvalensError';
  constructor(
    readonly code: EvalensErrorCode,
    message: string,
    readonly location: ErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isEvalensError(value: unknown): value is EvalensError {
  return value instanceof EvalensError;
}

/** Where in the user's script an error was raised, when the engine knows the line. */
export function scriptLocationOf(error: unknown): { file: string; line: number; column?: number } | undefined {
  if (!(error instanceof EvalensError) || error.location.file === undefined || error.location.line === undefined) return undefined;
  const { file, line, column } = error.location;
  return column === undefined ? { file, line } : { file, line, column };
}
