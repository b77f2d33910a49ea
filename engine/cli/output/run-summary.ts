import type { GateResult, RunManifest, RunResults, RunReuse, RunStatus } from '../../../shared/run-types';

/** What `evalens eval --json` and `evalens resume --json` print. */
export interface RunSummaryJson {
  runId: string;
  status: RunStatus;
  overallScore: number | null;
  benchmarks: { name: string; samples: number; errors: number; overallScore: number | null; metrics: Record<string, number | null> }[];
  gates: GateResult[];
  /** `eval --reuse`: samples that took the run's outputs, and those that ran the model. */
  reuse?: RunReuse;
  /** A checkpoint series: each checkpoint's scores, in natural order (the fields above are the last one's). */
  checkpoints?: { name: string; overallScore: number | null; benchmarks: { name: string; overallScore: number | null; metrics: Record<string, number | null> }[] }[];
  error?: string;
}

export function runSummaryJson(manifest: RunManifest, results: RunResults | undefined): RunSummaryJson {
  const summary: RunSummaryJson = {
    runId: manifest.runId,
    status: manifest.status,
    overallScore: results?.overallScore ?? null,
    benchmarks: results?.benchmarks.map((b) => ({ name: b.name, samples: b.samples, errors: b.errors, overallScore: b.overallScore, metrics: b.metrics })) ??
      manifest.benchmarks.map((b) => ({ name: b.name, samples: b.done, errors: b.errors, overallScore: null, metrics: {} })),
    gates: results?.gates ?? [],
    ...(manifest.reuse === undefined ? {} : { reuse: manifest.reuse }),
    ...(results?.checkpoints === undefined
      ? {}
      : { checkpoints: results.checkpoints.map((c) => ({ name: c.name, overallScore: c.overallScore, benchmarks: c.benchmarks.map((b) => ({ name: b.name, overallScore: b.overallScore, metrics: b.metrics })) })) }),
  };
  if (manifest.error !== undefined) summary.error = manifest.error.message;
  return summary;
}

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

/** Columns shown in the terminal: the headline metrics most readers look for first, when reported. */
const HEADLINE = ['accuracy', 'subset_accuracy', 'hamming_loss', 'top_2_accuracy', 'f1_macro', 'precision_macro', 'recall_macro', 'roc_auc_ovr_macro', 'roc_auc', 'roc_auc_micro', 'average_precision', 'f1', 'log_loss', 'mse', 'rmse', 'mae', 'r2', 'corpus_bleu4', 'corpus_bleu4_smoothing_method1', 'exact_match'];

/** The result of a run as a person reads it in a terminal. */
export function formatRunSummary(manifest: RunManifest, results: RunResults | undefined, paint: Paint): string {
  const statusStyle = manifest.status === 'completed' ? 'green' : manifest.status === 'failed' ? 'red' : 'yellow';
  const lines = [`${paint('bold', 'Run')} ${manifest.runId}  ${manifest.name}  ${paint(statusStyle, manifest.status)}`];
  if (results !== undefined) {
    const present = HEADLINE.filter((m) => results.benchmarks.some((b) => typeof b.metrics[m] === 'number'));
    const custom = [...new Set(results.benchmarks.flatMap((b) => Object.keys(b.metrics)))].filter((m) => !present.includes(m) && !isBuiltIn(m));
    const columns = [...present.slice(0, 6), ...custom.slice(0, 3)];
    const header = ['benchmark', 'samples', 'errors', 'overall', ...columns];
    const rows = results.benchmarks.map((b) => [b.name, String(b.samples), String(b.errors), num(b.overallScore), ...columns.map((c) => num(b.metrics[c] ?? null))]);
    lines.push('', ...table(header, rows, paint), '', `${paint('bold', 'Overall score')} ${num(results.overallScore)}`);
    if (results.checkpoints !== undefined) lines.push('', ...checkpointTable(results.checkpoints, paint));
    if (results.gates.length > 0) {
      lines.push('', paint('bold', 'Gates'));
      for (const g of results.gates) lines.push(`  ${g.passed ? paint('green', '✓') : paint('red', '✗')} ${g.benchmark}: ${g.message}`);
    }
  } else {
    for (const b of manifest.benchmarks) lines.push(`  ${b.name}: ${b.done} of ${b.total} samples${b.errors ? `, ${b.errors} errors` : ''}`);
  }
  if (manifest.reuse !== undefined) {
    const { runId, reused, inferred } = manifest.reuse;
    lines.push('', `${paint('bold', 'Reused')} the model outputs of ${reused} sample${reused === 1 ? '' : 's'} from run ${runId}; ${inferred === 0 ? 'none ran the model' : paint('yellow', `${inferred} ran the model (input changed, or not in run ${runId})`)}`);
  }
  if (manifest.error !== undefined) lines.push('', paint(manifest.status === 'failed' ? 'red' : 'yellow', manifest.error.message));
  if (manifest.status !== 'completed' && manifest.error?.resumable) lines.push(paint('dim', `Resume with: evalens resume ${manifest.runId}`));
  return lines.join('\n');
}

/** Rows under a dimmed header, the first column left-aligned, the others right-aligned. */
function table(header: string[], rows: string[][], paint: Paint): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const render = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [paint('dim', render(header)), ...rows.map(render)];
}

/** A checkpoint series: the overall score per checkpoint and benchmark, to see where training plateaus; the best checkpoint marked. */
function checkpointTable(checkpoints: NonNullable<RunResults['checkpoints']>, paint: Paint): string[] {
  const benchmarks = checkpoints[0]!.benchmarks.map((b) => b.name);
  const scores = checkpoints.map((c) => c.overallScore ?? Number.NEGATIVE_INFINITY);
  const best = scores.indexOf(Math.max(...scores));
  const rows = checkpoints.map((c, i) => [c.name, num(c.overallScore), ...benchmarks.map((name) => num(c.benchmarks.find((b) => b.name === name)?.overallScore ?? null)), i === best && c.overallScore !== null ? '← best' : '']);
  return [
    `${paint('bold', 'Checkpoints')} ${paint('dim', `(overall score; the results above are ${checkpoints.at(-1)!.name}'s)`)}`,
    ...table(['checkpoint', 'overall', ...benchmarks, ''], rows, paint).map((line) => line.trimEnd()),
  ];
}

function isBuiltIn(metric: string): boolean {
  return /^(n|threshold|outputs|top_\d+_accuracy|(precision|recall|f1)_(micro|weighted|samples)|mean_cross_entropy|average_precision_(macro|micro)|roc_auc_(macro|micro)|best_f1(_threshold)?|precision|recall)$/.test(metric);
}

function num(value: number | null): string {
  return value === null ? '—' : Number.isInteger(value) ? String(value) : value.toFixed(4);
}
