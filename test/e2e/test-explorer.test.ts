import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { integrationTestReportSchema } from '../../shared/integration-test-report';
import { CLI, ROOT } from '../helpers/paths';
import { ensureTools } from './e2e-tools';
import { installExtension, packagedExtension, screenshotsFor, waitFor, Workbench } from './code-server';

/**
 * The Test Explorer in a real VS Code workbench (code-server): a copy of the example whose
 * image encoder returns NaN at sample 11 of 'test' shows the failed icon on that check and
 * its component only, and the failure in the editor at the encoder's declaration; re-running
 * one component of the unmodified example runs the whole test and every item passes; a run
 * cancelled from the Test Explorer stops the CLI's child process. Screenshots go to
 * test-results/e2e/test-explorer-*.png.
 */

const shot = screenshotsFor('test-explorer');
const tools = ensureTools((line) => console.log(`# e2e: ${line}`));
let dirs: { extensionsDir: string; userDataDir: string } | undefined;

before(() => {
  if (!tools.ok) return;
  dirs = installExtension(packagedExtension());
});

const IMAGE_ENCODER = 'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),';

/** The example, plus `nan.integration.ts` (NaN in one pixel of sample 11 of 'test') and `slow.integration.ts` (50 ms per image). */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-e2e-tests-'));
  cpSync(path.join(ROOT, 'examples', 'digits'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  const script = readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8');
  assert.ok(script.includes(IMAGE_ENCODER));
  writeFileSync(
    path.join(dir, 'nan.integration.ts'),
    script.replace(IMAGE_ENCODER, "encode: (index, subset) => {\n        const image = Float32Array.from(pixels(index, subset.data));\n        if (subset.name === 'test' && index === 11) image[5] = Number.NaN;\n        return image;\n      },"),
  );
  writeFileSync(
    path.join(dir, 'slow.integration.ts'),
    script.replace(IMAGE_ENCODER, 'encode: (index, subset) => { const until = Date.now() + 50; while (Date.now() < until); return Float32Array.from(pixels(index, subset.data)); },'),
  );
  return dir;
}

/** The (component, check) pairs the CLI reports for a script, with the Test Explorer's default sample count. */
function reportedChecks(script: string): { component: string; id: string; status: string }[] {
  // Exit code 1 means failed checks: the report is on stdout all the same.
  const { stdout } = spawnSync(process.execPath, [CLI, 'test', script, '--json', '--samples', '100'], { cwd: path.dirname(script), encoding: 'utf8' });
  return integrationTestReportSchema.parse(JSON.parse(stdout)).checks.map(({ component, id, status }) => ({ component, id, status }));
}

/** 1-based line of the first line that starts (after indentation) with `start` and is followed by `next`. */
function lineOf(file: string, start: string, next: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l, i) => l.trimStart().startsWith(start) && lines[i + 1]?.trimStart().startsWith(next));
  assert.ok(index >= 0, `${start} / ${next} in ${file}`);
  return index + 1;
}

/** The little of the DOM read inside the page (the project compiles without the DOM library). */
interface Dom {
  className: string;
  innerText: string;
  style: { top: string };
  getAttribute(name: string): string | null;
  querySelector(selector: string): Dom | null;
}

interface Row {
  /** Labels from the script down: ['nan.integration.ts', 'input:image', 'encoder.finite']. */
  path: string[];
  /** From the row's icon: passed, failed, skipped, unset, … */
  state: string;
  description: string;
}

/** What a row of the Test Explorer shows (run in the page). */
const readRow = (el: Dom) => {
  const label = el.querySelector('.label');
  const description = label?.querySelector('.test-label-description')?.innerText ?? '';
  const full = label?.innerText ?? '';
  const icon = /codicon-testing-(\w+)-icon/.exec(el.querySelector('.computed-state')?.className ?? '')?.[1] ?? 'none';
  return { index: el.getAttribute('data-index') ?? '', level: Number(el.getAttribute('aria-level')), name: full.slice(0, full.length - description.length).trim(), description: description.trim(), state: icon };
};

/** Opens the Testing view from the activity bar (its palette command is not always registered yet), unless it shows. */
async function showTesting(wb: Workbench): Promise<void> {
  const view = wb.page.locator('.test-explorer');
  if (await view.isVisible()) return;
  await wb.page.locator('.activitybar .action-item .action-label[aria-label^="Testing"]').first().click();
  await view.waitFor({ timeout: 20_000 });
}

/**
 * Every row of the Test Explorer, each expanded, read by walking the tree with the keyboard
 * (the list renders only the rows in view; the focused one always is).
 */
async function testTree(wb: Workbench): Promise<Row[]> {
  await showTesting(wb);
  const list = wb.page.locator('.test-explorer .monaco-list').first();
  await list.waitFor({ timeout: 20_000 });
  // Home moves to the first row only while the tree has the keyboard: a run's end can hand it
  // to the editor a moment after the tree was focused, so focus again until the first row is.
  const first = wb.page.locator('.test-explorer .monaco-list-row.focused[data-index="0"]');
  for (let attempt = 0; attempt < 10; attempt++) {
    await list.focus();
    await wb.page.keyboard.press('Home');
    if ((await first.count()) > 0) break;
    await wb.page.waitForTimeout(500);
  }
  await first.waitFor({ timeout: 5_000 });
  const rows: Row[] = [];
  const stack: string[] = [];
  let previous = '';
  for (let step = 0; step < 500; step++) {
    const focused = wb.page.locator('.test-explorer .monaco-list-row.focused');
    await focused.waitFor({ timeout: 5_000 });
    // A script's row always has components, but shows no twistie (no aria-expanded) for a moment
    // after a run refreshes it: wait for it, or the walk would pass over the script's tree.
    if ((await focused.getAttribute('aria-level')) === '1') await focused.and(wb.page.locator('[aria-expanded]')).waitFor({ timeout: 10_000 });
    if ((await focused.getAttribute('aria-expanded')) === 'false') {
      // The twistie, not the right arrow key: the tree ignores the key for a row a run just filled.
      await focused.locator('.monaco-tl-twistie').click();
      // A script's components come from the language server when it is first expanded.
      await focused.and(wb.page.locator('[aria-expanded="true"]')).waitFor({ timeout: 10_000 });
      await list.focus();
    }
    // A row being resolved shows a spinner instead of its state for a moment.
    await focused.locator('.computed-state.codicon-loading').waitFor({ state: 'detached', timeout: 10_000 });
    const row = await focused.evaluate(readRow);
    if (row.index === previous) break;
    previous = row.index;
    stack.length = row.level - 1;
    stack.push(row.name);
    rows.push({ path: [...stack], state: row.state, description: row.description });
    await wb.page.keyboard.press('ArrowDown');
  }
  return rows;
}

/** Collapses the tree, then expands the rows labelled `path` one under the other, so they show for a screenshot (or a click). */
async function expandOnly(wb: Workbench, path: string[]): Promise<void> {
  await showTesting(wb);
  await wb.page.locator('.test-explorer .monaco-list').first().focus();
  await wb.page.keyboard.press('Control+ArrowLeft');
  for (const label of path) {
    const rows = wb.page.locator('.test-explorer .monaco-list-row');
    // The list re-renders after collapsing: read its rows until the label is among them.
    let names: string[] = [];
    for (const until = Date.now() + 10_000; !names.includes(label) && Date.now() < until; await wb.page.waitForTimeout(200)) {
      names = [];
      for (let i = 0; i < (await rows.count()); i++) names.push((await rows.nth(i).evaluate(readRow)).name);
    }
    assert.ok(names.includes(label), `${label} among ${names.join(', ')}`);
    const row = rows.nth(names.indexOf(label));
    await row.locator('.monaco-tl-twistie').click();
    await row.and(wb.page.locator('[aria-expanded="true"]')).waitFor({ timeout: 10_000 });
  }
}

const under = (rows: Row[], script: string) => rows.filter((r) => r.path[0] === script);

/** The test tree of a script's components and checks, as `component` and `component/check`, with their states. */
function statesOf(rows: Row[], script: string): Map<string, string> {
  return new Map(under(rows, script).filter((r) => r.path.length > 1).map((r) => [r.path.slice(1).join('/'), r.state]));
}

const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor';

/** Line numbers of the rendered lines of the active editor, by their `top` (text, margin and glyphs of a line share it). */
async function lineNumbersByTop(wb: Workbench): Promise<Map<string, number>> {
  const margin = await wb.page.locator(`${ACTIVE_EDITOR} .margin-view-overlays > div`).evaluateAll((els: Dom[]) => els.map((d): [string, number] => [d.style.top, Number(d.querySelector('.line-numbers')?.innerText)]));
  return new Map(margin);
}

/** Moves the active editor to a line (so it is rendered); returns the inline test messages in view, with their lines. */
async function inlineMessagesNear(wb: Workbench, line: number): Promise<{ text: string; line: number | undefined }[]> {
  await wb.page.keyboard.press('Control+G');
  await wb.page.locator('.quick-input-widget input').fill(`:${line}`);
  await wb.page.keyboard.press('Enter');
  await wb.page.waitForTimeout(500);
  const lines = await lineNumbersByTop(wb);
  // VS Code 1.139 shows a failure as a content widget at the end of its line.
  const messages = await wb.page.locator(`${ACTIVE_EDITOR} .test-error-content-widget`).evaluateAll((els: Dom[]) => els.map((el) => ({ text: el.innerText, top: el.style.top })));
  return messages.map(({ text, top }) => ({ text, line: lines.get(top) }));
}

/** States of the Test Explorer's gutter icons in view in the active editor, by line. */
async function gutterIcons(wb: Workbench): Promise<Map<number | undefined, string>> {
  const lines = await lineNumbersByTop(wb);
  const glyphs = await wb.page.locator(`${ACTIVE_EDITOR} .testing-run-glyph`).evaluateAll((els: Dom[]) => els.map((el) => ({ top: el.style.top, state: /codicon-testing-(\w+)-icon/.exec(el.className)?.[1] ?? 'none' })));
  return new Map(glyphs.map(({ top, state }) => [lines.get(top), state]));
}

/** PIDs of processes whose command line names the file: the CLI's child running its test. */
function processesOf(file: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(file);
    } catch {
      return false;
    }
  });
}

test('Test Explorer: each check and component shows its state, a failure shows at its line, a cancelled run stops its process', { timeout: 600_000 }, async (t) => {
  if (!tools.ok) return t.skip(tools.reason);
  const dir = workspace();
  const nan = path.join(dir, 'nan.integration.ts');
  const expectedNan = reportedChecks(nan);
  assert.deepEqual(expectedNan.filter((c) => c.status === 'failed').map((c) => `${c.component}/${c.id}`), ['input:image/encoder.finite'], 'the CLI finds exactly the NaN');
  const wb = await Workbench.open(dir, dirs!, { trusted: true });
  try {
    // 1. The script with a NaN at sample 11: only that check and its component fail.
    await wb.openFile('nan.integration.ts');
    // The language server's code lens: the extension is active and its commands are registered.
    await wb.page.locator('.codelens-decoration', { hasText: 'Run integration test' }).first().waitFor({ timeout: 60_000 });
    await wb.command('Evalens: Run Integration Test');
    await showTesting(wb);
    await wb.page.locator('.test-explorer .monaco-list-row', { hasText: /nan\.integration\.ts.*samples · 1 failed/ }).first().waitFor({ timeout: 120_000 });
    let rows = await testTree(wb);
    const nanStates = statesOf(rows, 'nan.integration.ts');
    const expected = new Map<string, string>();
    for (const c of expectedNan) {
      expected.set(c.component, c.component === 'input:image' ? 'failed' : 'passed');
      expected.set(`${c.component}/${c.id}`, c.status === 'failed' ? 'failed' : 'passed');
    }
    assert.deepEqual(Object.fromEntries(nanStates), Object.fromEntries(expected));
    assert.equal(under(rows, 'nan.integration.ts')[0]!.state, 'failed', JSON.stringify(rows.slice(0, 3)));
    assert.match(under(rows, 'nan.integration.ts').find((r) => r.path.join('/') === 'nan.integration.ts/input:image/encoder.finite')!.description, /sample 11 of 'test'/);

    // The failure in the editor, at the image encoder's declaration (not at a text match elsewhere).
    await wb.openFile('nan.integration.ts');
    const imageLine = lineOf(nan, 'image: {', 'shape:');
    const messages = await inlineMessagesNear(wb, imageLine);
    const nanMessages = messages.filter((m) => /NaN/.test(m.text));
    assert.deepEqual(nanMessages.map((m) => m.line), [imageLine], `shown once, at the encoder's line: ${JSON.stringify(messages)}`);
    assert.match(nanMessages[0]!.text, /^sample 11 of 'test': Input encoder 'image' returned NaN/);
    const gutter = await gutterIcons(wb);
    assert.equal(gutter.get(imageLine), 'failed', `gutter: ${JSON.stringify([...gutter])}`);
    await expandOnly(wb, ['nan.integration.ts', 'input:image']);
    await wb.screenshot(shot('failed'));

    // 2. The example: re-running one component from the Test Explorer runs the whole test; every item passes.
    await wb.openFile('digits.integration.ts');
    // Only the example's row expanded: its output:logits row is the only one in view.
    await expandOnly(wb, ['digits.integration.ts']);
    const tree = wb.page.locator('.test-explorer .monaco-list-row');
    const logits = tree.filter({ hasText: 'output:logits' }).first();
    await logits.waitFor({ timeout: 30_000 });
    await logits.hover();
    await logits.locator('.action-label.codicon-testing-run-icon').click();
    await tree.filter({ hasText: /digits\.integration\.ts.*samples · 0 failed/ }).first().waitFor({ timeout: 120_000 });
    rows = await testTree(wb);
    const example = path.join(dir, 'digits.integration.ts');
    const expectedDigits = reportedChecks(example);
    const digitsStates = statesOf(rows, 'digits.integration.ts');
    assert.deepEqual([...digitsStates.keys()].sort(), [...new Set(expectedDigits.flatMap((c) => [c.component, `${c.component}/${c.id}`]))].sort());
    assert.deepEqual([...new Set(digitsStates.values())], ['passed'], JSON.stringify([...digitsStates]));
    assert.equal(under(rows, 'digits.integration.ts')[0]!.state, 'passed');
    const logitsLine = lineOf(example, 'logits: {', 'embedding:');
    assert.deepEqual(await inlineMessagesNear(wb, logitsLine), []);
    assert.equal((await gutterIcons(wb)).get(logitsLine), 'passed');
    await expandOnly(wb, ['digits.integration.ts', 'output:logits']);
    await wb.screenshot(shot('passed'));

    // 3. A slow test cancelled from the Test Explorer's title bar: its child process ends.
    const slow = path.join(dir, 'slow.integration.ts');
    await wb.openFile('slow.integration.ts');
    await wb.command('Evalens: Run Integration Test');
    await waitFor(() => processesOf(slow).length > 0, 60_000, () => 'the integration test of slow.integration.ts did not start');
    await showTesting(wb);
    await wb.page.locator('.pane-header .codicon-testing-cancel-icon, .title-actions .codicon-testing-cancel-icon').first().click();
    const cancelledAt = Date.now();
    await waitFor(() => processesOf(slow).length === 0, 10_000, () => `still running after the cancel: ${processesOf(slow).join(', ')}`);
    assert.ok(Date.now() - cancelledAt < 5_000);
    rows = await testTree(wb);
    assert.equal(under(rows, 'slow.integration.ts')[0]!.state, 'skipped');
    await wb.screenshot(shot('cancelled'));
  } catch (error) {
    await wb.screenshot(shot('failure'));
    throw error;
  } finally {
    await wb.close();
  }
});
