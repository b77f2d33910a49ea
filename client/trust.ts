import * as vscode from 'vscode';

/**
 * Integration scripts are user code: they run only in a trusted workspace. Diagnostics keep
 * working without trust (the language server only reads the code and the model file).
 * Returns whether the caller may go on; otherwise tells the user why not and how to change it.
 */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    `Evalens did not ${action}: this workspace is not trusted, and ${action.startsWith('run') ? 'it' : 'this'} would run the integration script and the model. Trust the workspace to run them; diagnostics keep working meanwhile.`,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
