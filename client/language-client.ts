import * as vscode from 'vscode';
import path from 'node:path';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/**
 * The language client: starts dist/server.js over IPC for integration scripts and eval
 * configs. vscode-languageclient restarts a server that dies (up to 4 times in 3 minutes);
 * `Evalens: Restart Language Server` restarts it by hand.
 */
export function createLanguageClient(extensionPath: string, output: vscode.LogOutputChannel): LanguageClient {
  const module = path.join(extensionPath, 'dist', 'server.js');
  const serverOptions: ServerOptions = {
    // A larger young generation makes re-checking a script after an edit 15–30% faster (bench/lsp-bench.ts).
    run: { module, transport: TransportKind.ipc, options: { execArgv: ['--max-semi-space-size=32'] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', pattern: '**/*.integration.{ts,js,mjs}' },
      { scheme: 'file', pattern: '**/*.eval.json' },
    ],
    outputChannel: output,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{onnx,ts,mts,cts,js,mjs,cjs,json}') },
  };
  return new LanguageClient('evalens', 'Evalens Language Server', serverOptions, clientOptions);
}
