import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, INTEGRATIONS } from '../helpers/paths';
import { LspClient } from './lsp-client';

test('`evalens lsp --stdio` starts the same server for any LSP client', async (t) => {
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  if (!/^\s+lsp\b/m.test(help.stdout)) {
    t.skip('`evalens lsp` is not registered in engine/cli/main.ts yet (registerLspCommand)');
    return;
  }
  const client = await LspClient.start([CLI, 'lsp', '--stdio']);
  try {
    const diagnostics = await client.open(path.join(INTEGRATIONS, 'unknown-model-input.integration.ts'));
    assert.deepEqual(diagnostics.map((d) => d.code), ['EV303', 'EV304']);
  } finally {
    await client.stop();
  }
  assert.equal(client.process.exitCode, 0, 'exits cleanly on shutdown + exit');
});

test('`evalens lsp` without --stdio is a usage error', (t) => {
  const run = spawnSync(process.execPath, [CLI, 'lsp'], { encoding: 'utf8' });
  if (/unknown command/.test(run.stderr)) {
    t.skip('`evalens lsp` is not registered in engine/cli/main.ts yet (registerLspCommand)');
    return;
  }
  assert.equal(run.status, 2);
  assert.match(run.stderr, /required option '--stdio'/);
});
