import type { RunEvent } from '../../shared/run-types';

/** A timestamped entry for a run's event log. */
export function event(kind: RunEvent['kind'], message: string): RunEvent {
  return { at: new Date().toISOString(), kind, message };
}
