import path from 'node:path';
import type { RunManifest } from '../../shared/run-types';
import { EvalensError } from '../errors';
import type { OutputArray } from '../inference/onnx-session';
import { boundOutputNames } from '../loader/bound-outputs';
import type { OnnxElementType } from '../onnx/model-signature';
import type { RunStore } from '../runs/run-store';
import type { PreparedEvaluation } from './prepare-evaluation';

/*
 * `evalens eval --reuse <runId>`: a new run that takes the model outputs of a completed run
 * instead of running the model, so that edited metadata, metrics, losses or gates cost a pass
 * over the data, not an evaluation. A sample takes them only when the run holds a sample with
 * the same input hash (the bytes the model was fed) and the same model; any other sample runs
 * through the model as usual.
 */

/** How records.jsonl keeps a prediction output other than float32 (numbers), by element type: typed arrays that hold those numbers exactly. */
const NUMBER_ARRAYS: Partial<Record<OnnxElementType, (values: number[]) => OutputArray | undefined>> = {
  float32: (values) => Float32Array.from(values),
  int32: (values) => Int32Array.from(values),
  uint8: (values) => Uint8Array.from(values),
  bool: (values) => Uint8Array.from(values),
  // A value past 2^53 was rounded when the record was written: that sample runs the model again.
  int64: (values) => (values.every(Number.isSafeInteger) ? BigInt64Array.from(values, BigInt) : undefined),
};

/**
 * Checks, before a run is created, that run `sourceId` can lend its outputs to `prepared`:
 * a completed evaluation of the same model that kept every output the integration now binds,
 * in full. Throws an EvalensError naming what stands in the way.
 */
export function checkReuse(store: RunStore, sourceId: string, prepared: PreparedEvaluation): RunManifest {
  const source = store.read(sourceId);
  const refuse = (why: string, fix = 'Evaluate without --reuse.') => new EvalensError('usage', `Cannot reuse the model outputs of run ${sourceId}: ${why} ${fix}`);
  if (source.kind !== 'evaluation') throw refuse(`it is ${source.kind === 'integration-test' ? 'an integration test' : `a ${source.kind}`}, not an evaluation.`, 'Name an evaluation run (evalens runs list --kind evaluation).');
  if (source.status !== 'completed') throw refuse(`it is ${source.status}, not completed.`, `Resume it first (evalens resume ${sourceId}), or evaluate without --reuse.`);
  if (prepared.models.length > 1) throw refuse('a checkpoint series has no single model to take outputs from or for.');
  if (source.hashes.model !== prepared.hashes.model) {
    const shown = (file: string | undefined) => (file === undefined ? 'another model' : path.relative(process.cwd(), file) || file);
    throw refuse(`it evaluated ${shown(source.modelPath)} (sha256 ${source.hashes.model.slice(0, 12)}…), and this config evaluates ${shown(prepared.modelPath)} (sha256 ${prepared.hashes.model.slice(0, 12)}…): another model gives other outputs.`);
  }
  const def = prepared.integration.definition;
  for (const name of boundOutputNames(def, prepared.signature)) {
    const kept = source.outputs[name];
    const binding = def.model.outputs[name]!;
    if (kept === undefined) throw refuse(`the integration now binds output '${name}', which that run did not record.`);
    if (kept.role === 'prediction' && kept.task === 'text') throw refuse(`output '${name}' was decoded as text there: a run keeps the decoded text, not the model's values, so it cannot be decoded or scored again.`);
    const tensor = binding.role === 'latent' ? binding.tensor : undefined;
    if (kept.role === 'latent' && kept.tensor !== tensor) throw refuse(`latent '${name}' read ${kept.tensor === undefined ? 'the model output' : `tensor '${kept.tensor}'`} there and now reads ${tensor === undefined ? 'the model output' : `tensor '${tensor}'`}.`);
    const type = elementType(prepared, name, tensor);
    // Latent rows are kept as float32, the type the analysis reads them as (a tensor's type may be unrecorded).
    if (kept.role === 'latent' ? type !== 'float32' && type !== 'unknown' : NUMBER_ARRAYS[type] === undefined) throw refuse(`output '${name}' is ${type}, which a run does not keep in a form it can be read back from exactly.`);
  }
  return source;
}

/** The outputs of a completed run's samples, by input hash, for a run that reuses them. */
export class ReusedOutputs {
  private constructor(
    readonly runId: string,
    private readonly byHash: Map<string, Map<string, OutputArray>>,
  ) {}

  /** Reads every sample of run `sourceId` that has all of `outputNames`; samples that failed there are left out. */
  static async load(store: RunStore, sourceId: string, prepared: PreparedEvaluation, outputNames: readonly string[]): Promise<ReusedOutputs> {
    if (!store.exists(sourceId)) throw new EvalensError('run-not-found', `This run takes model outputs from run ${sourceId}, which no longer exists in ${store.root}. Start a new evaluation, without --reuse or reusing another run.`);
    const source = store.read(sourceId);
    const def = prepared.integration.definition;
    const latents = new Map<string, { dim: number; data: Float32Array }>();
    const fromRecord = new Map<string, (values: number[]) => OutputArray | undefined>();
    for (const name of outputNames) {
      if (source.outputs[name]!.role === 'latent') {
        const rows = store.embeddings(source, name);
        if (rows !== undefined) latents.set(name, rows);
      } else {
        const binding = def.model.outputs[name]!;
        fromRecord.set(name, NUMBER_ARRAYS[elementType(prepared, name, binding.role === 'latent' ? binding.tensor : undefined)]!);
      }
    }
    const byHash = new Map<string, Map<string, OutputArray>>();
    const reader = store.recordReader(source);
    for await (const chunk of reader.chunks()) {
      reader.forEach(chunk, (record) => {
        if (record.error !== undefined || byHash.has(record.inputHash)) return;
        const outputs = new Map<string, OutputArray>();
        for (const name of outputNames) {
          const latent = latents.get(name);
          let values: OutputArray | undefined;
          if (latent !== undefined) {
            if (record.embeddingRow !== undefined) values = latent.data.subarray(record.embeddingRow * latent.dim, (record.embeddingRow + 1) * latent.dim);
          } else {
            const numbers = record.outputs[name];
            if (numbers !== undefined) values = fromRecord.get(name)?.(numbers);
          }
          if (values === undefined) return;
          outputs.set(name, values);
        }
        byHash.set(record.inputHash, outputs);
      });
    }
    return new ReusedOutputs(sourceId, byHash);
  }

  /** The outputs of the sample with this input hash, or undefined when the run has none. */
  get(inputHash: string): ReadonlyMap<string, OutputArray> | undefined {
    return this.byHash.get(inputHash);
  }
}

function elementType(prepared: PreparedEvaluation, name: string, tensor: string | undefined): OnnxElementType {
  const { signature } = prepared;
  const info = tensor === undefined ? signature.outputs.find((o) => o.name === name) : signature.values.find((v) => v.name === tensor);
  return info?.elementType ?? 'unknown';
}
