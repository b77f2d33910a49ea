import { softmax } from '../metrics/classification';

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the intercepts), the
 * model scikit-learn's `LogisticRegression(multi_class='multinomial', C=C)` fits. It minimises
 *
 *   f(W, b) = (1/n) Σᵢ −log softmax(W xᵢ + b)[yᵢ]  +  ‖W‖² / (2 C n)
 *
 * (scikit-learn's C · Σᵢ loss + ‖W‖²/2, divided by C n: the same minimiser), in float64, by
 * L-BFGS from W = 0, b = 0. Deterministic: a fixed start, a fixed order of operations and no
 * randomness, so the same data gives the same bits. Every step is a combination of gradients,
 * whose intercept parts sum to zero over the classes, so the intercepts sum to zero as
 * scikit-learn's do (softmax leaves them free up to a common shift).
 */

export interface LogisticRegressionOptions {
  /** Inverse of the L2 strength, as scikit-learn's C. Default 1. */
  c?: number;
  /** Stop when the largest absolute component of ∇f is at most this. Default 1e-10. */
  gradientTolerance?: number;
  /** Stop after this many L-BFGS iterations, converged or not. Default 10,000. */
  maxIterations?: number;
  /** L-BFGS memory: correction pairs kept. Default 10. */
  memory?: number;
}

export interface LogisticRegressionModel {
  numClasses: number;
  dim: number;
  /** `numClasses × dim` row-major: class k's weights at [k · dim, (k + 1) · dim). */
  coefficients: Float64Array;
  intercepts: Float64Array;
  /** L-BFGS iterations taken. */
  iterations: number;
  /** f at the solution. */
  objective: number;
  /** max |∇f| at the solution. */
  gradientNorm: number;
  /** Whether the gradient rule stopped it (else the iteration cap, or a line search that could not lower f). */
  converged: boolean;
}

export const DEFAULT_GRADIENT_TOLERANCE = 1e-10;
export const DEFAULT_MAX_ITERATIONS = 10_000;
const DEFAULT_MEMORY = 10;
/** Armijo's sufficient decrease constant and the backtracking factor. */
const ARMIJO = 1e-4;
/** Hager and Zhang's approximate Wolfe conditions: δ, σ, and ε, the change of f too small to trust. */
const WOLFE_DELTA = 0.1;
const WOLFE_SIGMA = 0.9;
const WOLFE_EPSILON = 1e-10;
const BACKTRACK = 0.5;
const MAX_BACKTRACKS = 60;

/**
 * Fits the model to `rows` samples of `dim` features (`x`, row-major) with class indices
 * `labels` in 0..numClasses-1.
 */
export function fitLogisticRegression(x: ArrayLike<number>, rows: number, dim: number, labels: ArrayLike<number>, numClasses: number, options: LogisticRegressionOptions = {}): LogisticRegressionModel {
  if (x.length !== rows * dim) throw new RangeError(`x holds ${x.length} values, expected ${rows} rows × ${dim}`);
  if (labels.length !== rows) throw new RangeError(`${labels.length} labels for ${rows} rows`);
  if (rows === 0) throw new RangeError('no rows to fit');
  for (let i = 0; i < rows; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new RangeError(`label ${y} of row ${i} is not a class index from 0 to ${numClasses - 1}`);
  }
  const c = options.c ?? 1;
  const tolerance = options.gradientTolerance ?? DEFAULT_GRADIENT_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const memory = options.memory ?? DEFAULT_MEMORY;
  const { centred, means } = centre(x, rows, dim);
  const objective = new Objective(centred, rows, dim, labels, numClasses, 1 / (c * rows));
  const size = numClasses * (dim + 1);

  let theta = new Float64Array(size);
  let gradient = new Float64Array(size);
  let f = objective.evaluate(theta, gradient);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(size);
  const alpha = new Float64Array(memory);
  let nextTheta = new Float64Array(size);
  let nextGradient = new Float64Array(size);
  let iterations = 0;
  let stalled = false;

  while (maxAbs(gradient) > tolerance && iterations < maxIterations) {
    // Two-loop recursion: direction = −H ∇f, H the L-BFGS inverse Hessian estimate.
    for (let i = 0; i < size; i++) direction[i] = -gradient[i]!;
    for (let m = s.length - 1; m >= 0; m--) {
      alpha[m] = rho[m]! * dot(s[m]!, direction);
      axpy(-alpha[m]!, y[m]!, direction);
    }
    const scale = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(gradient, gradient))) : dot(s.at(-1)!, y.at(-1)!) / dot(y.at(-1)!, y.at(-1)!);
    for (let i = 0; i < size; i++) direction[i]! *= scale;
    for (let m = 0; m < s.length; m++) axpy(alpha[m]! - rho[m]! * dot(y[m]!, direction), s[m]!, direction);

    const slope = dot(gradient, direction);
    let step = 1;
    let nextF = Number.NaN;
    let accepted = false;
    for (let tries = 0; tries < MAX_BACKTRACKS; tries++, step *= BACKTRACK) {
      for (let i = 0; i < size; i++) nextTheta[i] = theta[i]! + step * direction[i]!;
      nextF = objective.evaluate(nextTheta, nextGradient);
      if (nextF <= f + ARMIJO * step * slope || approximateWolfe(f, nextF, slope, dot(nextGradient, direction))) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      stalled = true;
      break;
    }
    iterations++;
    const sk = new Float64Array(size);
    const yk = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      sk[i] = nextTheta[i]! - theta[i]!;
      yk[i] = nextGradient[i]! - gradient[i]!;
    }
    const curvature = dot(sk, yk);
    // f is convex, so curvature ≥ 0; a pair with none (a flat step) would make H singular.
    if (curvature > 0) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / curvature);
    }
    [theta, nextTheta] = [nextTheta, theta];
    [gradient, nextGradient] = [nextGradient, gradient];
    f = nextF;
  }

  const coefficients = new Float64Array(numClasses * dim);
  const intercepts = new Float64Array(numClasses);
  for (let k = 0; k < numClasses; k++) {
    coefficients.set(theta.subarray(k * (dim + 1), k * (dim + 1) + dim), k * dim);
    let shift = 0;
    for (let j = 0; j < dim; j++) shift += coefficients[k * dim + j]! * means[j]!;
    intercepts[k] = theta[k * (dim + 1) + dim]! - shift;
  }
  const gradientNorm = maxAbs(gradient);
  return { numClasses, dim, coefficients, intercepts, iterations, objective: f, gradientNorm, converged: !stalled && gradientNorm <= tolerance };
}

/** `rows × numClasses` class probabilities of the rows of `x` (row-major, `model.dim` features each). */
export function predictProbabilities(model: LogisticRegressionModel, x: ArrayLike<number>, rows: number): Float64Array {
  const { numClasses: K, dim } = model;
  if (x.length !== rows * dim) throw new RangeError(`x holds ${x.length} values, expected ${rows} rows × ${dim}`);
  const out = new Float64Array(rows * K);
  for (let i = 0; i < rows; i++) {
    const z = out.subarray(i * K, (i + 1) * K);
    for (let k = 0; k < K; k++) {
      let sum = model.intercepts[k]!;
      for (let j = 0; j < dim; j++) sum += model.coefficients[k * dim + j]! * x[i * dim + j]!;
      z[k] = sum;
    }
    softmax(z, z);
  }
  return out;
}

/**
 * The features less their means. W x + b = W (x − μ) + (b + W μ), and the penalty does not
 * involve b, so the fit in centred features has the same W and an intercept shifted by W μ;
 * but there the intercepts no longer pull against the weights (features far from zero, as
 * ReLU embeddings are, made L-BFGS crawl: thousands of iterations instead of hundreds).
 */
function centre(x: ArrayLike<number>, rows: number, dim: number): { centred: Float64Array; means: Float64Array } {
  const means = new Float64Array(dim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) means[j]! += x[i * dim + j]!;
  for (let j = 0; j < dim; j++) means[j]! /= rows;
  const centred = new Float64Array(rows * dim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) centred[i * dim + j] = x[i * dim + j]! - means[j]!;
  return { centred, means };
}

/** f and ∇f over parameters laid out per class: class k's dim weights, then its intercept. */
class Objective {
  private readonly z: Float64Array;

  constructor(
    private readonly x: Float64Array,
    private readonly rows: number,
    private readonly dim: number,
    private readonly labels: ArrayLike<number>,
    private readonly numClasses: number,
    /** 1 / (C n): the penalty's weight in the mean objective. */
    private readonly lambda: number,
  ) {
    this.z = new Float64Array(numClasses);
  }

  /** f(theta), with ∇f written into `gradient`. */
  evaluate(theta: Float64Array, gradient: Float64Array): number {
    const { x, rows, dim, labels, numClasses: K, z } = this;
    const width = dim + 1;
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const row = i * dim;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        const w = k * width;
        let sum = theta[w + dim]!;
        for (let j = 0; j < dim; j++) sum += theta[w + j]! * x[row + j]!;
        z[k] = sum;
        if (sum > max) max = sum;
      }
      const y = labels[i]!;
      const zy = z[y]!;
      let total = 0;
      for (let k = 0; k < K; k++) total += z[k] = Math.exp(z[k]! - max);
      loss += max + Math.log(total) - zy;
      for (let k = 0; k < K; k++) {
        // ∂loss/∂z_k = p_k − [k = y]
        const residual = z[k]! / total - (k === y ? 1 : 0);
        const w = k * width;
        for (let j = 0; j < dim; j++) gradient[w + j]! += residual * x[row + j]!;
        gradient[w + dim]! += residual;
      }
    }
    let penalty = 0;
    for (let k = 0; k < K; k++) {
      const w = k * width;
      for (let j = 0; j < dim; j++) {
        const v = theta[w + j]!;
        penalty += v * v;
        gradient[w + j] = gradient[w + j]! / rows + this.lambda * v;
      }
      gradient[w + dim] = gradient[w + dim]! / rows;
    }
    return loss / rows + (this.lambda / 2) * penalty;
  }
}

/**
 * Near the optimum f changes by less than its rounding error, and Armijo's test compares
 * noise; the slope along the step (σ φ'(0) ≤ φ'(α) ≤ (2δ − 1) φ'(0)) is still exact enough
 * to accept a step that lands near the minimum of the line (Hager & Zhang, 2005).
 */
function approximateWolfe(f: number, nextF: number, slope: number, nextSlope: number): boolean {
  return nextF <= f + WOLFE_EPSILON * Math.abs(f) && nextSlope >= WOLFE_SIGMA * slope && nextSlope <= (2 * WOLFE_DELTA - 1) * slope;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** b += a · x */
function axpy(a: number, x: Float64Array, b: Float64Array): void {
  for (let i = 0; i < b.length; i++) b[i]! += a * x[i]!;
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}
