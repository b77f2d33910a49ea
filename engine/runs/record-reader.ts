import { open } from 'node:fs/promises';
import type { SampleRecord } from '../../shared/run-types';
import { EvalensError } from '../errors';
import { decodeOutputs } from './record-format';
import { sampleRecordProblem } from './sample-record-check';

/** Bytes read from the file at once. */
const READ_BYTES = 1 << 20;
/**
 * Bytes of text handed out at once: below V8's large-object size, so that a chunk's string
 * is allocated young and dies young, whatever the length of the run.
 */
const CHUNK_BYTES = 64 << 10;

/**
 * Reads back the committed records of a run, one pass in order: the committed byte range in
 * large reads, handed out as chunks of whole lines, which `forEach` parses. The caller loops
 * over the records synchronously, without an await or a kept object per record.
 */
export class RecordReader {
  private line = 0;

  constructor(
    private readonly runId: string,
    private readonly file: string,
    private readonly length: number,
  ) {}

  /** The text of the committed lines, a chunk of whole lines at a time. */
  async *chunks(): AsyncGenerator<string> {
    if (this.length === 0) return;
    const handle = await open(this.file, 'r');
    try {
      let buffer = Buffer.allocUnsafe(READ_BYTES);
      let held = 0;
      let position = 0;
      while (position < this.length) {
        if (held === buffer.length) {
          // One line longer than the buffer: keep reading it.
          const larger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(larger);
          buffer = larger;
        }
        const { bytesRead } = await handle.read(buffer, held, Math.min(buffer.length - held, this.length - position), position);
        if (bytesRead === 0) throw new EvalensError('run-corrupt', `Run ${this.runId}: ${this.file} became shorter than its last checkpoint while it was read. Delete the run and evaluate again.`);
        position += bytesRead;
        held += bytesRead;
        // Whole lines only, but all that is left at the end of the range: a torn last line then fails its check.
        const end = position === this.length ? held : buffer.lastIndexOf(10, held - 1) + 1;
        let start = 0;
        while (start < end) {
          let cut = Math.min(start + CHUNK_BYTES, end);
          if (cut < end) {
            const before = buffer.lastIndexOf(10, cut - 1);
            if (before >= start) {
              cut = before + 1;
            } else {
              // One line longer than a chunk: the chunk ends with it.
              const after = buffer.indexOf(10, cut);
              cut = after >= 0 ? after + 1 : end;
            }
          }
          yield buffer.toString('utf8', start, cut);
          start = cut;
        }
        buffer.copy(buffer, 0, end, held);
        held -= end;
      }
    } finally {
      await handle.close();
    }
  }

  /** Parses and checks each line of a chunk, in order; chunks must come in the order chunks() yields them. */
  forEach(chunk: string, visit: (record: SampleRecord) => void): void {
    let start = 0;
    while (start < chunk.length) {
      let end = chunk.indexOf('\n', start);
      if (end < 0) end = chunk.length;
      this.line++;
      visit(this.parse(chunk.slice(start, end)));
      start = end + 1;
    }
  }

  private parse(text: string): SampleRecord {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.corrupt('not JSON: a torn or edited line');
    }
    if (typeof value === 'object' && value !== null && 'outputs' in value && typeof value.outputs === 'object' && value.outputs !== null) {
      const outputs = decodeOutputs(value.outputs as Record<string, unknown>);
      if (outputs === undefined) throw this.corrupt('an output is not base64 of float32 values');
      value.outputs = outputs;
    }
    const problem = sampleRecordProblem(value);
    if (problem !== undefined) throw this.corrupt(problem);
    return value as SampleRecord;
  }

  private corrupt(problem: string): EvalensError {
    return new EvalensError('run-corrupt', `Run ${this.runId}: line ${this.line} of ${this.file} is not a valid sample record (${problem}). Delete the run and evaluate again.`);
  }
}
