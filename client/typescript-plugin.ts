import path from 'node:path';
import type * as ts from 'typescript';

/**
 * A TypeScript server plugin, loaded by VS Code's TypeScript service for every project.
 * Integration scripts import `evalens`, which the Evalens loader resolves at run time; this
 * plugin resolves it for the editor too (to the SDK's declarations shipped beside it), and
 * gives scripts in folders without @types/node the Node types they use (node:fs, node:path).
 */
const SCRIPT = /\.integration\.(ts|js|mjs)$/;

function init(modules: { typescript: typeof ts }) {
  const typescript = modules.typescript;
  const sdk = path.join(__dirname, 'types', 'evalens', 'index.d.ts');
  const nodeTypes = path.join(__dirname, 'types', 'node', 'index.d.ts');

  function create(info: ts.server.PluginCreateInfo): ts.LanguageService {
    const host = info.languageServiceHost;
    const resolve = host.resolveModuleNameLiterals?.bind(host);
    if (resolve !== undefined) {
      host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, sourceFile, reused) => {
        const resolved = resolve(literals, containingFile, redirected, options, sourceFile, reused);
        return resolved.map((r, i) =>
          literals[i]!.text === 'evalens' && r.resolvedModule === undefined
            ? { resolvedModule: { resolvedFileName: sdk, extension: typescript.Extension.Dts, isExternalLibraryImport: true } }
            : r,
        );
      };
    }
    const rootNames = host.getScriptFileNames.bind(host);
    host.getScriptFileNames = () => {
      const names = rootNames();
      const script = names.find((n) => SCRIPT.test(n));
      if (script === undefined || names.includes(nodeTypes) || hasNodeTypes(info.project)) return names;
      return [...names, nodeTypes];
    };
    return info.languageService;
  }

  /**
   * Whether the project already includes @types/node (adding a second copy would clash): the
   * type packages found from the project's folder, not from the TypeScript server's working
   * directory, which in VS Code can be anywhere.
   */
  function hasNodeTypes(project: ts.server.Project): boolean {
    const host: ts.ModuleResolutionHost = {
      fileExists: (file) => typescript.sys.fileExists(file),
      readFile: (file) => typescript.sys.readFile(file),
      directoryExists: (dir) => typescript.sys.directoryExists(dir),
      getDirectories: (dir) => typescript.sys.getDirectories(dir),
      getCurrentDirectory: () => project.getCurrentDirectory(),
    };
    return typescript.getAutomaticTypeDirectiveNames(project.getCompilationSettings(), host).includes('node');
  }

  return { create };
}

export = init;
