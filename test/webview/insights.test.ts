/**
 * The report's insight sections in headless Chromium, on a real analysed run (the digits CNN
 * on train, test and unlabeled, analysed by the engine with PCA and UMAP): the report data ties
 * every projected point to its sample, every section renders the analysis, colour-by recolours
 * the scatter's pixels, hover names the sample, click and Enter open it, export and analyze
 * post their messages, a failed analysis says why, and markup in metadata stays text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { analysisSchema, ANALYSIS_DIR, ANALYSIS_FILE } from '../../shared/analysis-types';
import type { ReportData } from '../../shared/report-data';
import { RunStore } from '../../engine/runs/run-store';
import { analysedDigitsReport, analysedDigitsRun, failedAnalysisReport, MARKUP } from './analysis-fixture';
import { digitsReport } from './fixtures';
import { launchBrowser, openWebview, waitForPosted, type WebviewPage } from './harness';

let browser: Browser;
let report: ReportData;

before(async () => {
  report = await analysedDigitsReport();
  browser = await launchBrowser();
});
after(() => browser?.close());

async function reportView(data: ReportData): Promise<WebviewPage> {
  const view = await openWebview(browser, { view: 'report', width: 1200 });
  await waitForPosted(view, (m) => m.some((x) => x.type === 'ready'));
  await view.send({ type: 'report', data });
  await view.page.locator('evalens-sample-table .row').first().waitFor();
  await view.clearPosted();
  return view;
}

function cell(data: ReportData, benchmark: number, row: number, role: string): unknown {
  const table = data.benchmarks[benchmark]!.table;
  const c = table.columns.findIndex((column) => column.role === role);
  return c < 0 ? undefined : table.values[c]![row];
}

/** Colour (#rrggbb) of every point drawn on top at its own centre, with the point's index; read from the canvas. */
async function visibleColors(view: WebviewPage): Promise<{ index: number; color: string }[]> {
  return view.page.evaluate(`(() => {
    const scatter = document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-insights').shadowRoot
      .querySelector('evalens-latent-scatter').shadowRoot.querySelector('evalens-scatter');
    const canvas = scatter.shadowRoot.querySelector('canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const dpr = canvas.width / canvas.clientWidth;
    const out = [];
    const n = Number(scatter.dataset.points);
    for (let i = 0; i < n; i++) {
      const p = scatter.positionOf(i);
      if (scatter.pointAt(p.x, p.y) !== i) continue;
      const at = (Math.round(p.y * dpr) * canvas.width + Math.round(p.x * dpr)) * 4;
      out.push({ index: i, color: '#' + [0, 1, 2].map((k) => pixels[at + k].toString(16).padStart(2, '0')).join('') });
    }
    return out;
  })()`);
}

/** Where point `index` is on the page. */
async function pointOnPage(view: WebviewPage, index: number): Promise<{ x: number; y: number }> {
  const canvas = view.page.locator('evalens-scatter canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = (await view.page.locator('evalens-scatter').evaluate((s, i) => (s as unknown as { positionOf(i: number): { x: number; y: number } }).positionOf(i), index)) as { x: number; y: number };
  return { x: box.x + at.x, y: box.y + at.y };
}

test('every projected point is tied to its own sample: the record with that embedding row, and the stored PCA values', async () => {
  const analysis = report.analysis!;
  const { storeDir, runId } = await analysedDigitsRun();
  const store = new RunStore(storeDir);
  const manifest = store.read(runId);
  const stored = analysisSchema.parse(JSON.parse(readFileSync(path.join(store.runDir(runId), ANALYSIS_DIR, ANALYSIS_FILE), 'utf8')));
  assert.equal(analysis.status, 'completed');
  assert.deepEqual(analysis.projections.map((p) => p.method), ['pca', 'umap']);
  assert.equal(analysis.points.row.length, stored.latent!.rows);
  assert.equal(analysis.points.row.length, report.benchmarks.reduce((n, b) => n + b.table.rows, 0));
  // Independently of the engine's mapping: each record's embedding row is the point of its benchmark and table row.
  const pointOf = new Map(analysis.points.row.map((row, i) => [`${analysis.points.benchmark[i]}:${row}`, i]));
  const pca = stored.projections.find((p) => p.method === 'pca')!;
  const bytes = readFileSync(path.join(store.runDir(runId), ANALYSIS_DIR, pca.points.file));
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const reader = store.recordReader(manifest);
  let checked = 0;
  for await (const chunk of reader.chunks()) {
    reader.forEach(chunk, (record) => {
      const b = report.benchmarks.findIndex((x) => x.name === record.benchmark);
      const positions = report.benchmarks[b]!.table.values[report.benchmarks[b]!.table.columns.findIndex((c) => c.role === 'position')]!;
      const point = pointOf.get(`${b}:${positions.indexOf(record.position)}`)!;
      assert.ok(point !== undefined, `the sample at ${record.benchmark}:${record.position} has a point`);
      const e = record.embeddingRow!;
      const projected = analysis.projections[0]!;
      assert.ok(Math.abs(projected.x[point]! - values[2 * e]!) <= 1e-4 * Math.max(1, Math.abs(values[2 * e]!)));
      assert.ok(Math.abs(projected.y[point]! - values[2 * e + 1]!) <= 1e-4 * Math.max(1, Math.abs(values[2 * e + 1]!)));
      checked++;
    });
  }
  assert.equal(checked, analysis.points.row.length);
  // The summary is the stored one.
  assert.deepEqual(analysis.suggestions, stored.suggestions);
  assert.deepEqual(analysis.slices, stored.slices);
});

test('every insight section renders the analysis', async () => {
  const analysis = report.analysis!;
  const view = await reportView(report);
  const page = view.page;
  assert.equal(await page.locator('evalens-insights section[data-analysis="completed"]').count(), 1);
  assert.match(await page.locator('evalens-insights [data-figure="analysis"]').innerText(), new RegExp(`embedding, ${analysis.latent!.dim} dimensions, ${analysis.latent!.rows.toLocaleString('en-US')} samples`));
  const scatter = page.locator('evalens-scatter');
  assert.equal(await scatter.getAttribute('data-points'), String(analysis.points.row.length));
  assert.equal(await page.locator('evalens-latent-scatter [data-projection]').count(), 2);
  // Drawn: the canvas holds coloured pixels, at least one per visible point.
  const visible = await visibleColors(view);
  assert.ok(visible.length > analysis.points.row.length / 4, `${visible.length} points visible`);
  assert.equal(await page.locator('evalens-latent-scatter ul.legend li').count(), 10);
  // Slices: weakest first, as ranked, each with its interval.
  // Slices of the unlabeled benchmark have no metric: not listed.
  const scored = analysis.slices.items.filter((s) => Object.values(s.metrics).some((m) => m.value !== null));
  assert.ok(scored.length > 0 && scored.length < analysis.slices.items.length);
  const slices = page.locator('evalens-slices-table table[data-table="slices"] tbody tr');
  assert.equal(await slices.count(), Math.min(50, scored.length));
  assert.deepEqual(await slices.locator('td:first-child').allInnerTexts().then((names) => new Set(names)), new Set(['train', 'test']));
  const first = scored[0]!;
  const [metric, interval] = Object.entries(first.metrics)[0]!;
  assert.match(await slices.first().locator(`td[data-metric="${metric}"]`).innerText(), new RegExp(`\\[${interval.low!.toFixed(4).replace(/0+$/, '').replace('.', '\\.')}`));
  // Suggestions: one per unlabeled sample, most uncertain first.
  assert.equal(analysis.suggestions.length, 540);
  const suggestions = page.locator('evalens-suggestions-table table[data-table="suggestions"] tbody tr');
  assert.equal(await suggestions.count(), 50);
  assert.equal(await suggestions.first().locator('[data-field="suggested"]').innerText(), analysis.suggestions[0]!.suggestedLabel);
  assert.match(await page.locator('evalens-suggestions-table [data-figure="suggestion-accuracy"]').innerText(), /right on \d+\.\d% of [\d,]+ labeled samples/);
  await page.locator('evalens-suggestions-table button.more').click();
  assert.equal(await suggestions.count(), 100);
  // Mistakes and duplicates.
  assert.equal(await page.locator('evalens-mistakes-list table[data-table="mistakes"] tbody tr').count(), Math.min(50, analysis.mistakes.length));
  if (analysis.mistakes.length > 0) assert.equal(await page.locator('evalens-mistakes-list [data-field="given"]').first().innerText(), analysis.mistakes[0]!.givenLabel);
  // The unlabeled subset is the test split's images again: every test image has an exact duplicate, in another subset but not train: no leakage.
  assert.ok(analysis.exactDuplicates.length >= 540);
  assert.equal(await page.locator('evalens-duplicates-list table[data-table="exact-duplicates"] tbody tr').count(), 50);
  assert.equal(await page.locator('evalens-duplicates-list table[data-table="near-duplicates"] tbody tr').count(), Math.min(50, analysis.nearDuplicates.pairs.length));
  assert.deepEqual(view.console.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await view.close();
});

test('colour by: label gives each class one colour, correctness the theme\'s pass and fail colours', async () => {
  const analysis = report.analysis!;
  const view = await reportView(report);
  const truth = (i: number) => cell(report, analysis.points.benchmark[i]!, analysis.points.row[i]!, 'truthLabel');
  const correct = (i: number) => cell(report, analysis.points.benchmark[i]!, analysis.points.row[i]!, 'correct');
  const byLabel = await visibleColors(view);
  const colorOfLabel = new Map<unknown, Set<string>>();
  for (const { index, color } of byLabel) if (typeof truth(index) === 'string') (colorOfLabel.get(truth(index)) ?? colorOfLabel.set(truth(index), new Set()).get(truth(index))!).add(color);
  assert.equal(colorOfLabel.size, 10);
  for (const [label, colors] of colorOfLabel) assert.equal(colors.size, 1, `label ${String(label)}: ${[...colors].join(', ')}`);
  assert.equal(new Set([...colorOfLabel.values()].map((c) => [...c][0])).size, 10, 'ten classes, ten colours');

  await view.page.locator('evalens-latent-scatter select[data-control="color-by"]').selectOption('logits.correct');
  const byCorrect = await visibleColors(view);
  const wrong = byCorrect.filter(({ index }) => correct(index) === false);
  const right = byCorrect.filter(({ index }) => correct(index) === true);
  assert.ok(wrong.length > 0 && right.length > 0);
  // The dark theme's testing-iconFailed and testing-iconPassed (test/webview/themes.ts).
  assert.deepEqual(new Set(wrong.map((p) => p.color)), new Set(['#f14c4c']));
  assert.deepEqual(new Set(right.map((p) => p.color)), new Set(['#73c991']));
  // Unlabeled samples have no correctness: muted, neither colour.
  const unlabeled = byCorrect.filter(({ index }) => typeof correct(index) !== 'boolean');
  assert.ok(unlabeled.length > 0 && unlabeled.every((p) => p.color !== '#f14c4c' && p.color !== '#73c991'));

  // A loss: a gradient, low values blue end, high values red end.
  await view.page.locator('evalens-latent-scatter select[data-control="color-by"]').selectOption('loss.cross_entropy');
  assert.equal(await view.page.locator('evalens-latent-scatter [data-legend="numeric"]').count(), 1);
  const byLoss = await visibleColors(view);
  assert.ok(new Set(byLoss.map((p) => p.color)).size > 10, 'a gradient, not a few categories');
  await view.close();
});

test('hover names the sample; a click, or Enter after the arrow keys, opens it', async () => {
  const analysis = report.analysis!;
  const view = await reportView(report);
  const visible = await visibleColors(view);
  // A point of the unlabeled benchmark, the last one: opening it switches the benchmark shown.
  const unlabeled = report.benchmarks.findIndex((b) => b.name === 'unlabeled');
  const target = visible.filter(({ index }) => analysis.points.benchmark[index] === unlabeled).at(-1)!.index;
  const row = analysis.points.row[target]!;
  const at = await pointOnPage(view, target);
  await view.page.mouse.move(at.x, at.y);
  const tooltip = view.page.locator('evalens-latent-scatter .tooltip');
  await tooltip.waitFor();
  const text = await tooltip.innerText();
  assert.match(text, new RegExp(`unlabeled · index ${String(cell(report, unlabeled, row, 'index'))}\\b`));
  assert.equal(await tooltip.locator('[data-field="prediction"]').innerText(), cell(report, unlabeled, row, 'predictedLabel'));
  assert.equal(await tooltip.locator('[data-field="label"]').count(), 0, 'an unlabeled sample has no label to show');
  await view.page.mouse.click(at.x, at.y);
  const posted = await waitForPosted(view, (m) => m.some((x) => x.type === 'requestSample'));
  assert.deepEqual(
    posted.filter((m) => m.type === 'requestSample').map(({ benchmark, position, runId }) => ({ benchmark, position, runId })),
    [{ benchmark: 'unlabeled', position: cell(report, unlabeled, row, 'position'), runId: report.run.runId }],
  );
  assert.equal(await view.page.locator('evalens-benchmark-summary button.card[aria-pressed="true"]').getAttribute('data-benchmark'), 'unlabeled');
  await view.clearPosted();

  // Keyboard: the canvas takes focus, an arrow lands on a point (its tooltip shows), Enter opens it.
  await view.page.mouse.move(0, 0);
  await view.page.locator('evalens-scatter canvas').focus();
  await view.page.keyboard.press('ArrowLeft');
  await view.page.keyboard.press('ArrowLeft');
  const point = Number(await tooltip.getAttribute('data-point'));
  await view.page.keyboard.press('Enter');
  const [request] = (await waitForPosted(view, (m) => m.some((x) => x.type === 'requestSample'))).filter((m) => m.type === 'requestSample');
  assert.equal(request!.benchmark, report.benchmarks[analysis.points.benchmark[point]!]!.name);
  assert.equal(request!.position, cell(report, analysis.points.benchmark[point]!, analysis.points.row[point]!, 'position'));
  assert.equal(await view.page.locator('evalens-scatter canvas').getAttribute('aria-label').then((l) => /Arrow keys move between points/.test(l ?? '')), true);
  await view.close();
});

test('PCA and UMAP: the toggle redraws the other projection', async () => {
  const view = await reportView(report);
  const umap = view.page.locator('evalens-latent-scatter [data-projection="umap"]');
  const pca = view.page.locator('evalens-latent-scatter [data-projection="pca"]');
  assert.equal(await umap.getAttribute('aria-pressed'), 'true');
  const positions = () => view.page.locator('evalens-scatter').evaluate((s) => Array.from({ length: 20 }, (_, i) => (s as unknown as { positionOf(i: number): { x: number; y: number } }).positionOf(i)));
  const before = await positions();
  await pca.click();
  assert.equal(await pca.getAttribute('aria-pressed'), 'true');
  assert.match(await view.page.locator('evalens-latent-scatter .axis-note').innerText(), /component 1 \(\d+\.\d% of the variance\)/);
  assert.notDeepEqual(await positions(), before);
  assert.ok((await visibleColors(view)).length > 100);
  await view.close();
});

test('a suggestion opens its sample; Export CSV and Analyze post their messages', async () => {
  const view = await reportView(report);
  const first = report.analysis!.suggestions[0]!;
  await view.page.locator('evalens-suggestions-table tbody tr').first().locator('button.link').click();
  const sample = (await waitForPosted(view, (m) => m.some((x) => x.type === 'requestSample'))).find((m) => m.type === 'requestSample');
  assert.deepEqual(sample && { benchmark: sample.benchmark, position: sample.position }, { benchmark: first.sample.benchmark, position: first.sample.position });
  await view.clearPosted();
  await view.page.locator('evalens-suggestions-table [data-action="export-suggestions"]').click();
  assert.deepEqual(await waitForPosted(view, (m) => m.length > 0), [{ type: 'exportSuggestions', runId: report.run.runId }]);
  await view.close();

  // A run not analysed yet: the section offers the analysis, with UMAP when ticked, and waits for the report.
  const plain = await digitsReport();
  assert.equal(plain.analysis, undefined);
  const fresh = await reportView(plain);
  assert.equal(await fresh.page.locator('evalens-insights section[data-analysis="absent"]').count(), 1);
  assert.equal(await fresh.page.locator('evalens-latent-scatter').count(), 0);
  await fresh.page.locator('evalens-insights input[data-control="umap"]').check();
  const analyze = fresh.page.locator('evalens-insights [data-action="analyze"]');
  await analyze.click();
  assert.deepEqual(await waitForPosted(fresh, (m) => m.length > 0), [{ type: 'analyzeRun', runId: plain.run.runId, umap: true }]);
  assert.equal(await analyze.isDisabled(), true);
  assert.match(await analyze.innerText(), /Analyzing…/);
  // The host's answer is the report again (here with its analysis): the sections appear.
  await fresh.send({ type: 'report', data: { ...plain, analysis: report.analysis } });
  await fresh.page.locator('evalens-latent-scatter evalens-scatter').waitFor();
  assert.match(await fresh.page.locator('evalens-insights [data-action="analyze"]').innerText(), /Re-analyze/);
  await fresh.close();
});

test('a failed analysis shows its error, and offers to run it again', async () => {
  const failed = await failedAnalysisReport();
  assert.equal(failed.analysis?.status, 'failed');
  const view = await reportView(failed);
  const error = view.page.locator('evalens-insights [data-notice="analysis-error"]');
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.match(await error.innerText(), /no latent output/);
  assert.equal(await view.page.locator('evalens-latent-scatter').count(), 0);
  assert.match(await view.page.locator('evalens-insights [data-action="analyze"]').innerText(), /Analyze again/);
  await view.close();
});

test('markup in metadata is shown as text: in the slices, the colour legend and the exported page', async () => {
  const analysis = report.analysis!;
  assert.ok(analysis.slices.items.some((s) => s.key === 'note' && s.slice.kind === 'value' && s.slice.value === MARKUP), 'the markup value is a slice');
  const view = await reportView(report);
  const slices = view.page.locator('evalens-slices-table');
  while ((await slices.getByText(MARKUP, { exact: true }).count()) === 0 && (await slices.locator('button.more').count()) > 0) await slices.locator('button.more').click();
  // One slice per benchmark that has enough of them (train and test).
  assert.ok((await slices.getByText(MARKUP, { exact: true }).count()) >= 1);
  await view.page.locator('evalens-latent-scatter select[data-control="color-by"]').selectOption('metadata.note');
  assert.equal(await view.page.locator('evalens-latent-scatter ul.legend').getByText(MARKUP, { exact: true }).count(), 1);
  assert.equal(await view.page.locator('img').count(), 0);
  assert.notEqual(await view.page.title(), 'pwned');
  await view.close();

  // The self-contained export: the same insights, no action to run (there is no host).
  const exported = await openWebview(browser, { view: 'report', host: 'static', inlinedData: report });
  await exported.page.locator('evalens-scatter').waitFor();
  assert.equal(await exported.page.locator('evalens-suggestions-table tbody tr').count(), 50);
  assert.equal(await exported.page.locator('[data-action="export-suggestions"], [data-action="analyze"]').count(), 0);
  assert.equal(await exported.page.locator('img').count(), 0);
  await exported.close();
});
