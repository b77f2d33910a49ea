import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { INTEGRATIONS, ROOT } from '../helpers/paths';
import { SERVER } from './lsp-client';

interface NeovimResult {
  client?: string;
  error?: string;
  diagnostics?: { code: string; source: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
  codeActions?: string[];
}

test('a second, independent LSP client (Neovim, headless) gets the same diagnostics and quick fixes', (t) => {
  const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) {
    t.skip('nvim is not installed (Debian: apt-get install -y neovim); the Neovim client test needs it');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalens-nvim-'));
  try {
    const out = path.join(dir, 'result.json');
    const run = spawnSync('nvim', ['--headless', '--clean', '-i', 'NONE', '-n', '-c', `luafile ${path.join(__dirname, 'neovim-client.lua')}`], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        EVALENS_SERVER: SERVER,
        EVALENS_NODE: process.execPath,
        EVALENS_ROOT: ROOT,
        EVALENS_FILE: path.join(INTEGRATIONS, 'unknown-model-input.integration.ts'),
        EVALENS_OUT: out,
        XDG_STATE_HOME: dir,
        XDG_DATA_HOME: dir,
        XDG_CACHE_HOME: dir,
      },
    });
    assert.equal(run.status, 0, `nvim exited with ${run.status}: ${run.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as NeovimResult;
    assert.equal(result.error, undefined);
    assert.match(result.client ?? '', /^neovim 0\.\d+/);
    assert.deepEqual(
      result.diagnostics?.map((d) => [d.code, d.source, `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`]),
      [
        ['EV303', 'evalens', '3:110-3:116'],
        ['EV304', 'evalens', '3:100-3:106'],
      ],
    );
    assert.deepEqual(result.codeActions, ["Rename 'pixels' to 'image'"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
