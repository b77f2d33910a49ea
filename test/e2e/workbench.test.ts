import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths';
import { ensureTools } from './e2e-tools';
import { installExtension, packagedExtension, screenshotsFor, waitFor, Workbench } from './code-server';

/**
 * The extension in a real VS Code workbench (code-server), driven by Chromium: the packaged
 * .vsix installed, the example folder opened, diagnostics, the integration test in the Test
 * Explorer, an evaluation, cancel and resume, and an untrusted workspace that runs nothing.
 * Screenshots of each step go to test-results/e2e/.
 */

const tools = ensureTools((line) => console.log(`# e2e: ${line}`));
let dirs: { extensionsDir: string; userDataDir: string } | undefined;

const shot = screenshotsFor('workbench');

before(() => {
  if (!tools.ok) return;
  dirs = installExtension(packagedExtension());
});

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-e2e-ws-'));
  cpSync(path.join(ROOT, 'examples', 'digits'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  return dir;
}

/** The example with its ink metadata nested one level: the language server must flag it. */
function addBrokenScript(dir: string): void {
  const script = readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8');
  writeFileSync(path.join(dir, 'broken.integration.ts'), script.replace('mean_intensity: values.reduce((a, b) => a + b, 0) / values.length,', 'stats: { mean: values.reduce((a, b) => a + b, 0) / values.length },'));
}

/** A finished run's progress notification has closed: no notification with a Cancel button stays beside "completed". */
async function noProgressLeft(wb: Workbench): Promise<void> {
  const progress = wb.page.locator('.notification-toast, .notifications-center .notification-list-item', { has: wb.page.locator('.monaco-button', { hasText: /^Cancel$/ }) });
  await waitForAsync(async () => (await progress.count()) === 0, 10_000, async () => `a progress notification stayed open: ${(await progress.allInnerTexts()).join(' | ')}`);
  // ...and none comes back (a second one opened for the same run by a resume or the queue).
  await wb.page.waitForTimeout(2_000);
  assert.deepEqual(await progress.allInnerTexts(), []);
}

async function waitForAsync(condition: () => Promise<boolean>, timeout: number, message: () => Promise<string>): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(await message());
    await new Promise((r) => setTimeout(r, 200));
  }
}

const runsOf = (dir: string) => (existsSync(path.join(dir, '.evalens', 'runs')) ? readdirSync(path.join(dir, '.evalens', 'runs')).filter((n) => /^\d{8}-/.test(n)) : []);

test('trusted workspace: diagnostics, integration test in the Test Explorer, evaluate, cancel and resume', { timeout: 600_000 }, async (t) => {
  if (!tools.ok) return t.skip(tools.reason);
  const dir = workspace();
  addBrokenScript(dir);
  const wb = await Workbench.open(dir, dirs!, { trusted: true });
  try {
    // The example first, then the broken copy: VS Code asks the TypeScript server for an open
    // file's diagnostics in the order the files were opened, so once the copy's TypeScript error
    // shows, the example's diagnostics have come (the copy's error needs `evalens`'s types too).
    await wb.openFile('digits.integration.ts');
    await wb.page.locator('.codelens-decoration', { hasText: 'Run integration test' }).first().waitFor({ timeout: 60_000 });
    await wb.openFile('broken.integration.ts');
    await wb.problems();
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: /EV2\d\d/ }).first().waitFor({ timeout: 60_000 });
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: /SubsetRef/ }).first().waitFor({ timeout: 60_000 });
    const problems = await wb.problems();
    await wb.screenshot(shot('1-problems'));
    assert.ok(problems.some((p) => /nested|flat/i.test(p)), `Problems: ${problems.join(' | ')}`);
    // The example integration has none: `evalens`, `node:fs` and `node:path` resolve in the editor.
    assert.deepEqual(problems.filter((p) => p.includes('digits.integration.ts')), [], `Problems: ${problems.join(' | ')}`);

    await wb.openFile('digits.integration.ts');
    await wb.command('Evalens: Run Integration Test');
    await wb.command('View: Show Testing');
    const testTree = wb.page.locator('.test-explorer .monaco-list-row');
    const scriptRow = testTree.filter({ hasText: /digits\.integration\.ts.*samples/ }).first();
    await scriptRow.waitFor({ timeout: 120_000 });
    // The row may come up expanded or collapsed: toggle until its checks show.
    for (let i = 0; i < 4 && (await testTree.filter({ hasText: 'input:image' }).count()) === 0; i++) {
      await scriptRow.locator('.monaco-tl-twistie').click();
      await wb.page.waitForTimeout(1000);
    }
    await testTree.filter({ hasText: 'input:image' }).first().waitFor({ timeout: 5_000 });
    await wb.screenshot(shot('2-test-explorer'));
    const rows = await testTree.allInnerTexts();
    assert.ok(rows.some((r) => r.includes('digits.integration.ts')), rows.join(' | '));

    await wb.command('Evalens: Evaluate…');
    await wb.pick('evalens.eval.json');
    await wb.acceptQuickInput('Evaluate which benchmarks?');
    await wb.notification(/completed: overall score/, 180_000);
    await noProgressLeft(wb);
    await wb.screenshot(shot('3-evaluation-completed'));
    assert.equal(runsOf(dir).length, 1);

    // A slower evaluation to cancel part-way, then resume.
    const config = JSON.parse(readFileSync(path.join(dir, 'evalens.eval.json'), 'utf8'));
    config.benchmarks = [{ name: 'train', subset: 'train' }];
    config.gates = [];
    config.batchSize = 8;
    config.name = 'slow';
    writeFileSync(path.join(dir, 'slow.eval.json'), JSON.stringify(config));
    writeFileSync(
      path.join(dir, 'digits.integration.ts'),
      readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8').replace('encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),', 'encode: (index, subset) => { const until = Date.now() + 4; while (Date.now() < until); return Float32Array.from(pixels(index, subset.data)); },'),
    );
    await wb.command('Evalens: Evaluate…');
    await wb.pick('slow.eval.json');
    await wb.page.locator('.statusbar-item', { hasText: /samples?|\/s/ }).first().waitFor({ timeout: 60_000 });
    await wb.screenshot(shot('4-evaluation-progress'));
    await wb.command('Evalens: Cancel Evaluation');
    await wb.notification(/cancelled/, 60_000);
    await wb.screenshot(shot('5-cancelled'));
    const slow = runsOf(dir).map((id) => JSON.parse(readFileSync(path.join(dir, '.evalens', 'runs', id, 'manifest.json'), 'utf8'))).find((m) => m.name === 'slow');
    assert.equal(slow.status, 'cancelled');
    assert.ok(slow.checkpoint.records > 0 && slow.checkpoint.records < 1257);

    await wb.command('Evalens: Resume Evaluation');
    await wb.pick('slow');
    const manifestFile = path.join(dir, '.evalens', 'runs', slow.runId, 'manifest.json');
    await waitFor(() => JSON.parse(readFileSync(manifestFile, 'utf8')).status === 'completed', 240_000, () => `run ${slow.runId} did not complete after resume`);
    await wb.notification(new RegExp(`run ${slow.runId} completed`), 30_000);
    await noProgressLeft(wb);
    await wb.screenshot(shot('6-resumed'));
    const resumed = JSON.parse(readFileSync(manifestFile, 'utf8'));
    assert.equal(resumed.checkpoint.records, 1257);
  } catch (error) {
    await wb.screenshot(shot('failure-trusted'));
    throw error;
  } finally {
    await wb.close();
  }
});

test('untrusted workspace: diagnostics work, nothing runs user code', { timeout: 300_000 }, async (t) => {
  if (!tools.ok) return t.skip(tools.reason);
  const dir = workspace();
  addBrokenScript(dir);
  const wb = await Workbench.open(dir, installExtension(packagedExtension()), { trusted: false });
  try {
    await wb.openFile('broken.integration.ts');
    // The code lens shows once the extension and its language server are up.
    await wb.page.locator('.codelens-decoration', { hasText: 'Run integration test' }).first().waitFor({ timeout: 60_000 });
    await wb.command('Evalens: Run Integration Test');
    const message = await wb.notification(/not trusted/, 30_000);
    assert.match(message, /Trust the workspace/);
    await wb.screenshot(shot('7-untrusted'));
    await wb.command('Evalens: Evaluate…');
    await wb.notification(/not trusted/, 30_000);
    assert.deepEqual(runsOf(dir), [], 'no run was created');
  } catch (error) {
    await wb.screenshot(shot('failure-untrusted'));
    throw error;
  } finally {
    await wb.close();
  }
});

after(() => undefined);

test('closing VS Code mid-run: the run is offered for resume on the next start; a killed language server comes back', { timeout: 400_000 }, async (t) => {
  if (!tools.ok) return t.skip(tools.reason);
  const dir = workspace();
  const config = JSON.parse(readFileSync(path.join(dir, 'evalens.eval.json'), 'utf8'));
  writeFileSync(path.join(dir, 'evalens.eval.json'), JSON.stringify({ ...config, benchmarks: [{ name: 'train', subset: 'train' }], batchSize: 8, gates: [] }));
  writeFileSync(
    path.join(dir, 'digits.integration.ts'),
    readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8').replace('encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),', 'encode: (index, subset) => { const until = Date.now() + 4; while (Date.now() < until); return Float32Array.from(pixels(index, subset.data)); },'),
  );
  // Opened only after the language server was killed: its diagnostics come from the restarted one.
  writeFileSync(path.join(dir, 'shape.integration.ts'), readFileSync(path.join(dir, 'digits.integration.ts'), 'utf8').replace('shape: [1, 8, 8]', 'shape: [1, 8, 9]'));
  const dirs = installExtension(packagedExtension());
  const first = await Workbench.open(dir, dirs, { trusted: true });
  try {
    await first.openFile('digits.integration.ts');
    await first.page.locator('.codelens-decoration', { hasText: 'Evaluate' }).first().waitFor({ timeout: 60_000 });
    await first.command('Evalens: Evaluate…');
    await first.pick('evalens.eval.json');
    await first.page.locator('.statusbar-item', { hasText: /\/s/ }).first().waitFor({ timeout: 60_000 });
  } catch (error) {
    await first.screenshot(shot('failure-close'));
    throw error;
  } finally {
    await first.close();
  }
  const [runId] = runsOf(dir);
  const manifestFile = path.join(dir, '.evalens', 'runs', runId!, 'manifest.json');
  // code-server's whole process group is gone, runner included: the run is left 'evaluating' with a dead pid, or stopped by its runner.
  await new Promise((r) => setTimeout(r, 2000));
  assert.ok(JSON.parse(readFileSync(manifestFile, 'utf8')).checkpoint.records < 1257, 'stopped part-way');

  const second = await Workbench.open(dir, dirs, { trusted: true });
  try {
    const offer = await second.notification(/interrupted when VS Code or its process stopped/, 60_000);
    assert.match(offer, new RegExp(runId!));
    await second.screenshot(shot('8-resume-offer'));
    await second.page.locator('.notification-toast .monaco-button', { hasText: /^Resume$/ }).first().click();
    await waitFor(() => JSON.parse(readFileSync(manifestFile, 'utf8')).status === 'completed', 240_000, () => 'the offered resume did not complete the run');
    assert.equal(JSON.parse(readFileSync(manifestFile, 'utf8')).checkpoint.records, 1257);

    // The language server dies; the client starts a new one and diagnostics come back.
    const killed = spawnSync('pkill', ['-KILL', '-f', `${dirs.extensionsDir}/evalens.evalens-[^/]*/dist/server.js`]);
    assert.equal(killed.status, 0, 'a language server process was killed');
    await second.openFile('shape.integration.ts');
    await second.problems();
    await second.page.locator('.markers-panel .monaco-list-row', { hasText: /EV308/ }).first().waitFor({ timeout: 90_000 });
    await second.screenshot(shot('9-server-restarted'));
  } catch (error) {
    await second.screenshot(shot('failure-restart'));
    throw error;
  } finally {
    await second.close();
  }
});
