import { z } from 'zod';

/**
 * The integration test's result: printed by `evalens test --json`, read by the extension's
 * Test Explorer and the panel. Declared once here and imported by all of them.
 */

export const checkStatusSchema = z.enum(['passed', 'failed', 'warning']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const sourceLocationSchema = z.object({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});
export type SourceLocation = z.infer<typeof sourceLocationSchema>;

export const checkResultSchema = z.object({
  /** Stable id of the kind of check, e.g. `encoder.shape`. */
  id: z.string(),
  status: checkStatusSchema,
  /** What was checked, e.g. `input:image`, `metadata:stats`, `output:logits`, `model`. */
  component: z.string(),
  message: z.string(),
  /** First sample that failed (or warned), with its subset. */
  sample: z.number().int().nonnegative().optional(),
  subset: z.string().optional(),
  /** How many checked samples failed or warned. */
  affected: z.number().int().nonnegative().optional(),
  /** Where in the user's code the failure was raised, when known. */
  location: sourceLocationSchema.optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const timingSchema = z.object({
  component: z.string(),
  msPerSample: z.number().nonnegative(),
  samples: z.number().int().nonnegative(),
});
export type Timing = z.infer<typeof timingSchema>;

export const integrationTestReportSchema = z.object({
  ok: z.boolean(),
  samplesChecked: z.number().int().nonnegative(),
  script: z.string(),
  model: z.string(),
  subsets: z.array(z.object({ name: z.string(), length: z.number().int().nonnegative(), checked: z.number().int().nonnegative() })),
  checks: z.array(checkResultSchema),
  timings: z.array(timingSchema),
});
export type IntegrationTestReport = z.infer<typeof integrationTestReportSchema>;
