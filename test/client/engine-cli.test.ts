import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { runEngineCli } from '../../client/engine-cli';
import { ROOT } from '../helpers/paths';

/**
 * A run cancelled from the Test Explorer (its token) stops the CLI's child process: at once
 * on SIGINT, and within the grace period when the user's script traps SIGINT.
 */

const silent = { append: () => undefined, appendLine: () => undefined };

/** The example with an encoder that takes 50 ms per sample (a test of minutes), plus `extra` code at the top. */
function slowExample(extra: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-cli-cancel-'));
  cpSync(path.join(ROOT, 'examples', 'digits'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.evalens`) });
  const script = path.join(dir, 'digits.integration.ts');
  const slow = readFileSync(script, 'utf8').replace(
    'encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),',
    'encode: (index, subset) => { const until = Date.now() + 50; while (Date.now() < until); return Float32Array.from(pixels(index, subset.data)); },',
  );
  assert.notEqual(slow, readFileSync(script, 'utf8'));
  writeFileSync(script, `${extra}\n${slow}`);
  return script;
}

/** Processes whose command line names the script: the CLI's child, while it lives. */
function processesOf(script: string): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false;
    }
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < end, 'timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function cancelMidRun(script: string): Promise<{ code: number | null; stoppedMs: number }> {
  const source = new CancellationTokenSource();
  const result = runEngineCli(ROOT, ['test', script, '--json', '--samples', '300'], { cwd: path.dirname(script), log: silent, token: source.token });
  await until(() => processesOf(script).length > 0, 10_000);
  // Inside the encoders by now: loading the script and the model takes well under this.
  await new Promise((r) => setTimeout(r, 1_500));
  const cancelledAt = Date.now();
  source.cancel();
  const { code } = await result;
  return { code, stoppedMs: Date.now() - cancelledAt };
}

const linux = existsSync('/proc/self/cmdline');

test('a cancelled token stops the CLI child process at once', { skip: !linux && 'reads /proc to see the child process', timeout: 60_000 }, async (t) => {
  const script = slowExample('');
  t.after(() => rmSync(path.dirname(script), { recursive: true, force: true }));
  const { code, stoppedMs } = await cancelMidRun(script);
  assert.equal(code, null, 'ended by a signal, not by finishing');
  assert.ok(stoppedMs < 1_500, `stopped ${stoppedMs} ms after the cancel`);
  assert.deepEqual(processesOf(script), []);
});

test('a script that traps SIGINT is killed after the grace period', { skip: !linux && 'reads /proc to see the child process', timeout: 60_000 }, async (t) => {
  const script = slowExample("process.on('SIGINT', () => undefined);");
  t.after(() => rmSync(path.dirname(script), { recursive: true, force: true }));
  const { code, stoppedMs } = await cancelMidRun(script);
  assert.equal(code, null, 'ended by a signal, not by finishing');
  assert.ok(stoppedMs >= 2_900 && stoppedMs < 6_000, `killed ${stoppedMs} ms after the cancel`);
  assert.deepEqual(processesOf(script), []);
});
