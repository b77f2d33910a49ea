import * as vscode from 'vscode';
import { drainQueue } from '../../engine/runner/run-queue';
import type { RunStore } from '../../engine/runs/run-store';
import type { EvalensContext } from '../context';
import { cliErrorMessage, runEngineCli } from '../engine-cli';
import type { EvaluationStatusBar } from '../status-bar';
import { followUntilEnd } from './follow-until-end';

/**
 * Runs an evaluation from VS Code: the CLI child validates and queues it (that loads user
 * code), then this window processes the queue, each run in its own runner child process,
 * showing progress and allowing cancellation. The run store records everything, so closing
 * VS Code mid-run leaves a run that can be resumed.
 */
export class EvaluationRunner {
  constructor(
    private readonly ctx: EvalensContext,
    private readonly statusBar: EvaluationStatusBar,
  ) {}

  /** With `reuse`, a run that takes the model outputs of that completed run (eval --reuse). */
  async evaluate(configFile: vscode.Uri, benchmarks: string[], reuse?: string): Promise<void> {
    const args = ['eval', '--config', configFile.fsPath, '--submit', '--json', '--runs-dir', this.ctx.settings(configFile).runsDirectory, ...benchmarks.flatMap((b) => ['--benchmark', b]), ...(reuse === undefined ? [] : ['--reuse', reuse])];
    const submitted = await this.submit(configFile, args, reuse === undefined ? 'Checking the integration and queueing the evaluation…' : `Checking the integration and run ${reuse}, queueing the re-scoring…`);
    if (submitted !== undefined) await this.follow(configFile, submitted, false);
  }

  async resume(runId: string, force: boolean): Promise<void> {
    const folder = this.ctx.folder()?.uri ?? vscode.Uri.file(process.cwd());
    const args = ['resume', runId, '--submit', '--json', '--runs-dir', this.ctx.settings(folder).runsDirectory, ...(force ? ['--force'] : [])];
    const submitted = await this.submit(folder, args, `Checking run ${runId} before resuming it…`);
    if (submitted === undefined) return;
    await this.follow(folder, submitted, force);
  }

  private async submit(scope: vscode.Uri, args: string[], title: string): Promise<string | undefined> {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_, token) =>
      runEngineCli(this.ctx.extensionPath, args, { cwd: this.ctx.folder(scope)?.uri.fsPath ?? process.cwd(), log: this.ctx.output, token }),
    );
    if (result.code !== 0) {
      const message = cliErrorMessage(result);
      this.ctx.log(message);
      if (/--force/.test(message) && args[0] === 'resume') {
        const force = 'Resume with --force';
        if ((await vscode.window.showErrorMessage(message, { modal: false }, force)) === force) await this.resume(args[1]!, true);
      } else {
        void vscode.window.showErrorMessage(message, 'Show Logs').then((c) => c && this.ctx.output.show());
      }
      return undefined;
    }
    this.ctx.runsDidChange();
    return (JSON.parse(result.stdout) as { runId: string }).runId;
  }

  private async follow(scope: vscode.Uri, runId: string, force: boolean): Promise<void> {
    const store = this.ctx.store(scope);
    const settings = this.ctx.settings(scope);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Evalens run ${runId}`, cancellable: true }, async (progress, token) => {
      let last = 0;
      const followed = followUntilEnd(
        runId,
        (onStart) =>
          drainQueue(store, {
            concurrency: settings.queueConcurrency,
            until: runId,
            force,
            onStart: (m, run) => {
              onStart(m, run);
              this.ctx.setActive(m.runId, run);
              this.ctx.log(`started run ${m.runId} (${m.name})`);
              void run.done.finally(() => {
                this.ctx.setActive(m.runId, undefined);
                this.ctx.runsDidChange();
              });
            },
            onProgress: (id, p) => {
              this.statusBar.show(id, p);
              this.ctx.reportProgress(id, p);
              if (id !== runId) return;
              const percent = p.total === 0 ? 100 : (100 * p.done) / p.total;
              progress.report({ increment: percent - last, message: `${p.benchmark}: ${p.done}/${p.total} samples · ${p.samplesPerSecond.toFixed(0)} samples/s` });
              last = percent;
            },
            onLog: (id, line) => this.ctx.output.appendLine(`[${id}] ${line}`),
            onDeleted: (id) => this.ctx.log(`run ${id} was deleted while it ran; the queue goes on`),
            onWaiting: (holder) => progress.report({ message: holder === process.pid ? 'queued behind the runs this window is evaluating' : `waiting for process ${holder}, which is running the queue` }),
          }),
        // Not started here (queued, or run by another process): whichever runner runs it takes the request.
        () => {
          if (store.exists(runId)) store.requestCancel(runId, `asked from VS Code (pid ${process.pid})`);
        },
      );
      // Other runs of the drain may go on after this one: their failure is logged, not this run's.
      followed.drained.catch((error: unknown) => this.ctx.log(`the queue stopped: ${error instanceof Error ? error.message : String(error)}`));
      token.onCancellationRequested(() => followed.cancel());
      await followed.ended;
    });
    this.statusBar.hide();
    this.report(runId, store);
  }

  private report(runId: string, store: RunStore): void {
    if (!store.exists(runId)) {
      void vscode.window.showWarningMessage(`Evalens run ${runId} was deleted while it was being evaluated or waited in the queue (Delete in the Evaluations view, or evalens runs delete).`);
      return;
    }
    const manifest = store.read(runId);
    const results = store.readResults(manifest.runId);
    if (manifest.status === 'completed') {
      const failedGates = results?.gates.filter((g) => !g.passed) ?? [];
      const score = results?.overallScore;
      const text = `Evalens run ${manifest.runId} completed: overall score ${score === null || score === undefined ? '—' : score.toFixed(4)}${failedGates.length ? `, ${failedGates.length} quality gate(s) failed` : ''}.`;
      const show = 'Show Report';
      const shown = failedGates.length ? vscode.window.showWarningMessage(text, show) : vscode.window.showInformationMessage(text, show);
      void shown.then((c) => c && vscode.commands.executeCommand('evalens.showRunReport', manifest.runId));
    } else {
      const resume = 'Resume';
      void vscode.window.showWarningMessage(`Evalens run ${manifest.runId} ${manifest.status}: ${manifest.error?.message ?? ''}`, resume).then((c) => c && this.resume(manifest.runId, false));
    }
  }
}
