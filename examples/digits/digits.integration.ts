/**
 * Integration of a small CNN trained on scikit-learn's UCI digits (8x8 images of 0-9).
 *
 * data/digits.json holds all 1,797 digits (pixels already divided by 16) and the
 * train / test split the model was trained with. The `unlabeled` subset shows the test
 * images without their labels, so label suggestions can be checked against the truth.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineIntegration } from 'evalens';

interface Digits {
  x: number[][];
  y: number[];
  train_index: number[];
  test_index: number[];
}

/** What the encoders see of a subset: rows of the full dataset. */
interface DigitRows {
  digits: Digits;
  rows: number[];
}

const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function pixels(index: number, data: DigitRows): number[] {
  return data.digits.x[data.rows[index]!]!;
}

function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export default defineIntegration({
  name: 'digits',

  preprocess(ctx) {
    const file = ctx.datasetPath ?? path.join(ctx.scriptDir, 'data', 'digits.json');
    const digits = JSON.parse(readFileSync(file, 'utf8')) as Digits;
    const subset = (rows: number[]) => ({ length: rows.length, data: { digits, rows } });
    return {
      train: subset(digits.train_index),
      test: subset(digits.test_index),
      unlabeled: subset(digits.test_index),
    };
  },

  inputs: {
    image: {
      shape: [1, 8, 8],
      dtype: 'float32',
      encode: (index, subset) => Float32Array.from(pixels(index, subset.data)),
    },
  },

  groundTruths: {
    label: {
      shape: [],
      dtype: 'int64',
      encode: (index, subset) => BigInt64Array.of(BigInt(subset.data.digits.y[subset.data.rows[index]!]!)),
    },
  },

  metadata: {
    // number, string and boolean values, flat.
    ink: (index, subset) => {
      const values = pixels(index, subset.data);
      const ink = values.filter((v) => v > 0.25).length;
      const top = values.slice(0, 24).reduce((a, b) => a + b, 0);
      const bottom = values.slice(40).reduce((a, b) => a + b, 0);
      return {
        mean_intensity: values.reduce((a, b) => a + b, 0) / values.length,
        ink_pixels: ink,
        heavier_half: top >= bottom ? 'top' : 'bottom',
        faint: ink < 20,
      };
    },
    source_row: (index, subset) => subset.data.rows[index]!,
  },

  metrics: {
    // How far the top class is ahead of the runner-up: low margins are the near misses.
    confidence_margin: ({ outputs }) => {
      const [first = 0, second = 0] = softmax(outputs.logits as Float32Array).sort((a, b) => b - a);
      return first - second;
    },
  },

  losses: {
    cross_entropy: ({ outputs, groundTruths }) => {
      const probabilities = softmax(outputs.logits as Float32Array);
      const label = Number(groundTruths.label![0]);
      return -Math.log(Math.max(probabilities[label]!, 1e-12));
    },
  },

  // What the report's sample detail shows: the digit as the model sees it, and where it comes from.
  visualizers: {
    image: {
      kind: 'image',
      // Pixels are already in 0..1, which is what a Float32Array image holds.
      draw: (index, subset) => ({ data: Float32Array.from(pixels(index, subset.data)), width: 8, height: 8, channels: 1 }),
    },
    label: {
      kind: 'text',
      draw: (index, subset) => {
        const row = subset.data.rows[index]!;
        // The unlabeled subset hides its labels, here too.
        return subset.name === 'unlabeled' ? `unlabeled, source row ${row}` : `digit ${subset.data.digits.y[row]}, source row ${row}`;
      },
    },
  },

  model: {
    path: './digits_cnn.onnx',
    inputs: { image: 'image' },
    outputs: {
      logits: { role: 'prediction', task: 'classification', labels: CLASSES, groundTruth: 'label', activation: 'logits' },
      embedding: { role: 'latent' },
    },
  },
});
