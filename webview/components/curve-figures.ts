import { html, nothing } from 'lit';
import type { Curve } from '../../shared/report-data';
import type { ChartSpec } from '../charts/uplot-chart';
import '../charts/uplot-chart';
import { formatScore } from '../format';

/** An output's ROC and precision-recall charts, one curve per class (or label) named with its area; nothing without curves. */
export function curveFigures(output: string, roc: readonly Curve[], precisionRecall: readonly Curve[], per: 'class' | 'label') {
  if (roc.length + precisionRecall.length === 0) return nothing;
  return html`<div class="charts">
    ${curveFigure(output, per, 'ROC', roc, 'False positive rate', 'True positive rate', 'AUC', true)}
    ${curveFigure(output, per, 'Precision-recall', precisionRecall, 'Recall', 'Precision', 'AP', false)}
  </div>`;
}

function curveFigure(output: string, per: string, title: string, curves: readonly Curve[], xLabel: string, yLabel: string, areaName: string, diagonal: boolean) {
  if (curves.length === 0) return nothing;
  const named = (c: Curve) => `${c.label}${c.area === null ? '' : ` (${areaName} ${formatScore(c.area)})`}`;
  const spec: ChartSpec = {
    kind: 'lines',
    series: curves.map((c) => ({ label: named(c), x: c.x, y: c.y })),
    xLabel,
    yLabel,
    xRange: [0, 1],
    yRange: [0, 1.02],
    diagonal,
    description: `${title} curves of ${output}, one per ${per}: ${curves.map(named).join(', ')}`,
  };
  return html`<figure data-chart=${title}>
    <figcaption>${title}</figcaption>
    <evalens-chart .spec=${spec}></evalens-chart>
  </figure>`;
}
