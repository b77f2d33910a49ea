import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsvFileWriter, csvField, csvRecord } from '../../../engine/report/csv';
import { parseCsv } from '../../helpers/csv-parse';

test('fields are quoted only when RFC 4180 needs it, with quotes doubled', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(0.1 + 0.2), '0.30000000000000004', 'numbers keep every digit');
  assert.equal(csvField(false), 'false');
  assert.equal(csvRecord(['a', 1, null, true]), 'a,1,,true\r\n');
});

test('what the writer writes reads back field for field', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'evalens-csv-')), 'out.csv');
  const tricky = ['', ' ', ',', '"', '""', 'a\r\nb', 'é ünïcode ✓', '=1+1', 'x,"y"\nz'];
  const writer = new CsvFileWriter(file, ['i', 'value']);
  // Enough rows to cross the writer's buffer several times.
  for (let i = 0; i < 5000; i++) writer.write([i, tricky[i % tricky.length]!]);
  writer.close();
  assert.equal(writer.rows, 5000);
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  assert.deepEqual(header, ['i', 'value']);
  assert.equal(rows.length, 5000);
  rows.forEach((row, i) => assert.deepEqual(row, [String(i), tricky[i % tricky.length]]));
  rmSync(path.dirname(file), { recursive: true, force: true });
});
