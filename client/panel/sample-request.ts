import * as vscode from 'vscode';
import type { SampleDetail } from '../../shared/report-data';
import type { WebviewMessage } from '../../shared/webview-protocol';
import { sampleVisualsSchema } from '../../shared/sample-visuals';
import { sampleDetail as readSampleDetail } from '../../engine/report/sample-detail';
import type { RunStore } from '../../engine/runs/run-store';
import type { EvalensContext } from '../context';
import { cliErrorMessage, runEngineCli } from '../engine-cli';

/**
 * One sample's detail for a report: its class probabilities from the run's records, and
 * its input as the integration's visualizers draw it. Drawing runs the user's script, so
 * it happens in a child process (`evalens draw`) and only in a trusted workspace.
 */
export async function sampleDetail(ctx: EvalensContext, store: RunStore, request: Extract<WebviewMessage, { type: 'requestSample' }>): Promise<{ detail: SampleDetail } | { error: string }> {
  if (!store.exists(request.runId)) return { error: `Run ${request.runId} is no longer in the store.` };
  let detail: SampleDetail;
  try {
    detail = await readSampleDetail(store, store.read(request.runId), request.benchmark, request.position);
  } catch (error) {
    // The engine's messages name the run, benchmark and position: the app shows them in the detail.
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (!vscode.workspace.isTrusted) return { detail: { ...detail, visualsNote: 'Not drawn: this workspace is not trusted, and drawing a sample runs the integration script. Trust the workspace to see it.' } };
  const args = ['draw', '--run', request.runId, '--benchmark', request.benchmark, '--index', String(detail.index), '--json', '--runs-dir', store.root];
  const result = await runEngineCli(ctx.extensionPath, args, { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? store.root, log: ctx.output });
  if (result.code !== 0) return { detail: { ...detail, visualsNote: `Not drawn: ${cliErrorMessage(result)}` } };
  const visuals = sampleVisualsSchema.safeParse(safeJson(result.stdout));
  if (!visuals.success) {
    ctx.log(`evalens draw printed what is not a sample's visuals: ${visuals.error.issues[0]?.message}`);
    return { detail: { ...detail, visualsNote: 'Not drawn: evalens draw answered something unexpected (see the Evalens log).' } };
  }
  const { visuals: drawn, warning } = visuals.data;
  const note = warning ?? (drawn.length === 0 ? 'The integration declares no visualizer: add `visualizers` to its definition to see its inputs here.' : undefined);
  return { detail: { ...detail, visuals: drawn, ...(note === undefined ? {} : { visualsNote: note }) } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
