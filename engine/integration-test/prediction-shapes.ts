import type { PredictionTask } from '../sdk';

/**
 * How many values per sample a prediction output may have, given its task and label count:
 * binary outputs are one probability (or logit) of the positive class, or one per class.
 */
export function classCountOf(task: PredictionTask, labels: number): number[] {
  if (task === 'binary') return labels === 2 ? [1, 2] : [];
  return [labels];
}

/** Sizes of a ground truth that can score an output with `perSample` values. */
export function expectedGroundTruthSizes(task: PredictionTask, perSample: number): number[] {
  switch (task) {
    case 'classification':
      return perSample === 1 ? [1] : [1, perSample];
    case 'binary':
      return [1];
    case 'multilabel':
    case 'regression':
      return [perSample];
  }
}
