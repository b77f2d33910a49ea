import { runProgress, type RunKind, type RunManifest, type RunResults, type RunStatus } from '../../../shared/run-types';

/** One run as `evalens runs list --json` prints it. */
export interface RunListEntry {
  runId: string;
  status: RunStatus;
  kind: RunKind;
  name: string;
  createdAt: string;
  updatedAt: string;
  progress: { done: number; total: number };
  /** Of a completed run; null otherwise. */
  overallScore: number | null;
  error?: string;
}

/** What `evalens runs list --json` prints. */
export interface RunListJson {
  runs: RunListEntry[];
  nextPageToken?: string;
}

export function runListEntry(manifest: RunManifest, results: RunResults | undefined): RunListEntry {
  const entry: RunListEntry = {
    runId: manifest.runId,
    status: manifest.status,
    kind: manifest.kind,
    name: manifest.name,
    createdAt: manifest.createdAt,
    updatedAt: manifest.updatedAt,
    progress: runProgress(manifest),
    overallScore: manifest.status === 'completed' ? (results?.overallScore ?? null) : null,
  };
  if (manifest.error !== undefined) entry.error = manifest.error.message;
  return entry;
}

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

const NAME_WIDTH = 48;

/** The runs as a terminal table, newest first as listed. */
export function formatRunList(entries: readonly RunListEntry[], paint: Paint): string {
  const header = ['run', 'status', 'kind', 'name', 'created (UTC)', 'progress', 'score'];
  const rows = entries.map((e) => [
    e.runId,
    e.status,
    e.kind,
    e.name.length > NAME_WIDTH ? `${e.name.slice(0, NAME_WIDTH - 1)}…` : e.name,
    e.createdAt.slice(0, 19).replace('T', ' '),
    `${e.progress.done}/${e.progress.total}`,
    e.overallScore === null ? '—' : e.overallScore.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([5, 6]);
  const render = (cells: string[], style?: (i: number, padded: string) => string) =>
    cells
      .map((c, i) => {
        const padded = numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
        return style === undefined ? padded : style(i, padded);
      })
      .join('  ')
      .trimEnd();
  const statusStyle = (status: string) => (status === 'completed' ? 'green' : status === 'failed' ? 'red' : status === 'cancelled' ? 'dim' : 'yellow');
  return [paint('dim', render(header)), ...rows.map((r) => render(r, (i, padded) => (i === 1 ? paint(statusStyle(r[1]!), padded) : padded)))].join('\n');
}
