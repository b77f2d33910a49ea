import { z } from 'zod';
import { runStatusSchema } from '../../shared/run-types';

/**
 * Messages between a process that supervises a run (CLI or extension host) and the runner
 * child process. Validated on receipt on both sides.
 */

/** Supervisor → runner. */
export const toRunnerSchema = z.discriminatedUnion('type', [
  /** Evaluate (or resume) the run `runId` of the store at `storeRoot`, keeping its resident memory under `memoryLimitMb`. */
  z.object({ type: z.literal('run'), storeRoot: z.string(), runId: z.string(), force: z.boolean(), memoryLimitMb: z.number().positive() }),
  /** Stop at the next batch boundary, keeping every finished sample. */
  z.object({ type: z.literal('cancel') }),
]);
export type ToRunner = z.infer<typeof toRunnerSchema>;

export const runProgressSchema = z.object({
  benchmark: z.string(),
  benchmarkDone: z.number().int().nonnegative(),
  benchmarkTotal: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  samplesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;

/** Runner → supervisor. */
export const fromRunnerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), progress: runProgressSchema }),
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({ type: z.literal('finished'), status: runStatusSchema, message: z.string().optional() }),
]);
export type FromRunner = z.infer<typeof fromRunnerSchema>;
