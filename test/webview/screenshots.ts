/**
 * `npm run screenshots`: PNGs of the Evaluations view (live progress, a failed run, an empty
 * store) and of the report (digits, binary, regression, a comparison, the insights of an
 * analysed run: latent scatter hovered, slices, suggestions, mistakes, duplicates; a run not
 * analysed, one whose analysis failed) in VS Code's dark, light and high-contrast themes, into
 * test-results/screenshots/. Look at every one.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { HostMessage } from '../../shared/webview-protocol';
import { ROOT } from '../helpers/paths';
import { binaryReport, digitsReport, regressionReport, runRows, textReport } from './fixtures';
import { launchBrowser, openWebview, type WebviewPage } from './harness';
import { THEMES } from './themes';
import { comparisonFixture } from './comparison-fixture';
import { analysedDigitsReport, failedAnalysisReport } from './analysis-fixture';
import { crossValidationReport } from './cross-validation-fixture';

const OUT = path.join(ROOT, 'test-results', 'screenshots');
mkdirSync(OUT, { recursive: true });

async function main(): Promise<void> {
const [digits, binary, regression, text] = [await digitsReport(), await binaryReport(), await regressionReport(), await textReport()];
const comparison = await comparisonFixture();
const [analysed, failed] = [await analysedDigitsReport(), await failedAnalysisReport()];
const crossValidation = await crossValidationReport();
const rows = runRows(digits.run, binary.run, regression.run);
const browser = await launchBrowser();

async function shoot(name: string, view: 'runs' | 'report', theme: (typeof THEMES)[number], messages: HostMessage[], options: { width: number; height: number; fullPage: boolean; prepare?: (view: WebviewPage) => Promise<void> }) {
  const page = await openWebview(browser, { view, themeCss: theme.css, bodyClass: theme.bodyClass, width: options.width, height: options.height });
  for (const message of messages) await page.send(message);
  await page.page.waitForFunction(`document.querySelector('main').firstElementChild?.shadowRoot?.childElementCount`);
  await options.prepare?.(page);
  // Charts draw once their element has a width: give them a frame or two.
  await page.page.waitForTimeout(300);
  const file = path.join(OUT, `${name}-${theme.name}.png`);
  await page.page.screenshot({ path: file, fullPage: options.fullPage });
  const errors = page.console.filter((line) => line.startsWith('error') || line.startsWith('pageerror'));
  if (errors.length > 0) console.warn(`${name}-${theme.name}: ${errors.join('\n')}`);
  await page.close();
  console.log(path.relative(ROOT, file));
}

const runsPage: HostMessage = { type: 'runs', filter: { status: [], kind: [], search: '' }, rows, page: 0, pageCount: 3, storeTotal: 23 };
for (const theme of THEMES) {
  const side = { width: 420, height: 1100, fullPage: true };
  await shoot('runs', 'runs', theme, [runsPage], side);
  await shoot('runs-empty', 'runs', theme, [{ type: 'runs', filter: { status: [], kind: [], search: '' }, rows: [], page: 0, pageCount: 0, storeTotal: 0 }], { ...side, height: 500 });
  const report = { width: 1280, height: 900, fullPage: true };
  await shoot('report-digits', 'report', theme, [{ type: 'report', data: digits }], {
    ...report,
    // A confusion cell chosen and a sample open, as a user leaves it.
    prepare: async (view) => {
      await view.page.locator('evalens-confusion-matrix td[data-truth="8"][data-predicted="1"]').first().click();
      await view.page.locator('.row').first().click();
    },
  });
  await shoot('report-binary', 'report', theme, [{ type: 'report', data: binary }], {
    ...report,
    prepare: async (view) => {
      await view.page.locator('evalens-threshold-panel input[type=range]').fill('0.3');
    },
  });
  await shoot('report-regression', 'report', theme, [{ type: 'report', data: regression }], report);
  await shoot('report-text', 'report', theme, [{ type: 'report', data: text }], report);
  await shoot('report-cross-validation', 'report', theme, [{ type: 'report', data: crossValidation }], report);
  // The insights alone (the report's other sections are above): the scatter with a point hovered, then the lists.
  const insights = (colorBy: string) => async (view: WebviewPage) => {
    await view.page.locator('evalens-latent-scatter select[data-control="color-by"]').selectOption(colorBy);
    await view.page.evaluate(`document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-insights').scrollIntoView()`);
    const box = (await view.page.locator('evalens-scatter canvas').boundingBox())!;
    const at = await view.page.locator('evalens-scatter').evaluate((s) => (s as unknown as { positionOf(i: number): { x: number; y: number } }).positionOf(7));
    await view.page.mouse.move(box.x + at.x, box.y + at.y);
  };
  await shoot('insights-label', 'report', theme, [{ type: 'report', data: analysed }], { width: 1280, height: 1500, fullPage: false, prepare: insights('logits.true_label') });
  await shoot('insights-loss', 'report', theme, [{ type: 'report', data: analysed }], { width: 1280, height: 900, fullPage: false, prepare: insights('loss.cross_entropy') });
  await shoot('insights-lists', 'report', theme, [{ type: 'report', data: analysed }], {
    width: 1280,
    height: 1800,
    fullPage: false,
    prepare: async (view) => view.page.evaluate(`document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-insights').shadowRoot.querySelector('evalens-slices-table').scrollIntoView()`),
  });
  await shoot('insights-absent', 'report', theme, [{ type: 'report', data: digits }], {
    ...report,
    fullPage: false,
    prepare: async (view) => view.page.evaluate(`document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-insights').scrollIntoView()`),
  });
  await shoot('insights-failed', 'report', theme, [{ type: 'report', data: failed }], {
    ...report,
    fullPage: false,
    prepare: async (view) => view.page.evaluate(`document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-insights').scrollIntoView()`),
  });
  // The comparison from its heading: McNemar's verdict, the delta intervals, the deltas and the flipped samples.
  await shoot('report-compare', 'report', theme, [{ type: 'report', data: comparison.report }, { type: 'comparison', data: comparison.comparison }], {
    ...report,
    height: 1400,
    fullPage: false,
    prepare: async (view) => view.page.evaluate(`document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-compare-section').scrollIntoView()`),
  });
}
await browser.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
