import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import path from 'node:path';
import { ANALYSIS_FILE } from '../../shared/analysis-types';
import type { RunManifest } from '../../shared/run-types';
import type { ReportData } from '../../shared/report-data';
import { reportPanelStateSchema, type HostMessage } from '../../shared/webview-protocol';
import { analysisDir } from '../../engine/analysis/analysis-store';
import { loadReportData } from '../../engine/report/report-cache';
import { compareRuns } from '../../engine/report/compare-runs';
import type { EvalensContext } from '../context';
import { analyzeRun, exportSuggestions } from './analysis-actions';
import type { RunStoreWatcher } from './run-store-watcher';
import { integrationOf, runAction, type ActionParts } from './run-actions';
import { openLocation } from './open-location';
import { sampleDetail } from './sample-request';
import { appHtml, post, routeMessages, webviewOptions } from './webview-host';

export const REPORT_VIEW_TYPE = 'evalens.report';
/** While a run is evaluating its report is rebuilt at most this often (a 100k-sample report takes a while to build). */
const EVALUATING_REFRESH_MS = 5_000;

/**
 * The report panels: one editor webview per run, reused when asked for again. Their state
 * (the run shown) lives in the webview (vscode.setState, reportPanelStateSchema), so VS Code
 * restores them after a window reload through this serializer.
 */
export class ReportPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[];
  /** What row and header actions act on: they open, compare and close these panels. */
  readonly actions: ActionParts;

  constructor(
    private readonly ctx: EvalensContext,
    private readonly watcher: RunStoreWatcher,
  ) {
    this.actions = { ctx, store: () => watcher.store(), reports: this };
    this.disposables = [
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, this),
      watcher.onDidChange((ids) => {
        for (const id of ids) this.panels.get(id)?.runChanged();
      }),
    ];
  }

  show(runId: string): ReportPanel {
    const open = this.panels.get(runId);
    if (open !== undefined) {
      open.panel.reveal();
      return open;
    }
    const manifest = this.watcher.store().read(runId);
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, panelTitle(manifest), vscode.ViewColumn.Active, { ...webviewOptions(this.ctx.extension.extensionUri), retainContextWhenHidden: false, enableFindWidget: true });
    return this.adopt(panel, manifest);
  }

  /** Opens (or reuses) the report of `runId` and shows its comparison with `otherRunId`. */
  compare(runId: string, otherRunId: string): void {
    this.show(runId).compareWith(otherRunId);
  }

  close(runId: string): void {
    this.panels.get(runId)?.panel.dispose();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const parsed = reportPanelStateSchema.safeParse(state);
    const store = this.watcher.store();
    if (!parsed.success || !store.exists(parsed.data.runId) || this.panels.has(parsed.data.runId)) {
      this.ctx.log(`not restoring a report panel: ${parsed.success ? `run ${parsed.data.runId} is gone or already shown` : 'it kept no run id'}`);
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.ctx.extension.extensionUri);
    this.adopt(panel, store.read(parsed.data.runId));
  }

  private adopt(panel: vscode.WebviewPanel, manifest: RunManifest): ReportPanel {
    const report = new ReportPanel(panel, manifest, this.ctx, this.watcher, this.actions);
    this.panels.set(manifest.runId, report);
    panel.onDidDispose(() => this.panels.delete(manifest.runId));
    return report;
  }

  // Open panels are left to VS Code: disposing them on deactivation would close their tabs, and a reload would not restore them.
  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** One run's report: sent when the app is ready, again when the run changes. */
class ReportPanel {
  /** The app has loaded and listens; a hidden panel's webview is gone (no retained context) until it says ready again. */
  private ready = false;
  /** The last report sent, for the manifest and analysis it was built from: a panel shown again gets it without a rebuild. */
  private sent: { stamp: string; data: ReportData } | undefined;
  private building: Promise<void> | undefined;
  private stale = false;
  private lastStatus: string;
  private lastBuild = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  private otherRunId: string | undefined;
  readonly runId: string;

  constructor(
    readonly panel: vscode.WebviewPanel,
    manifest: RunManifest,
    private readonly ctx: EvalensContext,
    private readonly watcher: RunStoreWatcher,
    actions: ActionParts,
  ) {
    const runId = (this.runId = manifest.runId);
    this.lastStatus = manifest.status;
    const extensionUri = ctx.extension.extensionUri;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'evalens.svg');
    panel.webview.html = appHtml(panel.webview, extensionUri, 'report', panelTitle(manifest));
    const script = integrationOf(manifest);
    const messages = routeMessages(panel.webview, `Report ${runId}`, (l) => ctx.log(l), {
      ready: () => {
        this.ready = true;
        return this.sendReport();
      },
      runAction: (m) => runAction(actions, m),
      openLocation: (m) => openLocation(m, script === undefined ? [] : [path.resolve(script)]),
      requestSample: async (m) => this.send({ type: 'sample', requestId: m.requestId, ...(await sampleDetail(ctx, watcher.store(), m)) }),
      analyzeRun: async (m) => {
        const result = await analyzeRun(ctx, watcher.store(), m);
        if (result.ok) return this.sendReport();
        this.send({ type: 'notice', level: 'error', message: result.error });
      },
      exportSuggestions: (m) => exportSuggestions(ctx, watcher.store(), m),
    });
    const visibility = panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      clearTimeout(this.refreshTimer);
      messages.dispose();
      visibility.dispose();
    });
  }

  compareWith(otherRunId: string): void {
    this.otherRunId = otherRunId;
    if (this.ready) void this.sendComparison().catch((error: unknown) => this.fail('comparison', error));
  }

  /** The run's manifest changed: a settled change (status) is sent at once, progress of an evaluating run now and then. */
  runChanged(): void {
    const store = this.watcher.store();
    const runId = this.runId;
    if (!store.exists(runId)) {
      this.send({ type: 'notice', level: 'warning', message: `Run ${runId} was deleted from ${store.root}: this report is what it showed last.` });
      return;
    }
    let manifest: RunManifest;
    try {
      manifest = store.read(runId);
    } catch (error) {
      return this.fail('report', error);
    }
    this.panel.title = panelTitle(manifest);
    const settled = manifest.status !== this.lastStatus || manifest.status !== 'evaluating';
    this.lastStatus = manifest.status;
    clearTimeout(this.refreshTimer);
    const wait = settled ? 0 : this.lastBuild + EVALUATING_REFRESH_MS - Date.now();
    if (wait <= 0) void this.sendReport();
    else this.refreshTimer = setTimeout(() => void this.sendReport(), wait);
  }

  /**
   * Builds and sends the report; a change while one is being built builds it once more after.
   * A failure (the run deleted or corrupted meanwhile) is told to the panel, never thrown.
   */
  private async sendReport(): Promise<void> {
    if (!this.ready) return;
    if (this.building !== undefined) {
      this.stale = true;
      return this.building;
    }
    this.building = this.build()
      .catch((error: unknown) => this.fail('report', error))
      .finally(() => (this.building = undefined));
    return this.building;
  }

  private fail(what: 'report' | 'comparison', error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.ctx.log(`${what} of run ${this.runId} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
    this.send({ type: 'notice', level: 'error', message: `The ${what} could not be built: ${message}` });
  }

  private async build(): Promise<void> {
    do {
      this.stale = false;
      this.lastBuild = Date.now();
      const store = this.watcher.store();
      const manifest = store.read(this.runId);
      // An analysis leaves the manifest as it was: its file's time tells a new one.
      const analysed = statSync(path.join(analysisDir(store, this.runId), ANALYSIS_FILE), { throwIfNoEntry: false })?.mtimeMs ?? 0;
      const stamp = `${manifest.updatedAt} ${analysed}`;
      if (this.sent?.stamp !== stamp) this.sent = { stamp, data: await loadReportData(store, manifest) };
      this.send({ type: 'report', data: this.sent.data });
    } while (this.stale);
    if (this.otherRunId !== undefined) await this.sendComparison();
  }

  private async sendComparison(): Promise<void> {
    const store = this.watcher.store();
    const other = this.otherRunId!;
    if (!store.exists(other)) {
      this.send({ type: 'notice', level: 'error', message: `Run ${other} is no longer in the store: pick another run to compare with.` });
      return;
    }
    this.send({ type: 'comparison', data: await compareRuns(store, store.read(this.runId), store.read(other)) });
  }

  private send(message: HostMessage): void {
    post(this.panel.webview, message, (l) => this.ctx.log(l));
  }
}

function panelTitle(m: RunManifest): string {
  return `Evalens: ${m.name}`;
}
