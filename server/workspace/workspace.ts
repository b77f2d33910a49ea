import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseJson } from 'jsonc-parser';
import ts from 'typescript';
import { analyzeScript, type ScriptAnalysis } from '../analysis/analyze-script';
import type { Finding } from '../analysis/findings';
import { checkEvalConfig } from '../config/eval-config-check';
import { SignatureCache } from '../model/signature-cache';
import { TsService } from '../ts/ts-service';

export type DocumentKind = 'script' | 'config' | 'source' | 'other';

/** One content change in offsets of the text before it. */
export interface TextEdit {
  start: number;
  end: number;
  newLength: number;
}

interface OpenDocument {
  readonly uri: string;
  readonly path: string;
  readonly kind: DocumentKind;
  readonly version: number;
  readonly text: string;
  /** For a config: the integration script it names (absolute path). */
  readonly integration: string | undefined;
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const CONFIG = /(^|[\\/.])eval\.json$/;

/**
 * What the server knows about the workspace: the open documents, the TypeScript service over
 * them and the files on disk, ONNX signatures, and the latest analysis of each document.
 * An analysis is reused until its document, or anything it may depend on, changes.
 */
export class Workspace {
  readonly ts: TsService;
  readonly signatures = new SignatureCache();
  private readonly documents = new Map<string, OpenDocument>();
  private readonly analyses = new Map<string, { stamp: string; analysis: ScriptAnalysis | undefined }>();
  /** Scripts a client asked about without opening them (the Test Explorer lists every script): roots of the program too. */
  private readonly listed = new Set<string>();
  /** Bumped on every change that may affect any analysis (an edit anywhere, a file event). */
  private generation = 0;

  constructor(readonly root: string) {
    this.ts = new TsService(root);
  }

  /** Opens or changes a document; `edits` (in order, each in the text left by the previous) allow incremental parsing. */
  update(uri: string, version: number, text: string, edits?: readonly TextEdit[]): void {
    const file = uriToPath(uri);
    if (file === undefined) return;
    const kind = kindOf(file, text);
    const integration = kind === 'config' ? integrationOf(file, text) : undefined;
    this.documents.set(uri, { uri, path: file, kind, version, text, integration });
    if (kind !== 'config' && kind !== 'other') {
      this.ts.host.setOpen(file, text, edits?.map((e) => ts.createTextChangeRange(ts.createTextSpan(e.start, e.end - e.start), e.newLength)));
    }
    this.generation++;
    this.updateRoots();
  }

  close(uri: string): void {
    const doc = this.documents.get(uri);
    if (doc === undefined) return;
    this.documents.delete(uri);
    this.ts.host.close(doc.path);
    this.analyses.delete(doc.path);
    this.generation++;
    this.updateRoots();
  }

  /** A watched file changed on disk: an ONNX model is re-read, a source file re-versioned. */
  fileChanged(uri: string, appearedOrDisappeared: boolean): void {
    const file = uriToPath(uri);
    if (file === undefined) return;
    if (file.endsWith('.onnx')) this.signatures.invalidate(file);
    else this.ts.host.diskChanged(file, appearedOrDisappeared);
    this.generation++;
  }

  document(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  /** Documents that get diagnostics: integration scripts and eval configs. */
  checkedDocuments(): OpenDocument[] {
    return [...this.documents.values()].filter((d) => d.kind === 'script' || d.kind === 'config');
  }

  /** The analysis of an open integration script, or of one on disk that an open config names. */
  scriptAnalysis(file: string): ScriptAnalysis | undefined {
    const open = [...this.documents.values()].find((d) => d.path === file);
    const stamp = `${open?.version ?? 'disk'}:${this.generation}`;
    const cached = this.analyses.get(file);
    if (cached !== undefined && cached.stamp === stamp) return cached.analysis;
    const program = this.ts.program();
    const source = program.getSourceFile(file);
    const analysis = source === undefined ? undefined : analyzeScript(program, source, this.signatures);
    this.analyses.set(file, { stamp, analysis });
    return analysis;
  }

  /** The analysis of a script whether it is open or only on disk; one on disk stays in the program from now on. */
  listedScriptAnalysis(file: string): ScriptAnalysis | undefined {
    if (!this.listed.has(file)) {
      this.listed.add(file);
      this.generation++;
      this.updateRoots();
    }
    return this.scriptAnalysis(file);
  }

  configFindings(doc: OpenDocument): Finding[] {
    return checkEvalConfig(doc.text, doc.path, { subsets: (script) => this.scriptAnalysis(script)?.integrations[0]?.subsets });
  }

  private updateRoots(): void {
    const roots = new Set<string>(this.listed);
    for (const doc of this.documents.values()) {
      if (doc.kind === 'script') roots.add(doc.path);
      if (doc.kind === 'config' && doc.integration !== undefined) roots.add(doc.integration);
    }
    this.ts.host.setRoots(roots);
  }
}

function kindOf(file: string, text: string): DocumentKind {
  if (CONFIG.test(file)) return 'config';
  if (!SOURCE.test(file)) return 'other';
  return text.includes('defineIntegration') ? 'script' : 'source';
}

/** The integration script a config names, when it is a source file (it becomes a root of the program). */
function integrationOf(configPath: string, text: string): string | undefined {
  const value = parseJson(text) as { integration?: unknown } | undefined;
  if (typeof value?.integration !== 'string' || !SOURCE.test(value.integration)) return undefined;
  return toTsPath(path.resolve(path.dirname(configPath), value.integration));
}

/** File paths as TypeScript writes them (forward slashes). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  return toTsPath(fileURLToPath(uri));
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

function toTsPath(file: string): string {
  return file.replace(/\\/g, '/');
}
