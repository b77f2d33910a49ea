import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths';
import { npm } from './npm';

/**
 * A clean install with npm 10 and npm 11: no warning about unknown configuration from
 * `npm install` or `npm run`, and onnxruntime-node's CUDA download still skipped (.npmrc).
 * Dry runs and a rebuild of onnxruntime-node only: a full install would take minutes.
 */

for (const npm10 of [false, true]) {
  const which = npm10 ? 'npm 10' : 'this machine’s npm';

  test(`${which}: npm install and npm run print no warning about configuration`, () => {
    const { output: version } = npm(['--version'], { cwd: ROOT, npm10 });
    if (npm10) assert.match(version.trim(), /^10\./);
    for (const args of [['install', '--dry-run'], ['run']]) {
      const { status, output } = npm(args, { cwd: ROOT, npm10 });
      assert.equal(status, 0, output);
      // Configuration warnings (unknown or deprecated keys), and npm 11's notice of install scripts it would run unreviewed.
      assert.doesNotMatch(output, /Unknown \w+ config|^npm warn (config|install-scripts)/im, `npm ${args.join(' ')} (npm ${version.trim()})`);
    }
  });

  test(`${which}: onnxruntime-node's install script does not run, so it downloads no CUDA libraries`, () => {
    const { status, output } = npm(['rebuild', 'onnxruntime-node', '--foreground-scripts'], { cwd: ROOT, npm10 });
    assert.equal(status, 0, output);
    assert.doesNotMatch(output, /nuget|Downloading|script\/install/i);
    const bin = path.join(ROOT, 'node_modules', 'onnxruntime-node', 'bin');
    const cuda = readdirSync(bin, { recursive: true, encoding: 'utf8' }).filter((f) => /providers_(cuda|tensorrt)/.test(f));
    assert.deepEqual(cuda, []);
    assert.ok(existsSync(path.join(bin, 'napi-v6', process.platform, process.arch, 'onnxruntime_binding.node')), 'the CPU binaries are there');
  });
}
