import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only file whose valid length is recorded elsewhere (in the run manifest) at each
 * checkpoint. Opening it cuts away whatever lies past that length: a torn write or data of
 * samples that were never committed, which the resumed run then redoes exactly once.
 */
export class AppendLog {
  private readonly fd: number;
  private pending: Uint8Array[] = [];
  private committed: number;

  constructor(readonly file: string, committedBytes: number) {
    this.fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
    const size = fstatSync(this.fd).size;
    if (size < committedBytes) {
      closeSync(this.fd);
      throw new Error(`${file} holds ${size} bytes but its last checkpoint recorded ${committedBytes}: the file was truncated or replaced outside Evalens`);
    }
    if (size > committedBytes) ftruncateSync(this.fd, committedBytes);
    this.committed = committedBytes;
  }

  /**
   * Queues data for the next flush; nothing is written before it. Text is encoded now: held
   * as buffers outside the JS heap, a second's worth of records costs the garbage collector nothing.
   */
  append(data: Uint8Array | string): void {
    this.pending.push(typeof data === 'string' ? Buffer.from(data) : data);
  }

  /** Writes pending data at the committed end and forces it to disk; returns the new length. */
  flush(): number {
    if (this.pending.length > 0) {
      const data = Buffer.concat(this.pending);
      let offset = 0;
      while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset, this.committed + offset);
      this.committed += data.length;
      this.pending = [];
    }
    fsyncSync(this.fd);
    return this.committed;
  }

  close(): void {
    closeSync(this.fd);
  }
}

