import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/paths';

/** What `vsce package` would put in the .vsix, as `vsce ls` lists it. */
function packagedFiles(): string[] {
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'ls'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter((l) => l.trim() !== '');
}

test('the .vsix holds the bundles, the webview app and media/, the runtime packages, no sources, tests or fixtures', () => {
  const files = packagedFiles();
  for (const required of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/cli.js',
    'dist/worker.js',
    'dist/client.js',
    'dist/server.js',
    'dist/webview.js',
    'dist/webview.css',
    'media/evalens.svg',
    'evalens.eval.schema.json',
    'node_modules/evalens-typescript-plugin/index.js',
    'node_modules/evalens-typescript-plugin/types/evalens/index.d.ts',
  ]) {
    assert.ok(files.includes(required), `${required} is packaged`);
  }
  assert.ok(files.some((f) => f.startsWith('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/')), 'onnxruntime-node linux-x64 binaries are packaged');
  const own = files.filter((f) => !f.startsWith('node_modules/'));
  assert.deepEqual(own.filter((f) => /\.(ts|map)$/.test(f) || /^(engine|client|server|webview|shared|test|scripts|examples)\//.test(f)), []);
  assert.deepEqual(files.filter((f) => /napi-v\d+\/(darwin|win32)\//.test(f)), [], 'other platforms’ binaries are left out');
});
