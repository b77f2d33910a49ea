import { test } from 'node:test';
import assert from 'node:assert/strict';
import xxhash from 'xxhash-wasm';
import { createInputHasher, xxh32Pair } from '../../engine/runner/input-hash';

test('input hash: XXH32 under both seeds equals the reference implementation, at every length and alignment', async () => {
  const { h32Raw } = await xxhash();
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 16) & 255;
  for (let length = 0; length <= 70; length++) {
    for (const offset of [0, 1, 2, 3]) {
      const bytes = new Uint8Array(length + offset).map(random).subarray(offset);
      assert.deepEqual(xxh32Pair(bytes), [h32Raw(bytes, 0), h32Raw(bytes, 0x9e3779b1)], `length ${length}, offset ${offset}`);
    }
  }
});

test('input hash: equal bytes give equal hashes; any changed element or input order changes it', () => {
  const image = Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i));
  const mask = Uint8Array.from({ length: 7 }, (_, i) => i % 2);
  const one = createInputHasher(['image']);
  const both = createInputHasher(['image', 'mask']);
  const reversed = createInputHasher(['mask', 'image']);
  const h = one(new Map([['image', image]]));
  assert.match(h, /^[0-9a-f]{16}$/);
  assert.equal(one(new Map([['image', image.slice()]])), h);
  const changed = image.slice();
  changed[1000] = Math.fround(changed[1000]! + 1e-6);
  assert.notEqual(one(new Map([['image', changed]])), h);
  const inputs = new Map<string, Float32Array | Uint8Array>([['image', image], ['mask', mask]]);
  assert.notEqual(both(inputs), h);
  assert.notEqual(reversed(inputs), both(inputs));
});
