// Bundles each part with esbuild. Native and runtime-resolved packages stay external:
// onnxruntime-node (native binaries) and esbuild (transpiles user scripts at run time).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// The webview app runs in a browser (a VS Code webview, or the exported HTML file): one IIFE
// and one style sheet, nothing loaded from elsewhere (the CSP allows no remote loads).
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  tsconfig: 'webview/tsconfig.json',
  logLevel: 'warning',
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['onnxruntime-node', 'esbuild', 'vscode'],
  define: { EVALENS_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

const webview = () => [
  // uPlot's style sheet is imported as text: charts live in shadow roots, which a document style sheet cannot reach.
  build({ ...browser, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', format: 'iife', loader: { '.css': 'text' } }),
  // The codicon font is inlined (a data: URL) so the exported HTML needs no file beside it.
  build({ ...browser, entryPoints: ['webview/styles/base.css'], outfile: 'dist/webview.css', loader: { '.ttf': 'dataurl' } }),
];
// `node scripts/build.mjs webview`: the webview app alone (its tests and screenshots need only that).
if (process.argv[2] === 'webview') {
  await Promise.all(webview());
  console.log('built dist/webview.js and dist/webview.css');
  process.exit(0);
}

await Promise.all([
  ...webview(),
  build({ ...node, entryPoints: ['engine/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...node, entryPoints: ['engine/runner/worker-main.ts'], outfile: 'dist/worker.js' }),
  build({ ...node, entryPoints: ['engine/inference/inference-thread.ts'], outfile: 'dist/inference-thread.js' }),
  build({ ...node, entryPoints: ['client/main.ts'], outfile: 'dist/client.js' }),
  build({ ...node, entryPoints: ['client/typescript-plugin.ts'], outfile: 'typescript-plugin/index.js', external: ['typescript'] }),
  build({ ...node, entryPoints: ['server/main.ts'], outfile: 'dist/server.js', mainFields: ['module', 'main'], plugins: [(await import('../server/build/embed-plugin.mjs')).embedFiles] }),
]);
chmodSync('dist/cli.js', 0o755);
// What the TypeScript plugin serves to the editor: the SDK's declarations and Node's types.
const declarations = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', 'engine/sdk/index.ts', '--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--skipLibCheck', '--target', 'es2022', '--module', 'preserve', '--outDir', 'typescript-plugin/types/evalens'], { stdio: 'inherit' });
if (declarations.status !== 0) process.exit(declarations.status ?? 1);
cpSync('node_modules/@types/node', 'typescript-plugin/types/node', { recursive: true });
// VS Code loads TypeScript plugins from the extension's node_modules: a copy there serves the
// extension run from this folder and the tests (scripts/package.mjs puts one in each .vsix).
rmSync('node_modules/evalens-typescript-plugin', { recursive: true, force: true });
cpSync('typescript-plugin', 'node_modules/evalens-typescript-plugin', { recursive: true });
// The eval config's JSON Schema, generated from its zod schema (committed; VS Code validates evalens.eval.json with it).
const schema = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/emit-config-schema.ts'], { stdio: 'inherit' });
if (schema.status !== 0) process.exit(schema.status ?? 1);
console.log(`built dist/ (evalens ${pkg.version})`);
