import { html, LitElement, nothing } from 'lit';
import type { CheckpointScores } from '../../shared/report-data';
import type { ChartSpec } from '../charts/uplot-chart';
import '../charts/uplot-chart';
import { formatScore } from '../format';
import { sharedStyles } from './shared.css';
import { sectionStyles } from './report-view.css';

/**
 * A checkpoint series' scores: a line per benchmark (and the run's overall score) over the
 * checkpoints in natural order, to see where training plateaus, and the same numbers as a table
 * naming each checkpoint (the chart's x is the checkpoint's number in the series).
 */
export class CheckpointSeriesElement extends LitElement {
  static override styles = [sharedStyles, sectionStyles];
  static override properties = { checkpoints: { attribute: false } };
  checkpoints!: CheckpointScores[];

  override render() {
    const checkpoints = this.checkpoints;
    if (checkpoints.length === 0) return nothing;
    const x = checkpoints.map((_, i) => i + 1);
    const benchmarks = checkpoints[0]!.benchmarks.map((b) => b.name);
    // uPlot leaves a gap where a score is missing (NaN).
    const score = (v: number | null | undefined) => v ?? Number.NaN;
    const chart: ChartSpec = {
      kind: 'lines',
      series: [
        { label: 'overall', x, y: checkpoints.map((c) => score(c.overallScore)) },
        ...benchmarks.map((name) => ({ label: name, x, y: checkpoints.map((c) => score(c.benchmarks.find((b) => b.name === name)?.overallScore)) })),
      ],
      xLabel: `Checkpoint (1 = ${checkpoints[0]!.name} … ${checkpoints.length} = ${checkpoints.at(-1)!.name})`,
      yLabel: 'Overall score',
      xRange: [0.75, checkpoints.length + 0.25],
      ordinalX: true,
      description: `Overall score of ${checkpoints.length} checkpoints, ${checkpoints.map((c) => `${c.name} ${formatScore(c.overallScore)}`).join(', ')}; one line per benchmark and one for the run.`,
    };
    const scores = checkpoints.map((c) => c.overallScore ?? Number.NEGATIVE_INFINITY);
    const best = scores.indexOf(Math.max(...scores));
    return html`<section aria-labelledby="checkpoints">
      <h2 id="checkpoints">Checkpoints</h2>
      <p class="muted">${checkpoints.length} checkpoints scored on the same samples; the sections below show the last one, ${checkpoints.at(-1)!.name}.</p>
      <figure data-chart="checkpoints"><figcaption>Overall score per checkpoint</figcaption><evalens-chart .spec=${chart} .height=${260}></evalens-chart></figure>
      <div class="scroll-x">
        <table class="data" aria-label="Overall score per checkpoint and benchmark" data-table="checkpoints">
          <thead><tr><th scope="col">#</th><th scope="col" style="text-align:left">Checkpoint</th><th scope="col">Overall</th>${benchmarks.map((name) => html`<th scope="col">${name}</th>`)}</tr></thead>
          <tbody>
            ${checkpoints.map(
              (c, i) => html`<tr data-checkpoint=${c.name} aria-current=${i === best ? 'true' : nothing}>
                <td>${i + 1}</td>
                <th scope="row" class="mono" style="font-weight:normal;color:inherit;text-align:left">${c.name}${i === best ? html` <span class="muted">(best)</span>` : nothing}</th>
                <td>${formatScore(c.overallScore)}</td>
                ${benchmarks.map((name) => html`<td>${formatScore(c.benchmarks.find((b) => b.name === name)?.overallScore ?? null)}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }
}
customElements.define('evalens-checkpoint-series', CheckpointSeriesElement);

declare global {
  interface HTMLElementTagNameMap {
    'evalens-checkpoint-series': CheckpointSeriesElement;
  }
}
