import type { ExportFormat, HostMessage, LiveProgress, RunAction, RunFilter, RunListStatus, RunRow } from '../../shared/webview-protocol';
import type { RunKind } from '../../shared/run-types';
import type { Host } from '../host';
import { Store } from './store';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Wait after the last keystroke before asking the host for a search's page. */
export const SEARCH_DEBOUNCE_MS = 250;

/** The Evaluations view's state: the page of runs the host sent, live progress, and the filter it was asked with. */
export class RunsState extends Store {
  rows: RunRow[] = [];
  filter: RunFilter = { status: [], kind: [], search: '' };
  page = 0;
  pageCount = 0;
  storeTotal = 0;
  /** False until the first page arrives: nothing is said about an empty store before then. */
  loaded = false;
  notice: Notice | undefined;
  /** Latest progress per run, newer than the page's. */
  private readonly live = new Map<string, LiveProgress>();
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host) {
    super();
    host.onMessage((message) => this.apply(message));
  }

  get interactive(): boolean {
    return this.host.interactive;
  }

  progressOf(row: RunRow): LiveProgress | undefined {
    return this.live.get(row.summary.runId) ?? row.live;
  }

  private apply(message: HostMessage): void {
    switch (message.type) {
      case 'runs':
        this.rows = message.rows;
        this.filter = message.filter;
        this.page = message.page;
        this.pageCount = message.pageCount;
        this.storeTotal = message.storeTotal;
        this.loaded = true;
        // The page's own figures are the freshest for the runs it lists.
        for (const row of message.rows) {
          if (row.live === undefined) this.live.delete(row.summary.runId);
          else this.live.set(row.summary.runId, row.live);
        }
        break;
      case 'progress':
        this.live.set(message.progress.runId, message.progress);
        break;
      case 'notice':
        this.notice = { level: message.level, message: message.message };
        break;
      default:
        return;
    }
    this.changed();
  }

  toggleStatus(status: RunListStatus): void {
    this.filter = { ...this.filter, status: toggled(this.filter.status, status) };
    this.request(0);
  }

  toggleKind(kind: RunKind): void {
    this.filter = { ...this.filter, kind: toggled(this.filter.kind, kind) };
    this.request(0);
  }

  /** Typing asks once the user pauses, not at every keystroke. */
  search(text: string): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.filter = { ...this.filter, search: text };
      this.request(0);
    }, SEARCH_DEBOUNCE_MS);
  }

  goToPage(page: number): void {
    if (page < 0 || page >= this.pageCount || page === this.page) return;
    this.request(page);
  }

  act(action: RunAction, runId: string, format?: ExportFormat): void {
    this.host.post({ type: 'runAction', action, runId, ...(format === undefined ? {} : { format }) });
  }

  openLocation(file: string, line: number, column?: number): void {
    this.host.post({ type: 'openLocation', file, line, ...(column === undefined ? {} : { column }) });
  }

  dismissNotice(): void {
    this.notice = undefined;
    this.changed();
  }

  private request(page: number): void {
    this.host.post({ type: 'listRuns', filter: this.filter, page });
    this.changed();
  }
}

function toggled<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}
