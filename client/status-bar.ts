import * as vscode from 'vscode';
import type { RunProgress } from '../engine/runner/worker-protocol';

/** The status bar item of a running evaluation: benchmark, progress, samples/s and ETA. */
export class EvaluationStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evalens.evaluation', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Evalens evaluation';
    this.item.command = 'evalens.cancelEvaluation';
  }

  show(runId: string, p: RunProgress): void {
    const eta = p.etaSeconds === null ? '?' : p.etaSeconds < 60 ? `${Math.ceil(p.etaSeconds)}s` : `${Math.round(p.etaSeconds / 60)}m`;
    this.item.text = `$(beaker~spin) ${p.benchmark} ${p.done}/${p.total} · ${p.samplesPerSecond.toFixed(0)}/s · ETA ${eta}`;
    this.item.tooltip = `Evalens run ${runId}: ${p.benchmark} ${p.benchmarkDone} of ${p.benchmarkTotal} samples, ${p.done} of ${p.total} in all. Click to cancel (finished samples are kept).`;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
