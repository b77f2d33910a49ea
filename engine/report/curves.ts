import type { Curve } from '../../shared/report-data';
import { averagePrecision, columnCurve, CurveBuffers, rocAuc, type ThresholdCurve } from '../metrics/ranking';

/**
 * ROC and precision-recall curves for the report, from the ranking code the run's metrics
 * use (so a curve's area is the run's roc_auc / average_precision exactly), as scikit-learn
 * 1.2's `roc_curve` and `precision_recall_curve` lay them out, then thinned for drawing.
 */

/** The most points a drawn curve keeps: enough for a smooth line, little to send for 100k samples. */
export const MAX_CURVE_POINTS = 500;

export interface ClassCurves {
  roc: Curve;
  precisionRecall: Curve;
}

/**
 * The one-vs-rest curves of every class of a row-major score matrix (`classes` per sample);
 * `labels[i]` is sample i's true class.
 */
export function oneVsRestCurves(scores: Float32Array | Float64Array, classes: number, labels: Int32Array, classLabels: readonly string[]): ClassCurves[] {
  const buffers = new CurveBuffers(labels.length);
  return classLabels.map((label, c) => curvesOf(columnCurve(scores, classes, c, labels, c, buffers), label));
}

/**
 * The curves of every label of a multilabel output: `scores` and `truths` row-major, `labels`
 * per sample, `truths` 0 or 1. A label no sample holds draws no ROC curve and has no area.
 */
export function perLabelCurves(scores: Float32Array, truths: Uint8Array, labels: readonly string[]): ClassCurves[] {
  const L = labels.length;
  const n = scores.length / L;
  const buffers = new CurveBuffers(n);
  const column = new Uint8Array(n);
  return labels.map((label, j) => {
    for (let i = 0; i < n; i++) column[i] = truths[i * L + j]!;
    return curvesOf(columnCurve(scores, L, j, column, 1, buffers), label);
  });
}

/** A binary output's curves: `positive[i]` is 1 when sample i is of the positive class. */
export function binaryCurves(scores: Float32Array | Float64Array, positive: Int32Array, positiveLabel: string): ClassCurves {
  return curvesOf(columnCurve(scores, 1, 0, positive, 1, new CurveBuffers(positive.length)), positiveLabel);
}

export function curvesOf(curve: ThresholdCurve, label: string): ClassCurves {
  const roc = rocPoints(curve);
  const pr = precisionRecallPoints(curve);
  return {
    roc: { label, ...thin(roc.x, roc.y), area: rocAuc(curve) },
    precisionRecall: { label, ...thin(pr.x, pr.y), area: averagePrecision(curve) },
  };
}

/**
 * `roc_curve` with its default drop_intermediate: the points where the curve turns (a change
 * in the second difference of false or true positives), preceded by (0, 0). Empty where it is
 * undefined (no positive or no negative sample), rather than NaN rates.
 */
export function rocPoints(curve: ThresholdCurve): { x: number[]; y: number[] } {
  const { truePositives: tps, falsePositives: fps, positives, negatives } = curve;
  if (positives === 0 || negatives === 0) return { x: [], y: [] };
  const n = tps.length;
  const x = [0];
  const y = [0];
  for (let k = 0; k < n; k++) {
    const turns = k === 0 || k === n - 1 || n <= 2 || fps[k + 1]! - 2 * fps[k]! + fps[k - 1]! !== 0 || tps[k + 1]! - 2 * tps[k]! + tps[k - 1]! !== 0;
    if (!turns) continue;
    x.push(fps[k]! / negatives);
    y.push(tps[k]! / positives);
  }
  return { x, y };
}

/**
 * `precision_recall_curve` (scikit-learn 1.2: every threshold, lowest first): recall (x) and
 * precision (y), then the point (0, 1). Empty without positives.
 */
export function precisionRecallPoints(curve: ThresholdCurve): { x: number[]; y: number[] } {
  const { truePositives: tps, falsePositives: fps, positives } = curve;
  if (positives === 0) return { x: [], y: [] };
  const x: number[] = [];
  const y: number[] = [];
  for (let k = tps.length - 1; k >= 0; k--) {
    x.push(tps[k]! / positives);
    y.push(tps[k]! / (tps[k]! + fps[k]!));
  }
  x.push(0);
  y.push(1);
  return { x, y };
}

/** At most MAX_CURVE_POINTS points, evenly spaced along the curve's points, its two ends kept. */
export function thin(x: number[], y: number[]): { x: number[]; y: number[] } {
  const n = x.length;
  if (n <= MAX_CURVE_POINTS) return { x, y };
  const tx: number[] = [];
  const ty: number[] = [];
  for (let k = 0; k < MAX_CURVE_POINTS; k++) {
    const i = Math.round((k * (n - 1)) / (MAX_CURVE_POINTS - 1));
    tx.push(x[i]!);
    ty.push(y[i]!);
  }
  return { x: tx, y: ty };
}
