import * as vscode from 'vscode';
import { hostMessageSchema, webviewMessageSchema, type HostMessage, type WebviewMessage } from '../../shared/webview-protocol';
import { newNonce, webviewHtml, type WebviewView } from '../../shared/webview-html';

/**
 * What the Evaluations view and the report panels share: the webview's options and HTML,
 * and the two ends of the protocol (shared/webview-protocol.ts), validated both ways.
 */

/** Scripts on, and nothing readable but the extension's bundles and static assets. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
}

export function appHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: WebviewView, title: string): string {
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
  return webviewHtml({ view, title, nonce: newNonce(), app: { kind: 'linked', scriptUri: asset('webview.js'), styleUri: asset('webview.css'), cspSource: webview.cspSource } });
}

/**
 * Posts a message the protocol allows. Every message but a report is checked at run time
 * too; a report's sample table can hold 100k rows, so it is checked by its type here and by
 * the app's schema on arrival, not parsed twice.
 */
export function post(webview: vscode.Webview, message: HostMessage, log: (line: string) => void): void {
  if (message.type !== 'report') {
    const checked = hostMessageSchema.safeParse(message);
    if (!checked.success) {
      log(`not sending a malformed '${message.type}' message to the webview: ${checked.error.issues[0]?.path.join('.')}: ${checked.error.issues[0]?.message}`);
      return;
    }
  }
  // A webview that was closed meanwhile rejects: nothing to tell anyone.
  void webview.postMessage(message).then(undefined, () => undefined);
}

export type MessageHandlers = { [T in WebviewMessage['type']]?: (message: Extract<WebviewMessage, { type: T }>) => unknown };

/**
 * Hands each message of a webview to its handler. A message that does not parse is logged
 * and dropped, never acted on; a handler's failure is logged and shown to the user.
 */
export function routeMessages(webview: vscode.Webview, source: string, log: (line: string) => void, handlers: MessageHandlers): vscode.Disposable {
  return webview.onDidReceiveMessage(async (raw: unknown) => {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      log(`${source}: dropped a malformed message (${issue?.path.join('.') || 'message'}: ${issue?.message}): ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const message = parsed.data;
    const handler = handlers[message.type] as ((m: WebviewMessage) => unknown) | undefined;
    if (handler === undefined) {
      log(`${source}: ignored '${message.type}', which it does not handle`);
      return;
    }
    try {
      await handler(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      log(`${source}: '${message.type}' failed: ${error instanceof Error && error.stack ? error.stack : text}`);
      void vscode.window.showErrorMessage(text, 'Show Logs').then((c) => c && vscode.commands.executeCommand('evalens.showLogs'));
    }
  });
}
