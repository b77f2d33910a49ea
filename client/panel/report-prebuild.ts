import type * as vscode from 'vscode';
import { TERMINAL_STATUSES, type RunStatus } from '../../shared/run-types';
import { loadReportData } from '../../engine/report/report-cache';
import type { EvalensContext } from '../context';
import type { RunStoreWatcher } from './run-store-watcher';

/**
 * Builds a run's report data as soon as the run finishes (here or in a terminal), one run
 * at a time, so that opening its report reads the cached data instead of a pass over every
 * record. Runs already finished when the window opened are built when first shown.
 */
export class ReportPrebuilder implements vscode.Disposable {
  private readonly statuses = new Map<string, RunStatus>();
  private queue: Promise<void> = Promise.resolve();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly ctx: EvalensContext,
    private readonly watcher: RunStoreWatcher,
  ) {
    this.subscription = watcher.onDidChange((ids) => ids.forEach((id) => this.changed(id)));
  }

  private changed(runId: string): void {
    const store = this.watcher.store();
    if (!store.exists(runId)) return void this.statuses.delete(runId);
    let manifest;
    try {
      manifest = store.read(runId);
    } catch {
      return; // the views report an unreadable run
    }
    const before = this.statuses.get(runId);
    this.statuses.set(runId, manifest.status);
    if (before === undefined || TERMINAL_STATUSES.includes(before) || !TERMINAL_STATUSES.includes(manifest.status)) return;
    this.queue = this.queue.then(() =>
      loadReportData(store, manifest).then(
        () => this.ctx.log(`report of run ${runId} built ahead`),
        (error: unknown) => this.ctx.log(`report of run ${runId} not built ahead: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
