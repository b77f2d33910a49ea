import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { EXAMPLE_SCRIPT, ROOT } from '../helpers/paths';
import { binaryPlatform } from './binary-platform';

/**
 * `npm run package`'s .vsix files, built once for every test here (all targets take about
 * 70 s on this machine): one per platform onnxruntime-node ships, each with that platform's
 * binaries only, and the bundles, manifest and runtime files, nothing else.
 */

const ORT = path.join(ROOT, 'node_modules', 'onnxruntime-node');
/** What onnxruntime-node ships: bin/napi-v<N>/<os>/<arch>, read here, not from the packaging script. */
const PLATFORM_DIRS = new Map(
  readdirSync(path.join(ORT, 'bin')).flatMap((napi) =>
    readdirSync(path.join(ORT, 'bin', napi)).flatMap((os) => readdirSync(path.join(ORT, 'bin', napi, os)).map((arch) => [`${os}-${arch}`, `bin/${napi}/${os}/${arch}`] as const)),
  ),
);
const TARGETS = [...PLATFORM_DIRS.keys()].sort();
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

const OWN_FILES = [
  'extension.vsixmanifest',
  '[Content_Types].xml',
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/evalens.eval.schema.json',
  'extension/media/evalens.svg',
  ...['client.js', 'server.js', 'cli.js', 'worker.js', 'inference-thread.js', 'webview.js', 'webview.css'].map((f) => `extension/dist/${f}`),
].sort();

let outDir = '';
before(() => {
  outDir = mkdtempSync(path.join(tmpdir(), 'evalens-vsix-'));
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--out-dir', outDir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  console.log(`# packaged ${TARGETS.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
// 140 MB of packages.
after(() => rmSync(outDir, { recursive: true, force: true }));

const vsixOf = (target: string) => path.join(outDir, `evalens-${version}-${target}.vsix`);
const load = async (target: string) => JSZip.loadAsync(readFileSync(vsixOf(target)));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('npm run package builds one .vsix per platform onnxruntime-node ships binaries for', () => {
  assert.ok(TARGETS.length >= 5, `onnxruntime-node ships ${TARGETS.join(', ')}`);
  assert.deepEqual(readdirSync(outDir).sort(), TARGETS.map((t) => `evalens-${version}-${t}.vsix`));
});

for (const target of TARGETS) {
  test(`${target}: the bundles, the manifest, the runtime packages with ${target}'s binaries only, no sources, tests, docs or duplicates`, async () => {
    const zip = await load(target);
    const files = Object.values(zip.files).filter((f) => !f.dir);
    const names = files.map((f) => f.name);
    const modules = names.filter((n) => n.startsWith('extension/node_modules/')).map((n) => n.slice('extension/node_modules/'.length));

    assert.deepEqual(names.filter((n) => !n.startsWith('extension/node_modules/')).sort(), OWN_FILES, 'own files: the bundles, manifest, readme, license, schema and icon');
    const packages = new Set(modules.map((m) => m.split('/').slice(0, m.startsWith('@') ? 2 : 1).join('/')));
    assert.deepEqual([...packages].sort(), [`@esbuild/${target}`, 'esbuild', 'evalens-typescript-plugin', 'onnxruntime-common', 'onnxruntime-node']);
    const manifest = JSON.parse(await zip.file('extension/package.json')!.async('string')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(manifest.dependencies as object).sort(), ['esbuild', 'evalens-typescript-plugin', 'onnxruntime-node']);
    assert.equal(manifest.devDependencies, undefined);
    assert.equal(manifest.scripts, undefined);

    // No stray files: declarations only where the TypeScript plugin serves them, no sources, maps, docs, tests or CI files.
    const stray = modules.filter(
      (m) =>
        (/\.ts$/.test(m) && !/^evalens-typescript-plugin\/types\/.+\.d\.ts$/.test(m)) ||
        /\.(map|md|markdown|txt)$/i.test(m.replace(/(^|\/)LICENSE\.md$/, '')) ||
        /(^|\/)(README|CHANGELOG|HISTORY)[^/]*$/i.test(m) ||
        /(^|\/)(\.github|tests?|__tests__|docs?|examples?|script)\//.test(m) ||
        (/(^|\/)lib\//.test(m) && m !== 'esbuild/lib/main.js') ||
        /^onnxruntime-common\/dist\/esm\//.test(m),
    );
    assert.deepEqual(stray, []);
    assert.ok(modules.includes('evalens-typescript-plugin/types/evalens/index.d.ts') && modules.includes('evalens-typescript-plugin/types/node/index.d.ts'), 'the plugin serves the SDK and Node types');

    // Every native binary is built for this target: read from each file's header, whatever its name.
    const binaries = new Map<string, Uint8Array>();
    for (const file of files) {
      const bytes = await file.async('uint8array');
      const platform = binaryPlatform(bytes);
      if (platform !== undefined) {
        assert.equal(platform, target, `${file.name} is built for ${platform}`);
        binaries.set(file.name.slice('extension/node_modules/'.length), bytes);
      }
    }
    const hashes = [...binaries.values()].map(sha256);
    assert.equal(new Set(hashes).size, hashes.length, 'no binary is packaged twice');

    // onnxruntime-node's files for this platform: each packaged, or identical to one that is; each one its binding names is there.
    const platformDir = PLATFORM_DIRS.get(target)!;
    const shipped = new Set(hashes);
    const binding = readFileSync(path.join(ORT, platformDir, 'onnxruntime_binding.node')).toString('latin1');
    for (const name of readdirSync(path.join(ORT, platformDir))) {
      const packaged = binaries.has(`onnxruntime-node/${platformDir}/${name}`);
      assert.ok(packaged || shipped.has(sha256(readFileSync(path.join(ORT, platformDir, name)))), `${name}, or a copy, is packaged`);
      if (binding.includes(name)) assert.ok(packaged, `${name}, which the binding loads, is packaged`);
    }
    assert.deepEqual(modules.filter((m) => m.startsWith('onnxruntime-node/bin/') && !m.startsWith(`onnxruntime-node/${platformDir}/`)), []);

    const esbuild = target.startsWith('win32') ? `@esbuild/${target}/esbuild.exe` : `@esbuild/${target}/bin/esbuild`;
    assert.ok(binaries.has(esbuild), `${esbuild} is packaged`);
    if (!target.startsWith('win32')) assert.ok((zip.file(`extension/node_modules/${esbuild}`)!.unixPermissions as number) & 0o100, 'esbuild is executable');
    assert.equal(binaries.size, files.filter((f) => f.name.startsWith(`extension/node_modules/onnxruntime-node/${platformDir}/`)).length + 1, 'no native binary but onnxruntime’s and esbuild’s');
  });
}

test('the package for this machine runs the example: esbuild loads the script, onnxruntime runs the model, from the package alone', { skip: TARGETS.includes(`${process.platform}-${process.arch}`) ? false : `no package for ${process.platform}-${process.arch}` }, async (t) => {
  const zip = await load(`${process.platform}-${process.arch}`);
  // Outside this repository, so nothing resolves from its node_modules.
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-vsix-unpacked-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of Object.values(zip.files)) {
    if (file.dir) continue;
    const to = path.join(dir, file.name);
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, await file.async('uint8array'), { mode: (file.unixPermissions as number | null) ?? 0o644 });
  }
  const result = spawnSync(process.execPath, [path.join(dir, 'extension', 'dist', 'cli.js'), 'test', EXAMPLE_SCRIPT], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /✓ model\s+runs/);
  assert.match(result.stdout, /0 failed/);
});
