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
  | 'resume-refused';

export interface ErrorLocation {
  file?: string;
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
