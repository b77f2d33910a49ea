import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The runner's resident memory (RSS: V8's heap, onnxruntime's native buffers, everything the
 * process has in RAM) against `memoryLimitMb`, batch by batch.
 *
 * onnxruntime allocates a batch's intermediate tensors when it runs it and (with its arena off,
 * see onnx-session.ts) frees them after, so a batch costs its peak above the memory the runner
 * holds between batches, and that cost grows with the batch. A run starts with a probe: one
 * sample alone, its outputs thrown away (run twice, the first run warming the session up),
 * which measures both. Then each batch's peak (from one
 * result to the next: the inference thread starts a batch as it ends the one before) updates
 * the cost per sample, and before a batch is sent the runner halves it until its predicted peak
 * fits under the limit with a margin. Memory held between batches is the probe's figure plus
 * what the main thread's JavaScript memory grew since; it is not read directly, as with two
 * batches in flight the thread is rarely idle.
 */
export class MemoryBudget {
  /** Bytes per sample of the last batch measured, above the memory held between batches. */
  private perSample: number | undefined;
  private held = 0;
  private heldJs = 0;

  constructor(
    readonly limitBytes: number,
    private readonly meter: PeakMeter = peakMeter(),
  ) {}

  /** Whether the probe ran: until then nothing is known of a batch's cost. */
  get measured(): boolean {
    return this.perSample !== undefined;
  }

  /**
   * Runs `probe`, a batch of one sample with nothing else in flight, twice, and measures the
   * second: a session's first run allocates once what every later run reuses (on the digits
   * example, some 28 MB, which measured as one sample's cost would have halved 64 to 16).
   */
  async probe(probe: () => Promise<unknown>): Promise<void> {
    await probe();
    this.held = this.meter.current();
    this.heldJs = jsMemory();
    this.meter.reset();
    await probe();
    this.perSample = Math.max(0, this.meter.peak() - this.held);
    this.meter.reset();
  }

  /** Called as each batch's result arrives: that batch ran since the last call. */
  observe(size: number): void {
    if (this.perSample === undefined || size === 0) return;
    const peak = this.meter.peak();
    this.meter.reset();
    this.perSample = Math.max(0, peak - this.heldNow()) / size;
  }

  /** The predicted peak of a batch of `size`. */
  predict(size: number): number {
    return this.heldNow() + (this.perSample ?? 0) * size;
  }

  /**
   * The largest of `size`, `size / 2`, `size / 4`… whose predicted peak stays under the limit
   * less a margin (the prediction is linear in the batch); 1 if none does. `fits(1)` tells
   * whether even that can run.
   */
  fit(size: number): number {
    let fitted = size;
    while (fitted > 1 && this.predict(fitted) > this.limitBytes * SAFETY) fitted = Math.max(1, Math.floor(fitted / 2));
    return fitted;
  }

  /** Whether a batch of `size` is predicted to stay under the limit itself. */
  fits(size: number): boolean {
    return this.predict(size) <= this.limitBytes;
  }

  /** Memory held between batches, as of now. */
  heldNow(): number {
    return this.held + Math.max(0, jsMemory() - this.heldJs);
  }
}

/** The main thread's JavaScript memory: V8's heap in use and the buffers outside it. */
function jsMemory(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** Share of the limit a predicted batch may fill. */
const SAFETY = 0.9;

/** The process's peak resident memory since `reset`, and its resident memory now. */
export interface PeakMeter {
  reset(): void;
  peak(): number;
  current(): number;
}

/**
 * On Linux the kernel keeps the process's peak RSS (VmHWM), and writing 5 to clear_refs resets
 * it: exact, and costs two small file operations per batch. Elsewhere the main thread samples
 * RSS every 2 ms while it waits for the inference thread, which can miss a peak shorter than that.
 */
export function peakMeter(): PeakMeter {
  const current = () => process.memoryUsage.rss();
  if (process.platform === 'linux' && canResetPeak()) {
    return {
      reset: () => writeFileSync('/proc/self/clear_refs', '5'),
      peak: () => kibField(readFileSync('/proc/self/status', 'utf8'), 'VmHWM') * 1024,
      current,
    };
  }
  let highest = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    reset: () => {
      highest = current();
      clearInterval(timer);
      timer = setInterval(() => (highest = Math.max(highest, current())), 2);
      timer.unref();
    },
    peak: () => {
      clearInterval(timer);
      return Math.max(highest, current());
    },
    current,
  };
}

function canResetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** A `Name:  1234 kB` field of /proc/<pid>/status, in KiB; NaN where missing. */
export function kibField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

/** The resident memory of another process, in bytes (Linux: /proc), or undefined where it cannot be read. */
export function residentBytesOf(pid: number): number | undefined {
  try {
    const kib = kibField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
    return Number.isNaN(kib) ? undefined : kib * 1024;
  } catch {
    return undefined;
  }
}

export const mib = (bytes: number): string => `${Math.round(bytes / 1048576)} MiB`;
