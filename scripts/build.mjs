// Bundles each part with esbuild. Native and runtime-resolved packages stay external:
// onnxruntime-node (native binaries) and esbuild (transpiles user scripts at run time).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

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

await Promise.all([
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
// npm links the plugin (a file: dependency); vsce packages real folders only, and VS Code
// loads TypeScript plugins from the extension's node_modules: put a copy there.
rmSync('node_modules/evalens-typescript-plugin', { recursive: true, force: true });
cpSync('typescript-plugin', 'node_modules/evalens-typescript-plugin', { recursive: true });
// The eval config's JSON Schema, generated from its zod schema (committed; VS Code validates evalens.eval.json with it).
const schema = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/emit-config-schema.ts'], { stdio: 'inherit' });
if (schema.status !== 0) process.exit(schema.status ?? 1);
console.log(`built dist/ (evalens ${pkg.version})`);
