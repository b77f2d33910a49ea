import type { Timing } from '../../shared/integration-test-report';

/** Accumulates time spent per component, reported as milliseconds per sample. */
export class Timings {
  private readonly totals = new Map<string, { ms: number; samples: number }>();

  add(component: string, ms: number, samples: number): void {
    const t = this.totals.get(component) ?? { ms: 0, samples: 0 };
    t.ms += ms;
    t.samples += samples;
    this.totals.set(component, t);
  }

  results(): Timing[] {
    return [...this.totals].map(([component, t]) => ({
      component,
      msPerSample: t.samples === 0 ? t.ms : t.ms / t.samples,
      samples: t.samples,
    }));
  }
}
