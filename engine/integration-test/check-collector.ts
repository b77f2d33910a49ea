import type { CheckResult, CheckStatus, SourceLocation } from '../../shared/integration-test-report';

export interface SampleRef {
  subset?: string;
  sample?: number;
}

interface Tally {
  id: string;
  component: string;
  passed: number;
  failed: number;
  warned: number;
  firstProblem?: { status: CheckStatus; message: string; ref: SampleRef; location?: SourceLocation };
}

/**
 * Folds per-sample outcomes into one result per (check, component): a check that holds on
 * 99 samples and breaks on sample 37 reports sample 37, with how many samples it affected.
 * Results keep the order in which checks were first seen.
 */
export class CheckCollector {
  private readonly tallies = new Map<string, Tally>();

  pass(id: string, component: string, samples = 1): void {
    this.tally(id, component).passed += samples;
  }

  fail(id: string, component: string, message: string, ref: SampleRef = {}, location?: SourceLocation): void {
    const t = this.tally(id, component);
    t.failed++;
    if (t.firstProblem === undefined || t.firstProblem.status === 'warning') t.firstProblem = { status: 'failed', message, ref, location };
  }

  warn(id: string, component: string, message: string, ref: SampleRef = {}): void {
    const t = this.tally(id, component);
    t.warned++;
    t.firstProblem ??= { status: 'warning', message, ref };
  }

  hasFailed(id: string, component: string): boolean {
    return (this.tallies.get(`${id}\u0000${component}`)?.failed ?? 0) > 0;
  }

  results(passedMessage: (id: string, component: string, count: number) => string): CheckResult[] {
    return [...this.tallies.values()].map((t) => {
      const problem = t.firstProblem;
      if (problem === undefined) {
        return { id: t.id, status: 'passed', component: t.component, message: passedMessage(t.id, t.component, t.passed) };
      }
      const affected = problem.status === 'failed' ? t.failed : t.warned;
      const result: CheckResult = { id: t.id, status: problem.status, component: t.component, message: problem.message, affected };
      if (problem.ref.sample !== undefined) result.sample = problem.ref.sample;
      if (problem.ref.subset !== undefined) result.subset = problem.ref.subset;
      if (problem.location !== undefined) result.location = problem.location;
      return result;
    });
  }

  private tally(id: string, component: string): Tally {
    const key = `${id}\u0000${component}`;
    let t = this.tallies.get(key);
    if (t === undefined) {
      t = { id, component, passed: 0, failed: 0, warned: 0 };
      this.tallies.set(key, t);
    }
    return t;
  }
}
