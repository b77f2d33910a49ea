import { html, LitElement } from 'lit';
import type { OutputReport } from '../../shared/report-data';
import type { ChartSpec } from '../charts/uplot-chart';
import '../charts/uplot-chart';
import { formatCount } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';

type RegressionOutput = Extract<OutputReport, { task: 'regression' }>;

/** A regression output: predicted against actual (one point per sample) and the residuals' histogram. */
export class RegressionOutputElement extends LitElement {
  static override styles = [sharedStyles, sectionStyles];
  static override properties = { output: { attribute: false } };
  output!: RegressionOutput;

  override render() {
    const output = this.output;
    const { edges, counts } = output.residualHistogram;
    const scatter: ChartSpec = {
      kind: 'points',
      series: [{ label: 'samples', x: output.actual, y: output.predicted }],
      xLabel: 'Actual',
      yLabel: 'Predicted',
      diagonal: true,
      description: `Predicted against actual values of ${output.name}, ${formatCount(output.actual.length)} samples; the dashed line is a perfect prediction.`,
    };
    const histogram: ChartSpec = {
      kind: 'bars',
      series: [{ label: 'residuals', x: edges.slice(0, counts.length), y: counts }],
      xLabel: 'Residual (predicted − actual)',
      yLabel: 'Samples',
      description: `Histogram of the residuals of ${output.name}: ${counts.length} bins from ${edges[0]?.toPrecision(3)} to ${edges[edges.length - 1]?.toPrecision(3)}.`,
    };
    return html`<section aria-label=${`Output ${output.name}`}>
      <h2>Output <span class="mono">${output.name}</span> · regression</h2>
      <div class="charts">
        <figure data-chart="scatter"><figcaption>Predicted against actual</figcaption><evalens-chart .spec=${scatter} .height=${280}></evalens-chart></figure>
        <figure data-chart="residuals"><figcaption>Residuals</figcaption><evalens-chart .spec=${histogram} .height=${280}></evalens-chart></figure>
      </div>
    </section>`;
  }
}
customElements.define('evalens-regression-output', RegressionOutputElement);
