import type { Cell } from '../../shared/report-data';

/** A binary output scored at one threshold: a sample is predicted positive when its score is `>= threshold` (scikit-learn's and the engine's convention). */
export interface ThresholdMetrics {
  threshold: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** 0 when nothing is predicted positive (scikit-learn's zero_division=0). */
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** Rows true class, columns predicted class: [[TN, FP], [FN, TP]], as scikit-learn lays it out. */
  confusionMatrix: [[number, number], [number, number]];
  /** Samples with both a score and a truth. */
  samples: number;
}

/** Recomputes a binary output's metrics at `threshold` from the sample table's positive-class scores and true classes (0/1); rows missing either are left out. */
export function thresholdMetrics(scores: readonly Cell[], truths: readonly Cell[], threshold: number): ThresholdMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i];
    const truth = truths[i];
    if (typeof score !== 'number' || truth === null || truth === undefined) continue;
    const positive = truth === 1 || truth === true;
    if (score >= threshold) positive ? tp++ : fp++;
    else positive ? fn++ : tn++;
  }
  const samples = tp + fp + tn + fn;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    threshold,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    precision,
    recall,
    f1,
    accuracy: samples === 0 ? 0 : (tp + tn) / samples,
    confusionMatrix: [
      [tn, fp],
      [fn, tp],
    ],
    samples,
  };
}
