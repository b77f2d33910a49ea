/** Exit codes of `evalens`, documented in the README; CI jobs branch on them. */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
} as const;
