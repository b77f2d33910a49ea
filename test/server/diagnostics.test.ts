import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { DIAGNOSTIC_CODES } from '../../server/diagnostic-codes';
import { EXAMPLE_SCRIPT, ROOT } from '../helpers/paths';
import { EXPECTED_DIAGNOSTICS, type Expected } from './expectations';
import { LspClient } from './lsp-client';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

/** [code, 'l:c-l:c', text under the range] of each diagnostic, in document order. */
function describe(diagnostics: Diagnostic[], text: string): Expected[] {
  const lines = text.split('\n');
  return [...diagnostics]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || String(a.code).localeCompare(String(b.code)))
    .map((d) => {
      const { start, end } = d.range;
      const covered = start.line === end.line ? lines[start.line]!.slice(start.character, end.character) : `${lines[start.line]!.slice(start.character)}…`;
      return [String(d.code), `${start.line}:${start.character}-${end.line}:${end.character}`, covered];
    });
}

function sorted(expected: Expected[]): Expected[] {
  const at = (e: Expected) => e[1].split(/[:-]/).map(Number);
  return [...expected].sort((a, b) => at(a)[0]! - at(b)[0]! || at(a)[1]! - at(b)[1]! || a[0].localeCompare(b[0]));
}

for (const [fixture, expected] of Object.entries(EXPECTED_DIAGNOSTICS)) {
  test(`${fixture}: ${expected.length === 0 ? 'no diagnostics' : expected.map((e) => e[0]).join(', ')}`, async () => {
    const file = path.join(FIXTURES, fixture);
    const diagnostics = await client.open(file);
    try {
      assert.deepEqual(describe(diagnostics, client.text(file)), sorted(expected));
      for (const d of diagnostics) {
        assert.equal(d.source, 'evalens');
        const code = String(d.code) as keyof typeof DIAGNOSTIC_CODES;
        assert.ok(code in DIAGNOSTIC_CODES, `${code} is a documented code`);
        assert.equal(d.severity, DIAGNOSTIC_CODES[code].severity === 'error' ? 1 : 2, `${code} severity`);
        const message = typeof d.message === 'string' ? d.message : d.message.value;
        assert.match(message, /\. [A-Z`'].+/, `the message of ${code} says what is wrong and how to fix it: ${message}`);
      }
    } finally {
      await client.close(file);
    }
  });
}

test('the digits example has no diagnostics', async () => {
  assert.deepEqual(await client.open(EXAMPLE_SCRIPT), []);
  await client.close(EXAMPLE_SCRIPT);
});

test('every LSP fixture has its expected diagnostics listed', () => {
  const listed = new Set(Object.keys(EXPECTED_DIAGNOSTICS));
  const files = readdirSync(path.join(FIXTURES, 'lsp')).filter((f) => /\.integration\.(ts|js|mjs)$/.test(f));
  assert.deepEqual(files.filter((f) => !listed.has(`lsp/${f}`)), []);
});

test('diagnostics follow edits: a fixed mistake clears, a new one appears', async () => {
  const file = path.join(FIXTURES, 'integrations', 'shape-disagrees.integration.ts');
  const first = await client.open(file);
  assert.deepEqual(first.map((d) => d.code), ['EV308']);
  const range = first[0]!.range;
  assert.deepEqual(await client.change(file, [{ range, newText: '[1, 8, 8]' }]), []);
  const broken = await client.change(file, [{ range: { start: range.start, end: { line: range.start.line, character: range.start.character + 9 } }, newText: '[1, 0, 8]' }]);
  assert.deepEqual(broken.map((d) => d.code), ['EV102']);
  await client.close(file);
});

test('typing character by character gives the same diagnostics as opening the final text (incremental parsing)', async () => {
  const file = EXAMPLE_SCRIPT;
  await client.open(file);
  const text = client.text(file);
  const at = text.indexOf('shape: [1, 8, 8]') + 'shape: '.length;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const line = text.slice(0, at).split('\n').length - 1;
  const column = at - lineStart;
  // Delete "[1, 8, 8]" from its end, then type "[64]", one character per didChange.
  let last: Diagnostic[] = [];
  for (let i = '[1, 8, 8]'.length; i > 0; i--) {
    last = await client.change(file, [{ range: { start: { line, character: column + i - 1 }, end: { line, character: column + i } }, newText: '' }]);
  }
  for (const [i, ch] of [...'[64]'].entries()) {
    last = await client.change(file, [{ range: { start: { line, character: column + i }, end: { line, character: column + i } }, newText: ch }]);
  }
  const typed = client.text(file);
  assert.ok(typed.includes('shape: [64],'));
  const fresh = path.join(path.dirname(file), 'typed-copy.integration.ts');
  const opened = await client.open(fresh, typed);
  assert.deepEqual(describe(last, typed), describe(opened, typed));
  assert.deepEqual(last.map((d) => d.code), ['EV308']);
  await client.close(fresh);
  await client.close(file);
});
