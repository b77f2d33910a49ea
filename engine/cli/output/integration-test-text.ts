import path from 'node:path';
import type { CheckResult, IntegrationTestReport } from '../../../shared/integration-test-report';

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

const MARK = { passed: '✓', failed: '✗', warning: '!' } as const;
const MARK_STYLE = { passed: 'green', failed: 'red', warning: 'yellow' } as const;

/**
 * The integration test report as a person reads it in a terminal: one line per component
 * when all its checks passed, and each failure or warning in full, with where it happened.
 */
export function formatIntegrationTestReport(report: IntegrationTestReport, paint: Paint): string {
  const rel = (p: string) => path.relative(process.cwd(), p) || p;
  const lines = [
    `${paint('bold', 'Integration test')}  ${rel(report.script)}`,
    `${paint('bold', 'Model')}             ${rel(report.model)}`,
    `${paint('bold', 'Samples')}           ${report.samplesChecked} checked${
      report.subsets.length > 0 ? `: ${report.subsets.map((s) => `${s.name} ${s.checked} of ${s.length}`).join(', ')}` : ''
    }`,
    '',
  ];
  const byComponent = new Map<string, CheckResult[]>();
  for (const check of report.checks) byComponent.set(check.component, [...(byComponent.get(check.component) ?? []), check]);
  const width = Math.max(...[...byComponent.keys()].map((c) => c.length), 9);
  for (const [component, checks] of byComponent) {
    const passed = checks.filter((c) => c.status === 'passed');
    const worst = checks.some((c) => c.status === 'failed') ? 'failed' : checks.some((c) => c.status === 'warning') ? 'warning' : 'passed';
    const names = passed.map((c) => c.id.split('.').slice(1).join('.')).join(' · ');
    lines.push(`  ${paint(MARK_STYLE[worst], MARK[worst])} ${component.padEnd(width)}  ${paint('dim', names)}`);
    for (const check of checks.filter((c) => c.status !== 'passed')) {
      lines.push(`      ${paint(MARK_STYLE[check.status], `${MARK[check.status]} ${check.id}`)}  ${affected(check)}`);
      lines.push(...wrap(check.message, 92).map((l) => `        ${l}`));
    }
  }
  if (report.timings.length > 0) {
    const perSample = report.timings.filter((t) => t.samples > 0).map((t) => `${t.component} ${formatMs(t.msPerSample)}`);
    const once = report.timings.filter((t) => t.samples === 0).map((t) => `${t.component} ${formatMs(t.msPerSample)}`);
    lines.push('', `${paint('bold', 'Time per sample')}   ${perSample.join(' · ')}`);
    if (once.length > 0) lines.push(`${paint('bold', 'Time once')}         ${once.join(' · ')}`);
  }
  const count = (s: CheckResult['status']) => report.checks.filter((c) => c.status === s).length;
  const failed = count('failed');
  const warnings = count('warning');
  const summary = `${failed} failed, ${count('passed')} passed, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  lines.push('', failed > 0 ? paint('red', `✗ ${summary}`) : paint('green', `✓ ${summary}`));
  return lines.join('\n');
}

function affected(check: CheckResult): string {
  const where = check.sample !== undefined ? `sample ${check.sample} of '${check.subset}'` : '';
  const more = check.affected !== undefined && check.affected > 1 ? `${where ? ', ' : ''}${check.affected} samples affected` : '';
  return `${where}${more}`;
}

function formatMs(ms: number): string {
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 0.1) return `${ms.toFixed(2)} ms`;
  return ms >= 0.001 ? `${(ms * 1000).toFixed(0)} µs` : '<1 µs';
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + word.length + 1 > width) {
        out.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  return out;
}
