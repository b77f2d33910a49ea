import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EvalensError } from '../errors';
import { seededRandom } from '../runner/sample-selection';

/**
 * What a cross-validation needs of its labeled samples, checked before anything is trained
 * or evaluated, and the assignment of those samples to folds.
 */

/** Fewer labeled samples than this in a class: refused (its held-out parts would be a sample or two). */
export const MIN_PER_CLASS = 10;
/** Fewer than this in a class: a warning (its per-fold scores swing with one or two samples). */
export const WARN_PER_CLASS = 50;
export const DEFAULT_FOLDS = 5;

export interface ClassCount {
  label: string;
  count: number;
}

/**
 * Checks the requirements on the classes present (count > 0) and the number of folds; throws
 * a usage error saying what to change, returns the warnings.
 */
export function checkRequirements(classes: readonly ClassCount[], k: number, where: string): string[] {
  const present = classes.filter((c) => c.count > 0);
  const listed = (list: readonly ClassCount[]) => list.map((c) => `'${c.label}' (${c.count})`).join(', ');
  if (present.length === 0) {
    throw new EvalensError('usage', `${where} has no labeled samples, so there is nothing to cross-validate. Choose a benchmark of a labeled subset (train, validation, test) with --benchmark.`);
  }
  if (present.length < 2) {
    throw new EvalensError(
      'usage',
      `${where} has labeled samples of one class only: ${listed(present)}. A classifier needs at least 2 classes to learn from; choose a benchmark whose samples cover several classes (--benchmark), or give this one more data.`,
    );
  }
  const short = present.filter((c) => c.count < MIN_PER_CLASS);
  if (short.length > 0) {
    throw new EvalensError(
      'usage',
      `${where}: cross-validation needs at least ${MIN_PER_CLASS} labeled samples in every class, and ${short.length === 1 ? 'class' : 'classes'} ${listed(short)} ${short.length === 1 ? 'has' : 'have'} fewer. Add labeled samples of ${short.length === 1 ? 'it' : 'them'} (a larger sampleCount, or a larger subset), or remove ${short.length === 1 ? 'that class' : 'those classes'} from the data.`,
    );
  }
  const smallest = present.reduce((a, b) => (b.count < a.count ? b : a));
  if (!Number.isInteger(k) || k < 2) throw new EvalensError('usage', `${k} folds: cross-validation needs at least 2. Pass --folds 2 or more (default ${DEFAULT_FOLDS}).`);
  if (k > smallest.count) {
    throw new EvalensError(
      'usage',
      `${k} folds: every fold must hold out at least one sample of each class. ${where} has only ${smallest.count} of class '${smallest.label}': pass --folds ${smallest.count} or fewer (between 2 and the smallest class count).`,
    );
  }
  const few = present.filter((c) => c.count < WARN_PER_CLASS);
  return few.length === 0 ? [] : [`Fewer than ${WARN_PER_CLASS} labeled samples in ${few.length === 1 ? 'class' : 'classes'} ${listed(few)}: per-fold scores of so few samples vary a lot; read the spread, not only the mean.`];
}

/**
 * Stratified, seeded folds: each class's samples shuffled (mulberry32 from `seed`, classes
 * in label order), the classes laid end to end and dealt to folds 0, 1, …, k−1, 0, … So every
 * class is spread over the folds as evenly as it divides, and fold sizes differ by at most one.
 * Returns the fold of each sample (`labels[i]` is sample i's class).
 */
export function stratifiedFolds(labels: ArrayLike<number>, numClasses: number, k: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) members[labels[i]!]!.push(i);
  const foldOf = new Int32Array(labels.length);
  let dealt = 0;
  for (const list of members) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    for (const sample of list) foldOf[sample] = dealt++ % k;
  }
  return foldOf;
}

/** A folds file: a JSON array of test-index arrays, or an object holding one as `cv_test_folds` or `folds`. */
const foldsFileSchema = z.union([
  z.array(z.array(z.number().int().nonnegative())),
  z.object({ cv_test_folds: z.array(z.array(z.number().int().nonnegative())) }).transform((o) => o.cv_test_folds),
  z.object({ folds: z.array(z.array(z.number().int().nonnegative())) }).transform((o) => o.folds),
]);

/**
 * The folds a file gives, as the fold of each labeled sample: `sampleIndices[i]` is the subset
 * index of labeled sample i, and every one of them must be held out by exactly one fold.
 */
export function foldsFromFile(file: string, sampleIndices: readonly number[], where: string): { foldOf: Int32Array; k: number } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not readable JSON (${error instanceof Error ? error.message : String(error)})`;
    throw new EvalensError('usage', `The folds file ${file} ${why}. Pass a JSON array of arrays of sample indices, one array per fold (the samples it holds out).`, { file });
  }
  const parsed = foldsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EvalensError('usage', `The folds file ${file} is not a list of folds: give a JSON array of arrays of sample indices (non-negative integers), one array per fold, or an object with it as "cv_test_folds" or "folds".`, { file });
  }
  const folds = parsed.data;
  const positionOf = new Map(sampleIndices.map((index, position) => [index, position]));
  const foldOf = new Int32Array(sampleIndices.length).fill(-1);
  folds.forEach((fold, f) => {
    if (fold.length === 0) throw new EvalensError('usage', `The folds file ${file}: fold ${f} holds out no sample. Give every fold at least one sample index, or remove it.`, { file });
    for (const index of fold) {
      const position = positionOf.get(index);
      if (position === undefined) {
        throw new EvalensError('usage', `The folds file ${file}: fold ${f} names sample ${index}, and ${where.charAt(0).toLowerCase()}${where.slice(1)} has no labeled sample ${index}. Indices are sample indices of the benchmark's subset; remove it or choose the benchmark it belongs to.`, { file });
      }
      if (foldOf[position] !== -1) {
        throw new EvalensError('usage', `The folds file ${file}: sample ${index} is held out by fold ${foldOf[position]} and again by fold ${f}. Each sample belongs to exactly one fold.`, { file });
      }
      foldOf[position] = f;
    }
  });
  const missing = sampleIndices.filter((_, position) => foldOf[position] === -1);
  if (missing.length > 0) {
    throw new EvalensError(
      'usage',
      `The folds file ${file} leaves ${missing.length} labeled ${missing.length === 1 ? 'sample' : 'samples'} in no fold (${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}). ${where} has ${sampleIndices.length} labeled samples, and each must be held out by exactly one fold.`,
      { file },
    );
  }
  return { foldOf, k: folds.length };
}
