import { CV_METRICS, type CrossValidation } from '../../../shared/cross-validation-types';
import type { RunManifest } from '../../../shared/run-types';

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

/** A cross-validation as a person reads it in a terminal: per-fold scores, mean ± spread, the pooled confusion matrix. */
export function formatCrossValidation(manifest: RunManifest, cv: CrossValidation, paint: Paint): string {
  const assignment = cv.assignment.kind === 'stratified' ? `stratified, seed ${cv.assignment.seed}` : `from ${cv.assignment.file}`;
  const lines = [
    `${paint('bold', 'Cross-validation')} ${manifest.runId}  ${manifest.name}  ${(cv.durationMs / 1000).toFixed(1)} s`,
    `  ${cv.samples} labeled samples of benchmark '${cv.benchmark}', ${cv.labels.length} classes; ${cv.k} folds (${assignment})`,
    `  features: '${cv.latent}' (${cv.dim} values) of run ${cv.sourceRunId}${cv.sourceEvaluated ? ' (evaluated for this cross-validation)' : ' (a completed run of the same model and inputs)'}`,
    `  head: multinomial logistic regression, L2 with C = ${cv.solver.c}, L-BFGS to a gradient of ${cv.solver.gradientTolerance}`,
    '',
  ];
  const header = ['fold', 'train', 'test', ...CV_METRICS, 'iterations'];
  const rows = cv.folds.map((f) => [String(f.fold + 1), String(f.trainSize), String(f.testSize), ...CV_METRICS.map((m) => f.metrics[m].toFixed(4)), String(f.iterations)]);
  const mean = ['mean', '', '', ...CV_METRICS.map((m) => cv.summary[m].mean.toFixed(4)), ''];
  const std = ['± std', '', '', ...CV_METRICS.map((m) => cv.summary[m].std.toFixed(4)), ''];
  lines.push(...table(header, [...rows, mean, std], paint, rows.length));
  lines.push(paint('dim', '  ± std: population standard deviation over the folds (ddof = 0)'), '', `${paint('bold', 'Pooled confusion matrix')} (rows: true class, columns: predicted; every held-out prediction)`);
  lines.push(...table(['', ...cv.labels], cv.confusionMatrix.map((row, t) => [cv.labels[t]!, ...row.map(String)]), paint));
  if (cv.warnings.length > 0) lines.push('', paint('bold', 'Warnings'), ...cv.warnings.map((w) => `  ${paint('yellow', w)}`));
  return lines.join('\n');
}

/** Right-aligned columns but the first; a dim rule before row `ruleBefore`. */
function table(header: string[], rows: string[][], paint: Paint, ruleBefore?: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  const lines = rows.map(render);
  if (ruleBefore !== undefined) lines.splice(ruleBefore, 0, paint('dim', `  ${'─'.repeat(widths.reduce((a, w) => a + w + 2, -2))}`));
  return [paint('dim', render(header)), ...lines];
}
