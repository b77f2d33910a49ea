import * as vscode from 'vscode';
import type { RunManifest } from '../../shared/run-types';
import type { RunStore } from '../../engine/runs/run-store';
import type { EvalensContext } from '../context';
import type { EvaluationRunner } from './evaluation-runner';

/**
 * On start, offers to resume the runs the last session left unfinished: those still marked
 * evaluating by a process that is gone, and those that stopped because VS Code closed.
 */
export async function offerInterruptedRuns(ctx: EvalensContext, runner: EvaluationRunner, reconcile: (store: RunStore) => RunManifest[]): Promise<void> {
  const store = ctx.store();
  reconcile(store);
  const interrupted = store.all().filter((m) => (m.status === 'failed' || m.status === 'cancelled') && m.error?.resumable && m.events.at(-1)?.kind === 'interrupted');
  if (interrupted.length === 0) return;
  const resume = interrupted.length === 1 ? 'Resume' : 'Resume All';
  const names = interrupted.map((m) => `${m.name} (${m.runId})`).join(', ');
  const choice = await vscode.window.showInformationMessage(
    `${interrupted.length === 1 ? 'An evaluation was' : `${interrupted.length} evaluations were`} interrupted when VS Code or its process stopped: ${names}. Finished samples are kept.`,
    resume,
    'Not Now',
  );
  if (choice !== resume) return;
  for (const m of interrupted) await runner.resume(m.runId, false);
}
