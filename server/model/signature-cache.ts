import { statSync } from 'node:fs';
import { isEvalensError, type EvalensError } from '../../engine/errors';
import { readModelSignatureSync, type ModelSignature } from '../../engine/onnx/model-signature';

export type SignatureResult = { ok: true; signature: ModelSignature } | { ok: false; error: EvalensError };

/**
 * ONNX signatures by absolute path, re-read when the file's mtime or size changes (checked on
 * every lookup, so a re-exported model is seen even by clients that send no file events)
 * or when a watched-file event invalidates it.
 */
export class SignatureCache {
  private readonly entries = new Map<string, { stamp: string; result: SignatureResult }>();

  get(file: string): SignatureResult {
    const stamp = stampOf(file);
    const cached = this.entries.get(file);
    if (cached !== undefined && cached.stamp === stamp) return cached.result;
    const result = read(file);
    this.entries.set(file, { stamp, result });
    return result;
  }

  invalidate(file: string): void {
    this.entries.delete(file);
  }

  has(file: string): boolean {
    return this.entries.has(file);
  }
}

function read(file: string): SignatureResult {
  try {
    return { ok: true, signature: readModelSignatureSync(file) };
  } catch (error) {
    if (isEvalensError(error)) return { ok: false, error };
    throw error;
  }
}

function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}
