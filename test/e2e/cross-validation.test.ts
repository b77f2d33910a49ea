import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths';
import { ensureTools } from './e2e-tools';
import { installExtension, packagedExtension, screenshotsFor, Workbench } from './code-server';

/**
 * "Evalens: Cross-validate…" in a real VS Code workbench (code-server), driven by Chromium:
 * the command picks the eval config, asks for the folds, shows its progress, and opens the
 * cross-validation's report; too many folds is refused with the CLI's message and makes no
 * run; cancelled while it evaluates, it stops the evaluation and makes no cross-validation.
 * Screenshots go to test-results/e2e/cross-validation-*.png.
 */

const tools = ensureTools((line) => console.log(`# e2e: ${line}`));
const shot = screenshotsFor('cross-validation');

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-e2e-cv-'));
  cpSync(path.join(ROOT, 'examples', 'digits'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  writeFileSync(path.join(dir, 'cv.eval.json'), JSON.stringify({ name: 'digits test split', integration: 'digits.integration.ts', benchmarks: [{ name: 'test', subset: 'test' }], batchSize: 128 }));
  // 15 ms per sample: the labels' pass and the evaluation take about 8 s each, time to cancel. Its
  // inputs are scaled, so no completed run has their hashes and the cross-validation evaluates them.
  writeFileSync(
    path.join(dir, 'slow.integration.ts'),
    readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8').replace(
      'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),',
      'encode: (index, subset) => { const until = Date.now() + 15; while (Date.now() < until); return Float32Array.from(pixels(index, subset.data), (v) => v * 0.9); },',
    ),
  );
  writeFileSync(path.join(dir, 'slow.eval.json'), JSON.stringify({ name: 'slow', integration: 'slow.integration.ts', benchmarks: [{ name: 'test', subset: 'test' }], batchSize: 8 }));
  return dir;
}

const manifests = (dir: string) => {
  const root = path.join(dir, '.evalens', 'runs');
  return existsSync(root) ? readdirSync(root).filter((n) => /^\d{8}-/.test(n)).map((id) => JSON.parse(readFileSync(path.join(root, id, 'manifest.json'), 'utf8')) as { kind: string; status: string }) : [];
};

test('Cross-validate…: config and folds asked, progress shown, the report opened; too many folds refused with the reason; cancel stops it', { timeout: 600_000 }, async (t) => {
  if (!tools.ok) return t.skip(tools.reason);
  const dir = workspace();
  const wb = await Workbench.open(dir, installExtension(packagedExtension()), { trusted: true });
  const folds = wb.page.locator('.quick-input-widget', { has: wb.page.locator('.quick-input-title', { hasText: 'how many folds' }) });
  try {
    // The code lens shows once the extension and its language server are up.
    await wb.openFile('digits.integration.ts');
    await wb.page.locator('.codelens-decoration', { hasText: 'Run integration test' }).first().waitFor({ timeout: 120_000 });
    await wb.commandAndPick('Evalens: Cross-validate…', 'cv.eval.json');
    await folds.waitFor({ state: 'visible', timeout: 20_000 });
    await wb.page.keyboard.press('Enter');
    await wb.notification(/Cross-validating/, 60_000);
    await wb.screenshot(shot('1-progress'));
    const report = await wb.webview('evalens-cross-validation table[data-table="folds"]', 300_000);
    assert.equal(await report.locator('evalens-cross-validation table[data-table="folds"] tbody tr').count(), 5);
    assert.match(await report.locator('evalens-cross-validation dl.facts').innerText(), /540 labeled samples of benchmark\s+test, 10 classes/);
    await wb.screenshot(shot('2-report'));
    assert.deepEqual(manifests(dir).map((m) => `${m.kind} ${m.status}`).sort(), ['cross-validation completed', 'evaluation completed']);

    await wb.commandAndPick('Evalens: Cross-validate…', 'cv.eval.json');
    await folds.waitFor({ state: 'visible', timeout: 20_000 });
    await folds.locator('input').fill('600');
    await wb.page.keyboard.press('Enter');
    const message = await wb.notification(/pass --folds/, 120_000);
    assert.match(message, /600 folds: every fold must hold out at least one sample of each class\. Benchmark 'test' of cv\.eval\.json has only 52 of class '8': pass --folds 52 or fewer/);
    await wb.screenshot(shot('3-refused'));
    assert.equal(manifests(dir).length, 2, 'the refused cross-validation made no run');

    // Cancelled while it evaluates the samples: the evaluation stops (resumable), no cross-validation is made.
    await wb.commandAndPick('Evalens: Cross-validate…', 'slow.eval.json');
    await folds.waitFor({ state: 'visible', timeout: 20_000 });
    await wb.page.keyboard.press('Enter');
    const progress = wb.page.locator('.notification-toast', { hasText: /evaluating: \d+ of 540 samples/ });
    await progress.waitFor({ timeout: 120_000 });
    await wb.screenshot(shot('4-evaluating'));
    await progress.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await wb.notification(/cross-validation was cancelled/, 60_000);
    await wb.screenshot(shot('5-cancelled'));
    assert.deepEqual(manifests(dir).map((m) => `${m.kind} ${m.status}`).sort(), ['cross-validation completed', 'evaluation cancelled', 'evaluation completed']);
  } catch (error) {
    await wb.screenshot(shot('failure'));
    throw error;
  } finally {
    await wb.close();
  }
});
