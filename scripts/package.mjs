// `npm run package`: one .vsix per platform onnxruntime-node ships binaries for, each holding
// only what runs there. vsce packages a folder staged per target (under .cache/packaging):
// the bundles, the manifest and the runtime packages (onnxruntime-node with that platform's
// binaries, esbuild with that platform's binary, the TypeScript plugin), each reduced to the
// files loaded at run time.
//
//   node scripts/package.mjs [--target linux-x64]... [--out-dir DIR]
//
// Run `npm run build` first (`npm run package` does).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const modules = path.join(root, 'node_modules');
const cache = path.join(root, '.cache', 'packaging');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The extension's own files, as the build writes them. */
const OWN_FILES = [
  'README.md',
  'LICENSE',
  'evalens.eval.schema.json',
  'media/evalens.svg',
  ...['client.js', 'server.js', 'cli.js', 'worker.js', 'inference-thread.js', 'webview.js', 'webview.css'].map((f) => `dist/${f}`),
];

/** onnxruntime-node's binaries, one folder per platform: bin/napi-v<N>/<os>/<arch>. */
function onnxruntimeBinaries() {
  const bin = path.join(modules, 'onnxruntime-node', 'bin');
  return readdirSync(bin).flatMap((napi) =>
    readdirSync(path.join(bin, napi)).flatMap((os) => readdirSync(path.join(bin, napi, os)).map((arch) => ({ os, arch, dir: `bin/${napi}/${os}/${arch}` }))),
  );
}

/** The targets: each platform onnxruntime-node ships binaries for (darwin-x64 it does not, from 1.30). */
function packageTargets() {
  return onnxruntimeBinaries().map(({ os, arch }) => `${os}-${arch}`);
}

/**
 * A platform folder's files less duplicates: npm packages cannot hold symlinks, so a library
 * and its versioned alias arrive as two identical copies (libonnxruntime.1.30.0.dylib and
 * libonnxruntime.1.dylib, 44 MB each). Of identical files, the one the binding names is kept.
 */
function withoutDuplicates(dir) {
  const files = readdirSync(dir).sort();
  const binding = readFileSync(path.join(dir, 'onnxruntime_binding.node')).toString('latin1');
  const byContent = new Map();
  for (const file of files) {
    const hash = createHash('sha256').update(readFileSync(path.join(dir, file))).digest('hex');
    byContent.set(hash, [...(byContent.get(hash) ?? []), file]);
  }
  return [...byContent.values()].map((same) => same.find((f) => binding.includes(f)) ?? same[0]);
}

/**
 * esbuild's binary for `target` (@esbuild/<target>): the installed one for this machine's
 * platform, else the registry's tarball of the version package-lock.json pins, checked against
 * the lock's integrity and kept in .cache/packaging/esbuild.
 */
function esbuildPlatformPackage(target) {
  const name = `@esbuild/${target}`;
  const version = readJson(path.join(modules, 'esbuild', 'package.json')).optionalDependencies[name];
  if (version === undefined) throw new Error(`esbuild ${readJson(path.join(modules, 'esbuild', 'package.json')).version} has no binary package for ${target}.`);
  const installed = path.join(modules, name);
  if (existsSync(installed) && readJson(path.join(installed, 'package.json')).version === version) return installed;
  const dir = path.join(cache, 'esbuild', `${target}-${version}`);
  if (existsSync(path.join(dir, 'package', 'package.json'))) return path.join(dir, 'package');
  const integrity = readJson(path.join(root, 'package-lock.json')).packages[`node_modules/${name}`]?.integrity;
  if (integrity === undefined) throw new Error(`package-lock.json pins no ${name}; run npm install to update it.`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const packed = run('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dir], dir);
  const [{ filename, integrity: fetched }] = JSON.parse(packed);
  if (fetched !== integrity) throw new Error(`${name}@${version} from the registry has integrity ${fetched}, package-lock.json says ${integrity}.`);
  run('tar', ['-xzf', filename], dir);
  return path.join(dir, 'package');
}

/** Copies the files of package folder `from` that `keep` accepts (paths relative to it) to `to`. */
function copyPackage(from, to, keep) {
  const walk = (rel) =>
    readdirSync(path.join(from, rel), { withFileTypes: true }).flatMap((entry) => {
      const file = rel === '' ? entry.name : `${rel}/${entry.name}`;
      return entry.isDirectory() ? walk(file) : keep(file) ? [file] : [];
    });
  for (const file of walk('')) cpSync(path.join(from, file), path.join(to, file), { preserveTimestamps: true });
}

/** Writes package folder `dir`'s manifest changed by `edit`. */
function editManifest(dir, edit) {
  const file = path.join(dir, 'package.json');
  writeFileSync(file, `${JSON.stringify(edit(readJson(file)), null, 2)}\n`);
}

/** Stages what the .vsix for `target` holds into the empty folder `dir`. */
function stage(target, dir) {
  const [os, arch] = target.split('-');
  for (const file of OWN_FILES) cpSync(path.join(root, file), path.join(dir, file));
  const nm = path.join(dir, 'node_modules');

  const { dir: binaries } = onnxruntimeBinaries().find((b) => b.os === os && b.arch === arch);
  const platformFiles = new Set(withoutDuplicates(path.join(modules, 'onnxruntime-node', binaries)).map((f) => `${binaries}/${f}`));
  copyPackage(path.join(modules, 'onnxruntime-node'), path.join(nm, 'onnxruntime-node'), (f) => f === 'package.json' || /^dist\/[^/]+\.js$/.test(f) || platformFiles.has(f));
  // Its other dependencies (adm-zip, global-agent) serve its install script only, which does not ship.
  editManifest(path.join(nm, 'onnxruntime-node'), ({ scripts, dependencies, ...manifest }) => ({ ...manifest, dependencies: { 'onnxruntime-common': dependencies['onnxruntime-common'] } }));
  // onnxruntime-node require()s it: the CommonJS build only.
  copyPackage(path.join(modules, 'onnxruntime-common'), path.join(nm, 'onnxruntime-common'), (f) => f === 'package.json' || (f.startsWith('dist/cjs/') && (f.endsWith('.js') || f.endsWith('/package.json'))));

  // esbuild bundles integration scripts at run time (engine/loader): its JS API and this platform's binary.
  copyPackage(path.join(modules, 'esbuild'), path.join(nm, 'esbuild'), (f) => ['package.json', 'LICENSE.md', 'lib/main.js'].includes(f));
  const esbuildBinary = os === 'win32' ? 'esbuild.exe' : 'bin/esbuild';
  copyPackage(esbuildPlatformPackage(target), path.join(nm, '@esbuild', target), (f) => f === 'package.json' || f === esbuildBinary);

  // VS Code loads TypeScript plugins from the extension's node_modules: the plugin and the declarations it serves.
  copyPackage(path.join(root, 'typescript-plugin'), path.join(nm, 'evalens-typescript-plugin'), (f) => ['package.json', 'index.js', 'types/node/LICENSE'].includes(f) || (f.startsWith('types/') && f.endsWith('.d.ts')));

  const packages = ['onnxruntime-node', 'esbuild', 'evalens-typescript-plugin'];
  // The extension's manifest, listing the packages it carries (vsce reads them with npm list).
  const { scripts, devDependencies, files, ...manifest } = readJson(path.join(root, 'package.json'));
  const dependencies = Object.fromEntries(packages.map((p) => [p, readJson(path.join(nm, p, 'package.json')).version]));
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ ...manifest, dependencies }, null, 2)}\n`);
  writeFileSync(path.join(dir, '.vscodeignore'), '# Staged by scripts/package.mjs: everything here is packaged.\n');
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' && command === 'npm', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stderr || result.stdout || result.error}`);
  return result.stdout;
}

/** Stages and packages each target; returns the .vsix files. */
function packageExtension({ targets = packageTargets(), outDir = root }) {
  const { name, version } = readJson(path.join(root, 'package.json'));
  const unknown = targets.filter((t) => !packageTargets().includes(t));
  if (unknown.length > 0) throw new Error(`onnxruntime-node ships no binaries for ${unknown.join(', ')}; the targets are ${packageTargets().join(', ')}.`);
  const missing = OWN_FILES.filter((f) => !existsSync(path.join(root, f)));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run \`npm run build\` first.`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(cache, { recursive: true });
  return targets.map((target) => {
    const out = path.resolve(outDir, `${name}-${version}-${target}.vsix`);
    // A folder of its own: packagings may run side by side (the e2e suite's and the packaging test's).
    const staged = mkdtempSync(path.join(cache, `${target}-`));
    try {
      stage(target, staged);
      run(process.execPath, [path.join(modules, '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--out', out], staged);
    } finally {
      rmSync(staged, { recursive: true, force: true });
    }
    return out;
  });
}

const { values } = parseArgs({ options: { target: { type: 'string', multiple: true }, 'out-dir': { type: 'string' } } });
try {
  for (const vsix of packageExtension({ targets: values.target, outDir: values['out-dir'] })) console.log(`packaged ${path.relative(process.cwd(), vsix)}`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
