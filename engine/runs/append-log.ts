import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only file whose valid length is recorded elsewhere (in the run manifest) at each
 * checkpoint. Opening it cuts away whatever lies past that length: a torn write or data of
 * samples that were never committed, which the resumed run then redoes exactly once.
 */
export class AppendLog {
  private readonly fd: number;
  /**
   * What was appended since the last flush, copied into one buffer that is reused from flush to
   * flush: nothing the caller appended is kept alive, so its buffers and strings die young.
   */
  private pending = Buffer.allocUnsafe(1 << 16);
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

  /** Queues data (text as UTF-8) for the next flush; nothing is written before it. */
  append(data: Uint8Array | string): void {
    if (typeof data === 'string') {
      // At most 3 bytes of UTF-8 per UTF-16 unit.
      this.reserve(data.length * 3);
      this.pendingBytes += this.pending.write(data, this.pendingBytes, 'utf8');
    } else {
      this.reserve(data.length);
      this.pending.set(data, this.pendingBytes);
      this.pendingBytes += data.length;
    }
  }

  /** Writes pending data at the committed end and forces it to disk; returns the new length. */
  flush(): number {
    let offset = 0;
    while (offset < this.pendingBytes) offset += writeSync(this.fd, this.pending, offset, this.pendingBytes - offset, this.committed + offset);
    this.committed += this.pendingBytes;
    this.pendingBytes = 0;
    fsyncSync(this.fd);
    return this.committed;
  }

  close(): void {
    closeSync(this.fd);
  }

  private reserve(bytes: number): void {
    if (this.pendingBytes + bytes <= this.pending.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.pending.length * 2, this.pendingBytes + bytes));
    this.pending.copy(larger, 0, 0, this.pendingBytes);
    this.pending = larger;
  }
}
