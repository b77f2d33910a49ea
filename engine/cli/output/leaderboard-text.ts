import path from 'node:path';
import type { Leaderboard } from '../../report/leaderboard';

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

const NAME_WIDTH = 40;

/** The ranking as a terminal table, best first, with what was left out and why. */
export function formatLeaderboard(board: Leaderboard, paint: Paint, cwd = process.cwd()): string {
  const direction = board.lowerIsBetter ? 'lower is better' : 'higher is better';
  const lines = [`${paint('bold', `${board.metric} on ${board.benchmark}`)} (${direction}): ${board.ranked} run${board.ranked === 1 ? '' : 's'} ranked`];
  const header = ['rank', board.metric, 'run', 'name', 'model', 'sha256', 'checkpoint', 'created (UTC)'];
  const rows = board.entries.map((e) => [
    String(e.rank),
    e.value.toFixed(4),
    e.runId,
    e.name.length > NAME_WIDTH ? `${e.name.slice(0, NAME_WIDTH - 1)}…` : e.name,
    e.modelPath === '' ? '—' : path.relative(cwd, e.modelPath) || e.modelPath,
    e.modelHash.slice(0, 12),
    e.checkpoint ?? '—',
    e.createdAt.slice(0, 19).replace('T', ' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) => `  ${cells.map((c, i) => (i <= 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  lines.push(paint('dim', render(header)), ...rows.map((r, i) => (board.entries[i]!.rank === 1 ? paint('green', render(r)) : render(r))));
  if (board.ranked > board.entries.length) lines.push(paint('dim', `  … ${board.ranked - board.entries.length} more ranked (--limit)`));
  const { withoutBenchmark, withoutMetric } = board.leftOut;
  const left = withoutBenchmark + withoutMetric;
  if (left > 0) {
    const why = [withoutBenchmark > 0 ? `${withoutBenchmark} without benchmark '${board.benchmark}'` : '', withoutMetric > 0 ? `${withoutMetric} not reporting ${board.metric} on it` : ''].filter((x) => x !== '');
    lines.push('', `Left out: ${left} completed evaluation run${left === 1 ? '' : 's'} (${why.join(', ')}).`);
  }
  return lines.join('\n');
}
