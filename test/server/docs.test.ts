import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../server/diagnostic-codes';
import { ROOT } from '../helpers/paths';

/** The language server section: in README.md once merged there, else in its draft beside the server. */
function section(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Language server');
  if (start >= 0) {
    const end = readme.indexOf('\n## ', start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
  }
  return readFileSync(path.join(ROOT, 'server', 'README-section.md'), 'utf8');
}

test('every diagnostic code is documented with its severity, and nothing else is', () => {
  const rows = [...section().matchAll(/^\| `(EV\d{3})` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]]);
  const codes = Object.entries(DIAGNOSTIC_CODES).map(([code, info]) => [code, info.severity]);
  assert.deepEqual(rows, codes);
});

test('the section documents `evalens lsp --stdio` with a Neovim snippet', () => {
  const text = section();
  assert.match(text, /evalens lsp --stdio/);
  assert.match(text, /vim\.lsp\.start\(/);
});
