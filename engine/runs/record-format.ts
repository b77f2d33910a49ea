import type { SampleRecord } from '../../shared/run-types';

/**
 * A sample record as the runner builds it: float32 outputs still as the model returned them.
 * On disk (records.jsonl) each is the base64 of its little-endian float32 bytes: exact, a
 * third the size of the numbers printed in full, and several times cheaper to write and read
 * for a runner that writes one record per sample beside the model. Other outputs stay numbers.
 */
export type RunRecord = Omit<SampleRecord, 'outputs'> & { outputs: Record<string, Float32Array | number[]> };

/** One line of records.jsonl. */
export function recordLine(record: RunRecord): string {
  const outputs: Record<string, string | number[]> = {};
  for (const name in record.outputs) {
    const values = record.outputs[name]!;
    outputs[name] = values instanceof Float32Array ? Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') : values;
  }
  return `${JSON.stringify({ ...record, outputs })}\n`;
}

/**
 * The outputs of a record read back, as numbers; undefined when one is a string that is not
 * base64 of whole float32 values (the line was edited or torn).
 */
export function decodeOutputs(outputs: Record<string, unknown>): Record<string, unknown> | undefined {
  const decoded: Record<string, unknown> = {};
  for (const name in outputs) {
    const value = outputs[name];
    if (typeof value !== 'string') {
      decoded[name] = value;
      continue;
    }
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length % 4 !== 0 || bytes.toString('base64') !== value) return undefined;
    const floats = new Float32Array(bytes.length / 4);
    new Uint8Array(floats.buffer).set(bytes);
    decoded[name] = Array.from(floats);
  }
  return decoded;
}
