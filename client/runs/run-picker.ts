import * as vscode from 'vscode';
import { runProgress, type RunManifest, type RunStatus } from '../../shared/run-types';
import type { RunStore } from '../../engine/runs/run-store';

interface RunItem extends vscode.QuickPickItem {
  runId?: string;
  /** The "load more" item carries the next page token. */
  more?: string;
}

const ICON: Record<RunStatus, string> = {
  queued: '$(clock)',
  evaluating: '$(sync~spin)',
  completed: '$(pass)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
};

/** Picks a run from the store, newest first, a page at a time (20 runs, then "Load more…"); `exclude` is left out (the run compared with). */
export async function pickRun(store: RunStore, title: string, status?: RunStatus[], exclude?: string): Promise<RunManifest | undefined> {
  const quickPick = vscode.window.createQuickPick<RunItem>();
  quickPick.title = title;
  quickPick.placeholder = 'Type to filter runs by name or id';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  const runs: RunManifest[] = [];
  const load = (token?: string) => {
    const page = store.list({ status, pageSize: 20, pageToken: token });
    runs.push(...page.runs.filter((m) => m.runId !== exclude));
    quickPick.items = [
      ...runs.map((m) => describe(m)),
      ...(page.nextPageToken ? [{ label: '$(ellipsis) Load more runs…', more: page.nextPageToken, alwaysShow: true }] : []),
    ];
    if (runs.length === 0) quickPick.placeholder = status ? `No ${status.join(' or ')} runs in ${store.root}` : `No runs in ${store.root}`;
  };
  load();
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0];
      if (item?.more !== undefined) {
        load(item.more);
        return;
      }
      resolve(runs.find((m) => m.runId === item?.runId));
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}

function describe(m: RunManifest): RunItem {
  const { done, total } = runProgress(m);
  return {
    label: `${ICON[m.status]} ${m.name}`,
    description: `${m.status} · ${done}/${total} samples`,
    detail: `${m.runId} · ${new Date(m.createdAt).toLocaleString()}${m.error ? ` · ${m.error.message.slice(0, 120)}` : ''}`,
    runId: m.runId,
  };
}
