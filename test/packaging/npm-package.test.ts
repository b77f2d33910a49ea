import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXAMPLE_SCRIPT, ROOT } from '../helpers/paths';
import { npm } from './npm';

/** The CLI as npm publishes it (`npm pack`), installed globally the way the README says. */

test('npm pack: the CLI bundles, the schema, the readme and license, nothing else', () => {
  const { status, output } = npm(['pack', '--dry-run', '--json'], { cwd: ROOT });
  assert.equal(status, 0, output);
  const [packed] = JSON.parse(output.slice(output.indexOf('['))) as { files: { path: string }[] }[];
  assert.deepEqual(
    packed!.files.map((f) => f.path).sort(),
    [
      'LICENSE',
      'README.md',
      // package.json's "main" (the extension), which npm always packs.
      'dist/cli.js',
      'dist/client.js',
      'dist/inference-thread.js',
      'dist/server.js',
      'dist/webview.css',
      'dist/webview.js',
      'dist/worker.js',
      'evalens.eval.schema.json',
      'package.json',
    ].sort(),
  );
});

test('npm install -g of the packed CLI (--ignore-scripts): evalens tests and evaluates the example', { timeout: 300_000 }, (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-npm-'));
  // The install holds all of onnxruntime-node's platforms: 300 MB.
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const packed = npm(['pack', '--pack-destination', dir], { cwd: ROOT });
  assert.equal(packed.status, 0, packed.output);
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const prefix = path.join(dir, 'prefix');
  const installed = npm(['install', '--global', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, `evalens-${version}.tgz`)], { cwd: dir });
  assert.equal(installed.status, 0, installed.output);
  assert.doesNotMatch(installed.output, /npm warn/i);

  const evalens = path.join(prefix, 'bin', 'evalens');
  const tested = spawnSync(evalens, ['test', EXAMPLE_SCRIPT], { cwd: dir, encoding: 'utf8' });
  assert.equal(tested.status, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /0 failed/);

  // An evaluation runs the worker and the inference thread: the packed files must hold them.
  const example = path.join(dir, 'digits');
  cpSync(path.dirname(EXAMPLE_SCRIPT), example, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  const config = JSON.parse(readFileSync(path.join(example, 'evalens.eval.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(example, 'evalens.eval.json'), JSON.stringify({ ...config, $schema: undefined, benchmarks: [{ name: 'test', subset: 'test' }] }));
  const evaluated = spawnSync(evalens, ['eval', '--config', path.join(example, 'evalens.eval.json')], { cwd: example, encoding: 'utf8' });
  assert.equal(evaluated.status, 0, evaluated.stdout + evaluated.stderr);
  assert.match(evaluated.stdout, /✓ test: accuracy/);
});
