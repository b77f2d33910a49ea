import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildModel, DataType } from './onnx-writer';
import { ROOT } from './paths';

/**
 * A workspace with a text output: a model that passes token ids through (Identity, int64)
 * and an integration that decodes them to the 50 hypothesis sentences of bleu_pairs.json,
 * scored against their references; `decode` replaces the decoder (to break it).
 */
export function textWorkspace(decode = "(values) => Array.from(values, Number).filter((id) => id > 0).map((id) => data.vocab[id - 1]).join(' ')"): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-text-'));
  copyFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'bleu_pairs.json'), path.join(dir, 'pairs.json'));
  writeFileSync(
    path.join(dir, 'echo.onnx'),
    buildModel({
      nodes: [{ op: 'Identity', inputs: ['tokens'], outputs: ['ids'] }],
      inputs: [{ name: 'tokens', type: { tensor: DataType.INT64, dims: ['batch', 16] } }],
      outputs: [{ name: 'ids', type: { tensor: DataType.INT64, dims: ['batch', 16] } }],
    }),
  );
  writeFileSync(
    path.join(dir, 'echo.integration.js'),
    `const { defineIntegration } = require('evalens');
const pairs = require('./pairs.json');
const vocab = [...new Set(pairs.flatMap((p) => [...p.hypothesis.split(/\\s+/), ...p.reference.split(/\\s+/)]))];
const data = { pairs, vocab };
module.exports = defineIntegration({
  preprocess: () => ({ test: { length: pairs.length, data } }),
  inputs: {
    tokens: {
      shape: [16],
      dtype: 'int64',
      encode: (i) => {
        const ids = new BigInt64Array(16);
        pairs[i].hypothesis.split(/\\s+/).forEach((w, k) => (ids[k] = BigInt(vocab.indexOf(w) + 1)));
        return ids;
      },
    },
  },
  model: {
    path: 'echo.onnx',
    inputs: { tokens: 'tokens' },
    outputs: { ids: { role: 'prediction', task: 'text', decode: ${decode}, references: (i) => pairs[i].reference } },
  },
});`,
  );
  writeFileSync(path.join(dir, 'evalens.eval.json'), JSON.stringify({ name: 'echo', integration: 'echo.integration.js', benchmarks: [{ name: 'pairs', subset: 'test' }], gates: [{ metric: 'corpus_bleu4', min: 0.4 }] }));
  return dir;
}

