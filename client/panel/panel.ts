import * as vscode from 'vscode';
import type { EvalensContext } from '../context';
import { LiveProgressTracker } from './live-progress';
import { ReportPanels } from './report-panel';
import { ReportPrebuilder } from './report-prebuild';
import { RunStoreWatcher } from './run-store-watcher';
import { EvaluationsView } from './runs-view';
import type { ActionParts } from './run-actions';

/** The panel's parts, as commands reach them. */
export interface Panel extends vscode.Disposable {
  view: EvaluationsView;
  reports: ReportPanels;
  actions: ActionParts;
}

/** Registers the Evaluations view and the report panels over one watcher of the run store. */
export function registerPanel(ctx: EvalensContext): Panel {
  const watcher = new RunStoreWatcher(ctx);
  const progress = new LiveProgressTracker(ctx, watcher);
  const reports = new ReportPanels(ctx, watcher);
  const view = new EvaluationsView(ctx, watcher, progress, reports.actions);
  const parts = [view, reports, progress, new ReportPrebuilder(ctx, watcher), watcher];
  return { view, reports, actions: reports.actions, dispose: () => parts.forEach((p) => p.dispose()) };
}
