import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toRgba } from '../../engine/visuals/to-rgba';
import { sampleVisualsSchema } from '../../shared/sample-visuals';

test('grey, RGB and RGBA images of bytes or 0..1 floats become RGBA bytes', () => {
  assert.deepEqual([...toRgba({ data: Uint8Array.of(0, 7, 255), width: 3, height: 1, channels: 1 })], [0, 0, 0, 255, 7, 7, 7, 255, 255, 255, 255, 255]);
  assert.deepEqual([...toRgba({ data: Float32Array.of(0, 0.5, 1, 0.002), width: 1, height: 4, channels: 1 })], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 1, 1, 1, 255]);
  assert.deepEqual([...toRgba({ data: Uint8ClampedArray.of(1, 2, 3, 4, 5, 6), width: 2, height: 1, channels: 3 })], [1, 2, 3, 255, 4, 5, 6, 255]);
  assert.deepEqual([...toRgba({ data: Float32Array.of(1, 0, 0, 0.5), width: 1, height: 1, channels: 4 })], [255, 0, 0, 128]);
});

test('the sample visuals schema holds images to their size and nothing else', () => {
  const rgba = Buffer.alloc(2 * 3 * 4).toString('base64');
  assert.ok(sampleVisualsSchema.safeParse({ visuals: [{ name: 'a', kind: 'image', width: 2, height: 3, rgba }, { name: 'b', kind: 'text', text: '' }] }).success);
  assert.ok(!sampleVisualsSchema.safeParse({ visuals: [{ name: 'a', kind: 'image', width: 3, height: 3, rgba }] }).success, 'rgba of another size');
  assert.ok(!sampleVisualsSchema.safeParse({ visuals: [{ name: 'b', kind: 'text', text: 'x', html: '<b>x</b>' }] }).success, 'unknown field');
  assert.ok(!sampleVisualsSchema.safeParse({ visuals: [{ name: 'c', kind: 'chart' }] }).success, 'unknown kind');
});
