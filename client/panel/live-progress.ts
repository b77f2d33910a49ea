import * as vscode from 'vscode';
import { runProgress, type RunManifest } from '../../shared/run-types';
import type { LiveProgress } from '../../shared/webview-protocol';
import type { RunProgress } from '../../engine/runner/worker-protocol';
import type { EvalensContext } from '../context';
import type { RunStoreWatcher } from './run-store-watcher';

/** At most four updates a second per run: enough to see it move, little enough for the webview. */
const MIN_INTERVAL_MS = 250;
/** Samples/s is measured over the checkpoints of the last few seconds. */
const WINDOW_MS = 15_000;
/** A runner of this window reports more often than checkpoints land: its figures win meanwhile. */
const RUNNER_FRESH_MS = 3_000;

interface Tracked {
  /** Successive checkpoints: when they were seen and the samples done then. */
  points: { at: number; done: number }[];
  latest: LiveProgress;
  runnerAt: number;
  sentAt: number;
  timer?: NodeJS.Timeout;
}

/**
 * Live progress of the runs being evaluated, for any process: from the runner's own
 * reports for runs this window runs, and from successive manifests' checkpoints for runs
 * another process (a CLI in a terminal, another window) runs. Throttled per run.
 */
export class LiveProgressTracker implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LiveProgress>();
  readonly onDidChange = this.changed.event;
  private readonly runs = new Map<string, Tracked>();
  private readonly disposables: vscode.Disposable[];

  constructor(ctx: EvalensContext, private readonly watcher: RunStoreWatcher) {
    this.disposables = [
      this.changed,
      ctx.onDidReportProgress(({ runId, progress }) => this.fromRunner(runId, progress)),
      watcher.onDidChange((ids) => this.fromStore(ids)),
    ];
  }

  get(runId: string): LiveProgress | undefined {
    return this.runs.get(runId)?.latest;
  }

  private fromStore(ids: ReadonlySet<string>): void {
    const store = this.watcher.store();
    for (const runId of ids) {
      let manifest: RunManifest | undefined;
      try {
        manifest = store.exists(runId) ? store.read(runId) : undefined;
      } catch {
        manifest = undefined; // unreadable for now: the view reports it
      }
      if (manifest?.status === 'evaluating') this.fromManifest(manifest);
      else this.forget(runId);
    }
  }

  private fromManifest(manifest: RunManifest): void {
    const { done, total } = runProgress(manifest);
    const tracked = this.track(manifest.runId, { runId: manifest.runId, done, total, samplesPerSecond: null, etaSeconds: null });
    const now = Date.now();
    // A resume restarts nothing, but a rewritten store could: start measuring afresh.
    if (tracked.points.length > 0 && done < tracked.points.at(-1)!.done) tracked.points = [];
    tracked.points.push({ at: now, done });
    tracked.points = tracked.points.filter((p) => now - p.at <= WINDOW_MS);
    if (now - tracked.runnerAt < RUNNER_FRESH_MS) return;
    const first = tracked.points[0]!;
    const span = (now - first.at) / 1000;
    const rate = span >= 0.5 ? (done - first.done) / span : null;
    const benchmark = manifest.benchmarks.find((b) => b.done < b.total)?.name;
    this.update(tracked, { runId: manifest.runId, done, total, benchmark, samplesPerSecond: rate, etaSeconds: rate ? (total - done) / rate : null });
  }

  private fromRunner(runId: string, p: RunProgress): void {
    const tracked = this.track(runId, { runId, done: p.done, total: p.total, samplesPerSecond: null, etaSeconds: null });
    tracked.runnerAt = Date.now();
    this.update(tracked, { runId, done: p.done, total: p.total, benchmark: p.benchmark, samplesPerSecond: p.samplesPerSecond, etaSeconds: p.etaSeconds });
  }

  private track(runId: string, initial: LiveProgress): Tracked {
    let tracked = this.runs.get(runId);
    if (tracked === undefined) {
      tracked = { points: [], latest: initial, runnerAt: 0, sentAt: 0 };
      this.runs.set(runId, tracked);
    }
    return tracked;
  }

  /** Keeps the latest figures and sends them now, or once the interval since the last send is up. */
  private update(tracked: Tracked, progress: LiveProgress): void {
    tracked.latest = progress;
    if (tracked.timer !== undefined) return;
    const wait = tracked.sentAt + MIN_INTERVAL_MS - Date.now();
    const send = () => {
      tracked.timer = undefined;
      tracked.sentAt = Date.now();
      this.changed.fire(tracked.latest);
    };
    if (wait <= 0) send();
    else tracked.timer = setTimeout(send, wait);
  }

  private forget(runId: string): void {
    clearTimeout(this.runs.get(runId)?.timer);
    this.runs.delete(runId);
  }

  dispose(): void {
    for (const id of [...this.runs.keys()]) this.forget(id);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
