/** The built-in metrics where lower is better: losses and errors (engine/metrics: classification, binary, regression). */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'mean_cross_entropy', 'mse', 'rmse', 'mae']);

/**
 * Whether a smaller value of `metric` is the better one: a built-in loss or error (also as
 * `output.metric`, a non-headline output's), or one of the integration's `losses` (its
 * per-sample means are reported under their names). Every other metric is a score.
 */
export function lowerIsBetter(metric: string, losses: Iterable<string> = []): boolean {
  for (const loss of losses) if (loss === metric) return true;
  return LOWER_IS_BETTER.has(metric.slice(metric.lastIndexOf('.') + 1));
}
