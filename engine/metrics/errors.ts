/**
 * What the metric accumulators throw. `invalid-input` means a sample could not be scored
 * (wrong length, a label out of range, a non-finite value): the message names the sample
 * by its position in the order added. `empty` means `result()` was asked of an accumulator
 * that was given no samples, where every metric is undefined.
 */
export type MetricErrorCode = 'empty' | 'invalid-input';

export class MetricError extends Error {
  override readonly name = 'MetricError';
  constructor(
    readonly code: MetricErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function emptyAccumulatorError(what: string): MetricError {
  return new MetricError(
    'empty',
    `No samples were added to the ${what} metrics, so none of them is defined. Add at least one sample before asking for the result.`,
  );
}
