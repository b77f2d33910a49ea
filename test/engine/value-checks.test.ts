import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckCollector } from '../../engine/integration-test/check-collector';
import { checkEncoded, firstNonFinite, MetadataTracker } from '../../engine/integration-test/value-checks';

const ref = (sample: number) => ({ subset: 'test', sample });

function runMetadata(values: unknown[]) {
  const checks = new CheckCollector();
  const tracker = new MetadataTracker('md');
  values.forEach((v, i) => tracker.check(v, ref(i), checks));
  return checks.results((_, __, n) => `ok on ${n}`);
}

test('metadata: flat records and single values of one type pass', () => {
  const results = runMetadata([{ a: 1, b: 'x', c: true }, { a: 2.5, b: '', c: false }]);
  assert.deepEqual(results.map((r) => [r.id, r.status]), [['metadata.flat', 'passed'], ['metadata.consistent', 'passed']]);
  assert.ok(runMetadata([1, 2, 3]).every((r) => r.status === 'passed'));
});

test('metadata: nested objects, arrays, null, undefined and functions are not flat', () => {
  for (const [value, says] of [
    [{ a: { b: 1 } }, /key 'a' holds a nested object \{b\}.*'a\.b'/],
    [{ a: [1, 2] }, /key 'a' holds an array/],
    [{ a: null }, /key 'a' holds null/],
    [{ a: undefined }, /key 'a' holds undefined/],
    [{ a: () => 1 }, /key 'a' holds a function/],
    [[1, 2], /returned an array/],
    [undefined, /returned undefined/],
    [10n, /returned a bigint/],
  ] as const) {
    const [flat] = runMetadata([value]);
    assert.equal(flat?.id, 'metadata.flat');
    assert.equal(flat?.status, 'failed', String(value));
    assert.match(flat!.message, says);
  }
});

test('metadata: a type flip or a key set change at sample k is reported at k', () => {
  const flip = runMetadata([{ a: 1 }, { a: 2 }, { a: '3' }, { a: 4 }]).find((r) => r.id === 'metadata.consistent')!;
  assert.equal(flip.status, 'failed');
  assert.equal(flip.sample, 2);
  assert.match(flip.message, /key 'a' is a string \("3"\) at sample 2 of subset 'test', but was a number \(1\) at sample 0/);
  assert.match(flip.message, /Number\(\.\.\.\)/);

  const single = runMetadata([true, 'yes']).find((r) => r.id === 'metadata.consistent')!;
  assert.match(single.message, /Metadata 'md' is a string \("yes"\) at sample 1/);

  const extra = runMetadata([{ a: 1 }, { a: 1, b: 2 }]).find((r) => r.id === 'metadata.consistent')!;
  assert.match(extra.message, /at sample 1 of subset 'test' adds key 'b' compared with sample 0/);
});

test('metadata: NaN is a warning, not a failure', () => {
  const results = runMetadata([{ a: 1 }, { a: Number.NaN }]);
  const warning = results.find((r) => r.id === 'metadata.finite')!;
  assert.equal(warning.status, 'warning');
  assert.equal(warning.sample, 1);
  assert.ok(results.every((r) => r.status !== 'failed'));
});

test('encoders: the array type must match the dtype exactly', () => {
  const cases: [string, unknown, RegExp | null][] = [
    ['float32', new Float32Array(4), null],
    ['float32', [0, 0, 0, 0], /returned a plain Array of 4 numbers.*needs a Float32Array/],
    ['float32', new Float64Array(4), /returned a Float64Array/],
    ['int64', new Int32Array(4), /returned a Int32Array.*dtype 'int64' needs a BigInt64Array/],
    ['int64', new BigInt64Array(4), null],
    ['int32', new Int32Array(4), null],
    ['uint8', new Uint8Array(4), null],
    ['bool', new Uint8Array(4), null],
    ['uint8', new Uint8ClampedArray(4), /returned a Uint8ClampedArray/],
    ['float32', null, /returned null/],
    ['float32', Promise.resolve(), /returned an object \(Promise\)/],
  ];
  for (const [dtype, value, says] of cases) {
    const checks = new CheckCollector();
    const ok = checkEncoded({ kind: 'input', name: 'x', shape: [2, 2], dtype: dtype as 'float32' }, value, ref(0), checks);
    const failed = checks.results(() => '').filter((r) => r.status === 'failed');
    if (says === null) {
      assert.equal(ok, true, `${dtype} with ${String(value)}`);
      assert.deepEqual(failed, []);
    } else {
      assert.equal(ok, false, `${dtype} with ${String(value)}`);
      assert.equal(failed[0]?.id, 'encoder.dtype');
      assert.match(failed[0]!.message, says);
    }
  }
});

test('encoders: element count and finiteness', () => {
  const checks = new CheckCollector();
  const spec = { kind: 'groundTruth', name: 'y', shape: [3], dtype: 'float32' } as const;
  assert.equal(checkEncoded(spec, new Float32Array(2), ref(4), checks), false);
  assert.equal(checkEncoded(spec, Float32Array.of(1, Infinity, 0), ref(5), checks), false);
  assert.equal(checkEncoded({ ...spec, shape: [] }, new Float32Array(1), ref(6), checks), true);
  const failed = checks.results(() => '').filter((r) => r.status === 'failed');
  assert.match(failed.find((r) => r.id === 'encoder.shape')!.message, /Ground-truth encoder 'y' returned 2 elements at sample 4 of subset 'test', but its declared shape \[3\] needs 3/);
  assert.match(failed.find((r) => r.id === 'encoder.finite')!.message, /returned Infinity at element 1 of sample 5/);
});

test('firstNonFinite finds the first NaN or infinity at any position, and passes huge finite values', () => {
  for (const length of [1, 3, 4, 5, 1024, 1027]) {
    const values = new Float32Array(length).fill(3.4e38);
    assert.equal(firstNonFinite(values), undefined, `all finite, length ${length}`);
    for (const at of new Set([0, length >> 1, length - 1])) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const copy = values.slice();
        copy[at] = bad;
        if (at + 1 < length) copy[length - 1] = Number.NaN;
        assert.equal(firstNonFinite(copy), at, `${bad} at ${at} of ${length}`);
      }
    }
  }
  assert.equal(firstNonFinite([1, Number.NaN]), 1);
});
