import { emptyAccumulatorError, MetricError } from './errors';
import { CompensatedSum } from './float';

export interface RegressionOptions {
  /** Number of outputs per sample; by default taken from the first sample. */
  outputs?: number;
}

export interface OutputScores {
  mse: number;
  rmse: number;
  mae: number;
  /** Null with fewer than two samples, where scikit-learn returns NaN. */
  r2: number | null;
}

export interface RegressionResult extends OutputScores {
  n: number;
  outputs: number;
  /** One entry per output; the top-level values are their uniform average, scikit-learn's default. */
  per_output: OutputScores[];
  warnings: string[];
}

/** Running sums for one output; the target's variance by Welford's update, stable for large means. */
class OutputAccumulator {
  readonly squaredError = new CompensatedSum();
  readonly absoluteError = new CompensatedSum();
  count = 0;
  targetMean = 0;
  targetSquaredDeviations = 0;

  add(prediction: number, target: number): void {
    const error = target - prediction;
    this.squaredError.add(error * error);
    this.absoluteError.add(Math.abs(error));
    this.count++;
    const delta = target - this.targetMean;
    this.targetMean += delta / this.count;
    this.targetSquaredDeviations += delta * (target - this.targetMean);
  }

  scores(): OutputScores {
    const mse = this.squaredError.value / this.count;
    return { mse, rmse: Math.sqrt(mse), mae: this.absoluteError.value / this.count, r2: this.r2() };
  }

  /** scikit-learn's `r2_score` with `force_finite`: a constant target scores 1 if predicted exactly, else 0. */
  private r2(): number | null {
    if (this.count < 2) return null;
    const residual = this.squaredError.value;
    const total = this.targetSquaredDeviations;
    if (total === 0) return residual === 0 ? 1 : 0;
    return 1 - residual / total;
  }
}

/**
 * Regression metrics over a stream of (prediction, target) samples, each a number or a
 * vector of outputs. Memory is constant in the number of samples.
 */
export class RegressionAccumulator {
  private perOutput: OutputAccumulator[] | undefined;
  private n = 0;

  constructor(options: RegressionOptions = {}) {
    if (options.outputs !== undefined) this.perOutput = this.createOutputs(options.outputs);
  }

  get count(): number {
    return this.n;
  }

  add(prediction: number | ArrayLike<number>, target: number | ArrayLike<number>): void {
    const predictions = typeof prediction === 'number' ? [prediction] : prediction;
    const targets = typeof target === 'number' ? [target] : target;
    const sample = this.n;
    const outputs = (this.perOutput ??= this.createOutputs(targets.length));
    if (predictions.length !== outputs.length || targets.length !== outputs.length) {
      throw new MetricError(
        'invalid-input',
        `Sample ${sample}: expected ${outputs.length} output(s); got a prediction of ${predictions.length} and a target of ${targets.length}.`,
      );
    }
    for (let j = 0; j < outputs.length; j++) {
      if (!Number.isFinite(predictions[j]) || !Number.isFinite(targets[j])) {
        throw new MetricError(
          'invalid-input',
          `Sample ${sample}, output ${j}: prediction ${predictions[j]} and target ${targets[j]} must both be finite numbers.`,
        );
      }
    }
    outputs.forEach((output, j) => output.add(predictions[j]!, targets[j]!));
    this.n++;
  }

  result(): RegressionResult {
    if (this.n === 0 || !this.perOutput) throw emptyAccumulatorError('regression');
    const perOutput = this.perOutput.map((output) => output.scores());
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const r2s = perOutput.map((s) => s.r2);
    const warnings: string[] = [];
    if (this.n < 2) warnings.push('r2 is undefined with fewer than two samples.');
    return {
      n: this.n,
      outputs: perOutput.length,
      mse: mean(perOutput.map((s) => s.mse)),
      // As scikit-learn 1.2's mean_squared_error(squared=False): the mean of the outputs' RMSEs.
      rmse: mean(perOutput.map((s) => s.rmse)),
      mae: mean(perOutput.map((s) => s.mae)),
      r2: r2s.some((r) => r === null) ? null : mean(r2s as number[]),
      per_output: perOutput,
      warnings,
    };
  }

  private createOutputs(count: number): OutputAccumulator[] {
    if (!Number.isInteger(count) || count < 1) {
      throw new MetricError('invalid-input', `A regression sample needs at least one output; got ${count}.`);
    }
    return Array.from({ length: count }, () => new OutputAccumulator());
  }
}
