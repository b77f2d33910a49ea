/**
 * Floating-point behaviour the reference tools have and JavaScript does not: float32
 * arithmetic (scikit-learn computes in the dtype of the array it is given, and model
 * outputs are float32), numpy's summation order, and compensated sums for streaming.
 */

/** The width in which scores are treated, as numpy would hold them. */
export type FloatDtype = 'float32' | 'float64';

export type Rounding = (x: number) => number;

const keep: Rounding = (x) => x;

/** Rounds a result of float64 arithmetic to the dtype; exact for + - * / of values already in that dtype. */
export function roundingOf(dtype: FloatDtype): Rounding {
  return dtype === 'float32' ? Math.fround : keep;
}

/** numpy's `np.finfo(dtype).eps`. */
export function machineEpsilon(dtype: FloatDtype): number {
  return dtype === 'float32' ? 2 ** -23 : Number.EPSILON;
}

const PAIRWISE_BLOCK = 128;
/** The eight accumulators of a block, reused: a block never recurses while it holds them. */
const lanes = new Float64Array(8);

/**
 * The sum numpy's `add.reduce` returns for a contiguous array (pairwise summation with
 * eight accumulators), every operation rounded to the dtype. In float32 the grouping
 * changes the last bits, and reference values computed with numpy or PyTorch carry them.
 */
export function pairwiseSum(values: ArrayLike<number>, round: Rounding, start = 0, count = values.length - start): number {
  if (count < 8) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum = round(sum + values[start + i]!);
    return sum;
  }
  if (count <= PAIRWISE_BLOCK) {
    const r = lanes;
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = round(r[j]! + values[start + i + j]!);
    }
    const left = round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!));
    const right = round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!));
    let sum = round(left + right);
    for (; i < count; i++) sum = round(sum + values[start + i]!);
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return round(pairwiseSum(values, round, start, half) + pairwiseSum(values, round, start + half, count - half));
}

/**
 * A running float64 sum with Neumaier compensation: streaming sums then agree with a
 * one-shot sum over the same values, whatever the order, to about one unit in the last place.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const t = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - t + value;
    else this.compensation += value - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
