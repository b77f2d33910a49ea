import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only file whose valid length is recorded elsewhere (in the run manifest) at each
 * checkpoint. Opening it cuts away whatever lies past that length: a torn write or data of
 * samples that were never committed, which the resumed run then redoes exactly once.
 */
export class AppendLog {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
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

  append(data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
  }

  /** Length the file will have once pending data is flushed. */
  get length(): number {
    return this.committed + this.pendingBytes;
  }

  /** Writes pending data at the committed end and forces it to disk; returns the new length. */
  flush(): number {
    if (this.pendingBytes > 0) {
      const data = Buffer.concat(this.pending, this.pendingBytes);
      let offset = 0;
      while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset, this.committed + offset);
      this.committed += data.length;
      this.pending = [];
      this.pendingBytes = 0;
    }
    fsyncSync(this.fd);
    return this.committed;
  }

  close(): void {
    closeSync(this.fd);
  }
}
