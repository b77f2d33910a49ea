import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { CLI, ROOT } from '../helpers/paths';
import { ensureTools } from './e2e-tools';
import { installExtension, packagedExtension, screenshotsFor, waitFor, Workbench } from './code-server';

/**
 * The Evalens panel in a real VS Code workbench (code-server), driven by Chromium: the
 * Evaluations view picks up a run a CLI in a terminal makes, shows a slow run's progress
 * moving, cancels it; the report opens from a row, a confusion-matrix cell filters the
 * sample table; the cancelled run resumes from the view, and a run is deleted from it
 * after the modal confirmation. Screenshots go to test-results/e2e/panel-*.png.
 */

const shot = screenshotsFor('panel');
const tools = ensureTools((line) => console.log(`# e2e: ${line}`));
const VIEW = 'evalens-runs-view';
let vsix: string | undefined;

before(() => {
  if (!tools.ok) return;
  vsix = packagedExtension();
});

after(() => undefined);

/** The digits example, with a second config whose run is slow enough to watch and cancel (15 ms per sample, 1257 samples: about 20 s). */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-e2e-panel-'));
  cpSync(path.join(ROOT, 'examples', 'digits'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  const config = JSON.parse(readFileSync(path.join(dir, 'evalens.eval.json'), 'utf8'));
  writeFileSync(path.join(dir, 'slow.eval.json'), JSON.stringify({ ...config, name: 'slow', integration: 'slow.integration.ts', benchmarks: [{ name: 'train', subset: 'train' }], batchSize: 8, gates: [] }));
  writeFileSync(
    path.join(dir, 'slow.integration.ts'),
    readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8').replace(
      'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),',
      'encode: (index, subset) => { const until = Date.now() + 15; while (Date.now() < until); return Float32Array.from(pixels(index, subset.data)); },',
    ),
  );
  // The same slow script on fewer samples, for a run from a terminal.
  writeFileSync(path.join(dir, 'terminal.eval.json'), JSON.stringify({ ...config, name: 'from-terminal', integration: 'slow.integration.ts', benchmarks: [{ name: 'train', subset: 'train', sampleCount: 400, seed: 1 }], batchSize: 8, gates: [] }));
  return dir;
}

const manifests = (dir: string) => {
  const root = path.join(dir, '.evalens', 'runs');
  return existsSync(root) ? readdirSync(root).filter((n) => /^\d{8}-/.test(n)).map((id) => JSON.parse(readFileSync(path.join(root, id, 'manifest.json'), 'utf8'))) : [];
};

/** A run's row in the Evaluations view (its aria-label is "name, status"). */
const row = (view: Frame, name: string, status?: string) => view.locator(status ? `evalens-run-row article[aria-label="${name}, ${status}"]` : `evalens-run-row article[aria-label^="${name}, "]`);

test('Evaluations view and report panel: live progress, cancel, report and confusion matrix, resume, delete', { timeout: 600_000 }, async (t) => {
  if (!tools.ok) return t.skip(tools.reason);
  const dir = workspace();
  const wb = await Workbench.open(dir, installExtension(vsix!), { trusted: true });
  try {
    // The Evalens container of the activity bar, with its empty-store guidance.
    await wb.page.locator('.activitybar .action-item a[aria-label^="Evalens"]').click();
    let view = await wb.webview(VIEW, 60_000);
    await view.getByText('No evaluation yet').waitFor({ timeout: 30_000 });
    await wb.screenshot(shot('1-empty'));

    // A run made by the CLI in a terminal, on the same store, shows up by itself.
    const cli = spawnSync(process.execPath, [CLI, 'eval', '--config', path.join(dir, 'evalens.eval.json'), '--json'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    assert.equal(cli.status, 0, cli.stderr);
    const digits = manifests(dir).find((m) => m.status === 'completed')!;
    await row(view, digits.name, 'completed').waitFor({ timeout: 30_000 });

    // A slow run from a terminal: its progress moves in the view, read from the manifests it writes.
    const terminal = spawn(process.execPath, [CLI, 'eval', '--config', path.join(dir, 'terminal.eval.json')], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => terminal.on('exit', resolve));
    await movingProgress(row(view, 'from-terminal'), 400);
    await wb.screenshot(shot('2-terminal-progress'));
    assert.equal(await exited, 0, 'evalens eval in the terminal succeeded');
    await row(view, 'from-terminal', 'completed').waitFor({ timeout: 30_000 });

    // A slow run from VS Code: its progress moves in the view.
    await wb.command('Evalens: Evaluate…');
    await wb.pick('slow.eval.json');
    const slowRow = row(view, 'slow');
    await movingProgress(slowRow, 1257);
    await wb.screenshot(shot('2-progress'));

    // Cancel from its row: the run stops part-way and is kept.
    await slowRow.locator('button[data-action="cancel"]').click();
    await row(view, 'slow', 'cancelled').waitFor({ timeout: 60_000 });
    const cancelled = manifests(dir).find((m) => m.name === 'slow');
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.checkpoint.records > 0 && cancelled.checkpoint.records < 1257, `${cancelled.checkpoint.records} records`);
    await wb.screenshot(shot('3-cancelled'));

    // The completed run's report, from its row: a confusion-matrix cell filters the sample table.
    await row(view, digits.name).locator('button[data-action="viewReport"]').click();
    await wb.page.locator('.tab', { hasText: `Evalens: ${digits.name}` }).waitFor({ timeout: 30_000 });
    const report = await wb.webview('evalens-report-view', 60_000);
    const cell = report.locator('evalens-confusion-matrix td[data-truth="3"][data-predicted="3"]').first();
    await cell.waitFor({ timeout: 60_000 });
    await wb.screenshot(shot('4-report'));
    const count = Number((await cell.innerText()).trim());
    assert.ok(count > 0, `the cell holds ${count} samples`);
    await cell.click();
    const table = report.locator('evalens-sample-table');
    await table.locator('[data-filter="cell"]').waitFor({ timeout: 10_000 });
    assert.match(await table.locator('[data-figure="shown"]').innerText(), new RegExp(`^${count} of `));
    // A sample's detail: probabilities from the run, its image drawn by the integration (evalens draw).
    await table.locator('.row').first().click();
    const drawn = report.locator('evalens-sample-detail canvas[data-visual="image"]');
    await drawn.waitFor({ timeout: 60_000 });
    await drawn.scrollIntoViewIfNeeded();
    await wb.screenshot(shot('5-confusion-filter'));

    // After a window reload the report comes back (its panel state names the run).
    await wb.command('Developer: Reload Window');
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await wb.page.locator('.tab', { hasText: `Evalens: ${digits.name}` }).waitFor({ timeout: 60_000 });
    const restored = await wb.webview('evalens-report-header', 60_000);
    await restored.getByText(digits.name).first().waitFor({ timeout: 30_000 });
    await wb.screenshot(shot('6-restored'));

    // Resume the cancelled run from the view: it completes with every sample.
    // (Clicking the container's icon again would hide the side bar.)
    await wb.command('Evalens: Focus on Evaluations View');
    view = await wb.webview(VIEW, 30_000);
    await row(view, 'slow', 'cancelled').locator('button[data-action="resume"]').click();
    await row(view, 'slow', 'completed').waitFor({ timeout: 240_000 });
    assert.equal(manifests(dir).find((m) => m.name === 'slow').checkpoint.records, 1257);
    await wb.screenshot(shot('7-resumed'));

    // Compare from the report's header: the host asks which run, and sends the comparison.
    await wb.page.locator('.tab', { hasText: `Evalens: ${digits.name}` }).click();
    let header = await wb.webview('evalens-report-header', 30_000);
    await header.locator('evalens-report-header button[data-action="compare"]').click();
    await wb.pick('slow');
    const compared = header.locator('[data-section="compare"]');
    await compared.waitFor({ timeout: 60_000 });
    assert.match(await compared.innerText(), /Only in B: train/);
    await wb.screenshot(shot('8-compared'));

    // Export as HTML from the header, into the workspace folder the dialog offers.
    header = await wb.webview('evalens-report-header', 30_000);
    await header.locator('evalens-report-header button[data-format="html"]').click();
    await wb.page.locator('.quick-input-widget .monaco-button', { hasText: 'Export here' }).click({ timeout: 20_000 });
    await wb.notification(/Exported .* to /, 120_000);
    const html = path.join(dir, `evalens-export-${digits.runId}`, 'report.html');
    assert.ok(existsSync(html), `${html} was written`);
    assert.match(readFileSync(html, 'utf8'), /Content-Security-Policy/);
    await wb.screenshot(shot('9-exported'));

    // Delete the first run from the view, after the modal that names what is lost.
    await wb.command('Evalens: Focus on Evaluations View');
    view = await wb.webview(VIEW, 30_000);
    await row(view, digits.name).locator('button[data-action="delete"]').click();
    await wb.page.locator('.monaco-dialog-box').waitFor({ timeout: 20_000 });
    await wb.screenshot(shot('10-delete-modal'));
    const text = await wb.dialog(/Delete run/, 'Delete');
    assert.match(text, new RegExp(digits.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(text, /records.*embeddings.*results/s);
    await waitFor(() => !manifests(dir).some((m) => m.runId === digits.runId), 10_000, () => `run ${digits.runId} is still in the store`);
    await row(view, digits.name).waitFor({ state: 'detached', timeout: 10_000 });
    // Its report closed with it.
    assert.equal(await wb.page.locator('.tab', { hasText: `Evalens: ${digits.name}` }).count(), 0);
    await wb.screenshot(shot('11-deleted'));
  } catch (error) {
    await wb.screenshot(shot('failure'));
    throw error;
  } finally {
    await wb.close();
  }
});

/** Waits until a row's progress figures ("done / total … samples/s") count up. */
async function movingProgress(runRow: Locator, total: number): Promise<void> {
  const figures = runRow.locator('.progress .figures');
  await figures.waitFor({ timeout: 90_000 });
  const doneOf = async () => Number((await figures.innerText()).replace(/,/g, '').match(new RegExp(`(\\d+)\\s*/\\s*${total}`))?.[1] ?? -1);
  await waitForAsync(async () => (await doneOf()) > 0, 60_000, 'the run never showed progress');
  const first = await doneOf();
  await waitForAsync(async () => (await doneOf()) > first, 30_000, `progress stayed at ${first}`);
  assert.match(await figures.innerText(), /samples\/s/);
}

async function waitForAsync(condition: () => Promise<boolean>, timeout: number, message: string): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 200));
  }
}
