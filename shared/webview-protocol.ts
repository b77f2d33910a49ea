import { z } from 'zod';
import { runKindSchema } from './run-types';
import { comparisonSchema, reportDataSchema, runSummarySchema, sampleDetailSchema } from './report-data';

/**
 * Every message between the extension host and Evalens's webviews (the Evaluations view and
 * the report panels), declared once and validated with zod on both sides: a message that
 * does not parse is logged and dropped, never acted on. The webview never reads files; the
 * host reads the run store through the engine and sends typed data.
 */

/** Statuses the runs list shows and filters on: the store's, plus `interrupted` (evaluating, but its process is gone). */
export const runListStatusSchema = z.enum(['queued', 'evaluating', 'completed', 'failed', 'cancelled', 'interrupted']);
export type RunListStatus = z.infer<typeof runListStatusSchema>;

export const runFilterSchema = z.object({
  status: z.array(runListStatusSchema).default([]),
  kind: z.array(runKindSchema).default([]),
  /** Case-insensitive substring of the run's name or id. */
  search: z.string().max(200).default(''),
});
export type RunFilter = z.infer<typeof runFilterSchema>;

/** Live figures of a run being evaluated, measured by the host from successive manifests. */
export const liveProgressSchema = z.object({
  runId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  benchmark: z.string().optional(),
  samplesPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
});
export type LiveProgress = z.infer<typeof liveProgressSchema>;

export const runRowSchema = z.object({ summary: runSummarySchema, live: liveProgressSchema.optional() });
export type RunRow = z.infer<typeof runRowSchema>;

export const runActionSchema = z.enum(['viewReport', 'resume', 'cancel', 'export', 'delete', 'compare', 'rescore', 'reveal', 'copyId']);
export type RunAction = z.infer<typeof runActionSchema>;

export const exportFormatSchema = z.enum(['html', 'md', 'csv', 'json', 'parquet']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** Sent by a webview to the host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The app has loaded and listens: the host sends its state (the runs page, or the report). */
  z.object({ type: z.literal('ready') }),
  /** The runs list wants a page: on load, on a filter or search change, on paging. */
  z.object({ type: z.literal('listRuns'), filter: runFilterSchema, page: z.number().int().nonnegative() }),
  /** A row action or a report header action; `format` with `export`, `otherRunId` with `compare` (else the host asks which). */
  z.object({
    type: z.literal('runAction'),
    action: runActionSchema,
    runId: z.string(),
    format: exportFormatSchema.optional(),
    otherRunId: z.string().optional(),
  }),
  /** Opens a file of the workspace at a line (a failing sample's script line). */
  z.object({ type: z.literal('openLocation'), file: z.string(), line: z.number().int().positive(), column: z.number().int().positive().optional() }),
  /** The report wants one sample's detail (class probabilities, the integration's drawing of it). */
  z.object({ type: z.literal('requestSample'), requestId: z.number().int(), runId: z.string(), benchmark: z.string(), position: z.number().int().nonnegative() }),
  /** The report's "Analyze": the host runs `evalens analyze` (UMAP too when asked) with progress, then sends the report again. */
  z.object({ type: z.literal('analyzeRun'), runId: z.string(), umap: z.boolean() }),
  /** The suggestions table's "Export CSV": the host asks where, then runs `evalens analyze --suggest-labels <file>`. */
  z.object({ type: z.literal('exportSuggestions'), runId: z.string() }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** Sent by the host to a webview. */
export const hostMessageSchema = z.discriminatedUnion('type', [
  /** A page of the runs list, for the filter it was asked with; sent again whenever the store changes. */
  z.object({
    type: z.literal('runs'),
    filter: runFilterSchema,
    rows: z.array(runRowSchema),
    page: z.number().int().nonnegative(),
    pageCount: z.number().int().nonnegative(),
    /** Runs in the store before filtering: 0 shows the getting-started text. */
    storeTotal: z.number().int().nonnegative(),
  }),
  /** Live progress of a run being evaluated (at most a few times a second). */
  z.object({ type: z.literal('progress'), progress: liveProgressSchema }),
  /** The report of the panel's run (sent again when the run changes). */
  z.object({ type: z.literal('report'), data: reportDataSchema }),
  /** The comparison of the panel's run with another. */
  z.object({ type: z.literal('comparison'), data: comparisonSchema }),
  /** The answer to a requestSample. */
  z.object({ type: z.literal('sample'), requestId: z.number().int(), detail: sampleDetailSchema.optional(), error: z.string().optional() }),
  /** Something the user should read (an action that failed, a run that is gone). */
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** What a report panel keeps across a window reload (VS Code's webview state): the run it shows. */
export const reportPanelStateSchema = z.object({ runId: z.string() });
export type ReportPanelState = z.infer<typeof reportPanelStateSchema>;

/** The id of the element holding a self-contained HTML export's inlined data (a `<script type="application/json">`). */
export const INLINED_REPORT_ELEMENT_ID = 'evalens-report-data';
