import type { RunResults } from '../../shared/run-types';
import { argmax, classProbabilitiesInto, independentProbabilities, positiveProbability } from '../metrics/activations';

export type PredictionTask = 'classification' | 'binary' | 'multilabel' | 'regression';

/** What reports and exports need to know of a prediction output of the model binding. */
export interface PredictionOutput {
  name: string;
  task: PredictionTask;
  labels?: readonly string[];
  /** Ground-truth encoder the output is scored against. */
  groundTruth?: string;
  activation?: 'logits' | 'probabilities';
  /** Multilabel: the probability at or above which a label is predicted, for every label or per label (default 0.5). */
  threshold?: number | readonly number[];
}

/** Where the prediction outputs came from: the binding recorded in the run, or a guess from its results. */
export type PredictionOutputSource = 'run' | 'inferred';

interface BindingLike {
  role: string;
  task?: PredictionTask | 'text';
  labels?: readonly string[];
  groundTruth?: string;
  activation?: 'logits' | 'probabilities';
  threshold?: number | readonly number[];
}

/** The prediction outputs of a model binding (a run manifest's `outputs`, an integration's `model.outputs`), in binding order. */
export function predictionOutputsOfBinding(outputs: Readonly<Record<string, BindingLike>>): PredictionOutput[] {
  return Object.entries(outputs).flatMap(([name, b]) =>
    // Text outputs are recorded as decoded texts, not as values to read as classes.
    b.role === 'prediction' && b.task !== undefined && b.task !== 'text' ? [{ name, task: b.task, labels: b.labels, groundTruth: b.groundTruth, activation: b.activation, ...(b.threshold === undefined ? {} : { threshold: b.threshold }) }] : [],
  );
}

/**
 * The prediction outputs as far as a run's records and results tell, for a run that did not
 * record its binding: the task from the shape of each output's results (no labels, no
 * activation: probabilities are told from logits as the aggregation does), the ground truth
 * when there is only one.
 */
export function inferPredictionOutputs(outputNames: readonly string[], groundTruthNames: readonly string[], results: RunResults | undefined): PredictionOutput[] {
  const groundTruth = groundTruthNames.length === 1 ? groundTruthNames[0] : undefined;
  return outputNames.map((name) => {
    const result = results?.benchmarks.map((b) => b.outputs[name]).find((r) => r !== undefined);
    const task: PredictionTask = result === undefined ? 'regression' : 'per_label' in result ? 'multilabel' : 'per_class' in result ? 'classification' : 'threshold' in result ? 'binary' : 'regression';
    const thresholds = task === 'multilabel' && Array.isArray(result?.thresholds) ? { threshold: result.thresholds as number[] } : {};
    return { name, task, groundTruth: result === undefined ? undefined : groundTruth, ...thresholds };
  });
}

/** A model's prediction for one sample, decoded as the output's task reads it. */
export interface DecodedPrediction {
  /** Predicted class (classification, binary). */
  classIndex?: number;
  /** Predicted classes (multilabel: probability ≥ the label's threshold). */
  classIndices?: number[];
  /** Probability of the predicted class (classification, binary). */
  probability?: number;
  /** Probability of the positive class (binary). */
  positiveProbability?: number;
  /** Raw values (regression). */
  values?: readonly number[];
}

let scratch = new Float64Array(0);

export function decodePrediction(output: PredictionOutput, values: readonly number[]): DecodedPrediction {
  switch (output.task) {
    case 'classification': {
      // Into a reused row: decoded for every sample of a table, an array each would be most of the work.
      if (scratch.length !== values.length) scratch = new Float64Array(values.length);
      const probabilities = classProbabilitiesInto(values, output.activation, scratch, scratch);
      let classIndex = 0;
      for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[classIndex]!) classIndex = c;
      return { classIndex, probability: probabilities[classIndex] };
    }
    case 'binary': {
      const positive = positiveProbability(values, output.activation);
      const classIndex = positive >= 0.5 ? 1 : 0;
      return { classIndex, probability: classIndex === 1 ? positive : 1 - positive, positiveProbability: positive };
    }
    case 'multilabel': {
      const probabilities = independentProbabilities(values, output.activation);
      const threshold = output.threshold ?? 0.5;
      // In float32, as the runner's metrics compare them: the table's predictions are the ones scored.
      return { classIndices: probabilities.flatMap((p, i) => (Math.fround(p) >= (typeof threshold === 'number' ? threshold : (threshold[i] ?? 0.5)) ? [i] : [])) };
    }
    case 'regression':
      return { values };
  }
}

/** The true class of a sample from its ground truth: a class index, or a one-hot row. */
export function trueClass(output: PredictionOutput, truth: readonly number[]): number | undefined {
  if (truth.length === 0) return undefined;
  if (output.task === 'binary') return truth[0] === 1 ? 1 : 0;
  return truth.length === 1 ? truth[0] : argmax(truth);
}

/** Classes marked in a multilabel ground truth (a 0/1 row). */
export function trueClasses(truth: readonly number[]): number[] {
  return truth.flatMap((v, i) => (v >= 0.5 ? [i] : []));
}

export function labelOf(output: PredictionOutput, classIndex: number): string {
  return output.labels?.[classIndex] ?? String(classIndex);
}

