import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, INTEGRATIONS } from '../helpers/paths';

/**
 * An integration script that leaves a timer running (a polling client, a metrics exporter) must
 * not keep `evalens` from ending once its command is done: the extension's "Checking the
 * integration and queueing…" notification waits for the CLI to exit.
 */
function scriptWithTimer(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'evalens-open-handles-'));
  const dir = path.join(root, 'integrations');
  cpSync(INTEGRATIONS, dir, { recursive: true });
  cpSync(path.join(INTEGRATIONS, '..', 'models'), path.join(root, 'models'), { recursive: true });
  const script = path.join(dir, 'valid.integration.js');
  writeFileSync(script, `setInterval(() => undefined, 1000);\n${readFileSync(script, 'utf8')}`);
  return script;
}

test('a script that leaves a timer open: evalens test and eval --submit still exit, with their output whole', () => {
  const script = scriptWithTimer();
  const checked = spawnSync(process.execPath, [CLI, 'test', script, '--json'], { cwd: path.dirname(script), encoding: 'utf8', timeout: 60_000 });
  assert.equal(checked.signal, null, 'evalens test had to be killed: it never exited');
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal((JSON.parse(checked.stdout) as { ok: boolean }).ok, true);

  const config = path.join(path.dirname(script), 'evalens.eval.json');
  writeFileSync(config, JSON.stringify({ name: 'timer', integration: 'valid.integration.js', benchmarks: [{ name: 'test', subset: 'test' }] }));
  const submitted = spawnSync(process.execPath, [CLI, 'eval', '--config', config, '--submit', '--json'], { cwd: path.dirname(script), encoding: 'utf8', timeout: 60_000 });
  assert.equal(submitted.signal, null, 'evalens eval --submit had to be killed: it never exited');
  assert.equal(submitted.status, 0, submitted.stderr);
  assert.equal((JSON.parse(submitted.stdout) as { status: string }).status, 'queued');
});
