import * as vscode from 'vscode';
import type { CheckResult, IntegrationTestReport } from '../../shared/integration-test-report';
import type { ComponentPlaces } from './component-places';

/** A check's status, ranked: a component shows the state of its worst check. */
const RANK = { passed: 0, warning: 1, failed: 2 } as const;

/**
 * Puts one integration test report into the tree under its script item (a component item
 * per component, a check item per check under it) and reports every item's state in the
 * run. The items go into the tree first: VS Code drops states reported for items it does
 * not know yet.
 */
export function showReport(controller: vscode.TestController, script: vscode.TestItem, report: IntegrationTestReport, places: ComponentPlaces, run: vscode.TestRun): void {
  const byComponent = new Map<string, CheckResult[]>();
  for (const check of report.checks) byComponent.set(check.component, [...(byComponent.get(check.component) ?? []), check]);

  const shown: { component: vscode.TestItem; checks: [vscode.TestItem, CheckResult][] }[] = [];
  for (const [name, checks] of byComponent) {
    const place = places.components.get(name);
    const component = itemUnder(controller, script, name, place?.uri ?? script.uri);
    component.range = place?.range;
    const items = checks.map((check): [vscode.TestItem, CheckResult] => [checkItem(controller, component, check), check]);
    component.children.replace(items.map(([item]) => item));
    shown.push({ component, checks: items });
  }
  script.children.replace(shown.map((s) => s.component));

  for (const { component, checks } of shown) {
    run.started(component);
    for (const [item, check] of checks) reportCheck(run, item, check, places.components.get(check.component));
    reportComponent(run, component, checks.map(([, check]) => check), durationOf(report, component.label));
  }
  const failed = report.checks.filter((c) => c.status === 'failed').length;
  script.description = `${report.samplesChecked} samples · ${failed} failed`;
  if (failed === 0) run.passed(script);
  else run.failed(script, new vscode.TestMessage(`${failed} of ${report.checks.length} checks failed`));
}

function checkItem(controller: vscode.TestController, component: vscode.TestItem, check: CheckResult): vscode.TestItem {
  const thrownAt = check.location === undefined ? undefined : sourceLocation(check.location);
  const item = itemUnder(controller, component, check.id, thrownAt?.uri ?? component.uri);
  item.range = thrownAt?.range ?? component.range;
  item.description = check.status === 'passed' ? check.message : where(check);
  return item;
}

/**
 * The child item of that name, the one already in the tree when it points at the same file
 * (a TestItem's uri is fixed): the tree keeps its rows, and what is expanded stays expanded.
 */
export function itemUnder(controller: vscode.TestController, parent: vscode.TestItem, label: string, uri: vscode.Uri | undefined): vscode.TestItem {
  const id = `${parent.id}#${label}`;
  const existing = parent.children.get(id);
  if (existing !== undefined && existing.uri?.toString() === uri?.toString()) return existing;
  return controller.createTestItem(id, label, uri);
}

function reportCheck(run: vscode.TestRun, item: vscode.TestItem, check: CheckResult, declaration: vscode.Location | undefined): void {
  run.started(item);
  if (check.status === 'failed') {
    const message = new vscode.TestMessage(`${where(check) ? `${where(check)}: ` : ''}${check.message}`);
    // The user's line that threw; else the component's declaration; else no place rather than a wrong one.
    message.location = check.location === undefined ? declaration : sourceLocation(check.location);
    run.failed(item, message);
    return;
  }
  // A warning does not fail the test: it passes, with what to look at in the test's output.
  if (check.status === 'warning') run.appendOutput(`warning: ${check.component} ${check.id}: ${where(check) ? `${where(check)}: ` : ''}${check.message}\r\n`, undefined, item);
  run.passed(item);
}

function reportComponent(run: vscode.TestRun, component: vscode.TestItem, checks: CheckResult[], duration: number | undefined): void {
  const worst = checks.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
  if (worst.status !== 'failed') {
    run.passed(component, duration);
    return;
  }
  // No message of its own: VS Code would show it at the component's line too, beside its failing check's.
  run.failed(component, [], duration);
}

/** Time the component's code took over the samples checked, when the report timed it. */
function durationOf(report: IntegrationTestReport, component: string): number | undefined {
  const timing = report.timings.find((t) => t.component === component);
  if (timing === undefined) return undefined;
  // A component timed once, not per sample (preprocess), reports its whole time as msPerSample.
  return timing.samples === 0 ? timing.msPerSample : timing.msPerSample * timing.samples;
}

function sourceLocation(location: NonNullable<CheckResult['location']>): vscode.Location {
  const position = new vscode.Position(location.line - 1, location.column - 1);
  return new vscode.Location(vscode.Uri.file(location.file), position);
}

/** "sample 11 of 'train' (3 samples)": the first sample a check failed or warned on, with its subset. */
function where(check: CheckResult): string {
  if (check.sample === undefined) return '';
  const more = check.affected !== undefined && check.affected > 1 ? ` (${check.affected} samples)` : '';
  return `sample ${check.sample} of '${check.subset}'${more}`;
}
