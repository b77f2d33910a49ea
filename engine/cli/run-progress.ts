import { SingleBar } from 'cli-progress';
import type { RunProgress } from '../runner/worker-protocol';

export interface ProgressView {
  update(runId: string, progress: RunProgress): void;
  stop(): void;
}

/**
 * Progress of a run: a bar with samples/s and ETA on a terminal, a plain line every few
 * seconds otherwise (CI logs), nothing with --json.
 */
export function progressView(mode: 'bar' | 'lines' | 'none'): ProgressView {
  if (mode === 'none') return { update: () => undefined, stop: () => undefined };
  if (mode === 'lines') {
    let last = 0;
    return {
      update: (runId, p) => {
        const now = Date.now();
        if (now - last < 2000 && p.done < p.total) return;
        last = now;
        process.stderr.write(`${runId} ${p.benchmark} ${p.benchmarkDone}/${p.benchmarkTotal} · ${p.done}/${p.total} samples · ${p.samplesPerSecond.toFixed(0)} samples/s · ETA ${eta(p.etaSeconds)}\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: ' {benchmark} [{bar}] {percentage}% · {value}/{total} samples · {rate} samples/s · ETA {eta_text}',
    hideCursor: true,
    stream: process.stderr,
    barsize: 24,
  });
  let started = false;
  return {
    update: (_runId, p) => {
      const payload = { benchmark: p.benchmark, rate: p.samplesPerSecond.toFixed(0), eta_text: eta(p.etaSeconds) };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else {
        bar.update(p.done, payload);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function eta(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
