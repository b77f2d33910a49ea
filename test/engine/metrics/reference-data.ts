import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The scikit-learn / nltk reference values and the predictions they were computed from. */
const directory = fileURLToPath(new URL('../../fixtures/reference/', import.meta.url));

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(directory + name, 'utf8'));
}

export interface DigitsPredictions {
  probabilities: number[][];
  y: number[];
}

export interface BinaryPredictions {
  probability: number[];
  y: (0 | 1)[];
}

export interface BleuPair {
  reference: string;
  hypothesis: string;
}

export interface Reference {
  digits_cnn: Record<string, unknown>;
  bc_logreg: Record<string, unknown>;
  bleu: Record<string, unknown>;
}

export const reference = readJson('reference.json') as Reference;
export const digitsPredictions = readJson('preds_digits_cnn.json') as DigitsPredictions;
export const binaryPredictions = readJson('preds_bc_logreg.json') as BinaryPredictions;
export const bleuPairs = readJson('bleu_pairs.json') as BleuPair[];

/** A deterministic permutation, so order-independence tests are reproducible. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
