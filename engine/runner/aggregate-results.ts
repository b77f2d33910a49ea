import type { ValidatedPrediction as PredictionOutput } from '../loader/definition-schema';
import type { BenchmarkResult, OutputBinding, RunResults, SampleRecord } from '../../shared/run-types';
import { BinaryAccumulator, MetricError, MulticlassAccumulator, MultilabelAccumulator, RegressionAccumulator, TextAccumulator, whitespaceTokenize } from '../metrics';
import { argmax, classProbabilitiesInto, independentProbabilities, positiveProbability, type Activation } from '../metrics/activations';
import { EvalensError } from '../errors';
import { CompensatedSum } from '../metrics/float';
import type { RunRecord } from '../runs/record-format';
import type { RecordReader } from '../runs/record-reader';
import type { RunStore } from '../runs/run-store';
import type { GateConfig } from '../config/eval-config';
import { evaluateGates } from './gates';

/** What the results are computed from besides the records: how the outputs are bound, and the gates (a PreparedEvaluation, or a run's manifest when shards are merged). */
export interface AggregatedEvaluation {
  readonly config: { readonly gates: readonly GateConfig[] };
  readonly integration: { readonly definition: { readonly model: { readonly outputs: Readonly<Record<string, OutputBinding>> } } };
}

type Accumulator = MulticlassAccumulator | BinaryAccumulator | MultilabelAccumulator | RegressionAccumulator | TextAccumulator;

interface BenchmarkTally {
  samples: number;
  errors: number;
  /** Samples the benchmark committed without an error: the size of its accumulators' per-sample arrays. */
  expected: number;
  outputs: Map<string, { task: PredictionOutput['task'] | 'text'; acc: Accumulator; row?: ProbabilityRow }>;
  means: Map<string, { sum: CompensatedSum; n: number }>;
}

/**
 * The run's results, streamed: the runner adds each record as it writes it (after replaying the
 * committed ones when it resumes), so every record is added exactly once, in order. The same
 * records give the same numbers, bit for bit, however often the run was interrupted: a record
 * read back from JSON holds exactly the numbers it was written from.
 */
export class ResultsAggregator {
  private readonly scored: [string, PredictionOutput][];
  private readonly texts: string[];
  private readonly tallies: Map<string, BenchmarkTally>;

  constructor(
    private readonly prepared: AggregatedEvaluation,
    benchmarks: readonly { name: string; total: number }[],
  ) {
    const outputs = Object.entries(prepared.integration.definition.model.outputs);
    this.scored = outputs.filter((entry): entry is [string, PredictionOutput] => entry[1].role === 'prediction' && entry[1].task !== 'text' && entry[1].groundTruth !== undefined);
    this.texts = outputs.filter(([, b]) => b.role === 'prediction' && b.task === 'text').map(([name]) => name);
    // Sized for every sample of the benchmark; errors only leave room unused.
    this.tallies = new Map(benchmarks.map((b) => [b.name, { samples: 0, errors: 0, expected: b.total, outputs: new Map(), means: new Map() }]));
  }

  /** Adds a record as written (float32 outputs still arrays) or as read back (numbers): the same values either way. */
  add(record: SampleRecord | RunRecord): void {
    const tally = this.tallies.get(record.benchmark)!;
    tally.samples++;
    if (record.error !== undefined) {
      tally.errors++;
      return;
    }
    for (const [name, binding] of this.scored) addPrediction(tally, name, binding, record);
    for (const name of this.texts) addText(tally, name, record);
    for (const name in record.metrics) addMean(tally, name, record.metrics[name]!);
    for (const name in record.losses) addMean(tally, name, record.losses[name]!);
  }

  /** Adds the committed records of a run being resumed, read back from its store. */
  async replay(reader: RecordReader): Promise<void> {
    // A chunk of records per await, each record visited here and dropped: nothing kept but the accumulators.
    for await (const chunk of reader.chunks()) reader.forEach(chunk, (record) => this.add(record));
  }

  results(store: RunStore, runId: string): RunResults {
    const benchmarks: BenchmarkResult[] = [...this.tallies].map(([name, tally]) => {
      const outputs: BenchmarkResult['outputs'] = {};
      let headline: Record<string, unknown> | undefined;
      let overallScore: number | null = null;
      for (const [output, { task, acc }] of tally.outputs) {
        if (acc.count === 0) continue;
        const result = acc.result() as unknown as Record<string, unknown>;
        outputs[output] = result;
        if (headline === undefined) {
          headline = result;
          overallScore = scoreOf(task, result);
        }
      }
      const metrics: Record<string, number | null> = {};
      for (const [key, value] of Object.entries(headline ?? {})) {
        if (typeof value === 'number' || value === null) metrics[key] = value;
      }
      for (const [key, { sum, n }] of tally.means) metrics[key] = sum.value / n;
      return { name, samples: tally.samples, errors: tally.errors, overallScore, metrics, outputs };
    });
    const scoredBenchmarks = benchmarks.filter((b) => b.overallScore !== null);
    const weight = scoredBenchmarks.reduce((n, b) => n + b.samples - b.errors, 0);
    const overallScore = weight === 0 ? null : scoredBenchmarks.reduce((s, b) => s + b.overallScore! * (b.samples - b.errors), 0) / weight;
    const results: RunResults = { runId, overallScore, benchmarks, gates: [] };
    results.gates = evaluateGates(this.prepared.config.gates, results, store);
    return results;
  }
}

/**
 * The overall score of a benchmark, one number to rank runs by: accuracy for classification,
 * ROC AUC for binary (accuracy when only one class is present), micro-averaged F1 for
 * multilabel (subset accuracy nears 0 as labels grow), R² for regression.
 */
export function scoreOf(task: PredictionOutput['task'] | 'text', result: Record<string, unknown>): number | null {
  const pick = (key: string) => (typeof result[key] === 'number' ? (result[key] as number) : null);
  switch (task) {
    case 'classification':
      return pick('accuracy');
    case 'binary':
      return pick('roc_auc') ?? pick('accuracy');
    case 'regression':
      return pick('r2');
    case 'text':
      return pick('corpus_bleu4');
    case 'multilabel':
      return pick('f1_micro');
  }
}

function addText(tally: BenchmarkTally, name: string, record: SampleRecord | RunRecord): void {
  const text = record.texts?.[name];
  if (text === undefined) return;
  let entry = tally.outputs.get(name);
  if (entry === undefined) {
    entry = { task: 'text', acc: new TextAccumulator() };
    tally.outputs.set(name, entry);
  }
  (entry.acc as TextAccumulator).add(whitespaceTokenize(text.hypothesis), text.references.map(whitespaceTokenize));
}

function addMean(tally: BenchmarkTally, name: string, value: number): void {
  let mean = tally.means.get(name);
  if (mean === undefined) {
    mean = { sum: new CompensatedSum(), n: 0 };
    tally.means.set(name, mean);
  }
  mean.sum.add(value);
  mean.n++;
}

function addPrediction(tally: BenchmarkTally, name: string, binding: PredictionOutput, record: SampleRecord | RunRecord): void {
  const values = record.outputs[name];
  const truth = record.groundTruths[binding.groundTruth!];
  if (values === undefined || truth === undefined) return;
  let entry = tally.outputs.get(name);
  if (entry === undefined) {
    const expectedSamples = tally.expected;
    const acc =
      binding.task === 'classification'
        ? new MulticlassAccumulator({ numClasses: values.length, expectedSamples })
        : binding.task === 'binary'
          ? new BinaryAccumulator({ expectedSamples })
          : binding.task === 'multilabel'
            ? new MultilabelAccumulator({ numLabels: values.length, thresholds: binding.threshold, expectedSamples })
            : new RegressionAccumulator({ outputs: values.length });
    entry = { task: binding.task, acc, row: binding.task === 'classification' ? new ProbabilityRow() : undefined };
    tally.outputs.set(name, entry);
  }
  const { acc } = entry;
  if (acc instanceof MulticlassAccumulator) {
    acc.add(entry.row!.of(values, binding.activation), truth.length === 1 ? truth[0]! : argmax(truth));
  } else if (acc instanceof BinaryAccumulator) {
    acc.add(positiveProbability(values, binding.activation), truth[0] === 1 ? 1 : 0);
  } else if (acc instanceof MultilabelAccumulator) {
    addLabels(acc, name, binding, record, values, truth);
  } else if (acc instanceof RegressionAccumulator) {
    acc.add(values, truth);
  }
}

/** A multilabel sample, its probabilities in float32 as the output's; a row it cannot score names the output, benchmark and sample. */
function addLabels(acc: MultilabelAccumulator, name: string, binding: PredictionOutput, record: SampleRecord | RunRecord, values: ArrayLike<number>, truth: ArrayLike<number>): void {
  try {
    acc.add(Float32Array.from(independentProbabilities(Array.from(values), binding.activation)), truth);
  } catch (error) {
    if (!(error instanceof MetricError)) throw error;
    const reason = error.message.replace(/^Sample \d+: /, '');
    throw new EvalensError('script-runtime', `Output '${name}' (multilabel) cannot be scored at sample ${record.index} of benchmark '${record.benchmark}': ${reason} Fix the ground-truth encoder '${binding.groundTruth}' or the binding, then run the integration test.`, { sample: record.index });
  }
}

/** An output's row of class probabilities, reused from sample to sample: the accumulator copies what it keeps. */
class ProbabilityRow {
  private out = new Float32Array(0);
  private scratch = new Float64Array(0);

  /** As Float32Array.from(classProbabilities(values, activation)); valid until the next call. */
  of(values: ArrayLike<number>, activation: Activation): Float32Array {
    // A row of another length gets buffers of its own length, for the accumulator to reject with its own message.
    if (this.out.length !== values.length) {
      this.out = new Float32Array(values.length);
      this.scratch = new Float64Array(values.length);
    }
    return classProbabilitiesInto(values, activation, this.out, this.scratch);
  }
}
