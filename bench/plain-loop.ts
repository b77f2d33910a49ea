/**
 * The baseline of the throughput benchmark: a plain loop calling onnxruntime's `session.run`
 * on pre-encoded batches, nothing else. Bundled and forked by run-bench.ts exactly as the
 * supervisor forks the runner (same node flags), and fed the same bytes as the runner: the
 * benchmark integration's upsampled digits, repeated, in the same batches.
 *
 * argv[2]: JSON of PlainLoopJob. Replies over IPC with a PlainLoopResult.
 */
import * as ort from 'onnxruntime-node';
import { loadDigits, rowOf, upsampleAll } from './fixtures/digits-big-data';

export interface PlainLoopJob {
  model: string;
  dataset: string;
  samples: number;
  batchSize: number;
  executionProviders: string[];
  /** onnxruntime's intra-op threads, as the eval config's intraOpThreads; default one per core. */
  intraOpThreads?: number;
  outputs: string[];
}

export interface PlainLoopResult {
  samples: number;
  /** Session creation (model load), ms. */
  sessionMs: number;
  /** The loop over every batch, ms. */
  loopMs: number;
  /** A checksum of the outputs, so the work cannot be skipped. */
  checksum: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as PlainLoopJob;
  const digits = loadDigits(job.dataset);
  const images = upsampleAll(digits);
  const rows = digits.x.map((_, i) => i);
  const perSample = images[0]!.length;

  // Pre-encode every batch before timing anything.
  const batches: { data: Float32Array; size: number }[] = [];
  for (let start = 0; start < job.samples; start += job.batchSize) {
    const size = Math.min(job.batchSize, job.samples - start);
    const data = new Float32Array(size * perSample);
    for (let i = 0; i < size; i++) data.set(images[rowOf(rows, start + i)]!, i * perSample);
    batches.push({ data, size });
  }

  const t0 = performance.now();
  const session = await ort.InferenceSession.create(job.model, { executionProviders: job.executionProviders, ...(job.intraOpThreads !== undefined && { intraOpNumThreads: job.intraOpThreads }) });
  const t1 = performance.now();
  let checksum = 0;
  for (const { data, size } of batches) {
    const results = await session.run({ image: new ort.Tensor('float32', data, [size, 1, 32, 32]) }, job.outputs);
    checksum += (results[job.outputs[0]!]!.data as Float32Array)[0]!;
  }
  const t2 = performance.now();
  await session.release();
  const result: PlainLoopResult = { samples: job.samples, sessionMs: t1 - t0, loopMs: t2 - t1, checksum };
  process.send!(result, undefined, undefined, () => process.disconnect());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
