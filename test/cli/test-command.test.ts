import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { integrationTestReportSchema } from '../../shared/integration-test-report';
import { EXAMPLE_SCRIPT, fixture, ROOT } from '../helpers/paths';
import { evalensSync } from '../helpers/eval-runs';

const evalens = (args: string[], cwd = ROOT) => evalensSync(args, { cwd });

test('evalens test on the example exits 0 and prints a readable report', () => {
  const { code, stdout } = evalens(['test', path.relative(ROOT, EXAMPLE_SCRIPT)]);
  assert.equal(code, 0);
  assert.match(stdout, /Integration test {2}examples\/digits\/digits\.integration\.ts/);
  assert.match(stdout, /300 checked: train 100 of 1257, test 100 of 540, unlabeled 100 of 540/);
  assert.match(stdout, /✓ input:image +input-exists · input-dtype · input-shape · runs · dtype · shape · finite/);
  assert.match(stdout, /✓ 0 failed, \d+ passed, 0 warnings/);
});

test('evalens test finds the only integration script of the current folder', () => {
  const { code, stdout } = evalens(['test', '--samples', '5'], path.dirname(EXAMPLE_SCRIPT));
  assert.equal(code, 0);
  assert.match(stdout, /15 checked/);
});

test('--json prints { ok, samplesChecked, checks } and exits 1 when a check fails', () => {
  const { code, stdout, stderr } = evalens(['test', fixture('shape-changes.integration.ts'), '--json']);
  assert.equal(code, 1);
  assert.equal(stderr, '');
  const report = integrationTestReportSchema.parse(JSON.parse(stdout));
  assert.equal(report.ok, false);
  assert.equal(report.samplesChecked, 60);
  const failed = report.checks.filter((c) => c.status === 'failed');
  assert.deepEqual(failed.map((c) => ({ id: c.id, component: c.component, sample: c.sample, subset: c.subset })), [
    { id: 'encoder.shape', component: 'input:image', sample: 37, subset: 'test' },
  ]);
});

test('a failing check is printed in full with its sample', () => {
  const { code, stdout } = evalens(['test', fixture('metadata-type-flip.integration.ts')]);
  assert.equal(code, 1);
  assert.match(stdout, /✗ metadata:scanner/);
  assert.match(stdout, /✗ metadata\.consistent {2}sample 37 of 'test'/);
  assert.match(stdout, /✗ 1 failed/);
});

const LOAD_ERRORS: [string, string, RegExp][] = [
  ['nope.integration.ts', 'script-not-found', /nope\.integration\.ts' does not exist/],
  ['syntax-error.integration.ts', 'script-compile', /syntax-error\.integration\.ts:7:3/],
  ['no-export.integration.ts', 'script-no-integration', /does not export an integration/],
  ['top-level-throws.integration.ts', 'script-runtime', /threw while loading/],
  ['invalid-definition.integration.js', 'definition-invalid', /inputs\.image\.shape\[1\]/],
  ['model-missing.integration.ts', 'model-not-found', /binds model\.path '\.\/data\/missing\.onnx'\. Model file 'missing\.onnx' was not found/],
  ['not-onnx.integration.ts', 'model-invalid', /not-a-model\.onnx.* is not an ONNX model/],
  ['truncated-model.integration.ts', 'model-invalid', /truncated\.onnx.* looks truncated/],
];

for (const [name, code, says] of LOAD_ERRORS) {
  test(`load error ${name}: exit 2, one clear message, no stack trace`, () => {
    const human = evalens(['test', fixture(name)]);
    assert.equal(human.code, 2);
    assert.equal(human.stdout, '');
    assert.match(human.stderr, /^error: /);
    assert.match(human.stderr, says);
    assert.doesNotMatch(human.stderr, /\n\s+at /, 'no stack trace without --verbose');
    assert.equal(human.stderr.trim().split('\n').length <= 4, true, human.stderr);

    const json = evalens(['test', fixture(name), '--json']);
    assert.equal(json.code, 2);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.error.code, code);
    assert.match(parsed.error.message, says);
  });
}

test('--verbose adds the stack trace', () => {
  const { code, stderr } = evalens(['test', fixture('top-level-throws.integration.ts'), '--verbose']);
  assert.equal(code, 2);
  assert.match(stderr, /\n\s+at /);
  assert.match(stderr, /top-level-throws\.integration\.ts:4/);
});

test('usage errors exit 2', () => {
  assert.equal(evalens(['test', '--samples', 'zero']).code, 2);
  assert.equal(evalens(['frobnicate']).code, 2);
  const empty = mkdtempSync(path.join(tmpdir(), 'evalens-cli-'));
  const none = evalens(['test'], empty);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No integration script \(\*\.integration\.ts, \.js or \.mjs\) in /);
  copyFileSync(fixture('valid.integration.ts'), path.join(empty, 'a.integration.ts'));
  copyFileSync(fixture('valid.integration.js'), path.join(empty, 'b.integration.js'));
  const two = evalens(['test'], empty);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /Several integration scripts .* \(a\.integration\.ts, b\.integration\.js\)\. Name the one to use/);
});

test('--help and --version exit 0', () => {
  const help = evalens(['test', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--samples <n>/);
  assert.equal(evalens(['--version']).code, 0);
});
