/**
 * What makes a parsed line not a SampleRecord, or undefined when it is one: the checks of
 * sampleRecordSchema written out by hand. Every record of a run is read back after the run,
 * and there zod would cost more than the JSON parse. Unlike zod, unknown keys are kept.
 * Keep in step with sampleRecordSchema (test/engine/record-reader.test.ts compares the two).
 */
export function sampleRecordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.benchmark !== 'string') return 'benchmark is not a string';
  if (!isCount(r.position)) return 'position is not a non-negative integer';
  if (!isCount(r.index)) return 'index is not a non-negative integer';
  if (typeof r.inputHash !== 'string') return 'inputHash is not a string';
  for (const key of ['outputs', 'groundTruths'] as const) {
    if (!isRecordOf(r[key], isNumberArray)) return `${key} is not an object of number arrays`;
  }
  if (!isRecordOf(r.metadata, isMetadataValue)) return 'metadata is not an object of numbers, strings and booleans';
  for (const key of ['metrics', 'losses'] as const) {
    if (!isRecordOf(r[key], isNumber)) return `${key} is not an object of numbers`;
  }
  if (r.texts !== undefined && !isRecordOf(r.texts, isText)) return 'texts is not an object of { hypothesis, references }';
  if (r.embeddingRow !== undefined && !isCount(r.embeddingRow)) return 'embeddingRow is not a non-negative integer';
  if (r.error !== undefined && !(isObject(r.error) && typeof r.error.component === 'string' && typeof r.error.message === 'string')) {
    return 'error is not a { component, message }';
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecordOf(value: unknown, isValue: (v: unknown) => boolean): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (!isValue(value[key])) return false;
  return true;
}

/** zod's z.number(): finite (JSON.parse gives Infinity for 1e999). */
function isNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

/** zod's z.number().int().nonnegative(): a safe integer, at least 0. */
function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isNumberArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!isNumber(value[i])) return false;
  return true;
}

function isMetadataValue(value: unknown): boolean {
  return isNumber(value) || typeof value === 'string' || typeof value === 'boolean';
}

function isText(value: unknown): boolean {
  return isObject(value) && typeof value.hypothesis === 'string' && Array.isArray(value.references) && value.references.every((ref) => typeof ref === 'string');
}
