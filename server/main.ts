/**
 * Entry of the Evalens language server (bundled as dist/server.js). Any LSP client starts it
 * with `node dist/server.js --stdio` (or `evalens lsp --stdio`); the VS Code client may use
 * --node-ipc. It starts when run, or required, with one of those transport flags.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { EvalensLanguageServer } from './language-server';

export function startServer(): void {
  // createConnection() picks the transport from process.argv (--stdio, --node-ipc, --socket=, --pipe=).
  const connection = createConnection(ProposedFeatures.all);
  new EvalensLanguageServer(connection).listen();
}

const TRANSPORT = /^--(stdio|node-ipc|socket=|pipe=)/;
if (process.argv.some((arg) => TRANSPORT.test(arg))) startServer();
