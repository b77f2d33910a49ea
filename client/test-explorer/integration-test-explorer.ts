import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { integrationTestReportSchema, type CheckResult, type IntegrationTestReport } from '../../shared/integration-test-report';
import type { EvalensContext } from '../context';
import { cliErrorMessage, runEngineCli } from '../engine-cli';

const SCRIPT_GLOB = '**/*.integration.{ts,js,mjs}';

/**
 * Integration tests in the Test Explorer: one item per script, under it one per component,
 * under that one per check. Running an item runs `evalens test` on its script in a child
 * process; failures point at the line of the script and name the sample.
 */
export class IntegrationTestExplorer implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: EvalensContext) {
    this.controller = vscode.tests.createTestController('evalens', 'Evalens integration tests');
    this.controller.resolveHandler = async (item) => {
      if (item === undefined) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this.controller.createRunProfile('Run integration test', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(SCRIPT_GLOB);
    watcher.onDidCreate((uri) => this.scriptItem(uri));
    watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString()));
    this.disposables.push(this.controller, watcher);
  }

  /** Runs the integration test of one script, as if its item was run from the Test Explorer. */
  async runScript(uri: vscode.Uri): Promise<void> {
    const item = this.scriptItem(uri);
    const cancel = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest([item]), cancel.token);
    } finally {
      cancel.dispose();
    }
  }

  private async discover(): Promise<void> {
    const found = await vscode.workspace.findFiles(SCRIPT_GLOB, '**/node_modules/**');
    for (const uri of found) this.scriptItem(uri);
  }

  private scriptItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing !== undefined) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = false;
    this.controller.items.add(item);
    return item;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const scripts = new Map<string, vscode.TestItem>();
    const roots = request.include ?? [...collect(this.controller.items)];
    for (const item of roots) {
      let top = item;
      while (top.parent !== undefined) top = top.parent;
      scripts.set(top.id, top);
    }
    const run = this.controller.createTestRun(request, 'Evalens integration test', true);
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
      return;
    }
    const parsed = result.code === 2 ? undefined : integrationTestReportSchema.safeParse(safeJson(result.stdout));
    if (parsed === undefined || !parsed.success) {
      script.children.replace([]);
      run.errored(script, new vscode.TestMessage(cliErrorMessage(result)));
      return;
    }
    this.showReport(script, parsed.data, run);
  }

  private showReport(script: vscode.TestItem, report: IntegrationTestReport, run: vscode.TestRun): void {
    const uri = script.uri!;
    const text = readText(uri);
    const components = new Map<string, vscode.TestItem>();
    for (const check of report.checks) {
      let component = components.get(check.component);
      if (component === undefined) {
        component = this.controller.createTestItem(`${script.id}#${check.component}`, check.component, uri);
        component.range = rangeOf(text, check.component);
        components.set(check.component, component);
      }
      const item = this.controller.createTestItem(`${component.id}#${check.id}`, check.id, uri);
      item.range = check.location ? pointAt(check.location.line, check.location.column) : component.range;
      item.description = check.status === 'passed' ? check.message : where(check);
      component.children.add(item);
      run.started(item);
      if (check.status === 'failed') {
        const message = new vscode.TestMessage(`${where(check) ? `${where(check)}: ` : ''}${check.message}`);
        message.location = check.location
          ? new vscode.Location(vscode.Uri.file(check.location.file), pointAt(check.location.line, check.location.column))
          : new vscode.Location(uri, item.range ?? pointAt(1, 1));
        run.failed(item, message);
      } else {
        if (check.status === 'warning') run.appendOutput(`warning: ${check.component} ${check.id}: ${check.message}\r\n`, undefined, item);
        run.passed(item);
      }
    }
    script.children.replace([...components.values()]);
    script.description = `${report.samplesChecked} samples · ${report.checks.filter((c) => c.status === 'failed').length} failed`;
    if (report.ok) run.passed(script);
    else run.failed(script, new vscode.TestMessage(`${report.checks.filter((c) => c.status === 'failed').length} checks failed`));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function* collect(items: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of items) yield item;
}

function where(check: CheckResult): string {
  if (check.sample === undefined) return '';
  const more = check.affected !== undefined && check.affected > 1 ? ` (${check.affected} samples)` : '';
  return `sample ${check.sample} of '${check.subset}'${more}`;
}

function pointAt(line: number, column: number): vscode.Range {
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  return new vscode.Range(position, position);
}

/** Where a component is declared in the script (`image:` for `input:image`), so a check without a stack frame still links to a line. */
function rangeOf(text: string, component: string): vscode.Range | undefined {
  const name = component.slice(component.indexOf(':') + 1);
  const match = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[:(]`).exec(text) ?? (name === 'preprocess' ? /preprocess/.exec(text) : null);
  if (match === null) return undefined;
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  return pointAt(line, match.index - before.lastIndexOf('\n'));
}

function readText(uri: vscode.Uri): string {
  try {
    return readFileSync(uri.fsPath, 'utf8');
  } catch {
    return '';
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
