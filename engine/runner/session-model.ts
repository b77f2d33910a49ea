import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { editedModelBytes, tensorOutputs } from '../loader/bound-outputs';
import { writeFileAtomic } from '../runs/atomic-file';
import type { PreparedEvaluation, PreparedModel } from './prepare-evaluation';

const COPY = /^model\.[0-9a-f]{16}\.onnx$/;

/**
 * The model file a run's session opens: the bound model itself, or, when latents read tensors
 * of its graph, an edited copy in the run's folder. The copy is named after the model's hash
 * and the tensors, written atomically once and reused when the run resumes; it goes with the
 * run when the run is deleted. The run's recorded model hash stays the original file's.
 */
export async function runModelFile(prepared: PreparedEvaluation, runDir: string, model: PreparedModel = prepared.models.at(-1)!): Promise<string> {
  const def = prepared.integration.definition;
  const extra = tensorOutputs(def);
  if (extra.length === 0) return model.path;
  const copyOf = (m: PreparedModel) => `model.${createHash('sha256').update(`${m.hash}\0${JSON.stringify(extra)}`).digest('hex').slice(0, 16)}.onnx`;
  const file = path.join(runDir, copyOf(model));
  if (existsSync(file)) return file;
  const bytes = await editedModelBytes(model.path, def, model.signature);
  // A forced resume after the model changed leaves the old copy unused; the copies of a series' other checkpoints stay.
  const current = new Set(prepared.models.map(copyOf));
  for (const name of readdirSync(runDir)) if (COPY.test(name) && !current.has(name)) rmSync(path.join(runDir, name), { force: true });
  writeFileAtomic(file, bytes!);
  return file;
}

/** The file each model of the run opens, in the order of `prepared.models`. */
export async function runModelFiles(prepared: PreparedEvaluation, runDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const model of prepared.models) files.push(await runModelFile(prepared, runDir, model));
  return files;
}
