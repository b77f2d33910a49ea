import type { BenchmarkReport, Comparison, ReportData, SampleDetail } from '../../shared/report-data';
import type { ExportFormat, HostMessage, RunAction } from '../../shared/webview-protocol';
import { columnValues, querySamples, type CellFilter, type MetadataFilter, type SampleFilter, type SampleSort } from '../analysis/sample-query';
import type { Host } from '../host';
import type { Notice } from './runs-state';
import { Store } from './store';

export type SampleDetailState =
  | { position: number; status: 'loading' }
  | { position: number; status: 'ready'; detail: SampleDetail }
  | { position: number; status: 'error'; error: string };

/** A report panel's state: the run's report, a comparison when one was asked for, and what the user chose to look at. */
export class ReportState extends Store {
  report: ReportData | undefined;
  comparison: Comparison | undefined;
  notice: Notice | undefined;
  benchmarkIndex = 0;
  filter: SampleFilter = {};
  sort: SampleSort | undefined;
  detail: SampleDetailState | undefined;
  /** Threshold chosen per binary output (by name); the stored one until the user moves the slider. */
  readonly thresholds = new Map<string, number>();
  /** An analysis was asked for and its report has not come back yet. */
  analyzing = false;
  private rowsCache: Uint32Array | undefined;
  /** Per benchmark, sample-table row by position: analysis results name samples by benchmark and position. */
  private rowsByPosition: Map<string, Map<number, number>> | undefined;
  private nextRequestId = 1;
  private pendingRequest: { id: number; position: number } | undefined;

  constructor(private readonly host: Host) {
    super();
    host.onMessage((message) => this.apply(message));
  }

  get interactive(): boolean {
    return this.host.interactive;
  }

  get benchmark(): BenchmarkReport | undefined {
    return this.report?.benchmarks[this.benchmarkIndex];
  }

  /** The sample table's rows (row numbers) after filter and sort; recomputed only when those change. */
  get rows(): Uint32Array {
    const benchmark = this.benchmark;
    if (benchmark === undefined) return new Uint32Array(0);
    this.rowsCache ??= querySamples(benchmark.table, this.filter, this.sort);
    return this.rowsCache;
  }

  private apply(message: HostMessage): void {
    switch (message.type) {
      case 'report': {
        const sameRun = this.report?.run.runId === message.data.run.runId;
        this.report = message.data;
        if (!sameRun) {
          this.benchmarkIndex = 0;
          this.filter = {};
          this.sort = undefined;
          this.detail = undefined;
          this.thresholds.clear();
          this.comparison = undefined;
        }
        this.benchmarkIndex = Math.min(this.benchmarkIndex, Math.max(0, message.data.benchmarks.length - 1));
        this.rowsCache = undefined;
        this.rowsByPosition = undefined;
        this.analyzing = false;
        this.host.saveState({ runId: message.data.run.runId });
        break;
      }
      case 'comparison':
        this.comparison = message.data;
        break;
      case 'sample': {
        const pending = this.pendingRequest;
        // Answers to requests since superseded are dropped: only the last sample asked for shows.
        if (pending === undefined || message.requestId !== pending.id) return;
        this.pendingRequest = undefined;
        this.detail =
          message.detail !== undefined
            ? { position: pending.position, status: 'ready', detail: message.detail }
            : { position: pending.position, status: 'error', error: message.error ?? 'The sample could not be read.' };
        break;
      }
      case 'notice':
        this.notice = { level: message.level, message: message.message };
        // The host tells an analysis that failed or was cancelled with a notice: stop waiting for it.
        if (message.level !== 'info') this.analyzing = false;
        break;
      default:
        return;
    }
    this.changed();
  }

  selectBenchmark(index: number): void {
    if (index === this.benchmarkIndex) return;
    this.benchmarkIndex = index;
    this.filter = {};
    this.sort = undefined;
    this.detail = undefined;
    this.rowsCache = undefined;
    this.changed();
  }

  /** A header click: ascending, then descending, then the table's own order. */
  cycleSort(column: string): void {
    const sort = this.sort;
    this.sort = sort?.column !== column ? { column, descending: false } : sort.descending ? undefined : { column, descending: true };
    this.rowsCache = undefined;
    this.changed();
  }

  filterCell(cell: CellFilter | undefined): void {
    this.setFilter({ ...this.filter, cell });
  }

  filterCorrectness(correctness: SampleFilter['correctness']): void {
    this.setFilter({ ...this.filter, correctness });
  }

  filterMetadata(metadata: MetadataFilter | undefined): void {
    this.setFilter({ ...this.filter, metadata });
  }

  clearFilters(): void {
    this.setFilter({});
  }

  private setFilter(filter: SampleFilter): void {
    this.filter = filter;
    this.rowsCache = undefined;
    this.changed();
  }

  setThreshold(output: string, threshold: number): void {
    this.thresholds.set(output, threshold);
    this.changed();
  }

  requestSample(position: number): void {
    const report = this.report;
    const benchmark = this.benchmark;
    if (report === undefined || benchmark === undefined) return;
    const id = this.nextRequestId++;
    this.pendingRequest = { id, position };
    this.detail = { position, status: 'loading' };
    this.host.post({ type: 'requestSample', requestId: id, runId: report.run.runId, benchmark: benchmark.name, position });
    this.changed();
  }

  /** A sample named by benchmark and position (a point of the latent scatter, a suggestion, a mistake): its benchmark and table row. */
  sampleRow(benchmark: string, position: number): { benchmarkIndex: number; row: number } | undefined {
    const report = this.report;
    if (report === undefined) return undefined;
    this.rowsByPosition ??= new Map(
      report.benchmarks.map((b) => {
        const positions = columnValues(b.table, b.table.columns.find((c) => c.role === 'position')?.key ?? '') ?? [];
        return [b.name, new Map(positions.map((p, row) => [p as number, row]))];
      }),
    );
    const row = this.rowsByPosition.get(benchmark)?.get(position);
    return row === undefined ? undefined : { benchmarkIndex: report.benchmarks.findIndex((b) => b.name === benchmark), row };
  }

  /** Opens a sample of any benchmark: the benchmark becomes the one shown, and the sample's detail is asked for. */
  openSample(benchmarkIndex: number, position: number): void {
    this.selectBenchmark(benchmarkIndex);
    this.requestSample(position);
  }

  analyze(umap: boolean): void {
    const report = this.report;
    if (report === undefined || this.analyzing) return;
    this.analyzing = true;
    this.host.post({ type: 'analyzeRun', runId: report.run.runId, umap });
    this.changed();
  }

  exportSuggestions(): void {
    const report = this.report;
    if (report !== undefined) this.host.post({ type: 'exportSuggestions', runId: report.run.runId });
  }

  closeDetail(): void {
    this.pendingRequest = undefined;
    this.detail = undefined;
    this.changed();
  }

  act(action: RunAction, format?: ExportFormat): void {
    const report = this.report;
    if (report === undefined) return;
    this.host.post({ type: 'runAction', action, runId: report.run.runId, ...(format === undefined ? {} : { format }) });
  }

  openLocation(file: string, line: number, column?: number): void {
    this.host.post({ type: 'openLocation', file, line, ...(column === undefined ? {} : { column }) });
  }

  dismissNotice(): void {
    this.notice = undefined;
    this.changed();
  }
}
