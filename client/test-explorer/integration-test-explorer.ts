import * as vscode from 'vscode';
import { integrationTestReportSchema } from '../../shared/integration-test-report';
import type { EvalensContext } from '../context';
import { cliErrorMessage, runEngineCli } from '../engine-cli';
import { componentPlaces } from './component-places';
import { itemUnder, showReport } from './report-items';

const SCRIPT_GLOB = '**/*.integration.{ts,js,mjs}';

/**
 * Integration tests in the Test Explorer: one item per script, under it one per component,
 * under that one per check. Running any of them runs `evalens test` on its script in a
 * child process (the whole test is cheap) and updates every item of the script; failures
 * point at the line of the script and name the sample. Places come from the language
 * server's analysis of the definition.
 */
export class IntegrationTestExplorer implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: EvalensContext) {
    this.controller = vscode.tests.createTestController('evalens', 'Evalens integration tests');
    this.controller.resolveHandler = async (item) => {
      if (item === undefined) await this.discover();
      else if (item.parent === undefined) await this.listComponents(item);
    };
    this.controller.refreshHandler = () => this.discover();
    this.controller.createRunProfile('Run integration test', vscode.TestRunProfileKind.Run, (request) => this.run(request), true);
    const watcher = vscode.workspace.createFileSystemWatcher(SCRIPT_GLOB);
    watcher.onDidCreate((uri) => this.scriptItem(uri));
    watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString()));
    this.disposables.push(this.controller, watcher);
  }

  /** Runs the integration test of one script, as if its item was run from the Test Explorer. */
  async runScript(uri: vscode.Uri): Promise<void> {
    await this.run(new vscode.TestRunRequest([this.scriptItem(uri)]));
  }

  private async discover(): Promise<void> {
    const found = await vscode.workspace.findFiles(SCRIPT_GLOB, '**/node_modules/**');
    for (const uri of found) this.scriptItem(uri);
  }

  private scriptItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing !== undefined) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  /** Before a first run, a script lists its declared components (their checks come with a run). */
  private async listComponents(script: vscode.TestItem): Promise<void> {
    const places = await componentPlaces(this.ctx, script.uri!);
    script.range = places.definition?.range;
    // A run may have filled the script while the server answered: its report wins.
    if (script.children.size > 0) return;
    script.children.replace([...places.components].map(([name, place]) => {
      const component = itemUnder(this.controller, script, name, place.uri);
      component.range = place.range;
      return component;
    }));
  }

  private async run(request: vscode.TestRunRequest): Promise<void> {
    const scripts = new Map<string, vscode.TestItem>();
    const roots = request.include ?? [...collect(this.controller.items)];
    for (const item of roots) {
      let top = item;
      while (top.parent !== undefined) top = top.parent;
      scripts.set(top.id, top);
    }
    const run = this.controller.createTestRun(request, 'Evalens integration test', true);
    // Cancelled from the Test Explorer whoever started the run (a run profile's token is linked to it, a command's run has only this one).
    const token = run.token;
    try {
      for (const script of scripts.values()) {
        if (token.isCancellationRequested) break;
        await this.runOne(script, run, token);
      }
    } finally {
      run.end();
    }
  }

  private async runOne(script: vscode.TestItem, run: vscode.TestRun, token: vscode.CancellationToken): Promise<void> {
    const uri = script.uri!;
    // Its report lists the components from now on: no need to ask the language server when it is expanded.
    script.canResolveChildren = false;
    run.started(script);
    if (!vscode.workspace.isTrusted) {
      run.errored(script, new vscode.TestMessage('Not run: this workspace is not trusted, and the integration test would run the integration script and the model. Trust the workspace to run it; diagnostics keep working meanwhile.'));
      return;
    }
    const settings = this.ctx.settings(uri);
    const folder = this.ctx.folder(uri);
    const result = await runEngineCli(this.ctx.extensionPath, ['test', uri.fsPath, '--json', '--samples', String(settings.integrationTestSamples), '--batch-size', String(settings.batchSize)], {
      cwd: folder?.uri.fsPath ?? vscode.Uri.joinPath(uri, '..').fsPath,
      log: this.ctx.output,
      token,
      memoryLimitMb: settings.memoryLimitMb,
    });
    if (token.isCancellationRequested) {
      run.skipped(script);
      skipDescendants(run, script);
      return;
    }
    const parsed = result.code === 2 ? undefined : integrationTestReportSchema.safeParse(safeJson(result.stdout));
    if (parsed === undefined || !parsed.success) {
      skipDescendants(run, script);
      run.errored(script, new vscode.TestMessage(cliErrorMessage(result)));
      return;
    }
    const places = await componentPlaces(this.ctx, uri);
    script.range = places.definition?.range;
    showReport(this.controller, script, parsed.data, places, run);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function* collect(items: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of items) yield item;
}

/** What a run listed under a script did not get checked (cancelled, or the script could not be tested). */
function skipDescendants(run: vscode.TestRun, item: vscode.TestItem): void {
  for (const [, child] of item.children) {
    run.skipped(child);
    skipDescendants(run, child);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
