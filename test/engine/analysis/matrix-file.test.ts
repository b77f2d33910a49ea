import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMatrix, writeMatrixFile } from '../../../engine/analysis/matrix-file';
import { EvalensError } from '../../../engine/errors';

const dir = mkdtempSync(path.join(tmpdir(), 'evalens-matrix-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('float32 and int32 matrices round-trip bit for bit, described as analysis.json keeps them', () => {
  const points = Float32Array.of(0.1, -2.5, NaN, 3e-39, Infinity, -0);
  const described = writeMatrixFile(dir, 'pca.f32', points, 3, 2);
  assert.deepEqual(described, { file: 'pca.f32', dtype: 'float32', rows: 3, columns: 2 });
  const read = readMatrix(path.join(dir, 'pca.f32'), described);
  assert.ok(read.data instanceof Float32Array);
  assert.deepEqual(Buffer.from(read.data.buffer, read.data.byteOffset, read.data.byteLength), Buffer.from(points.buffer));

  const indices = Int32Array.of(4, -1, 2147483647, -2147483648);
  const back = readMatrix(path.join(dir, 'nn.i32'), writeMatrixFile(dir, 'nn.i32', indices.subarray(0, 4), 2, 2));
  assert.ok(back.data instanceof Int32Array);
  assert.deepEqual(Array.from(back.data), Array.from(indices));
  assert.deepEqual(readdirSync(dir).sort(), ['nn.i32', 'pca.f32'], 'no temporary file left');
});

test('an empty matrix (no rows) is a valid, empty file', () => {
  const described = writeMatrixFile(dir, 'empty.f32', new Float32Array(0), 0, 2);
  assert.equal(readMatrix(path.join(dir, 'empty.f32'), described).data.length, 0);
});

test('a missing or truncated file is an error naming it', () => {
  const missing = path.join(dir, 'gone.f32');
  assert.throws(() => readMatrix(missing, { file: 'gone.f32', dtype: 'float32', rows: 2, columns: 2 }), (error: unknown) => {
    assert.ok(error instanceof EvalensError && error.code === 'run-corrupt' && error.location.file === missing);
    assert.match(error.message, /gone\.f32 is missing/);
    return true;
  });
  const described = writeMatrixFile(dir, 'cut.f32', new Float32Array(10), 5, 2);
  truncateSync(path.join(dir, 'cut.f32'), 38);
  assert.throws(() => readMatrix(path.join(dir, 'cut.f32'), described), /cut\.f32 holds 38 bytes, but 5 rows × 2 float32 values take 40: it is truncated/);
  writeFileSync(path.join(dir, 'long.i32'), new Uint8Array(44));
  assert.throws(() => readMatrix(path.join(dir, 'long.i32'), { file: 'long.i32', dtype: 'int32', rows: 5, columns: 2 }), /long\.i32 holds 44 bytes/);
});

test('values that do not fill rows × columns, or a file name outside [\\w.-], are refused when writing', () => {
  assert.throws(() => writeMatrixFile(dir, 'bad.f32', new Float32Array(5), 3, 2), /bad\.f32: 5 values, expected 3 rows × 2/);
  assert.throws(() => writeMatrixFile(dir, '../escape.f32', new Float32Array(2), 1, 2));
});
