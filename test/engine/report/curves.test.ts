import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryCurves, MAX_CURVE_POINTS, oneVsRestCurves } from '../../../engine/report/curves';
import { residualHistogram } from '../../../engine/report/residual-histogram';
import type { Curve } from '../../../shared/report-data';
import { binaryPredictions, digitsPredictions } from '../metrics/reference-data';
import { reportReference, type ReferenceCurve } from './report-reference';

/**
 * The report's curves and residual histogram from the scores scikit-learn's reference was
 * computed on (the PyTorch probabilities of the shared fixtures), against roc_curve,
 * precision_recall_curve and numpy.histogram.
 */

function assertClose(actual: number, expected: number, what: string, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);
}

/** Equal to scikit-learn's points when they fit, else a thinned run of them: in order, both ends kept. */
function assertCurve(curve: Curve, expected: ReferenceCurve, what: string): void {
  assertClose(curve.area!, expected.area, `${what} area`);
  assert.equal(curve.x.length, curve.y.length);
  assert.ok(curve.x.length <= MAX_CURVE_POINTS, `${what}: ${curve.x.length} points`);
  if (expected.x.length <= MAX_CURVE_POINTS) {
    assert.equal(curve.x.length, expected.x.length, `${what}: point count`);
  } else {
    assert.equal(curve.x.length, MAX_CURVE_POINTS, `${what}: thinned to the most points`);
  }
  let from = 0;
  for (let k = 0; k < curve.x.length; k++) {
    let at = from;
    while (at < expected.x.length && (Math.abs(expected.x[at]! - curve.x[k]!) > 1e-12 || Math.abs(expected.y[at]! - curve.y[k]!) > 1e-12)) at++;
    assert.ok(at < expected.x.length, `${what}: point ${k} (${curve.x[k]}, ${curve.y[k]}) is not on scikit-learn's curve after its point ${from}`);
    if (k === 0) assert.equal(at, 0, `${what}: the first point is scikit-learn's first`);
    from = at + 1;
  }
  assert.equal(from, expected.x.length, `${what}: the last point is scikit-learn's last`);
}

test('one-vs-rest ROC and precision-recall curves of the digits CNN are scikit-learn roc_curve and precision_recall_curve', () => {
  const { probabilities, y } = digitsPredictions;
  const classes = probabilities[0]!.length;
  const scores = Float64Array.from(probabilities.flat());
  const curves = oneVsRestCurves(scores, classes, Int32Array.from(y), reportReference.digits_cnn.labels);
  assert.equal(curves.length, 10);
  for (const [c, expected] of reportReference.digits_cnn.classes.entries()) {
    assert.equal(curves[c]!.roc.label, String(c));
    assertCurve(curves[c]!.roc, expected.roc, `class ${c} ROC`);
    assertCurve(curves[c]!.precisionRecall, expected.precision_recall, `class ${c} precision-recall`);
  }
  // 541 points per precision-recall curve in scikit-learn 1.2: these were thinned.
  assert.ok(reportReference.digits_cnn.classes.every((c) => c.precision_recall.x.length > MAX_CURVE_POINTS));
});

test('the binary curves of the breast-cancer model are scikit-learn roc_curve and precision_recall_curve, point for point', () => {
  const { probability, y } = binaryPredictions;
  const curves = binaryCurves(Float64Array.from(probability.flat()), Int32Array.from(y), 'benign');
  assert.equal(curves.roc.label, 'benign');
  assert.equal(curves.roc.x.length, reportReference.bc_logreg.roc.x.length);
  assertCurve(curves.roc, reportReference.bc_logreg.roc, 'ROC');
  assertCurve(curves.precisionRecall, reportReference.bc_logreg.precision_recall, 'precision-recall');
});

test('a curve with one class absent has no points and no area', () => {
  const curves = binaryCurves(Float64Array.of(0.2, 0.7, 0.9), Int32Array.of(1, 1, 1), 'yes');
  assert.deepEqual(curves.roc, { label: 'yes', x: [], y: [], area: null });
  assert.equal(curves.precisionRecall.x.at(-1), 0);
});

test('the residual histogram has numpy histogram_bin_edges(fd) edges and numpy.histogram counts', () => {
  const { residuals, edges, counts } = reportReference.residual_histogram;
  const histogram = residualHistogram(Float64Array.from(residuals));
  assert.equal(histogram.edges.length, edges.length);
  histogram.edges.forEach((edge, k) => assertClose(edge, edges[k]!, `edge ${k}`, 1e-12));
  assert.deepEqual(histogram.counts, counts);
  assert.equal(histogram.counts.reduce((a, b) => a + b, 0), residuals.length);
});

test('residuals with no spread (IQR 0) fall back to Sturges bins, and one value gets one bin', () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : i));
  const histogram = residualHistogram(values);
  // Sturges: ceil(log2 100) + 1 = 8 bins.
  assert.equal(histogram.counts.length, 8);
  assert.equal(histogram.counts[0], 90);
  assert.deepEqual(residualHistogram(Float64Array.of(3, 3)), { edges: [2.5, 3.5], counts: [2] });
});
