/**
 * A cross-validation run's report in headless Chromium, from a real `evalens cv` run: the
 * section shows the numbers of its cross-validation.json (cards, per-fold table, the pooled
 * confusion matrix), in place of the benchmark, sample and insight sections an evaluation has,
 * and its tables fit a narrow panel by scrolling, not by being cut off.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CV_METRICS } from '../../shared/cross-validation-types';
import type { ReportData } from '../../shared/report-data';
import { crossValidationReport } from './cross-validation-fixture';
import { launchBrowser, openWebview, waitForPosted, type WebviewPage } from './harness';

let browser: Browser;
let report: ReportData;

before(async () => {
  report = await crossValidationReport();
  browser = await launchBrowser();
});
after(() => browser?.close());

async function reportView(width: number): Promise<WebviewPage> {
  const view = await openWebview(browser, { view: 'report', width });
  await waitForPosted(view, (m) => m.some((x) => x.type === 'ready'));
  await view.send({ type: 'report', data: report });
  await view.page.locator('evalens-cross-validation table[data-table="folds"]').waitFor();
  return view;
}

/** The panel's four-decimal score, as formatScore writes it. */
const score = (v: number) => v.toFixed(4).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m)) || '0';

test('the section shows the stored means, spreads, folds and pooled confusion matrix, and no evaluation sections', async () => {
  const cv = report.crossValidation!;
  assert.equal(cv.k, 5);
  assert.equal(cv.samples, 540);
  const view = await reportView(1200);
  const { page } = view;
  const section = page.locator('evalens-cross-validation');
  for (const m of CV_METRICS) {
    const card = section.locator(`.card[data-metric="${m}"]`);
    assert.equal((await card.locator('.value').innerText()).replace(/\s+/g, ' '), `${score(cv.summary[m].mean)} ± ${score(cv.summary[m].std)}`);
    assert.match(await card.locator('.spread').innerText(), new RegExp(`^${score(cv.summary[m].min)} – ${score(cv.summary[m].max)} over 5 folds`));
  }
  const rows = section.locator('table[data-table="folds"] tbody tr');
  assert.equal(await rows.count(), 5);
  for (const fold of cv.folds) {
    const cells = await rows.nth(fold.fold).locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 2 + CV_METRICS.length), [String(fold.trainSize), String(fold.testSize), ...CV_METRICS.map((m) => score(fold.metrics[m]))]);
  }
  assert.match(await section.locator('dl.facts').innerText(), new RegExp(`540 labeled samples of benchmark\\s+test, 10 classes[\\s\\S]*5, stratified, seeded \\(seed 3\\)[\\s\\S]*latent\\s+embedding\\s+\\(32 values\\) of run\\s+${cv.sourceRunId}, evaluated for this cross-validation`));

  const matrix = section.locator('evalens-confusion-matrix[data-matrix="pooled"]');
  const shown = await matrix.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
  assert.deepEqual(shown, cv.confusionMatrix);
  assert.equal(shown.flat().reduce((a, b) => a + b, 0), 540);

  // A cross-validation has no benchmarks, samples or analysis of its own to show.
  for (const tag of ['evalens-benchmark-summary', 'evalens-sample-table', 'evalens-insights', 'evalens-compare-section']) assert.equal(await page.locator(tag).count(), 0, tag);
  assert.equal(await page.locator('evalens-report-header h1').innerText(), report.run.name);
  // Its header keeps what applies to a cross-validation: no overall score, throughput or gates, nothing to compare.
  const cards = await page.locator('evalens-report-header .card .label').allInnerTexts();
  assert.deepEqual(cards.map((c) => c.trim().toLowerCase()), ['duration', 'samples']);
  assert.equal(await page.locator('evalens-report-header button[data-action="delete"]').count(), 1);
  assert.equal(await page.locator('evalens-report-header button[data-action="compare"]').count(), 0);
  assert.deepEqual(view.console.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await view.close();
});

test('in a narrow panel the fold table scrolls inside the section instead of overflowing the page', async () => {
  const view = await reportView(520);
  const overflow = await view.page.evaluate(`(() => {
    const table = document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-cross-validation').shadowRoot.querySelector('table[data-table="folds"]');
    const scroller = table.parentElement;
    return { scrolls: scroller.scrollWidth > scroller.clientWidth, pageWider: document.documentElement.scrollWidth > window.innerWidth };
  })()`);
  assert.deepEqual(overflow, { scrolls: true, pageWider: false });
  await view.close();
});

test('the self-contained HTML export shows the same cross-validation', async () => {
  const cv = report.crossValidation!;
  const exported = await openWebview(browser, { view: 'report', host: 'static', inlinedData: report });
  const section = exported.page.locator('evalens-cross-validation');
  await section.locator('table[data-table="folds"]').waitFor();
  assert.equal(await section.locator('table[data-table="folds"] tbody tr').count(), cv.k);
  assert.equal((await section.locator('.card[data-metric="accuracy"] .value').innerText()).replace(/\s+/g, ' '), `${score(cv.summary.accuracy.mean)} ± ${score(cv.summary.accuracy.std)}`);
  await exported.close();
});
