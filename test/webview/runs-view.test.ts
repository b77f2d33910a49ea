/**
 * The Evaluations view in headless Chromium, fed the real runs' summaries: rows, actions,
 * filters and paging post the right messages; progress moves; malformed messages and markup
 * in user data are harmless.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HostMessage, RunRow } from '../../shared/webview-protocol';
import { binaryReport, digitsReport, regressionReport, runRows } from './fixtures';
import { launchBrowser, openWebview, waitForPosted, type WebviewPage } from './harness';

let browser: Browser;
let rows: RunRow[];

before(async () => {
  const [digits, binary, regression] = await Promise.all([digitsReport(), binaryReport(), regressionReport()]);
  rows = runRows(digits.run, binary.run, regression.run);
  browser = await launchBrowser();
});
after(() => browser?.close());

const ALL = { status: [], kind: [], search: '' };
const page0 = (): HostMessage => ({ type: 'runs', filter: ALL, rows, page: 0, pageCount: 3, storeTotal: 23 });

async function runsView(): Promise<WebviewPage> {
  const view = await openWebview(browser, { view: 'runs' });
  await waitForPosted(view, (m) => m.some((x) => x.type === 'ready'));
  await view.send(page0());
  await view.page.locator('evalens-run-row').nth(rows.length - 1).waitFor();
  await view.clearPosted();
  return view;
}

const row = (view: WebviewPage, runId: string) => view.page.locator(`evalens-run-row:has(article[aria-label]) >> nth=${rows.findIndex((r) => r.summary.runId === runId)}`);

test('each row offers only the actions that apply, and each posts its runAction', async () => {
  const view = await runsView();
  const expected: Record<string, string[]> = {
    queued: ['resume', 'cancel', 'reveal', 'copyId', 'delete'],
    evaluating: ['viewReport', 'cancel', 'reveal', 'copyId'],
    failed: ['viewReport', 'resume', 'export', 'compare', 'reveal', 'copyId', 'delete'],
    completed: ['viewReport', 'export', 'compare', 'rescore', 'reveal', 'copyId', 'delete'],
    interrupted: ['viewReport', 'resume', 'export', 'compare', 'reveal', 'copyId', 'delete'],
  };
  for (const { summary } of rows) {
    const status = summary.interrupted ? 'interrupted' : summary.status;
    const actions = await row(view, summary.runId).locator('button[data-action]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-action')));
    assert.deepEqual(actions, expected[status], `actions of the ${status} run ${summary.name}`);
    for (const action of actions.filter((a) => a !== 'export')) {
      await view.clearPosted();
      await row(view, summary.runId).locator(`button[data-action="${action}"]`).click();
      assert.deepEqual(await view.posted(), [{ type: 'runAction', action, runId: summary.runId }]);
    }
  }
  await view.close();
});

test('Export offers every format and posts the one chosen', async () => {
  const view = await runsView();
  const completed = rows.find((r) => r.summary.status === 'completed')!.summary;
  for (const format of ['html', 'md', 'csv', 'json', 'parquet']) {
    await row(view, completed.runId).locator('button[data-action="export"]').click();
    await view.clearPosted();
    await row(view, completed.runId).locator(`button[data-format="${format}"]`).click();
    assert.deepEqual(await view.posted(), [{ type: 'runAction', action: 'export', runId: completed.runId, format }]);
  }
  await view.close();
});

test('a failed run shows its reason, the failing sample, and opens the script line', async () => {
  const view = await runsView();
  const failed = rows.find((r) => r.summary.status === 'failed')!.summary;
  const error = row(view, failed.runId).locator('.error');
  assert.match(await error.innerText(), /Cannot read properties of undefined/);
  assert.match(await error.innerText(), /sample 96, inputs\.features/);
  await error.locator('button.link').press('Enter');
  assert.deepEqual(await view.posted(), [{ type: 'openLocation', ...failed.error!.location! }]);
  await view.close();
});

test('live progress: the bar, samples/s and ETA follow progress messages', async () => {
  const view = await runsView();
  const live = rows.find((r) => r.live !== undefined)!;
  const figures = row(view, live.summary.runId).locator('.progress .figures');
  assert.match(await figures.innerText(), /412 \/ 840/);
  await view.send({ type: 'progress', progress: { runId: live.summary.runId, done: 700, total: 840, benchmark: 'train-sample', samplesPerSecond: 2045, etaSeconds: 12 } });
  await assertEventually(async () => /700 \/ 840 · train-sample/.test(await figures.innerText()));
  assert.match(await figures.innerText(), /2045 samples\/s · ETA 12 s/);
  assert.equal(await row(view, live.summary.runId).locator('vscode-progress-bar').evaluate((bar) => (bar as unknown as { value: number }).value), 700);
  await view.close();
});

test('filters, search and paging ask the host for the matching page', async () => {
  const view = await runsView();
  await view.page.locator('button[data-status="interrupted"]').click();
  await view.page.locator('button[data-kind="evaluation"]').click();
  assert.deepEqual(await view.posted(), [
    { type: 'listRuns', filter: { status: ['interrupted'], kind: [], search: '' }, page: 0 },
    { type: 'listRuns', filter: { status: ['interrupted'], kind: ['evaluation'], search: '' }, page: 0 },
  ]);
  await view.clearPosted();
  // Keystrokes in a burst are one request, once typing pauses.
  await view.page.locator('vscode-textfield input').pressSequentially('digits', { delay: 20 });
  const posted = await waitForPosted(view, (m) => m.length > 0);
  await view.page.waitForTimeout(400);
  assert.deepEqual(await view.posted(), [{ type: 'listRuns', filter: { status: ['interrupted'], kind: ['evaluation'], search: 'digits' }, page: 0 }]);
  assert.equal(posted.length, 1);
  await view.clearPosted();
  await view.send(page0());
  await view.page.locator('button[data-page="next"]').click();
  assert.deepEqual(await view.posted(), [{ type: 'listRuns', filter: ALL, page: 1 }]);
  await view.close();
});

test('an empty store says what to do first', async () => {
  const view = await openWebview(browser, { view: 'runs' });
  await view.send({ type: 'runs', filter: ALL, rows: [], page: 0, pageCount: 0, storeTotal: 0 });
  const text = await view.page.locator('evalens-runs-view .empty').innerText();
  assert.match(text, /No evaluation yet/);
  assert.match(text, /Run Integration Test/);
  assert.match(text, /evalens\.eval\.json/);
  await view.close();
});

test('malformed host messages are logged and dropped, never rendered', async () => {
  const view = await runsView();
  const before = await view.page.locator('evalens-run-row').count();
  const bad = [{ type: 'runs', filter: ALL, rows: 'all of them', page: 0, pageCount: 1, storeTotal: 1 }, { type: 'explode' }, { type: 'progress', progress: { runId: 'x', done: -1 } }, 'runs', null];
  for (const message of bad) await view.send(message);
  // A well-formed message after them shows they were processed (in order) and dropped.
  await view.send({ type: 'notice', level: 'info', message: 'after the bad ones' });
  await view.page.locator('evalens-runs-view .notice').waitFor();
  assert.equal(await view.page.locator('evalens-run-row').count(), before);
  const dropped = view.console.filter((line) => line.includes('[evalens] dropped a malformed host message'));
  assert.equal(dropped.length, bad.length, view.console.join('\n'));
  assert.match(dropped[0]!, /rows/);
  await view.close();
});

test('markup in a run name or error message is shown as text', async () => {
  const view = await runsView();
  const markup = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  const summary = { ...rows[3]!.summary, runId: 'markup', name: markup, status: 'failed' as const, error: { message: markup, resumable: true } };
  await view.send({ type: 'runs', filter: ALL, rows: [{ summary }], page: 0, pageCount: 1, storeTotal: 1 });
  await assertEventually(async () => (await view.page.locator('evalens-run-row .name').innerText()) === markup);
  assert.equal(await view.page.locator('evalens-run-row img, evalens-run-row b').count(), 0);
  assert.match(await view.page.locator('evalens-run-row .error').innerText(), /<img src=x/);
  assert.equal(await view.page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
  await view.close();
});

async function assertEventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
