/**
 * The report in headless Chromium, fed report data the engine computed from real run stores
 * (digits, binary, regression, and a comparison of two digits runs): every section renders,
 * actions post the right messages, the confusion matrix filters the sample table to exactly
 * its samples, sorting sorts, the threshold slider agrees with scikit-learn, and user data
 * holding markup stays text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Comparison, ReportData } from '../../shared/report-data';
import { formatScore } from '../../webview/format';
import { comparisonFixture } from './comparison-fixture';
import { binaryReport, digitsReport, regressionReport, reportOf, sampleErrorReport, textReport } from './fixtures';
import { MULTILABEL_REFERENCE, multilabelRun } from '../helpers/multilabel-workspace';
import { launchBrowser, openWebview, waitForPosted, type WebviewPage } from './harness';
import { sklearnAtThresholds, sklearnMissing } from './sklearn';

let browser: Browser;
let digits: ReportData;
let binary: ReportData;
let regression: ReportData;
let comparison: { report: ReportData; comparison: Comparison };

before(async () => {
  [digits, binary, regression] = await Promise.all([digitsReport(), binaryReport(), regressionReport()]);
  comparison = await comparisonFixture();
  browser = await launchBrowser();
});
after(() => browser?.close());

async function reportView(data: ReportData): Promise<WebviewPage> {
  const view = await openWebview(browser, { view: 'report' });
  await waitForPosted(view, (m) => m.some((x) => x.type === 'ready'));
  await view.send({ type: 'report', data });
  await view.page.locator('evalens-sample-table .row').first().waitFor();
  await view.clearPosted();
  return view;
}

function column(data: ReportData, benchmark: number, key: string) {
  const table = data.benchmarks[benchmark]!.table;
  const index = table.columns.findIndex((c) => c.key === key);
  assert.ok(index >= 0, `column ${key}`);
  return table.values[index]!;
}

/** Row numbers of the sample table's rendered rows, top to bottom. */
const shownRows = (view: WebviewPage) => view.page.locator('evalens-sample-table .row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-row'))));

test('digits: every section renders with the run\'s data', async () => {
  const view = await reportView(digits);
  const page = view.page;
  assert.equal(await page.locator('evalens-report-header h1').innerText(), digits.run.name);
  assert.equal(await page.locator('evalens-report-header [data-figure="overall"]').innerText(), digits.run.overallScore!.toFixed(4));
  assert.match(await page.locator('evalens-report-header .gates').innerText(), new RegExp(`${digits.run.gates.passed} passed`));
  assert.equal(await page.locator('evalens-benchmark-summary button.card').count(), digits.benchmarks.length);
  assert.equal(await page.locator('evalens-benchmark-summary table[data-table="metrics"] tbody tr').count(), Object.keys(digits.benchmarks[0]!.metrics).length);
  const output = digits.benchmarks[0]!.outputs[0]!;
  assert.equal(output.task, 'classification');
  assert.equal(await page.locator('evalens-classification-output table[data-table="per-class"] tbody tr').count(), output.labels.length);
  assert.equal(await page.locator('evalens-classification-output evalens-confusion-matrix td[role="gridcell"]').count(), output.labels.length ** 2);
  assert.equal(await page.locator('evalens-classification-output evalens-confusion-matrix td[data-truth="3"][data-predicted="3"]').innerText(), String(output.confusionMatrix[3]![3]));
  // uPlot drew both curve charts (a canvas each, with the chart's legend).
  assert.equal(await page.locator('evalens-classification-output evalens-chart canvas').count(), 2);
  assert.equal(await page.locator('evalens-classification-output evalens-chart').first().locator('.legend li').count(), output.labels.length + 0);
  assert.match(await page.locator('evalens-sample-table [data-figure="shown"]').innerText(), /540 of 540 samples/);
  assert.ok((await shownRows(view)).length > 10);
  assert.match(await page.locator('evalens-run-details dl[data-section="configuration"]').innerText(), /onnxruntime-node/);
  assert.match(await page.locator('evalens-run-details pre[data-section="snapshot"]').innerText(), /"batchSize": 64/);
  assert.equal(await page.locator('evalens-run-details table[data-table="events"] tbody tr').count(), digits.events.length);
  // The panel's state keeps its run across a window reload.
  assert.deepEqual(await view.savedState(), { runId: digits.run.runId });
  assert.deepEqual(view.console.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await view.close();
});

test('a confusion-matrix cell (click, or Enter) filters the sample table to exactly its samples', async () => {
  const view = await reportView(digits);
  const output = digits.benchmarks[0]!.outputs[0]! as Extract<ReportData['benchmarks'][number]['outputs'][number], { task: 'classification' }>;
  const truths = column(digits, 0, output.columns.truth!);
  const predictions = column(digits, 0, output.columns.predicted!);
  const expected = (i: number, j: number) => truths.flatMap((t, row) => (t === i && predictions[row] === j ? [row] : []));
  const matrix = view.page.locator('evalens-classification-output evalens-confusion-matrix');
  await matrix.locator('td[data-truth="8"][data-predicted="1"]').click();
  assert.deepEqual(await shownRows(view), expected(8, 1));
  assert.equal(expected(8, 1).length, output.confusionMatrix[8]![1]);
  assert.match(await view.page.locator('evalens-sample-table [data-figure="shown"]').innerText(), new RegExp(`^${expected(8, 1).length} of 540`));
  // Keyboard: arrows move within the grid, Enter selects.
  await matrix.locator('td[data-truth="8"][data-predicted="1"]').focus();
  await view.page.keyboard.press('ArrowUp');
  await view.page.keyboard.press('ArrowRight');
  await view.page.keyboard.press('ArrowRight');
  await view.page.keyboard.press('Enter');
  assert.deepEqual(await shownRows(view), expected(7, 3));
  assert.equal(await matrix.locator('td[aria-selected="true"]').getAttribute('data-truth'), '7');
  // The filter chip removes the filter.
  await view.page.locator('evalens-sample-table [data-filter="cell"] button').click();
  assert.match(await view.page.locator('evalens-sample-table [data-figure="shown"]').innerText(), /^540 of 540/);
  await view.close();
});

test('sorting by a column header orders the rows, ascending then descending, with aria-sort', async () => {
  const view = await reportView(digits);
  const output = digits.benchmarks[0]!.outputs[0]! as Extract<ReportData['benchmarks'][number]['outputs'][number], { task: 'classification' }>;
  const key = output.columns.confidence!;
  const values = column(digits, 0, key) as number[];
  const header = view.page.locator(`evalens-sample-table [role="columnheader"][data-column="${key}"]`);
  await header.locator('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const ascending = await shownRows(view);
  const sortedAscending = [...values.keys()].sort((a, b) => values[a]! - values[b]! || a - b);
  assert.deepEqual(ascending, sortedAscending.slice(0, ascending.length));
  await header.locator('button').press('Enter');
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const descending = await shownRows(view);
  assert.deepEqual(descending, [...values.keys()].sort((a, b) => values[b]! - values[a]! || a - b).slice(0, descending.length));
  await view.close();
});

test('right/wrong and metadata filters narrow the table to the matching samples', async () => {
  const view = await reportView(binary);
  const output = binary.benchmarks[0]!.outputs[0]!;
  assert.equal(output.task, 'binary');
  const correct = column(binary, 0, (output as { columns: { correct?: string } }).columns.correct!);
  await view.page.locator('evalens-sample-table select[data-filter="correctness"]').selectOption('wrong');
  assert.deepEqual(await shownRows(view), correct.flatMap((c, row) => (c === false ? [row] : [])));
  await view.page.locator('evalens-sample-table select[data-filter="correctness"]').selectOption('all');
  await view.page.locator('evalens-sample-table select[data-filter="metadata-column"]').selectOption('metadata.mean_radius');
  await view.page.locator('evalens-sample-table input[data-filter="min"]').fill('0.5');
  await view.page.locator('evalens-sample-table input[data-filter="min"]').press('Enter');
  const radius = column(binary, 0, 'metadata.mean_radius') as number[];
  const expected = radius.flatMap((r, row) => (r >= 0.5 ? [row] : []));
  // Only the rows in view exist: they are the first of the expected ones, and the count says the rest.
  const shown = await shownRows(view);
  assert.ok(shown.length > 10);
  assert.deepEqual(shown, expected.slice(0, shown.length));
  assert.match(await view.page.locator('evalens-sample-table [data-figure="shown"]').innerText(), new RegExp(`^${expected.length} of ${radius.length}`));
  await view.close();
});

test('binary: the threshold slider recomputes precision, recall, F1 and the matrix as scikit-learn does', { skip: sklearnMissing() }, async () => {
  const view = await reportView(binary);
  const output = binary.benchmarks[0]!.outputs[0]! as Extract<ReportData['benchmarks'][number]['outputs'][number], { task: 'binary' }>;
  const scores = column(binary, 0, output.columns.positiveProbability!) as number[];
  const labels = column(binary, 0, output.columns.truth!) as number[];
  const thresholds = [0.2, 0.5, 0.73, 0.95];
  const reference = sklearnAtThresholds(scores, labels, thresholds);
  const panel = view.page.locator('evalens-threshold-panel');
  for (const expected of reference) {
    await panel.locator('input[type="range"]').fill(String(expected.threshold));
    assert.equal(await panel.locator('[data-figure="threshold"]').innerText(), expected.threshold.toFixed(2));
    for (const key of ['precision', 'recall', 'f1', 'accuracy'] as const) {
      const shown = Number(await panel.locator(`[data-figure="${key}"]`).innerText());
      assert.ok(Math.abs(shown - expected[key]) <= 5e-5, `${key} at ${expected.threshold}: shown ${shown}, scikit-learn ${expected[key]}`);
    }
    const cells = await panel.locator('evalens-confusion-matrix td').evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
    assert.deepEqual(cells, expected.confusion_matrix.flat(), `matrix at ${expected.threshold}`);
  }
  await view.close();
});

test('binary: metadata holding markup is shown as text, in the table and the detail', async () => {
  const view = await reportView(binary);
  const notes = column(binary, 0, 'metadata.note');
  const markup = notes.find((n) => typeof n === 'string' && n.includes('<img'))! as string;
  const row = notes.indexOf(markup);
  const header = view.page.locator('evalens-sample-table [role="columnheader"][data-column="index"] button');
  await header.click(); // ascending index: the markup row (index 0) comes first
  const cell = view.page.locator(`evalens-sample-table .row[data-row="${row}"] [role="gridcell"]`, { hasText: '<img' });
  assert.equal(await cell.innerText(), markup);
  await view.page.locator(`evalens-sample-table .row[data-row="${row}"]`).click();
  assert.match(await view.page.locator('evalens-sample-detail dl').innerText(), /<img src=x onerror=alert\(1\)>/);
  // No element came out of the text, anywhere in the app's shadow roots.
  // (A string: tsx would wrap a named function in a helper the page lacks.)
  const images = await view.page.evaluate(`(() => {
    const count = (root) => [...root.querySelectorAll('*')].reduce((n, el) => n + (el.tagName === 'IMG' ? 1 : 0) + (el.shadowRoot ? count(el.shadowRoot) : 0), 0);
    return count(document);
  })()`);
  assert.equal(images, 0);
  await view.close();
});

test('a row (click, or Enter) asks for its sample; the reply draws its probabilities and image', async () => {
  const view = await reportView(digits);
  const rows = view.page.locator('evalens-sample-table .row');
  await rows.nth(0).focus();
  await view.page.keyboard.press('ArrowDown');
  await view.page.keyboard.press('ArrowDown');
  await view.page.keyboard.press('Enter');
  const [request] = await waitForPosted(view, (m) => m.length === 1);
  assert.deepEqual(request, { type: 'requestSample', requestId: 1, runId: digits.run.runId, benchmark: 'test', position: 2 });
  // An 8×8 image: a white diagonal on black.
  const rgba = new Uint8Array(8 * 8 * 4);
  for (let k = 0; k < 64; k++) rgba.set(k % 9 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255], k * 4);
  await view.send({
    type: 'sample',
    requestId: 1,
    detail: {
      runId: digits.run.runId,
      benchmark: 'test',
      position: 2,
      index: 2,
      probabilities: [{ output: 'logits', classes: [{ label: '0', probability: 0.75 }, { label: '1', probability: 0.25 }] }],
      visuals: [
        { name: 'image', kind: 'image', width: 8, height: 8, rgba: Buffer.from(rgba).toString('base64') },
        { name: 'label', kind: 'text', text: '<b>digit 2</b>' },
      ],
    },
  });
  const detail = view.page.locator('evalens-sample-detail');
  await detail.locator('canvas[data-visual="image"]').waitFor();
  assert.deepEqual(await detail.locator('.bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('aria-label'))), ['0: 75.0%', '1: 25.0%']);
  assert.equal(await detail.locator('pre[data-visual="text"]').innerText(), '<b>digit 2</b>');
  const pixels = await detail.locator('canvas[data-visual="image"]').evaluate(`(() => {
    const canvas = document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-sample-table').shadowRoot.querySelector('evalens-sample-detail').shadowRoot.querySelector('canvas[data-visual="image"]');
    const data = canvas.getContext('2d').getImageData(0, 0, 8, 8).data;
    return [data[0], data[4], canvas.style.width, getComputedStyle(canvas).imageRendering];
  })()`);
  assert.deepEqual(pixels, [255, 0, '160px', 'pixelated']);
  // An answer to an older request is ignored.
  await view.send({ type: 'sample', requestId: 99, error: 'stale' });
  await view.page.waitForTimeout(100);
  assert.equal(await detail.locator('.notice').count(), 0);
  await view.close();
});

test('a per-sample error is listed with its sample and opens the script line that threw', async () => {
  const data = await sampleErrorReport();
  assert.equal(data.sampleErrors.length, 1);
  const error = data.sampleErrors[0]!;
  assert.equal(error.index, 37);
  assert.match(error.location!.file, /digits\.integration\.ts$/);
  const view = await reportView(data);
  const row = view.page.locator('evalens-run-details table[data-table="sample-errors"] tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /test\s+37\s+37\s+input:image\s+.*no pixels for this digit/s);
  await row.locator('button.link').click();
  assert.deepEqual(await waitForPosted(view, (m) => m.length > 0), [{ type: 'openLocation', file: error.location!.file, line: error.location!.line, ...(error.location!.column === undefined ? {} : { column: error.location!.column }) }]);
  await view.close();
});

test('header actions post runAction for this run, with each export format', async () => {
  const view = await reportView(digits);
  const header = view.page.locator('evalens-report-header');
  const actions = await header.locator('button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')!));
  assert.deepEqual(actions, ['compare', 'rescore', 'reveal', 'copyId', 'delete']);
  for (const action of actions) await header.locator(`button[data-action="${action}"]`).click();
  for (const format of ['html', 'md', 'csv', 'json', 'parquet']) await header.locator(`button[data-format="${format}"]`).click();
  assert.deepEqual(await view.posted(), [
    ...actions.map((action) => ({ type: 'runAction', action, runId: digits.run.runId })),
    ...['html', 'md', 'csv', 'json', 'parquet'].map((format) => ({ type: 'runAction', action: 'export', runId: digits.run.runId, format })),
  ]);
  await view.close();
});

test('regression: predicted against actual and the residual histogram are drawn', async () => {
  const view = await reportView(regression);
  const output = regression.benchmarks[0]!.outputs[0]!;
  assert.equal(output.task, 'regression');
  const charts = view.page.locator('evalens-regression-output evalens-chart');
  assert.equal(await charts.count(), 2);
  assert.equal(await charts.locator('canvas').count(), 2);
  assert.match((await charts.first().locator('.plot').getAttribute('aria-label'))!, /171 samples/);
  // The scatter's points are drawn: pixels in the series colour (the dark theme's charts-blue, #3794ff), not only axes and the diagonal.
  const blue = await charts.first().locator('canvas').evaluate((canvas) => {
    const { width, height } = canvas as unknown as { width: number; height: number };
    const context = (canvas as unknown as { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }).getContext('2d');
    const data = context.getImageData(0, 0, width, height).data;
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - 0x37) < 8 && Math.abs(data[i + 1]! - 0x94) < 8 && Math.abs(data[i + 2]! - 0xff) < 8) painted++;
    return painted;
  });
  assert.ok(blue > 171 * 4, `pixels of the points: ${blue}`);
  assert.match(await view.page.locator('evalens-benchmark-summary table[data-table="metrics"]').innerText(), /r2/);
  await view.close();
});

test('text: BLEU and exact match, and every prediction beside its references', async () => {
  const data = await textReport();
  const benchmark = data.benchmarks[0]!;
  const output = benchmark.outputs.find((o) => o.task === 'text')!;
  assert.equal(output.task, 'text');
  const view = await reportView(data);
  const section = view.page.locator('evalens-text-output');
  const cards = await section.locator('.card').allInnerTexts();
  for (const metric of ['corpus_bleu4', 'exact_match']) {
    const value = benchmark.metrics[metric] ?? benchmark.metrics[`${output.name}.${metric}`];
    assert.ok(typeof value === 'number', `${metric} in the benchmark's metrics`);
    assert.ok(cards.some((c) => c.toLowerCase().includes(metric) && c.includes(value.toFixed(4))), `${metric} ${value.toFixed(4)} among ${cards.join(' | ')}`);
  }
  const texts = column(data, 0, output.textColumn);
  const references = column(data, 0, output.referencesColumn);
  const rows = section.locator('table[data-table="texts"] tbody tr');
  assert.equal(await rows.count(), texts.length);
  for (const row of [0, 17, texts.length - 1]) {
    assert.deepEqual((await rows.nth(row).locator('td').allInnerTexts()).slice(1), [String(texts[row]), String(references[row])]);
  }
  await view.close();
});

test('multilabel: the headline metrics and every label at its threshold, as scikit-learn computes them', async () => {
  const data = await reportOf(multilabelRun());
  const reference = JSON.parse(readFileSync(MULTILABEL_REFERENCE, 'utf8')) as { labels: string[]; scores: number[][]; cases: { per_label_thresholds: { thresholds: number[]; metrics: Record<string, number> & { per_label: Record<string, number>[] } } } };
  const { thresholds, metrics } = reference.cases.per_label_thresholds;
  const output = data.benchmarks[0]!.outputs[0]!;
  assert.equal(output.task, 'multilabel');
  // The sample table's predictions are the thresholded scores the metrics were computed from.
  const predicted = column(data, 0, `${output.name}.predicted_labels`);
  const index = column(data, 0, 'index');
  predicted.forEach((cell, row) => {
    const scores = reference.scores[index[row] as number]!;
    assert.equal(cell, reference.labels.filter((_, j) => scores[j]! >= thresholds[j]!).join('|'), `row ${row}`);
  });

  const view = await reportView(data);
  const section = view.page.locator('evalens-multilabel-output');
  // As the panel writes scores: four decimals, a whole number without them.
  const fixed = (value: number) => value.toFixed(4).replace(/\.0000$/, '');
  for (const metric of ['f1_micro', 'subset_accuracy', 'hamming_loss', 'f1_macro', 'f1_samples', 'average_precision_macro', 'roc_auc_macro']) {
    assert.equal(await section.locator(`.card[data-metric="${metric}"] .value`).innerText(), fixed(metrics[metric]!), metric);
  }
  const rows = section.locator('table[data-table="per-label"] tbody tr');
  assert.equal(await rows.count(), reference.labels.length);
  for (let j = 0; j < reference.labels.length; j++) {
    const expected = metrics.per_label[j]!;
    const cells = [reference.labels[j], fixed(thresholds[j]!), ...['precision', 'recall', 'f1'].map((k) => fixed(expected[k]!)), String(expected.support), fixed(expected.average_precision!), fixed(expected.roc_auc!)];
    assert.deepEqual(await rows.nth(j).locator('th, td').allInnerTexts(), cells, reference.labels[j]);
  }
  // uPlot drew both curve charts, a legend entry per label.
  assert.equal(await section.locator('evalens-chart canvas').count(), 2);
  assert.equal(await section.locator('evalens-chart').first().locator('.legend li').count(), reference.labels.length);
  const summary = view.page.locator('evalens-benchmark-summary table[data-table="metrics"]');
  assert.match(await summary.innerText(), /subset_accuracy\s+0\.4400\b/);
  // The outcome filter keeps the exact matches: the samples subset_accuracy counts.
  await view.page.locator('evalens-sample-table select[data-filter="correctness"]').selectOption('right');
  assert.match(await view.page.locator('evalens-sample-table [data-figure="shown"]').innerText(), new RegExp(`^${Math.round(metrics.subset_accuracy! * reference.scores.length)} of ${reference.scores.length} samples`));
  assert.deepEqual(view.console.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await view.close();
});

test('a comparison shows metric deltas with their sign in words, and the flipped samples', async () => {
  const view = await reportView(comparison.report);
  await view.send({ type: 'comparison', data: comparison.comparison });
  const section = view.page.locator('evalens-compare-section section');
  await section.waitFor();
  const test0 = comparison.comparison.benchmarks[0]!;
  const accuracy = test0.metrics.find((m) => m.metric === 'accuracy')!;
  const cell = section.locator(`table[data-table="deltas"] td[data-delta="${accuracy.delta}"]`).first();
  assert.equal(await cell.innerText(), `${accuracy.delta! > 0 ? '+' : '−'}${Math.abs(accuracy.delta!).toFixed(4)}`);
  assert.equal(await cell.getAttribute('class'), accuracy.delta! > 0 ? 'positive' : 'negative');
  assert.equal(await section.locator('table[data-table="right-to-wrong"]').first().locator('tbody tr').count(), Math.min(100, test0.rightToWrong.length));
  assert.equal(await section.locator('table[data-table="wrong-to-right"]').first().locator('tbody tr').count(), Math.min(100, test0.wrongToRight.length));
  assert.ok(test0.rightToWrong.length > 0 && test0.wrongToRight.length > 0);
  // log_loss rose: a worse run, whatever the sign says.
  const logLoss = test0.metrics.find((m) => m.metric === 'log_loss')!;
  assert.ok(logLoss.delta! > 0);
  assert.equal(await section.locator(`table[data-table="deltas"] td[data-delta="${logLoss.delta}"]`).first().getAttribute('class'), 'negative');
  // So did the integration's own loss, cross_entropy: marked as a loss by the comparison, red too.
  const crossEntropy = test0.metrics.find((m) => m.metric === 'cross_entropy')!;
  assert.deepEqual([crossEntropy.lowerIsBetter, crossEntropy.delta! > 0], [true, true]);
  const row = section.locator('table[data-table="deltas"] tr', { hasText: 'cross_entropy' }).first();
  assert.equal(await row.locator('td').last().getAttribute('class'), 'negative');
  await view.close();
});

test('a comparison says whether the difference is more than chance: McNemar in words and figures, and the delta intervals', async () => {
  const view = await reportView(comparison.report);
  await view.send({ type: 'comparison', data: comparison.comparison });
  const section = view.page.locator('evalens-compare-section section');
  await section.waitFor();
  const { benchmarks, bootstrap } = comparison.comparison;
  assert.equal(await section.locator('[data-figure="significance"]').count(), benchmarks.length);
  for (const [k, bench] of benchmarks.entries()) {
    const m = bench.mcnemar!;
    const block = section.locator('[data-figure="significance"]').nth(k);
    // The CNN (A) against nearest centroids (B): B right on more of the samples they disagree on.
    assert.ok(m.c > m.b && m.b + m.c === bench.rightToWrong.length + bench.wrongToRight.length);
    const p = m.pValue < 0.0001 ? 'p < 0.0001' : `p = ${m.pValue.toPrecision(2)}`;
    assert.equal(
      await block.locator('[data-figure="mcnemar"]').innerText(),
      `B is right on ${m.c} samples A got wrong and wrong on ${m.b} it got right: ${p}, ${m.pValue < 0.05 ? 'unlikely to be chance alone (below 0.05), so B is more often right on these data' : 'could be chance (not below 0.05): no clear evidence that either run is more often right'}.`,
    );
    assert.match(await block.innerText(), new RegExp(`b = ${m.b} \\(right in A only\\),\\s+c = ${m.c} \\(right in B only\\), two-sided ${p.replace('<', '\\<')}`));
    const rows = block.locator('table[data-table="intervals"] tbody tr');
    assert.equal(await rows.count(), bench.intervals!.length);
    for (const [r, x] of bench.intervals!.entries()) {
      const cells = await rows.nth(r).locator('th, td').allInnerTexts();
      const signed = (v: number) => (v === 0 ? '±0' : `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`);
      assert.deepEqual(cells, [`${x.output} · ${x.metric}`, formatScore(x.a), formatScore(x.b), signed(x.delta), `[${signed(x.low)}, ${signed(x.high)}]`]);
    }
    assert.match(await block.innerText(), new RegExp(`Paired bootstrap: ${bootstrap!.resamples.toLocaleString('en-US')} resamples of the paired samples, seed ${bootstrap!.seed}, percentile interval`));
  }
  await view.close();
});

test('a malformed report is logged and dropped; nothing renders from it', async () => {
  const view = await openWebview(browser, { view: 'report' });
  await view.send({ type: 'report', data: { ...digits, run: { ...digits.run, runId: 42 } } });
  await view.send({ type: 'comparison', data: { a: 'x' } });
  await view.send({ type: 'notice', level: 'warning', message: 'after' });
  await view.page.locator('evalens-report-view .notice').waitFor();
  assert.equal(await view.page.locator('evalens-report-header').count(), 0);
  const dropped = view.console.filter((line) => line.includes('[evalens] dropped a malformed host message'));
  assert.equal(dropped.length, 2, view.console.join('\n'));
  assert.match(dropped[0]!, /run\.runId/);
  await view.close();
});

test('the exported HTML reads its inlined data and shows no action that needs VS Code', async () => {
  const view = await openWebview(browser, { view: 'report', host: 'static', inlinedData: binary });
  await view.page.locator('evalens-sample-table .row').first().waitFor();
  assert.equal(await view.page.locator('evalens-report-header h1').innerText(), binary.run.name);
  assert.equal(await view.page.locator('evalens-report-header button[data-action], evalens-report-header button[data-format]').count(), 0);
  assert.equal(await view.page.evaluate(() => typeof (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi), 'undefined');
  // The threshold still works: it needs only the inlined table.
  await view.page.locator('evalens-threshold-panel input[type="range"]').fill('0.9');
  assert.equal(await view.page.locator('evalens-threshold-panel [data-figure="threshold"]').innerText(), '0.90');
  assert.deepEqual(view.console.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await view.close();
});
