import type { GateConfig } from '../config/eval-config';
import type { GateResult, RunResults } from '../../shared/run-types';
import { errorText } from '../loader/load-script';
import type { RunStore } from '../runs/run-store';

/**
 * Quality gates over a run's results: absolute thresholds, and changes against a baseline
 * run. A gate whose metric or baseline cannot be found fails, saying why, rather than pass.
 */
export function evaluateGates(gates: readonly GateConfig[], results: RunResults, store: RunStore): GateResult[] {
  const baselines = new Map<string, RunResults | string>();
  const baselineOf = (runId: string): RunResults | string => {
    if (!baselines.has(runId)) {
      try {
        const manifest = store.read(runId);
        const found = manifest.status === 'completed' ? store.readResults(runId) : undefined;
        baselines.set(runId, found ?? `baseline run ${runId} is ${manifest.status}, not completed`);
      } catch (error) {
        baselines.set(runId, errorText(error));
      }
    }
    return baselines.get(runId)!;
  };

  return gates.flatMap((gate) => {
    const benchmarks = gate.benchmark === undefined ? results.benchmarks.map((b) => b.name) : [gate.benchmark];
    return benchmarks.map((benchmark) => {
      const value = metricOf(results, benchmark, gate.metric);
      const fail = (message: string): GateResult => ({ benchmark, metric: gate.metric, value, passed: false, message });
      if (value === null) return fail(`${gate.metric} is not reported for benchmark '${benchmark}'`);
      const checks: string[] = [];
      if (gate.min !== undefined) {
        if (value < gate.min) return fail(`${gate.metric} ${fmt(value)} < min ${fmt(gate.min)}`);
        checks.push(`≥ ${fmt(gate.min)}`);
      }
      if (gate.max !== undefined) {
        if (value > gate.max) return fail(`${gate.metric} ${fmt(value)} > max ${fmt(gate.max)}`);
        checks.push(`≤ ${fmt(gate.max)}`);
      }
      if (gate.baseline !== undefined && (gate.minChange !== undefined || gate.minRelativeChange !== undefined)) {
        const baseline = baselineOf(gate.baseline);
        if (typeof baseline === 'string') return fail(`cannot compare with the baseline: ${baseline}`);
        const before = metricOf(baseline, benchmark, gate.metric);
        if (before === null) return fail(`baseline run ${gate.baseline} reports no ${gate.metric} for benchmark '${benchmark}'`);
        const change = value - before;
        if (gate.minChange !== undefined) {
          if (change < gate.minChange) return fail(`${gate.metric} changed by ${signed(change)} against run ${gate.baseline} (${fmt(before)} → ${fmt(value)}), below the allowed ${signed(gate.minChange)}`);
          checks.push(`change ${signed(change)} ≥ ${signed(gate.minChange)}`);
        }
        if (gate.minRelativeChange !== undefined) {
          const relative = before === 0 ? (change === 0 ? 0 : Math.sign(change) * Infinity) : change / Math.abs(before);
          if (relative < gate.minRelativeChange) return fail(`${gate.metric} changed by ${pct(relative)} against run ${gate.baseline} (${fmt(before)} → ${fmt(value)}), below the allowed ${pct(gate.minRelativeChange)}`);
          checks.push(`relative change ${pct(relative)} ≥ ${pct(gate.minRelativeChange)}`);
        }
      }
      return { benchmark, metric: gate.metric, value, passed: true, message: `${gate.metric} ${fmt(value)} ${checks.join(', ')}` };
    });
  });
}

function metricOf(results: RunResults, benchmark: string, metric: string): number | null {
  const b = results.benchmarks.find((x) => x.name === benchmark);
  if (b === undefined) return null;
  if (metric === 'overall_score') return b.overallScore;
  return b.metrics[metric] ?? null;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
const signed = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v)}`;
const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)}%`;
