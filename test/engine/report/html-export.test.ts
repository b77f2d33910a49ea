import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { INLINED_REPORT_ELEMENT_ID } from '../../../shared/webview-protocol';
import { reportDataSchema } from '../../../shared/report-data';
import { MARKUP_NOTE } from '../../fixtures/report/bc-binary.integration';
import { evalensSync } from '../../helpers/eval-runs';
import { ROOT } from '../../helpers/paths';
import { binaryRun } from '../../helpers/report-fixtures';

const BUNDLE = path.join(ROOT, 'dist', 'webview.js');
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(BUNDLE) ? `${BUNDLE} is not built (npm run build)` : !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed` : false;

test('evalens runs export --format html writes one file that opens with no network and shows the run, user markup as text', { skip, timeout: 120_000 }, async () => {
  const { storeDir, runId } = await binaryRun();
  const out = mkdtempSync(path.join(tmpdir(), 'evalens-html-'));
  const result = evalensSync(['runs', 'export', runId, '--format', 'html,md', '--out', out, '--runs-dir', storeDir]);
  assert.equal(result.code, 0, result.stderr);
  const file = path.join(out, 'report.html');
  const html = readFileSync(file, 'utf8');
  assert.ok(!html.includes(MARKUP_NOTE), 'the markup never appears raw in the file');
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), /breast cancer: logistic regression/);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    assert.match(await page.title(), /breast cancer: logistic regression/);
    // The app renders in shadow roots, which Playwright's text locators pierce.
    await page.getByText('breast cancer: logistic regression').first().waitFor({ timeout: 15_000 });
    const inlined = reportDataSchema.parse(JSON.parse(await page.locator(`#${INLINED_REPORT_ELEMENT_ID}`).textContent() ?? 'null'));
    const table = inlined.benchmarks[0]!.table;
    assert.equal(table.values[table.columns.findIndex((c) => c.key === 'metadata.note')]![0], MARKUP_NOTE);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, [], 'no request left the file');
  } finally {
    await browser.close();
  }
});

test('the HTML export names the missing app bundle and how to build it', async () => {
  const { storeDir, runId } = await binaryRun();
  const { exportRun } = await import('../../../engine/report/export-run');
  const { RunStore } = await import('../../../engine/runs/run-store');
  const store = new RunStore(storeDir);
  const empty = mkdtempSync(path.join(tmpdir(), 'evalens-no-bundle-'));
  await assert.rejects(
    exportRun(store, store.read(runId), store.readResults(runId), { outDir: path.join(empty, 'out'), formats: ['html'], webviewBundleDir: empty }),
    new RegExp(`${path.join(empty, 'webview.js').replace(/[/.]/g, '\\$&')} is missing\\. Build it with \`npm run build\``),
  );
});
