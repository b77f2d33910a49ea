import type { Comparison, MetricDelta } from '../../shared/report-data';
import type { BenchmarkResult, RunManifest, SampleRecord } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { classRowsOf } from './class-rows';
import { scalarMetrics } from './export-run';
import { decodePrediction, labelOf, predictionOutputsOfBinding, trueClass, type PredictionOutput } from './prediction-outputs';
import { runSummary } from './run-summary';

/** What a run said about one sample, for telling right from wrong. */
interface Verdict {
  index: number;
  inputHash: string;
  truth: string | null;
  predicted: string | null;
  correct: boolean | null;
}

/**
 * Run `b` beside run `a`: for each benchmark both have, the change of every scalar metric
 * both report and of each class's precision, recall and F1, and the samples that went from
 * right to wrong and back. A sample is the same in both runs only when its index and its
 * input hash agree (the data may have changed between runs); any other is counted unpaired.
 */
export async function compareRuns(store: RunStore, a: RunManifest, b: RunManifest): Promise<Comparison> {
  const resultsA = store.readResults(a.runId);
  const resultsB = store.readResults(b.runId);
  const namesA = a.benchmarks.map((x) => x.name);
  const namesB = b.benchmarks.map((x) => x.name);
  const common = namesA.filter((n) => namesB.includes(n));
  // Right and wrong are read from the first classification output both runs bind alike: the headline one.
  const output = sharedClassifier(a, b);
  const verdictsA = await verdicts(store, a, output, common);
  const verdictsB = await verdicts(store, b, output, common);

  return {
    a: runSummary(store, a, { results: resultsA }),
    b: runSummary(store, b, { results: resultsB }),
    benchmarks: common.map((name) => {
      const inA = verdictsA.get(name) ?? new Map<string, Verdict>();
      const inB = verdictsB.get(name) ?? new Map<string, Verdict>();
      const rightToWrong: Comparison['benchmarks'][number]['rightToWrong'] = [];
      const wrongToRight: Comparison['benchmarks'][number]['wrongToRight'] = [];
      let paired = 0;
      for (const [key, va] of inA) {
        const vb = inB.get(key);
        if (vb === undefined) continue;
        paired++;
        if (va.correct === null || vb.correct === null || va.correct === vb.correct) continue;
        (va.correct ? rightToWrong : wrongToRight).push({ index: va.index, inputHash: va.inputHash, truth: va.truth ?? vb.truth, predictedA: va.predicted, predictedB: vb.predicted });
      }
      const benchA = resultsA?.benchmarks.find((x) => x.name === name);
      const benchB = resultsB?.benchmarks.find((x) => x.name === name);
      return {
        name,
        paired,
        unpaired: inA.size - paired + (inB.size - paired),
        metrics: metricDeltas(benchA, benchB),
        perClass: classDeltas(a, b, benchA, benchB),
        rightToWrong,
        wrongToRight,
      };
    }),
    onlyInA: namesA.filter((n) => !namesB.includes(n)),
    onlyInB: namesB.filter((n) => !namesA.includes(n)),
  };
}

function sharedClassifier(a: RunManifest, b: RunManifest): PredictionOutput | undefined {
  const outputsB = predictionOutputsOfBinding(b.outputs);
  return predictionOutputsOfBinding(a.outputs).find((o) => {
    const other = outputsB.find((x) => x.name === o.name);
    return (o.task === 'classification' || o.task === 'binary') && other?.task === o.task && other.groundTruth === o.groundTruth;
  });
}

/** Per benchmark, each sample's verdict keyed by index and input hash. */
async function verdicts(store: RunStore, manifest: RunManifest, output: PredictionOutput | undefined, benchmarks: readonly string[]): Promise<Map<string, Map<string, Verdict>>> {
  const byBenchmark = new Map(benchmarks.map((name) => [name, new Map<string, Verdict>()]));
  // Labels as this run names them, so a renamed class shows each run's name.
  const named = output === undefined ? undefined : predictionOutputsOfBinding(manifest.outputs).find((o) => o.name === output.name);
  const reader = store.recordReader(manifest);
  const visit = (record: SampleRecord) => {
    byBenchmark.get(record.benchmark)?.set(`${record.index}:${record.inputHash}`, verdictOf(record, named));
  };
  for await (const chunk of reader.chunks()) reader.forEach(chunk, visit);
  return byBenchmark;
}

function verdictOf(record: SampleRecord, output: PredictionOutput | undefined): Verdict {
  const verdict: Verdict = { index: record.index, inputHash: record.inputHash, truth: null, predicted: null, correct: null };
  if (output === undefined || record.error !== undefined) return verdict;
  const values = record.outputs[output.name];
  const truth = output.groundTruth === undefined ? undefined : record.groundTruths[output.groundTruth];
  const predicted = values === undefined || values.length === 0 ? undefined : decodePrediction(output, values).classIndex;
  const actual = truth === undefined ? undefined : trueClass(output, truth);
  if (predicted !== undefined) verdict.predicted = labelOf(output, predicted);
  if (actual !== undefined) verdict.truth = labelOf(output, actual);
  if (predicted !== undefined && actual !== undefined) verdict.correct = predicted === actual;
  return verdict;
}

/** Every scalar metric both benchmarks report, in a's order. */
function metricDeltas(a: BenchmarkResult | undefined, b: BenchmarkResult | undefined): MetricDelta[] {
  if (a === undefined || b === undefined) return [];
  const inB = scalarMetrics(b);
  return [...scalarMetrics(a)].filter(([metric]) => inB.has(metric)).map(([metric, value]) => delta(metric, value, inB.get(metric)!));
}

/** Precision, recall and F1 of each class both runs score, per classification or binary output both bind alike. */
function classDeltas(a: RunManifest, b: RunManifest, benchA: BenchmarkResult | undefined, benchB: BenchmarkResult | undefined): Comparison['benchmarks'][number]['perClass'] {
  if (benchA === undefined || benchB === undefined) return [];
  const outputsB = predictionOutputsOfBinding(b.outputs);
  return predictionOutputsOfBinding(a.outputs).flatMap((oa) => {
    const ob = outputsB.find((x) => x.name === oa.name && x.task === oa.task);
    if (ob === undefined) return [];
    const classes = (o: PredictionOutput, result: Record<string, unknown> | undefined) => {
      const size = Array.isArray(result?.confusion_matrix) ? result.confusion_matrix.length : 0;
      return classRowsOf(o, result, Array.from({ length: size }, (_, c) => labelOf(o, c)));
    };
    const rowsB = classes(ob, benchB.outputs[ob.name]);
    return classes(oa, benchA.outputs[oa.name]).flatMap((ra) => {
      const rb = rowsB.find((r) => r.label === ra.label);
      if (rb === undefined) return [];
      return [{ output: oa.name, label: ra.label, metrics: (['precision', 'recall', 'f1'] as const).map((m) => delta(m, ra[m], rb[m])) }];
    });
  });
}

function delta(metric: string, a: number | null, b: number | null): MetricDelta {
  return { metric, a, b, delta: a === null || b === null ? null : b - a };
}
