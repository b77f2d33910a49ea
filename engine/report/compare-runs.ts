import { lowerIsBetter } from '../../shared/metric-direction';
import type { Comparison, DeltaInterval, McNemar, MetricDelta } from '../../shared/report-data';
import type { BenchmarkResult, RunManifest, SampleRecord } from '../../shared/run-types';
import type { RunStore } from '../runs/run-store';
import { classRowsOf } from './class-rows';
import { scalarMetrics } from './export-run';
import { mcnemarExact } from './mcnemar';
import { bootstrapDeltas, classificationScorer, DEFAULT_BOOTSTRAP, regressionScorer, type BootstrapOptions, type PairedScorer } from './paired-bootstrap';
import { decodePrediction, labelOf, predictionOutputsOfBinding, trueClass, type PredictionOutput } from './prediction-outputs';
import { runSummary } from './run-summary';

/** What a run said about one sample, for telling right from wrong. */
interface Verdict {
  index: number;
  inputHash: string;
  truth: string | null;
  predicted: string | null;
  correct: boolean | null;
  /** Class indices of the truth and the prediction, where `correct` is known. */
  truthClass?: number;
  predictedClass?: number;
  /** Per value of the shared regression output: |error| and error², where the sample has both prediction and target. */
  absoluteErrors?: number[];
  squaredErrors?: number[];
}

/**
 * Run `b` beside run `a`: for each benchmark both have, the change of every scalar metric
 * both report and of each class's precision, recall and F1, and the samples that went from
 * right to wrong and back. A sample is the same in both runs only when its index and its
 * input hash agree (the data may have changed between runs); any other is counted unpaired.
 * On the paired samples: McNemar's exact test of their correctness and bootstrap intervals
 * of the headline metrics' deltas (engine/report/mcnemar.ts, paired-bootstrap.ts).
 */
export async function compareRuns(store: RunStore, a: RunManifest, b: RunManifest, bootstrap: BootstrapOptions = DEFAULT_BOOTSTRAP): Promise<Comparison> {
  const resultsA = store.readResults(a.runId);
  const resultsB = store.readResults(b.runId);
  const namesA = a.benchmarks.map((x) => x.name);
  const namesB = b.benchmarks.map((x) => x.name);
  const common = namesA.filter((n) => namesB.includes(n));
  // Right and wrong are read from the first classification output both runs bind alike: the headline one.
  const output = sharedClassifier(a, b);
  const regression = sharedOutput(a, b, (task) => task === 'regression');
  const losses = new Set<string>();
  const verdictsA = await verdicts(store, a, output, regression, common, losses);
  const verdictsB = await verdicts(store, b, output, regression, common, losses);
  const notes: string[] = [];
  if (output === undefined) {
    notes.push(
      `No McNemar test and no accuracy or F1 intervals: the runs share no classification or binary output scored against the same ground truth ` +
        `(A: ${outputList(a)}; B: ${outputList(b)}). The metric deltas are those of each run's results.`,
    );
  }

  const comparison: Comparison = {
    a: runSummary(store, a, { results: resultsA }),
    b: runSummary(store, b, { results: resultsB }),
    benchmarks: common.map((name) => {
      const inA = verdictsA.get(name) ?? new Map<string, Verdict>();
      const inB = verdictsB.get(name) ?? new Map<string, Verdict>();
      const rightToWrong: Comparison['benchmarks'][number]['rightToWrong'] = [];
      const wrongToRight: Comparison['benchmarks'][number]['wrongToRight'] = [];
      const pairs: [Verdict, Verdict][] = [];
      for (const [key, va] of inA) {
        const vb = inB.get(key);
        if (vb === undefined) continue;
        pairs.push([va, vb]);
        if (va.correct === null || vb.correct === null || va.correct === vb.correct) continue;
        (va.correct ? rightToWrong : wrongToRight).push({ index: va.index, inputHash: va.inputHash, truth: va.truth ?? vb.truth, predictedA: va.predicted, predictedB: vb.predicted });
      }
      const benchA = resultsA?.benchmarks.find((x) => x.name === name);
      const benchB = resultsB?.benchmarks.find((x) => x.name === name);
      const scored = output === undefined ? [] : pairs.filter(([va, vb]) => va.correct !== null && vb.correct !== null);
      let mcnemar: McNemar | null = null;
      if (output !== undefined && scored.length === 0) notes.push(`Benchmark '${name}': no paired sample has a prediction and a label in both runs, so there is no McNemar test.`);
      if (output !== undefined && scored.length > 0) {
        mcnemar = { output: output.name, samples: scored.length, b: rightToWrong.length, c: wrongToRight.length, pValue: mcnemarExact(rightToWrong.length, wrongToRight.length) };
      }
      return {
        name,
        paired: pairs.length,
        unpaired: inA.size - pairs.length + (inB.size - pairs.length),
        metrics: metricDeltas(benchA, benchB, losses),
        perClass: classDeltas(a, b, benchA, benchB),
        rightToWrong,
        wrongToRight,
        mcnemar,
        intervals: intervals(output, regression, scored, pairs, bootstrap),
      };
    }),
    onlyInA: namesA.filter((n) => !namesB.includes(n)),
    onlyInB: namesB.filter((n) => !namesA.includes(n)),
    bootstrap: { ...bootstrap },
    notes,
  };
  return comparison;
}

/** Bootstrap intervals of accuracy and F1 on the samples both runs scored, and of MAE and RMSE on those both predicted with a target. */
function intervals(
  output: PredictionOutput | undefined,
  regression: PredictionOutput | undefined,
  scored: readonly [Verdict, Verdict][],
  pairs: readonly [Verdict, Verdict][],
  options: BootstrapOptions,
): DeltaInterval[] {
  const result: DeltaInterval[] = [];
  if (output !== undefined && scored.length > 0) {
    const task = output.task === 'binary' ? 'binary' : 'classification';
    const column = (pick: (pair: readonly [Verdict, Verdict]) => number) => Int32Array.from(scored, pick);
    const predictedA = column(([va]) => va.predictedClass!);
    const predictedB = column(([, vb]) => vb.predictedClass!);
    const truthA = column(([va]) => va.truthClass!);
    const truthB = column(([, vb]) => vb.truthClass!);
    // Every class the output names counts in the macro average, as in the runs' results, even one no paired sample has.
    const classes = task === 'binary' ? 2 : [predictedA, predictedB, truthA, truthB].reduce((n, x) => x.reduce((m, c) => Math.max(m, c + 1), n), output.labels?.length ?? 0);
    result.push(...bootstrapDeltas(scored.length, [classificationScorer(output.name, task, classes, truthA, truthB, predictedA, predictedB)], options));
  }
  const measured = regression === undefined ? [] : pairs.filter(([va, vb]) => va.absoluteErrors !== undefined && vb.absoluteErrors?.length === va.absoluteErrors.length);
  if (regression !== undefined && measured.length > 0) {
    const values = measured[0]![0].absoluteErrors!.length;
    const flat = (pick: (pair: readonly [Verdict, Verdict]) => number[]) => Float64Array.from(measured.flatMap(pick));
    const scorer: PairedScorer = regressionScorer(
      regression.name,
      values,
      flat(([va]) => va.absoluteErrors!),
      flat(([va]) => va.squaredErrors!),
      flat(([, vb]) => vb.absoluteErrors!),
      flat(([, vb]) => vb.squaredErrors!),
    );
    result.push(...bootstrapDeltas(measured.length, [scorer], options));
  }
  return result;
}

function outputList(manifest: RunManifest): string {
  const outputs = predictionOutputsOfBinding(manifest.outputs);
  return outputs.length === 0 ? 'no prediction output' : outputs.map((o) => `${o.name} (${o.task})`).join(', ');
}

function sharedClassifier(a: RunManifest, b: RunManifest): PredictionOutput | undefined {
  return sharedOutput(a, b, (task) => task === 'classification' || task === 'binary');
}

/** The first prediction output of a task `wanted` accepts that both runs bind alike (same name, task and ground truth). */
function sharedOutput(a: RunManifest, b: RunManifest, wanted: (task: PredictionOutput['task']) => boolean): PredictionOutput | undefined {
  const outputsB = predictionOutputsOfBinding(b.outputs);
  return predictionOutputsOfBinding(a.outputs).find((o) => {
    const other = outputsB.find((x) => x.name === o.name);
    return wanted(o.task) && other?.task === o.task && o.groundTruth !== undefined && other.groundTruth === o.groundTruth;
  });
}

/** Per benchmark, each sample's verdict keyed by index and input hash. */
async function verdicts(
  store: RunStore,
  manifest: RunManifest,
  output: PredictionOutput | undefined,
  regression: PredictionOutput | undefined,
  benchmarks: readonly string[],
  losses: Set<string>,
): Promise<Map<string, Map<string, Verdict>>> {
  const byBenchmark = new Map(benchmarks.map((name) => [name, new Map<string, Verdict>()]));
  // Labels as this run names them, so a renamed class shows each run's name.
  const named = output === undefined ? undefined : predictionOutputsOfBinding(manifest.outputs).find((o) => o.name === output.name);
  const reader = store.recordReader(manifest);
  const visit = (record: SampleRecord) => {
    for (const loss in record.losses) losses.add(loss);
    const verdict = verdictOf(record, named);
    if (regression !== undefined) addErrors(verdict, record, regression);
    byBenchmark.get(record.benchmark)?.set(`${record.index}:${record.inputHash}`, verdict);
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
  if (predicted !== undefined && actual !== undefined) {
    verdict.correct = predicted === actual;
    verdict.truthClass = actual;
    verdict.predictedClass = predicted;
  }
  return verdict;
}

/** Each value's error as the engine's RegressionAccumulator takes it (target − prediction). */
function addErrors(verdict: Verdict, record: SampleRecord, output: PredictionOutput): void {
  const values = record.outputs[output.name];
  const truth = record.groundTruths[output.groundTruth!];
  if (record.error !== undefined || values === undefined || truth === undefined || values.length === 0 || values.length !== truth.length) return;
  const errors = values.map((v, j) => truth[j]! - v);
  verdict.absoluteErrors = errors.map(Math.abs);
  verdict.squaredErrors = errors.map((e) => e * e);
}

/** Every scalar metric both benchmarks report, in a's order; losses and errors marked (the integration's `losses` as recorded). */
function metricDeltas(a: BenchmarkResult | undefined, b: BenchmarkResult | undefined, losses: ReadonlySet<string>): MetricDelta[] {
  if (a === undefined || b === undefined) return [];
  const inB = scalarMetrics(b);
  return [...scalarMetrics(a)]
    .filter(([metric]) => inB.has(metric))
    .map(([metric, value]) => ({ ...delta(metric, value, inB.get(metric)!), ...(lowerIsBetter(metric, losses) ? { lowerIsBetter: true } : {}) }));
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
