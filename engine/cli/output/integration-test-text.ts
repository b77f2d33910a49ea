import path from 'node:path';
import type { CheckResult, IntegrationTestReport } from '../../../shared/integration-test-report';
import { formatLocation } from '../../loader/user-stack';

type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

const MARK = { passed: '✓', failed: '✗', warning: '!' } as const;
const MARK_STYLE = { passed: 'green', failed: 'red', warning: 'yellow' } as const;

/** The integration test report as a person reads it in a terminal. */
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
  const componentWidth = Math.max(...report.checks.map((c) => c.component.length), 9);
  const idWidth = Math.max(...report.checks.map((c) => c.id.length), 5);
  for (const check of report.checks) {
    const head = `  ${paint(MARK_STYLE[check.status], MARK[check.status])} ${check.component.padEnd(componentWidth)}  ${check.id.padEnd(idWidth)}`;
    if (check.status === 'passed') {
      lines.push(`${head}  ${paint('dim', check.message)}`);
    } else {
      lines.push(`${head}  ${paint(MARK_STYLE[check.status], affected(check))}`);
      lines.push(...wrap(check.message, 96).map((l) => `      ${l}`));
      if (check.location !== undefined) lines.push(`      ${paint('dim', `at ${formatLocation(check.location)}`)}`);
    }
  }
  if (report.timings.length > 0) {
    lines.push('', `${paint('bold', 'Time per sample')}   ${report.timings.map((t) => `${t.component} ${formatMs(t.msPerSample)}`).join(' · ')}`);
  }
  const count = (s: CheckResult['status']) => report.checks.filter((c) => c.status === s).length;
  const failed = count('failed');
  const summary = `${failed} failed, ${count('passed')} passed, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}`;
  lines.push('', failed > 0 ? paint('red', `✗ ${summary}`) : paint('green', `✓ ${summary}`));
  return lines.join('\n');
}

function affected(check: CheckResult): string {
  const where = check.sample !== undefined ? `sample ${check.sample} of '${check.subset}'` : '';
  const more = check.affected !== undefined && check.affected > 1 ? ` (${check.affected} samples affected)` : '';
  return `${where}${more}`;
}

function formatMs(ms: number): string {
  return ms >= 10 ? `${ms.toFixed(0)} ms` : ms >= 0.1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
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
