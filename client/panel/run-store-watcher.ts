import * as vscode from 'vscode';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST, RunStore } from '../../engine/runs/run-store';
import { isRunId } from '../../engine/runs/run-id';
import type { EvalensContext } from '../context';
import { onSettingsChanged } from '../config';

const DEBOUNCE_MS = 150;
/** File events can be missed (a store outside the workspace, a network drive): a slow poll catches up. */
const POLL_MS = 2_000;

/**
 * Tells which runs of the store changed: created, deleted, or their manifest rewritten, by
 * this window, a CLI in a terminal or another window. File events on `*\/manifest.json`
 * (through a RelativePattern, so a store outside the workspace is watched too) and a slow
 * poll both only trigger a rescan; the rescan compares each manifest's mtime and size with
 * the last scan's, so a change is reported once however it was noticed.
 */
export class RunStoreWatcher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ReadonlySet<string>>();
  /** Fires with the ids of the runs that changed since the last scan. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private fileWatcher: vscode.Disposable | undefined;
  private root = '';
  private seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly poll: NodeJS.Timeout;

  constructor(private readonly ctx: EvalensContext) {
    this.watch();
    this.poll = setInterval(() => this.scan(), POLL_MS);
    this.disposables.push(
      ctx.onDidChangeRuns(() => this.refresh()),
      onSettingsChanged(() => this.watch()),
    );
  }

  /** The store the panel shows: the first workspace folder's (the panel is not per editor). */
  store(): RunStore {
    return new RunStore(this.root);
  }

  /** Rescans soon; changes are reported once, after a burst of events settles. */
  refresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.scan(), DEBOUNCE_MS);
  }

  private watch(): void {
    const root = this.ctx.store(vscode.workspace.workspaceFolders?.[0]?.uri).root;
    if (root === this.root) return;
    this.root = root;
    this.fileWatcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), `*/${MANIFEST}`));
    const refresh = () => this.refresh();
    this.fileWatcher = vscode.Disposable.from(watcher, watcher.onDidCreate(refresh), watcher.onDidChange(refresh), watcher.onDidDelete(refresh));
    this.seen = new Map();
    this.scan();
  }

  private scan(): void {
    const now = fingerprints(this.root);
    const changed = new Set<string>();
    for (const [id, print] of now) if (this.seen.get(id) !== print) changed.add(id);
    for (const id of this.seen.keys()) if (!now.has(id)) changed.add(id);
    this.seen = now;
    if (changed.size > 0) this.changed.fire(changed);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.poll);
    this.fileWatcher?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Each run's manifest as mtime and size: what changes whenever the store rewrites it. */
function fingerprints(root: string): Map<string, string> {
  const prints = new Map<string, string>();
  if (!existsSync(root)) return prints;
  for (const name of readdirSync(root)) {
    if (!isRunId(name)) continue;
    try {
      const stat = statSync(path.join(root, name, MANIFEST));
      prints.set(name, `${stat.mtimeMs}:${stat.size}`);
    } catch {
      // a run folder being created or deleted: the next scan sees it settled
    }
  }
  return prints;
}
