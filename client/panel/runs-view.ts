import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { RunManifest } from '../../shared/run-types';
import type { RunSummary } from '../../shared/report-data';
import { runFilterSchema, type LiveProgress, type RunFilter, type RunListStatus, type RunRow } from '../../shared/webview-protocol';
import { runSummary } from '../../engine/report/run-summary';
import { MANIFEST, type RunStore } from '../../engine/runs/run-store';
import { isRunId } from '../../engine/runs/run-id';
import type { EvalensContext } from '../context';
import type { LiveProgressTracker } from './live-progress';
import type { RunStoreWatcher } from './run-store-watcher';
import { integrationOf, runAction, type ActionParts } from './run-actions';
import { openLocation } from './open-location';
import { appHtml, post, routeMessages, webviewOptions } from './webview-host';

export const EVALUATIONS_VIEW_ID = 'evalens.evaluations';
const PAGE_SIZE = 20;

/**
 * The Evaluations view: the runs of the store, newest first, filtered and a page at a
 * time, with live progress. Sends the page again whenever the store changes, whoever
 * changed it (this window, a CLI in a terminal, another window).
 */
export class EvaluationsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private filter: RunFilter = runFilterSchema.parse({});
  private page = 0;
  /** Summaries of settled runs, by run id, valid while the manifest's updatedAt is the same. */
  private readonly summaries = new Map<string, { updatedAt: string; summary: RunSummary }>();
  /** The status each listed run was last sent with. */
  private sentStatus = new Map<string, RunListStatus>();
  /** The unreadable runs last told about, so the notice is not repeated at every refresh. */
  private unreadable = '';
  /** Scripts of the runs listed: the files outside the workspace a failed run's link may open. */
  private scripts = new Set<string>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly ctx: EvalensContext,
    private readonly watcher: RunStoreWatcher,
    private readonly progress: LiveProgressTracker,
    private readonly actions: ActionParts,
  ) {
    this.disposables = [
      vscode.window.registerWebviewViewProvider(EVALUATIONS_VIEW_ID, this),
      watcher.onDidChange(() => this.sendRuns()),
      progress.onDidChange((live) => this.sendProgress(live)),
    ];
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const extensionUri = this.ctx.extension.extensionUri;
    view.webview.options = webviewOptions(extensionUri);
    view.webview.html = appHtml(view.webview, extensionUri, 'runs', 'Evaluations');
    const log = (line: string) => this.ctx.log(line);
    const messages = routeMessages(view.webview, 'Evaluations view', log, {
      ready: () => this.sendRuns(),
      listRuns: (m) => {
        this.filter = m.filter;
        this.page = m.page;
        this.sendRuns();
      },
      runAction: (m) => runAction(this.actions, m),
      openLocation: (m) => openLocation(m, [...this.scripts]),
    });
    view.onDidDispose(() => {
      messages.dispose();
      this.view = undefined;
    });
  }

  /** Sends the current page again, read afresh (the Refresh command). */
  refresh(): void {
    this.summaries.clear();
    this.sendRuns();
  }

  private sendProgress(live: LiveProgress): void {
    if (this.view === undefined || !this.view.visible) return;
    post(this.view.webview, { type: 'progress', progress: live }, (l) => this.ctx.log(l));
    // A runner can report before its manifest says `evaluating` reaches the view: list the run afresh.
    const status = this.sentStatus.get(live.runId);
    if (status !== undefined && status !== 'evaluating') this.watcher.refresh();
  }

  private sendRuns(): void {
    const view = this.view;
    if (view === undefined || !view.visible) return;
    const store = this.watcher.store();
    const unreadable: string[] = [];
    const skip = (runId: string, error: unknown) => {
      unreadable.push(runId);
      this.ctx.log(`Evaluations view: skipped run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    };
    const manifests = readAll(store, skip);
    const search = this.filter.search.trim().toLowerCase();
    const matching = manifests
      .filter((m) => this.filter.kind.length === 0 || this.filter.kind.includes(m.kind))
      .filter((m) => search === '' || m.name.toLowerCase().includes(search) || m.runId.includes(search))
      .flatMap((m) => {
        try {
          return [{ m, summary: this.summary(store, m) }];
        } catch (error) {
          skip(m.runId, error);
          return [];
        }
      })
      .filter(({ summary }) => this.filter.status.length === 0 || this.filter.status.includes(listStatus(summary)));
    const pageCount = Math.ceil(matching.length / PAGE_SIZE);
    const page = Math.min(this.page, Math.max(0, pageCount - 1));
    const shown = matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    this.sentStatus = new Map(shown.map(({ summary }) => [summary.runId, listStatus(summary)]));
    this.scripts = new Set(shown.map(({ m }) => integrationOf(m)).filter((s): s is string => s !== undefined).map((s) => path.resolve(s)));
    const rows: RunRow[] = shown.map(({ summary }) => {
      const live = listStatus(summary) === 'evaluating' ? this.progress.get(summary.runId) : undefined;
      return live === undefined ? { summary } : { summary, live };
    });
    const log = (line: string) => this.ctx.log(line);
    post(view.webview, { type: 'runs', filter: this.filter, rows, page, pageCount, storeTotal: manifests.length + unreadable.length }, log);
    // Told once per set of unreadable runs, not at every refresh (the user may have dismissed it).
    const key = unreadable.sort().join(',');
    if (key !== this.unreadable && unreadable.length > 0) {
      const message = `${unreadable.length} run${unreadable.length === 1 ? '' : 's'} of ${store.root} could not be read (${unreadable.join(', ')}): changed outside Evalens or by another version. Details are in the Evalens log; delete them with evalens runs delete.`;
      post(view.webview, { type: 'notice', level: 'warning', message }, log);
    }
    this.unreadable = key;
  }

  /** A run's summary; a run being evaluated is summarised afresh each time (its process may have died meanwhile). */
  private summary(store: RunStore, m: RunManifest): RunSummary {
    const cached = this.summaries.get(m.runId);
    if (cached !== undefined && cached.updatedAt === m.updatedAt && m.status !== 'evaluating') return cached.summary;
    const summary = runSummary(store, m);
    this.summaries.set(m.runId, { updatedAt: m.updatedAt, summary });
    return summary;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** What the list shows and filters on: the store's status, or `interrupted` for a run whose process is gone. */
function listStatus(summary: RunSummary): RunListStatus {
  return summary.interrupted ? 'interrupted' : summary.status;
}

/** Every readable run, newest first; an unreadable manifest is reported, not allowed to hide the others. */
function readAll(store: RunStore, skip: (runId: string, error: unknown) => void): RunManifest[] {
  const manifests: RunManifest[] = [];
  const ids = existsSync(store.root) ? readdirSync(store.root).filter((name) => isRunId(name) && existsSync(path.join(store.root, name, MANIFEST))) : [];
  for (const runId of ids) {
    try {
      manifests.push(store.read(runId));
    } catch (error) {
      skip(runId, error);
    }
  }
  return manifests.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId));
}
