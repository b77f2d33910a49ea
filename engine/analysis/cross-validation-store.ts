import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { crossValidationSchema, type CrossValidation } from '../../shared/cross-validation-types';
import { EvalensError } from '../errors';
import type { RunStore } from '../runs/run-store';

/** A cross-validation run's result, beside its manifest. */
export const CROSS_VALIDATION_FILE = 'cross-validation.json';

/** A finished cross-validation's result, read back and checked. */
export function readCrossValidation(store: RunStore, runId: string): CrossValidation {
  const manifest = store.read(runId);
  const file = path.join(store.runDir(runId), CROSS_VALIDATION_FILE);
  if (manifest.kind !== 'cross-validation') throw new EvalensError('usage', `Run ${runId} is an ${manifest.kind} run, not a cross-validation. List cross-validations with: evalens runs list --kind cross-validation`);
  if (!existsSync(file)) throw new EvalensError('run-corrupt', `Run ${runId}: ${file} is missing. Delete the run and cross-validate again (evalens cv).`);
  const parsed = crossValidationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new EvalensError('run-corrupt', `${file} is not a valid cross-validation result (${parsed.error.issues[0]?.message ?? 'unreadable'}). Delete the run and cross-validate again.`);
  return parsed.data;
}
