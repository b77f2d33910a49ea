import { randomBytes } from 'node:crypto';
import { EvalensError } from '../errors';

/** Run ids sort by creation time and are safe as folder names: `20261123-191530-3f9a1c`. */
const RUN_ID = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Rejects anything that is not a run id, so an id can never name a path outside the store. */
export function assertRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new EvalensError('usage', `'${runId}' is not a run id (they look like 20261123-191530-3f9a1c). List the runs with: evalens runs list`);
  }
  return runId;
}

export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
