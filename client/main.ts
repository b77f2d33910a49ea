import * as vscode from 'vscode';
import { reconcileInterruptedRuns } from '../engine/runner/run-queue';
import { EvalensContext } from './context';
import { createLanguageClient } from './language-client';
import { registerCommands } from './commands';
import { IntegrationTestExplorer } from './test-explorer/integration-test-explorer';
import { EvaluationRunner } from './runs/evaluation-runner';
import { EvaluationStatusBar } from './status-bar';
import { onSettingsChanged } from './config';
import { offerInterruptedRuns } from './runs/interrupted-runs';
import { trackContextKeys } from './context-keys';
import { registerPanel } from './panel/panel';

let ctx: EvalensContext | undefined;

/** What activate returns: the parts tests inside VS Code look at. */
export interface EvalensApi {
  testController: vscode.TestController;
  languageClient: import('vscode-languageclient/node').LanguageClient;
}

export async function activate(extension: vscode.ExtensionContext): Promise<EvalensApi> {
  ctx = new EvalensContext(extension);
  const statusBar = new EvaluationStatusBar();
  const explorer = new IntegrationTestExplorer(ctx);
  const runner = new EvaluationRunner(ctx, statusBar);
  const client = createLanguageClient(ctx.extensionPath, ctx.output);
  ctx.languageClient = client;
  const restartServer = async () => {
    ctx!.log('restarting the language server');
    await client.restart();
  };
  const panel = registerPanel(ctx);
  ctx.subscriptions.push(statusBar, explorer, panel, ...registerCommands({ ctx, explorer, runner, panel, restartServer }), onSettingsChanged(() => ctx!.log('settings changed')), trackContextKeys(ctx));
  extension.subscriptions.push(ctx);
  void vscode.commands.executeCommand('setContext', 'evalens.evaluating', false);
  await client.start();
  ctx.log(`Evalens ${extension.extension.packageJSON.version as string} active; workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted: nothing runs user code'}`);
  if (vscode.workspace.isTrusted) void offerInterruptedRuns(ctx, runner, reconcileInterruptedRuns);
  return { testController: explorer.controller, languageClient: client };
}

export async function deactivate(): Promise<void> {
  await ctx?.languageClient?.stop();
  ctx?.dispose();
  ctx = undefined;
}
