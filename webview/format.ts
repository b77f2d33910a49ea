import type { Cell, TableColumn } from '../shared/report-data';

/** How numbers, times and hashes read in the panel: one place, so every view says them alike. */

export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(4).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m)) || '0';
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(1)}%`;
}

/** A signed delta, written with its sign so it reads without colour. */
export function formatDelta(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '±0';
  return `${value > 0 ? '+' : '−'}${Math.abs(value).toFixed(4)}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatRate(samplesPerSecond: number | null | undefined): string {
  if (samplesPerSecond === null || samplesPerSecond === undefined || !Number.isFinite(samplesPerSecond)) return '—';
  return `${samplesPerSecond >= 100 ? samplesPerSecond.toFixed(0) : samplesPerSecond.toFixed(1)} samples/s`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago" from an ISO time. */
export function formatRelativeTime(iso: string, now = Date.now()): string {
  const seconds = (Date.parse(iso) - now) / 1000;
  if (!Number.isFinite(seconds)) return iso;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return iso;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function shortHash(hash: string): string {
  return hash.slice(0, 8);
}

export function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A sample-table cell as text: a correctness column says right or wrong, doubles keep 4 significant digits. */
export function formatCell(value: Cell, column: TableColumn): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return column.role === 'correct' ? (value ? 'right' : 'wrong') : value ? 'true' : 'false';
  if (typeof value === 'number' && column.type === 'double') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return String(value);
}
