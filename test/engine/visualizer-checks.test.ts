import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckCollector } from '../../engine/integration-test/check-collector';
import { checkDrawn, drawnProblem } from '../../engine/integration-test/visualizer-checks';

const ref = { subset: 'test', sample: 3 };
const image = (overrides: Record<string, unknown>) => ({ data: new Uint8Array(6), width: 3, height: 2, channels: 1, ...overrides });

test('images of every accepted array type and channel count pass', () => {
  for (const value of [
    image({}),
    image({ data: new Uint8ClampedArray(18), channels: 3 }),
    image({ data: new Float32Array(24).fill(1), channels: 4 }),
    image({ data: new Float32Array(6) }),
  ]) {
    assert.equal(drawnProblem('image', 'v', value, ref), undefined);
  }
  assert.equal(drawnProblem('text', 'v', '', ref), undefined);
});

test('visualizer.shape: what is not an image, wrong array types, bad dims, bad channels, wrong lengths', () => {
  for (const [value, says] of [
    [undefined, /returned undefined at sample 3 of subset 'test'\. draw\(\) must return \{ data, width, height, channels \}/],
    [new Uint8Array(6), /returned a Uint8Array at sample 3/],
    [Promise.resolve(image({})), /returned a Promise \(draw\(\) must return synchronously\)/],
    [image({ data: [0, 1, 2, 3, 4, 5] }), /returned data that is a plain Array of 6 numbers at sample 3.*Uint8Array or Uint8ClampedArray of 0\.\.255, or a Float32Array of 0\.\.1/],
    [image({ data: new Float64Array(6) }), /returned data that is a Float64Array/],
    [image({ data: undefined }), /returned data that is missing/],
    [image({ width: 1.5 }), /returned width 1\.5 at sample 3.*must be positive integers/],
    [image({ height: 0 }), /returned height 0 at/],
    [image({ width: Number.NaN }), /returned width NaN at/],
    [image({ height: '2' }), /returned height "2" at/],
    [image({ channels: 2 }), /returned channels 2 at sample 3 of subset 'test'\. channels must be 1 \(grey\), 3 \(RGB\) or 4 \(RGBA\)/],
    [image({ channels: undefined }), /returned channels missing/],
    [image({ channels: 3 }), /returned 6 values at sample 3 of subset 'test', but width × height × channels = 3 × 2 × 3 = 18/],
  ] as const) {
    const problem = drawnProblem('image', 'thumb', value, ref);
    assert.equal(problem?.id, 'visualizer.shape', String(says));
    assert.match(problem.message, /^Image visualizer 'thumb' /);
    assert.match(problem.message, says);
  }
});

test('visualizer.range: float pixels outside [0, 1] or NaN, with the first bad value', () => {
  const data = new Float32Array(6);
  data[4] = Number.NaN;
  assert.match(drawnProblem('image', 'v', image({ data }), ref)?.message ?? '', /returned NaN at value 4 of sample 3/);
  data[4] = 0;
  data[2] = -0.5;
  const problem = drawnProblem('image', 'v', image({ data }), ref);
  assert.equal(problem?.id, 'visualizer.range');
  assert.match(problem.message, /returned -0\.5 at value 2 .*divide by the largest possible value/);
  // Bytes cannot be out of range.
  assert.equal(drawnProblem('image', 'v', image({ data: Uint8Array.of(0, 255, 9, 9, 9, 9) }), ref), undefined);
});

test('visualizer.text: anything but a string', () => {
  for (const [value, says] of [
    [7, /returned a number/],
    [undefined, /returned undefined/],
    [null, /returned null/],
    [Promise.resolve('x'), /returned a Promise/],
    [['a'], /returned a plain Array/],
  ] as const) {
    const problem = drawnProblem('text', 'caption', value, ref);
    assert.equal(problem?.id, 'visualizer.text');
    assert.match(problem.message, /^Text visualizer 'caption' /);
    assert.match(problem.message, says);
    assert.match(problem.message, /must return a string: convert with String\(\.\.\.\)/);
  }
});

test('checkDrawn passes the checks that held before the one that failed', () => {
  const checks = new CheckCollector();
  checkDrawn('image', 'a', image({ data: Float32Array.of(0, 0, 0, 0, 0, 2) }), ref, checks);
  checkDrawn('image', 'b', image({ channels: 4 }), ref, checks);
  checkDrawn('image', 'c', null, ref, checks);
  checkDrawn('text', 'd', 'ok', ref, checks);
  const results = checks.results(() => 'ok');
  assert.deepEqual(
    results.map((r) => [r.id, r.component, r.status]),
    [
      ['visualizer.shape', 'visualizer:a', 'passed'],
      ['visualizer.range', 'visualizer:a', 'failed'],
      ['visualizer.shape', 'visualizer:b', 'failed'],
      ['visualizer.shape', 'visualizer:c', 'failed'],
      ['visualizer.text', 'visualizer:d', 'passed'],
    ],
  );
});
