/**
 * A folder of checkpoints for series tests and the bench: the digits CNN with its weights
 * perturbed by seeded noise, less at each later "epoch", the last one the trained model itself.
 * Named so that natural order (epoch-2 before epoch-10) differs from the lexical one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../engine/runner/sample-selection';
import { withWeights } from './onnx-edit';

/** Each checkpoint's file name and the noise on its weights (a fraction of each tensor's mean magnitude). */
export const CHECKPOINTS = [
  { name: 'epoch-1.onnx', noise: 1.2 },
  { name: 'epoch-2.onnx', noise: 0.5 },
  { name: 'epoch-10.onnx', noise: 0 },
] as const;

/** Writes the checkpoints of `model` into `dir` (created); returns their paths in natural order. */
export function writeCheckpoints(model: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const bytes = readFileSync(model);
  return CHECKPOINTS.map(({ name, noise }, i) => {
    const random = seededRandom(1000 + i);
    const edited = withWeights(bytes, (values) => {
      const scale = (noise * values.reduce((s, v) => s + Math.abs(v), 0)) / values.length;
      // Box-Muller: normal noise from two uniforms.
      for (let k = 0; k < values.length; k++) values[k]! += scale * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    });
    const file = path.join(dir, name);
    writeFileSync(file, edited);
    return file;
  });
}
