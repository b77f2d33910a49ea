import path from 'node:path';
import { ROOT } from '../test/helpers/paths';

const MODEL = path.join(ROOT, 'test', 'fixtures', 'models', 'digits_cnn.onnx');

/** A realistic integration: helper feature functions, many metadata functions, metrics, encoders, the model binding. */
export function generateScript(targetLines: number, model = MODEL): string {
  const head = [
    "import { readFileSync } from 'node:fs';",
    "import path from 'node:path';",
    "import { defineIntegration } from 'evalens';",
    '',
    'interface Digits {',
    '  x: number[][];',
    '  y: number[];',
    '}',
    '',
    "const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];",
    '',
  ];
  const metadataCount = 40;
  const metricCount = 10;
  // Lines outside the helpers: encoders, metadata, metrics, model and the tail.
  const fixed = head.length + 30 + metadataCount * 9 + metricCount * 4 + 20;
  const helperLines = 14;
  const helpers = Math.max(1, Math.floor((targetLines - fixed) / helperLines));
  const lines = [...head];
  for (let h = 0; h < helpers; h++) {
    lines.push(
      `/** Feature ${h}: a weighted sum over a window of the image. */`,
      `function feature${h}(pixels: number[]): number {`,
      `  const weight = ${(h % 7) + 1}.5;`,
      '  let total = 0;',
      `  for (let i = ${h % 8}; i < pixels.length; i += 8) {`,
      '    const value = pixels[i] ?? 0;',
      '    if (value > 0.5) {',
      '      total += value * weight;',
      '    } else {',
      '      total -= value / weight;',
      '    }',
      '  }',
      '  return total;',
      '}',
    );
  }
  lines.push(
    '',
    'export default defineIntegration({',
    "  name: 'bench',",
    '  preprocess(ctx) {',
    "    const digits = JSON.parse(readFileSync(path.join(ctx.scriptDir, 'digits.json'), 'utf8')) as Digits;",
    '    return {',
    '      train: { length: digits.y.length, data: digits },',
    '      test: { length: digits.y.length, data: digits },',
    '    };',
    '  },',
    '  inputs: {',
    '    image: {',
    '      shape: [1, 8, 8],',
    "      dtype: 'float32',",
    '      encode: (index, subset) => Float32Array.from(subset.data.x[index]!),',
    '    },',
    '  },',
    '  groundTruths: {',
    "    label: { shape: [], dtype: 'int64', encode: (index, subset) => BigInt64Array.of(BigInt(subset.data.y[index]!)) },",
    '  },',
    '  metadata: {',
  );
  for (let m = 0; m < metadataCount; m++) {
    const f = (k: number) => `feature${(m * 3 + k) % helpers}`;
    lines.push(
      `    group${m}: (index, subset) => {`,
      '      const pixels = subset.data.x[index]!;',
      `      const a = ${f(0)}(pixels);`,
      `      const b = ${f(1)}(pixels);`,
      '      return {',
      `        score: a + b * ${m + 1},`,
      `        bucket: a > ${m} ? 'high' : 'low',`,
      `        flagged: b < ${f(2)}(pixels), row: index % ${m + 2} };`,
      '    },',
    );
  }
  lines.push('  },', '  metrics: {');
  for (let k = 0; k < metricCount; k++) {
    lines.push(`    margin${k}: ({ outputs }) => {`, '      const logits = outputs.logits as Float32Array;', `      return (logits[${k}] ?? 0) - Math.max(...logits);`, '    },');
  }
  lines.push(
    '  },',
    '  model: {',
    `    path: ${JSON.stringify(model)},`,
    "    inputs: { image: 'image' },",
    '    outputs: {',
    "      logits: { role: 'prediction', task: 'classification', labels: CLASSES, groundTruth: 'label', activation: 'logits' },",
    "      embedding: { role: 'latent' },",
    '    },',
    '  },',
    '});',
  );
  return `${lines.join('\n')}\n`;
}

