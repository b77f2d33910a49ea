import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { isEvalensError } from '../../engine/errors';
import type { ResolvedEvalConfig } from '../../engine/config/load-config';
import { configHash, parseShard, shardRange } from '../../engine/runner/shard';

test('--shard I/N: 1 ≤ I ≤ N, N ≥ 1; anything else is a usage error that says how to write it', () => {
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  assert.deepEqual(parseShard('3/4'), { index: 3, count: 4 });
  assert.deepEqual(parseShard(' 4 / 4 '), { index: 4, count: 4 });
  const refused = (text: string, message: RegExp) =>
    assert.throws(
      () => parseShard(text),
      (error: unknown) => isEvalensError(error) && error.code === 'usage' && message.test(error.message) && /--shard 1\/4 … --shard 4\/4/.test(error.message),
      text,
    );
  refused('5/4', /shard 5 is not one of 1 to 4/);
  refused('0/4', /numbered from 1.*JOB_COMPLETION_INDEX \+ 1\)\)\/4/);
  refused('1/0', /number of shards must be at least 1/);
  refused('2', /not of the form I\/N/);
  refused('-1/4', /not of the form I\/N/);
  refused('1.5/4', /not of the form I\/N/);
  refused('a/b', /not of the form I\/N/);
});

test('shards cover every position once, in order, cut at whole batches, the counts within one batch of each other', () => {
  for (const total of [0, 1, 15, 16, 17, 300, 540, 1000]) {
    for (const batchSize of [1, 16, 64, 256]) {
      for (const count of [1, 2, 3, 4, 7]) {
        const ranges = Array.from({ length: count }, (_, i) => shardRange(total, batchSize, { index: i + 1, count }));
        const where = `${total} samples, batches of ${batchSize}, ${count} shards`;
        assert.equal(ranges[0]!.start, 0, where);
        assert.equal(ranges.at(-1)!.end, total, where);
        for (const [i, r] of ranges.entries()) {
          assert.ok(r.start <= r.end, where);
          if (i > 0) assert.equal(r.start, ranges[i - 1]!.end, `${where}: shard ${i + 1} starts where shard ${i} ends`);
          assert.equal(r.start % batchSize, 0, `${where}: shard ${i + 1} starts on a batch boundary`);
        }
        const batches = ranges.map((r) => Math.ceil((r.end - r.start) / batchSize));
        assert.ok(Math.max(...batches) - Math.min(...batches) <= 1, `${where}: batches per shard ${batches.join(', ')}`);
      }
    }
  }
  // The digits example's test benchmark (540 samples, batches of 64: 9 batches) over 4 shards: 2, 2, 2, 3 batches.
  assert.deepEqual(
    [1, 2, 3, 4].map((index) => shardRange(540, 64, { index, count: 4 })),
    [{ start: 0, end: 128 }, { start: 128, end: 256 }, { start: 256, end: 384 }, { start: 384, end: 540 }],
  );
});

test('the config hash is the same wherever the evaluation is checked out, and changes with any setting', () => {
  const at = (root: string, change: Partial<ResolvedEvalConfig> = {}): ResolvedEvalConfig => ({
    name: 'digits',
    configFile: path.join(root, 'evalens.eval.json'),
    integration: path.join(root, 'digits.integration.ts'),
    model: path.join(root, 'models', 'digits.onnx'),
    benchmarks: [{ name: 'test', subset: 'test', seed: 0, parameters: {} }],
    batchSize: 64,
    gates: [],
    ...change,
  }) as unknown as ResolvedEvalConfig;
  assert.equal(configHash(at('/home/runner/work/a')), configHash(at('/workspace/b')));
  assert.match(configHash(at('/a')), /^[0-9a-f]{64}$/);
  assert.notEqual(configHash(at('/a')), configHash(at('/a', { batchSize: 32 })));
  assert.notEqual(configHash(at('/a')), configHash(at('/a', { model: '/a/models/other.onnx' })));
  assert.notEqual(configHash(at('/a')), configHash(at('/a', { name: 'digits 2' })));
});
