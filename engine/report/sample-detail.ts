import type { SampleDetail } from '../../shared/report-data';
import type { RunManifest, SampleRecord } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { classProbabilities, independentProbabilities, positiveProbability } from '../metrics/activations';
import type { RunStore } from '../runs/run-store';
import { labelOf, predictionOutputsOfBinding } from './prediction-outputs';

/**
 * One sample of a run for the report's sample detail: the class probabilities of each
 * classification, binary and multilabel output. What the integration draws of the sample
 * needs its script and is added by the caller (`evalens draw`); `visuals` is empty here.
 */
export async function sampleDetail(store: RunStore, manifest: RunManifest, benchmark: string, position: number): Promise<SampleDetail> {
  const progress = manifest.benchmarks.find((b) => b.name === benchmark);
  if (progress === undefined) {
    throw new EvalensError('usage', `Run ${manifest.runId} has no benchmark '${benchmark}'; its benchmarks are ${manifest.benchmarks.map((b) => `'${b.name}'`).join(', ')}.`);
  }
  if (!Number.isInteger(position) || position < 0 || position >= progress.done) {
    throw new EvalensError('usage', `Benchmark '${benchmark}' of run ${manifest.runId} has recorded samples at positions 0 to ${progress.done - 1}; ${position} is not one of them.`);
  }
  const record = await findRecord(store, manifest, benchmark, position);
  if (record === undefined) {
    throw new EvalensError('run-corrupt', `Run ${manifest.runId} counts ${progress.done} samples of benchmark '${benchmark}', but its records hold none at position ${position}. Delete the run and evaluate again.`);
  }
  const probabilities = predictionOutputsOfBinding(manifest.outputs).flatMap((output) => {
    const values = record.outputs[output.name];
    if (values === undefined || values.length === 0) return [];
    const perClass =
      output.task === 'classification'
        ? classProbabilities(values, output.activation)
        : output.task === 'binary'
          ? [1 - positiveProbability(values, output.activation), positiveProbability(values, output.activation)]
          : output.task === 'multilabel'
            ? independentProbabilities(values, output.activation)
            : undefined;
    return perClass === undefined ? [] : [{ output: output.name, classes: perClass.map((probability, c) => ({ label: labelOf(output, c), probability })) }];
  });
  return { runId: manifest.runId, benchmark, position, index: record.index, probabilities, visuals: [] };
}

/** The record of one sample: read up to it and no further (records are in benchmark and position order). */
async function findRecord(store: RunStore, manifest: RunManifest, benchmark: string, position: number): Promise<SampleRecord | undefined> {
  const reader = store.recordReader(manifest);
  let found: SampleRecord | undefined;
  for await (const chunk of reader.chunks()) {
    reader.forEach(chunk, (record) => {
      if (found === undefined && record.benchmark === benchmark && record.position === position) found = record;
    });
    if (found !== undefined) break;
  }
  return found;
}
