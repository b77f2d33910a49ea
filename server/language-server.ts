import path from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ScriptAnalysis } from './analysis/analyze-script';
import type { Finding } from './analysis/findings';
import { INTEGRATION_COMPONENTS_REQUEST, SERVER_STATS_REQUEST, WATCHED_FILE_GLOBS, type IntegrationComponents, type IntegrationComponentsParams, type ServerStats } from '../shared/lsp-protocol';
import { codeActions } from './features/code-actions';
import { codeLenses } from './features/code-lens';
import { completion } from './features/completion';
import { toDiagnostic } from './features/diagnostics';
import { hover } from './features/hover';
import { integrationComponents } from './features/integration-components';
import { uriToPath, Workspace, type TextEdit } from './workspace/workspace';

/** Other open documents are re-checked this long after the last edit (an edit elsewhere may change them). */
const DEPENDENTS_DELAY_MS = 300;

/**
 * The Evalens language server on one connection: keeps the open documents, analyzes each
 * integration script and eval config as it changes, publishes diagnostics, and answers code
 * actions, hovers, completions and code lenses from the same analysis. It knows nothing of
 * VS Code: any LSP client can start it.
 */
export class EvalensLanguageServer {
  /** Edits of each document since the text the workspace last saw, for incremental parsing. */
  private readonly edits = new Map<string, TextEdit[] | undefined>();
  private readonly documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
    update: (document, changes, version) => {
      let edits = this.edits.has(document.uri) ? this.edits.get(document.uri) : [];
      for (const change of changes) {
        // Offsets of each change are in the text left by the previous one, as LSP applies them.
        if (edits !== undefined && 'range' in change) {
          const start = document.offsetAt(change.range.start);
          edits.push({ start, end: document.offsetAt(change.range.end), newLength: change.text.length });
        } else {
          edits = undefined;
        }
        TextDocument.update(document, [change], version);
      }
      this.edits.set(document.uri, edits);
      return document;
    },
  });
  private workspace: Workspace | undefined;
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private dependentsTimer: NodeJS.Timeout | undefined;
  private watchersByClient = false;

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      if (this.watchersByClient) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILE_GLOBS.map((globPattern) => ({ globPattern })) });
      }
    });
    documents.onDidChangeContent(({ document }) => {
      const edits = this.edits.get(document.uri);
      this.edits.delete(document.uri);
      this.ws().update(document.uri, document.version, document.getText(), edits);
      this.schedule(document.uri);
    });
    documents.onDidClose(({ document }) => {
      this.ws().close(document.uri);
      this.pending.delete(document.uri);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      this.scheduleDependents();
    });
    connection.onDidChangeWatchedFiles(({ changes }) => {
      for (const change of changes) this.ws().fileChanged(change.uri, change.type === FileChangeType.Created || change.type === FileChangeType.Deleted);
      for (const doc of this.ws().checkedDocuments()) this.schedule(doc.uri);
    });
    connection.onCodeAction((params) => this.guard([], () => {
      const doc = documents.get(params.textDocument.uri);
      const findings = doc === undefined ? undefined : this.findings(doc);
      return doc === undefined || findings === undefined ? [] : codeActions(doc, findings, params);
    }));
    connection.onHover((params) => this.guard(null, () => {
      const doc = documents.get(params.textDocument.uri);
      const analysis = doc === undefined ? undefined : this.scriptAnalysis(doc.uri);
      return doc === undefined || analysis === undefined ? null : (hover(doc, analysis, doc.offsetAt(params.position)) ?? null);
    }));
    connection.onCompletion((params) => this.guard([], () => {
      const doc = documents.get(params.textDocument.uri);
      const analysis = doc === undefined ? undefined : this.scriptAnalysis(doc.uri);
      return doc === undefined || analysis === undefined ? [] : completion(doc, analysis, doc.offsetAt(params.position));
    }));
    connection.onCodeLens((params) => this.guard([], () => {
      const doc = documents.get(params.textDocument.uri);
      const file = uriToPath(params.textDocument.uri);
      const analysis = doc === undefined ? undefined : this.scriptAnalysis(doc.uri);
      return doc === undefined || analysis === undefined || file === undefined ? [] : codeLenses(doc, analysis, path.resolve(file));
    }));
    connection.onRequest(INTEGRATION_COMPONENTS_REQUEST, (params: IntegrationComponentsParams) => this.guard(null, (): IntegrationComponents | null => {
      const file = uriToPath(params.textDocument.uri);
      const analysis = file === undefined ? undefined : this.ws().listedScriptAnalysis(file);
      return analysis === undefined ? null : integrationComponents(analysis);
    }));
    connection.onRequest(SERVER_STATS_REQUEST, (): ServerStats => serverStats());
    connection.onShutdown(() => {
      clearTimeout(this.dependentsTimer);
      this.workspace?.ts.dispose();
    });
    documents.listen(connection);
    connection.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = (folder === undefined ? undefined : uriToPath(folder)) ?? params.rootPath ?? process.cwd();
    this.workspace = new Workspace(root);
    this.watchersByClient = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ["'", '"'] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'evalens', version: typeof EVALENS_VERSION === 'string' ? EVALENS_VERSION : 'dev' },
    };
  }

  private ws(): Workspace {
    if (this.workspace === undefined) throw new Error('The client sent a request before initialize.');
    return this.workspace;
  }

  /** Edits arrive one message at a time; analyzing once per turn of the event loop coalesces a burst. */
  private schedule(uri: string): void {
    this.pending.add(uri);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const uris = [...this.pending];
    this.pending.clear();
    for (const uri of uris) this.publish(uri);
    this.scheduleDependents(uris);
  }

  /** After an edit, the other checked documents are refreshed once things calm down. */
  private scheduleDependents(except: readonly string[] = []): void {
    clearTimeout(this.dependentsTimer);
    const others = this.ws().checkedDocuments().filter((d) => !except.includes(d.uri));
    if (others.length === 0) return;
    this.dependentsTimer = setTimeout(() => {
      for (const doc of others) if (this.documents.get(doc.uri) !== undefined) this.publish(doc.uri);
    }, DEPENDENTS_DELAY_MS);
  }

  private publish(uri: string): void {
    const doc = this.documents.get(uri);
    if (doc === undefined) return;
    const findings = this.guard(undefined, () => this.findings(doc));
    if (findings === undefined) return;
    void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics: findings.map((f) => toDiagnostic(doc, f)) });
  }

  private findings(doc: TextDocument): readonly Finding[] | undefined {
    const entry = this.ws().document(doc.uri);
    if (entry?.kind === 'config') return this.ws().configFindings(entry);
    if (entry?.kind === 'script') return this.scriptAnalysis(doc.uri)?.findings ?? [];
    // A source file that no longer calls defineIntegration keeps no stale diagnostics.
    if (entry?.kind === 'source') return [];
    return undefined;
  }

  private scriptAnalysis(uri: string): ScriptAnalysis | undefined {
    const entry = this.ws().document(uri);
    return entry?.kind === 'script' ? this.ws().scriptAnalysis(entry.path) : undefined;
  }

  /** A bug in one analysis must not take the server down: log it and answer with nothing. */
  private guard<T>(fallback: T, work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.connection.console.error(`Evalens language server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }
}

function serverStats(): ServerStats {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, collected: gc !== undefined };
}

declare const EVALENS_VERSION: string;
