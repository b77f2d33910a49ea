import { statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { LIB_FILE_NAMES, libFileText, sdkText } from './embedded-files';

/** Where the embedded lib files and the SDK appear to live, for the TypeScript program. */
export const VIRTUAL_ROOT = '/__evalens__';
const LIB_DIR = `${VIRTUAL_ROOT}/lib`;
export const SDK_FILE = `${VIRTUAL_ROOT}/sdk/index.ts`;

/**
 * How integration scripts are compiled for analysis: like the loader runs them (esbuild,
 * bundler resolution, `evalens` provided by Evalens) and strict, so `undefined` and optional
 * keys stay visible in the types.
 */
export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  allowJs: true,
  checkJs: false,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
};

interface DiskEntry {
  stamp: string;
  version: number;
  snapshot: ts.IScriptSnapshot | undefined;
}

/**
 * The LanguageServiceHost over open documents (their editor text and version), files on
 * disk (versioned by mtime, so edits made outside the editor are seen) and the embedded
 * virtual files. Roots are the documents being analyzed; everything else comes in through
 * their imports.
 */
export class ScriptHost implements ts.LanguageServiceHost {
  /** Stamped by a counter, not the editor's version: a document closed and reopened starts at version 1 again. */
  private readonly open = new Map<string, { stamp: number; snapshot: EditedSnapshot }>();
  private openStamp = 0;
  /** Only JSDoc that affects types (in JavaScript) is parsed: the checks never read comments. */
  readonly jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
  private readonly disk = new Map<string, DiskEntry>();
  private readonly virtual = new Map<string, ts.IScriptSnapshot>();
  private readonly roots = new Set<string>();
  private resolutionCache: ts.ModuleResolutionCache;

  constructor(private readonly currentDirectory: string) {
    this.resolutionCache = this.createResolutionCache();
  }

  /**
   * Sets the editor text of an open document. With the edits that led from the previous
   * text (in order, each relative to the text before it), TypeScript re-parses incrementally.
   */
  setOpen(fileName: string, text: string, edits?: readonly ts.TextChangeRange[]): void {
    const previous = this.open.get(fileName)?.snapshot;
    const change = previous === undefined || edits === undefined || edits.length === 0 ? undefined : ts.collapseTextChangeRangesAcrossMultipleVersions(edits);
    this.open.set(fileName, { stamp: ++this.openStamp, snapshot: new EditedSnapshot(text, change === undefined ? undefined : previous, change) });
  }

  close(fileName: string): void {
    this.open.delete(fileName);
  }

  setRoots(fileNames: Iterable<string>): void {
    const next = new Set(fileNames);
    if (next.size === this.roots.size && [...next].every((f) => this.roots.has(f))) return;
    this.roots.clear();
    for (const f of next) this.roots.add(f);
  }

  /** A file changed on disk, or appeared or disappeared (a watched-file event). */
  diskChanged(fileName: string, appearedOrDisappeared: boolean): void {
    this.disk.delete(fileName);
    // Module resolution results (including failed lookups) may now be wrong.
    if (appearedOrDisappeared) this.resolutionCache = this.createResolutionCache();
  }

  getCompilationSettings(): ts.CompilerOptions {
    return COMPILER_OPTIONS;
  }

  getScriptFileNames(): string[] {
    return [...this.roots];
  }

  getScriptVersion(fileName: string): string {
    const open = this.open.get(fileName);
    if (open !== undefined) return `open:${open.stamp}`;
    if (this.isVirtual(fileName)) return 'virtual';
    return `disk:${this.diskEntry(fileName).version}`;
  }

  getScriptSnapshot(fileName: string): ts.IScriptSnapshot | undefined {
    const open = this.open.get(fileName);
    if (open !== undefined) return open.snapshot;
    if (this.isVirtual(fileName)) return this.virtualSnapshot(fileName);
    const entry = this.diskEntry(fileName);
    if (entry.snapshot === undefined) {
      const text = ts.sys.readFile(fileName);
      if (text === undefined) return undefined;
      entry.snapshot = ts.ScriptSnapshot.fromString(text);
    }
    return entry.snapshot;
  }

  getCurrentDirectory(): string {
    return this.currentDirectory;
  }

  getDefaultLibFileName(options: ts.CompilerOptions): string {
    return `${LIB_DIR}/${path.basename(ts.getDefaultLibFileName(options))}`;
  }

  useCaseSensitiveFileNames(): boolean {
    return ts.sys.useCaseSensitiveFileNames;
  }

  fileExists(fileName: string): boolean {
    if (this.open.has(fileName)) return true;
    if (this.isVirtual(fileName)) return this.virtualSnapshot(fileName) !== undefined;
    return ts.sys.fileExists(fileName);
  }

  readFile(fileName: string, encoding?: string): string | undefined {
    const open = this.open.get(fileName);
    if (open !== undefined) return open.snapshot.getText(0, open.snapshot.getLength());
    if (this.isVirtual(fileName)) {
      const snapshot = this.virtualSnapshot(fileName);
      return snapshot?.getText(0, snapshot.getLength());
    }
    return ts.sys.readFile(fileName, encoding);
  }

  directoryExists(directoryName: string): boolean {
    if (directoryName === VIRTUAL_ROOT || directoryName.startsWith(`${VIRTUAL_ROOT}/`)) return true;
    return ts.sys.directoryExists(directoryName);
  }

  getDirectories(directoryName: string): string[] {
    if (this.isVirtual(directoryName)) return [];
    return ts.sys.getDirectories(directoryName);
  }

  realpath(fileName: string): string {
    if (this.isVirtual(fileName) || this.open.has(fileName)) return fileName;
    return ts.sys.realpath?.(fileName) ?? fileName;
  }

  resolveModuleNameLiterals(
    literals: readonly ts.StringLiteralLike[],
    containingFile: string,
    redirectedReference: ts.ResolvedProjectReference | undefined,
    options: ts.CompilerOptions,
    containingSourceFile: ts.SourceFile,
  ): readonly ts.ResolvedModuleWithFailedLookupLocations[] {
    return literals.map((literal) => {
      // The loader gives every script this engine's SDK for `evalens`, whatever is installed.
      if (literal.text === 'evalens') {
        return { resolvedModule: { resolvedFileName: SDK_FILE, extension: ts.Extension.Ts, isExternalLibraryImport: false } };
      }
      const mode = ts.getModeForUsageLocation(containingSourceFile, literal, options);
      return ts.resolveModuleName(literal.text, containingFile, options, this, this.resolutionCache, redirectedReference, mode);
    });
  }

  isVirtual(fileName: string): boolean {
    return fileName.startsWith(`${VIRTUAL_ROOT}/`);
  }

  private virtualSnapshot(fileName: string): ts.IScriptSnapshot | undefined {
    let snapshot = this.virtual.get(fileName);
    if (snapshot === undefined) {
      const text = fileName === SDK_FILE ? sdkText() : fileName.startsWith(`${LIB_DIR}/`) ? libFileText(path.posix.basename(fileName)) : undefined;
      if (text === undefined) return undefined;
      snapshot = ts.ScriptSnapshot.fromString(text);
      this.virtual.set(fileName, snapshot);
    }
    return snapshot;
  }

  /** Versions a disk file by its mtime and size; files under node_modules are trusted until a watcher says otherwise. */
  private diskEntry(fileName: string): DiskEntry {
    let entry = this.disk.get(fileName);
    if (entry !== undefined && isPackageFile(fileName)) return entry;
    const stamp = statStamp(fileName);
    if (entry === undefined || entry.stamp !== stamp) {
      entry = { stamp, version: (entry?.version ?? 0) + 1, snapshot: undefined };
      this.disk.set(fileName, entry);
    }
    return entry;
  }

  getModuleResolutionCache(): ts.ModuleResolutionCache {
    return this.resolutionCache;
  }

  private createResolutionCache(): ts.ModuleResolutionCache {
    const canonical = (f: string) => (ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase());
    return ts.createModuleResolutionCache(this.currentDirectory, canonical, COMPILER_OPTIONS);
  }
}

export function isLibFile(fileName: string): boolean {
  return fileName.startsWith(`${LIB_DIR}/`) && LIB_FILE_NAMES.includes(path.posix.basename(fileName));
}

function isPackageFile(fileName: string): boolean {
  return fileName.includes('/node_modules/');
}

function statStamp(fileName: string): string {
  try {
    const s = statSync(fileName);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

/** How many edits back a snapshot can tell its change range; older ones are let go. */
const MAX_EDIT_CHAIN = 8;

/** The text of an open document that remembers the edit from its previous text, for incremental parsing. */
class EditedSnapshot implements ts.IScriptSnapshot {
  constructor(
    private readonly text: string,
    private previous: EditedSnapshot | undefined,
    private readonly change: ts.TextChangeRange | undefined,
  ) {
    let s: EditedSnapshot | undefined = this;
    for (let depth = 0; s !== undefined; depth++, s = s.previous) {
      if (depth === MAX_EDIT_CHAIN) {
        s.previous = undefined;
        break;
      }
    }
  }

  getText(start: number, end: number): string {
    return this.text.substring(start, end);
  }

  getLength(): number {
    return this.text.length;
  }

  getChangeRange(oldSnapshot: ts.IScriptSnapshot): ts.TextChangeRange | undefined {
    const changes: ts.TextChangeRange[] = [];
    let s: EditedSnapshot | undefined = this;
    while (s !== undefined && s !== oldSnapshot) {
      if (s.change === undefined) return undefined;
      changes.push(s.change);
      s = s.previous;
    }
    return s === oldSnapshot ? ts.collapseTextChangeRangesAcrossMultipleVersions(changes.reverse()) : undefined;
  }
}
