import { html, nothing } from 'lit';
import type { ReportState } from '../state/report-state';
import { formatCount, formatScore, shortHash } from '../format';
import { insightsStyles } from './insights.css';
import { sectionStyles } from './report-view.css';
import { sharedStyles } from './shared.css';
import { moreButton, PAGE_ROWS, sampleLink } from './sample-link';
import { StateElement } from './state-element';

/** Samples named per group of equal inputs; a group of a repeated dataset can hold thousands. */
const GROUP_SAMPLES_SHOWN = 12;

/**
 * Samples that are the same input (equal input hashes; across a training and an evaluation
 * subset that is leakage, and says so first) and pairs that are nearly the same (cosine
 * similarity of their embeddings above the threshold).
 */
export class DuplicatesListElement extends StateElement<ReportState> {
  static override styles = [sharedStyles, sectionStyles, insightsStyles];
  static override properties = { ...StateElement.properties, pairLimit: { state: true }, groupLimit: { state: true } };
  private pairLimit = PAGE_ROWS;
  private groupLimit = PAGE_ROWS;


  override render() {
    const analysis = this.state.report?.analysis;
    if (analysis === undefined) return nothing;
    // Leakage first: it is what makes a score untrustworthy.
    const groups = [...analysis.exactDuplicates].sort((a, b) => Number(b.leakage) - Number(a.leakage));
    const leaking = groups.filter((g) => g.leakage).length;
    const { threshold, pairs } = analysis.nearDuplicates;
    return html`<section aria-labelledby="duplicates">
      <h2 id="duplicates">Duplicates</h2>
      <h3>Exact duplicates${leaking > 0 ? html` · <span class="badge leakage" data-figure="leakage">${formatCount(leaking)} across train and evaluation: leakage</span>` : nothing}</h3>
      ${groups.length === 0
        ? html`<p class="muted">No two samples have the same input.</p>`
        : html`<div class="scroll-x">
              <table class="data" data-table="exact-duplicates" aria-label="Samples with equal inputs">
                <thead>
                  <tr><th scope="col">Input hash</th><th scope="col" class="text">Samples</th><th scope="col" class="text">Leakage</th></tr>
                </thead>
                <tbody>
                  ${groups.slice(0, this.groupLimit).map(
                    (g) => html`<tr>
                      <td class="mono" title=${g.inputHash}>${shortHash(g.inputHash)}</td>
                      <td class="text"><span class="samples">${g.samples.slice(0, GROUP_SAMPLES_SHOWN).map((s) => html`<span>${sampleLink(this.state, s)}${s.subset === null ? nothing : html` <span class="muted">(${s.subset})</span>`}</span>`)}${g.total > GROUP_SAMPLES_SHOWN ? html`<span class="muted">and ${formatCount(g.total - GROUP_SAMPLES_SHOWN)} more</span>` : nothing}</span></td>
                      <td class="text">${g.leakage ? html`<span class="badge leakage">leakage</span>` : html`<span class="muted">same subset</span>`}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${moreButton(groups.length - this.groupLimit, () => (this.groupLimit += PAGE_ROWS))}`}
      <h3>Near duplicates (cosine similarity ≥ ${formatScore(threshold)})</h3>
      ${pairs.length === 0
        ? html`<p class="muted">No pair of samples is that similar.</p>`
        : html`<div class="scroll-x">
              <table class="data" data-table="near-duplicates" aria-label="Pairs of nearly identical samples">
                <thead>
                  <tr><th scope="col">Sample</th><th scope="col">Sample</th><th scope="col">Similarity</th></tr>
                </thead>
                <tbody>
                  ${pairs.slice(0, this.pairLimit).map(
                    (p) => html`<tr>
                      <td>${sampleLink(this.state, p.a)}</td>
                      <td>${sampleLink(this.state, p.b)}</td>
                      <td>${p.similarity.toFixed(4)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${moreButton(pairs.length - this.pairLimit, () => (this.pairLimit += PAGE_ROWS))}`}
    </section>`;
  }
}
customElements.define('evalens-duplicates-list', DuplicatesListElement);
