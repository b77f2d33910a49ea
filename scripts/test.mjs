// Runs every test suite this machine can run, and says which it skipped and why.
// Called by `npm test` after the build and the typecheck.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const tap = path.join(root, '.cache', 'test-results.tap');
mkdirSync(path.dirname(tap), { recursive: true });

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [path.relative(root, full)] : [];
  });
}

const files = findTests(path.join(root, 'test')).sort();
console.log(`Running ${files.length} test files (unit, engine, CLI, language server, packaging, end-to-end in code-server) with node's test runner.`);
const nodeTests = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: 'inherit' },
);

console.log('\nRunning the extension tests inside VS Code (@vscode/test-electron)…');
const vscodeTests = spawnSync(process.execPath, ['--import', 'tsx', 'test/vscode/run-vscode-tests.ts'], { cwd: root, encoding: 'utf8' });
process.stdout.write(vscodeTests.stdout);
process.stderr.write(vscodeTests.stderr);

const skipped = [...readFileSync(tap, 'utf8').matchAll(/^\s*ok \d+ - (.+?) # SKIP (.+)$/gm)]
  .filter(([, , reason]) => reason !== 'test name does not match pattern')
  .map(([, name, reason]) => `${name}: ${reason}`);
if (vscodeTests.status === 78) skipped.push(`VS Code extension tests: ${vscodeTests.stdout.replace(/^SKIPPED: /, '').trim()} The end-to-end suite in code-server covers the extension here.`);
console.log(skipped.length === 0 ? '\nSkipped: nothing.' : `\nSkipped (${skipped.length}):\n${skipped.map((s) => `  - ${s}`).join('\n')}`);

const failed = nodeTests.status !== 0 || (vscodeTests.status !== 0 && vscodeTests.status !== 78);
process.exit(failed ? 1 : 0);
