/**
 * A checkpoint series' report in headless Chromium, from a real series run of three checkpoints
 * (test/helpers/checkpoint-series.ts): the section's table shows each checkpoint's stored scores
 * in natural order with the best marked, its chart draws a line per benchmark and one for the
 * run, and a run of one model has no such section. Screenshots in the dark, light and
 * high-contrast themes go to test-results/screenshots/ (report-checkpoints-<theme>.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ReportData } from '../../shared/report-data';
import { buildReportData } from '../../engine/report/report-data';
import { RunStore } from '../../engine/runs/run-store';
import { writeCheckpoints } from '../helpers/checkpoint-series';
import { copyExample, evaluate, writeConfig } from '../helpers/eval-runs';
import { ROOT } from '../helpers/paths';
import { digitsReport } from './fixtures';
import { launchBrowser, openWebview, waitForPosted, type WebviewPage } from './harness';
import { THEMES } from './themes';

let browser: Browser;
let report: ReportData;

before(async () => {
  const dir = copyExample('evalens-series-report-');
  writeCheckpoints(path.join(dir, 'digits_cnn.onnx'), path.join(dir, 'checkpoints'));
  const runsDir = path.join(dir, 'runs');
  const { runId } = evaluate(writeConfig(dir, (c) => (c.model = { path: 'checkpoints', checkpoint: 'all' }), 'series.eval.json'), runsDir);
  const store = new RunStore(runsDir);
  report = await buildReportData(store, store.read(runId));
  browser = await launchBrowser();
});
after(() => browser?.close());

async function reportView(data: ReportData, options: { themeCss?: string; bodyClass?: string } = {}): Promise<WebviewPage> {
  const view = await openWebview(browser, { view: 'report', width: 1280, height: 900, ...options });
  await waitForPosted(view, (m) => m.some((x) => x.type === 'ready'));
  await view.send({ type: 'report', data });
  await view.page.locator('evalens-benchmark-summary').waitFor();
  return view;
}

const score = (v: number) => v.toFixed(4).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m)) || '0';

test('the checkpoints section: every checkpoint scored, in natural order, the best marked, a line per benchmark', async () => {
  const checkpoints = report.checkpoints!;
  assert.deepEqual(checkpoints.map((c) => c.name), ['epoch-1.onnx', 'epoch-2.onnx', 'epoch-10.onnx']);
  // The rest of the report is the last checkpoint's.
  assert.equal(report.run.overallScore, checkpoints.at(-1)!.overallScore);
  const view = await reportView(report);
  const section = view.page.locator('evalens-checkpoint-series');
  const rows = section.locator('table[data-table="checkpoints"] tbody tr');
  assert.equal(await rows.count(), 3);
  const best = checkpoints.reduce((b, c, i) => (c.overallScore! > checkpoints[b]!.overallScore! ? i : b), 0);
  for (const [i, c] of checkpoints.entries()) {
    const cells = (await rows.nth(i).locator('td, th').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(cells, [String(i + 1), `${c.name}${i === best ? ' (best)' : ''}`, score(c.overallScore!), ...c.benchmarks.map((b) => score(b.overallScore!))]);
  }
  const chart = section.locator('figure[data-chart="checkpoints"] evalens-chart');
  const legend = (await chart.locator('.legend li').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(legend, ['overall', 'test', 'train-sample']);
  // The canvas is drawn (uPlot sizes it once the element has a width).
  const canvas = await chart.locator('canvas').first().boundingBox();
  assert.ok(canvas !== null && canvas.width > 300 && canvas.height > 150, JSON.stringify(canvas));
  // The report's own actions include re-scoring (a series is refused by eval --reuse with its reason).
  assert.match(await view.page.locator('evalens-report-header button[data-action="rescore"]').innerText(), /Re-score with changed metrics/);
  assert.deepEqual(view.console.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await view.close();

  const single = await reportView(await digitsReport());
  assert.equal(await single.page.locator('evalens-checkpoint-series').count(), 0, 'a run of one model has no checkpoints section');
  await single.close();
});

test('screenshots of the checkpoints section in the dark, light and high-contrast themes', async () => {
  const out = path.join(ROOT, 'test-results', 'screenshots');
  mkdirSync(out, { recursive: true });
  for (const theme of THEMES) {
    const view = await reportView(report, { themeCss: theme.css, bodyClass: theme.bodyClass });
    const section = view.page.locator('evalens-checkpoint-series');
    await view.page.waitForTimeout(300);
    await section.screenshot({ path: path.join(out, `report-checkpoints-${theme.name}.png`) });
    await view.close();
  }
});
