/** Exit codes of `evalens`, documented in the README; CI jobs branch on them. */
export const ExitCode = {
  ok: 0,
  /** A check of the integration test failed, or a run failed or was cancelled. */
  checkFailed: 1,
  usage: 2,
  /** The run completed but a quality gate failed. */
  gateFailed: 3,
} as const;
