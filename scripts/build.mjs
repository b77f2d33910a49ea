// Bundles each part with esbuild. Native and runtime-resolved packages stay external:
// onnxruntime-node (native binaries) and esbuild (transpiles user scripts at run time).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

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

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await Promise.all([
  build({ ...node, entryPoints: ['engine/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...node, entryPoints: ['engine/runner/worker-main.ts'], outfile: 'dist/worker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
console.log(`built dist/ (evalens ${pkg.version})`);
