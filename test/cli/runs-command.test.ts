import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunManifest } from '../../shared/run-types';
import { copyExample, evaluate, evalensSync, readManifest, readRecords } from '../helpers/eval-runs';
import { CLI } from '../helpers/paths';
import { assertCsvMatchesRecords, assertParquetMatchesRecords } from '../helpers/export-checks';

/**
 * `evalens runs` on a store of real runs: two evaluations of the digits example, one queued
 * run, and copies of a run edited into other kinds and states (a run store's files are plain
 * JSON, so a test can make the states a crash or another kind of run would leave).
 */

let workspace = '';
let runsDir = '';
let first = '';
let second = '';
let queued = '';

const OLD_TEST_RUN = '20200101-000000-7e57aa';

before(() => {
  workspace = copyExample('evalens-runs-');
  runsDir = path.join(workspace, '.evalens', 'runs');
  const config = path.join(workspace, 'evalens.eval.json');
  first = evaluate(config, runsDir).runId;
  second = evaluate(config, runsDir).runId;
  const submitted = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--submit', '--json'], { cwd: workspace });
  queued = (JSON.parse(submitted.stdout) as { runId: string }).runId;
  copyRun(first, OLD_TEST_RUN, (m) => {
    m.kind = 'integration-test';
    m.status = 'failed';
    m.createdAt = '2020-01-01T00:00:00.000Z';
    m.error = { message: 'A check failed.', resumable: false };
  });
});

after(() => rmSync(workspace, { recursive: true, force: true }));

/** Changes a run's manifest as another process (or a crash) would have left it. */
function editManifest(runId: string, change: (manifest: RunManifest) => void): void {
  const manifest = readManifest(runsDir, runId);
  change(manifest);
  writeFileSync(path.join(runsDir, runId, 'manifest.json'), JSON.stringify(manifest));
}

/** A copy of run `from` under id `to`, its manifest changed by `change`. */
function copyRun(from: string, to: string, change: (manifest: RunManifest) => void): void {
  cpSync(path.join(runsDir, from), path.join(runsDir, to), { recursive: true });
  const manifest = readManifest(runsDir, from);
  manifest.runId = to;
  change(manifest);
  writeFileSync(path.join(runsDir, to, 'manifest.json'), JSON.stringify(manifest));
  const results = path.join(runsDir, to, 'results.json');
  if (existsSync(results)) writeFileSync(results, readFileSync(results, 'utf8').replaceAll(from, to));
}

function runs(args: string[], cwd = workspace) {
  return evalensSync(['runs', ...args, '--runs-dir', runsDir], { cwd });
}

interface ListJson {
  runs: { runId: string; status: string; kind: string; name: string; createdAt: string; updatedAt: string; progress: { done: number; total: number }; overallScore: number | null; error?: string }[];
  nextPageToken?: string;
}

function list(args: string[] = []): ListJson {
  const result = runs(['list', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ListJson;
}

function runFolders(): string[] {
  return readdirSync(runsDir).filter((name) => existsSync(path.join(runsDir, name, 'manifest.json'))).sort();
}

/** An error as the CLI must print it: exit 2, as JSON with --json, and (human) one paragraph on stderr, no stack. */
function assertUsageError(args: string[], code: string, says: RegExp, { human = false } = {}): void {
  if (human) {
    const printed = runs(args);
    assert.equal(printed.code, 2, printed.stderr);
    assert.match(printed.stderr, /^error: /);
    assert.match(printed.stderr, says);
    assert.doesNotMatch(printed.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(printed.stderr.trim().split('\n').length, 1, printed.stderr);
  }
  const json = runs([...args, '--json']);
  assert.equal(json.code, 2);
  const parsed = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; message: string } };
  assert.equal(parsed.error.code, code);
  assert.match(parsed.error.message, says);
}

test('runs list --json: every run, newest first, with status, kind, progress and score', () => {
  const { runs: listed, nextPageToken } = list();
  assert.equal(nextPageToken, undefined);
  assert.deepEqual(listed.map((r) => r.runId), [queued, second, first, OLD_TEST_RUN]);
  const [q, s, , old] = listed;
  assert.deepEqual({ ...q, createdAt: undefined, updatedAt: undefined }, {
    runId: queued, status: 'queued', kind: 'evaluation', name: 'digits CNN: test split and a train sample', createdAt: undefined, updatedAt: undefined, progress: { done: 0, total: 840 }, overallScore: null,
  });
  assert.equal(s!.status, 'completed');
  assert.deepEqual(s!.progress, { done: 840, total: 840 });
  assert.ok(Math.abs(s!.overallScore! - 0.8595238095238096) < 1e-12);
  assert.equal(old!.kind, 'integration-test');
  assert.equal(old!.error, 'A check failed.');
  assert.equal(old!.overallScore, null, 'only a completed run has a score');
});

test('runs list pages with opaque tokens: no run twice, none left out, order kept', () => {
  const page1 = list(['--limit', '2']);
  assert.equal(page1.runs.length, 2);
  assert.ok(page1.nextPageToken);
  const page2 = list(['--limit', '2', '--page-token', page1.nextPageToken!]);
  assert.equal(page2.nextPageToken, undefined);
  assert.deepEqual([...page1.runs, ...page2.runs].map((r) => r.runId), [queued, second, first, OLD_TEST_RUN]);

  const human = runs(['list', '--limit', '2']);
  assert.equal(human.code, 0);
  const next = /^Next page: (evalens runs list .*)$/m.exec(human.stdout);
  assert.ok(next, human.stdout);
  const argv = next[1]!.split(' ').slice(1);
  const followed = spawnSync(process.execPath, [CLI, ...argv, '--json'], { cwd: workspace, encoding: 'utf8' });
  assert.deepEqual((JSON.parse(followed.stdout) as ListJson).runs.map((r) => r.runId), [first, OLD_TEST_RUN], 'the printed command gives the next page');

  assertUsageError(['list', '--page-token', 'not-a-token'], 'usage', /is not a page token/);
});

test('runs list filters by status and kind (repeatable or comma-separated); a wrong value is a usage error', () => {
  assert.deepEqual(list(['--status', 'queued,failed']).runs.map((r) => r.runId), [queued, OLD_TEST_RUN]);
  assert.deepEqual(list(['--status', 'queued', '--status', 'completed']).runs.map((r) => r.runId), [queued, second, first]);
  assert.deepEqual(list(['--kind', 'integration-test']).runs.map((r) => r.runId), [OLD_TEST_RUN]);
  assert.deepEqual(list(['--kind', 'evaluation', '--status', 'completed', '--limit', '1']).runs.map((r) => r.runId), [second]);

  const wrong = runs(['list', '--status', 'done']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /'done' is not a valid status; use one of: queued, evaluating, completed, failed, cancelled/);
  const wrongKind = runs(['list', '--kind', 'eval']);
  assert.equal(wrongKind.code, 2);
  assert.match(wrongKind.stderr, /use one of: evaluation, integration-test, cross-validation/);
});

test('runs list shows a run left evaluating by a dead process as failed and resumable', () => {
  const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
  const orphan = '20200101-000001-dead00';
  copyRun(first, orphan, (m) => {
    m.status = 'evaluating';
    m.pid = gone;
    m.createdAt = '2020-01-01T00:00:01.000Z';
  });
  try {
    const listed = list(['--status', 'failed']).runs.find((r) => r.runId === orphan);
    assert.equal(listed?.status, 'failed');
    assert.match(listed!.error!, /Interrupted: the process evaluating the run \(pid \d+\) is gone/);
    assert.equal(list(['--status', 'evaluating']).runs.length, 0);
  } finally {
    assert.equal(runs(['delete', orphan, '--yes']).code, 0);
  }
});

test('runs list in a terminal: a table with id, status, kind, name, created, progress and score', () => {
  const { code, stdout } = runs(['list']);
  assert.equal(code, 0);
  const lines = stdout.trim().split('\n');
  assert.match(lines[0]!, /^run +status +kind +name +created \(UTC\) +progress +score$/);
  assert.match(lines[2]!, new RegExp(`^${second}  completed  evaluation +digits CNN: test split and a train sample  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +840/840 +0\\.8595$`));
  assert.doesNotMatch(stdout, /Next page/);
  const empty = evalensSync(['runs', 'list', '--runs-dir', path.join(workspace, 'nothing-here')]);
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /^No runs in .*nothing-here\.\n$/);
});

test('runs show --format md: a Markdown report with the scores, per-class table, gates and configuration', () => {
  const { code, stdout } = runs(['show', first, '--format', 'md']);
  assert.equal(code, 0);
  assert.match(stdout, /^# digits CNN: test split and a train sample\n\n✅ \*\*completed\*\* · run `\d{8}-\d{6}-[0-9a-f]{6}`/);
  assert.match(stdout, /\*\*Overall score: 0\.8595\*\* · ✅ 3 gates passed/);
  assert.match(stdout, /\| test \| 540 \| 0 \| 0\.8519 \| 0\.8519 \|/);
  assert.match(stdout, /\| train-sample \| 300 \| 0 \| 0\.8733 \| 0\.8733 \|/);
  assert.match(stdout, /- ✅ \*\*test\*\*: accuracy 0\.8519 ≥ 0\.8000/);
  assert.match(stdout, /## Benchmark test\n\n\*\*Per class\*\*/);
  assert.match(stdout, /\| 8 \| 0\.8333 \| 0\.5769 \| 0\.6818 \| 52 \|/);
  assert.match(stdout, /\| \*\*8\*\* \| · \| 12 \| · \| · \| · \| 2 \| 1 \| 7 \| \*\*30\*\* \| · \|/);
  assert.match(stdout, /<details>\n<summary>Configuration<\/summary>[\s\S]*\| config file \| `evalens\.eval\.json` \|[\s\S]*\| batch size \| 64 \|[\s\S]*<\/details>\n$/);
});

test('runs show: text by default, JSON with the summary and the manifest', () => {
  const text = runs(['show', first]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, new RegExp(`^Run ${first}  digits CNN: test split and a train sample  completed\\n`));
  assert.match(text.stdout, /Overall score 0\.8595/);
  assert.match(text.stdout, /\nEvents\n {2}\S+ \S+ {2}submitted/);
  assert.match(text.stdout, /\nConfiguration\n {2}config +evalens\.eval\.json\n {2}integration +digits\.integration\.ts {2}sha256 [0-9a-f]{12}/);

  const json = runs(['show', first, '--format', 'json']);
  assert.equal(json.code, 0);
  const shown = JSON.parse(json.stdout) as Record<string, any>;
  assert.equal(shown.runId, first);
  assert.equal(shown.status, 'completed');
  assert.equal(shown.kind, 'evaluation');
  assert.ok(Math.abs(shown.benchmarks[0].metrics.accuracy - 0.8518518518518519) < 1e-12);
  assert.deepEqual({ done: shown.progress.done, total: shown.progress.total }, { done: 840, total: 840 });
  assert.deepEqual(shown.events.map((e: { kind: string }) => e.kind), ['submitted', 'started', 'completed']);
  assert.equal(shown.config.batchSize, 64);
  assert.deepEqual(JSON.parse(runs(['show', first, '--json']).stdout), shown, '--json is --format json');
});

test('runs export writes summary, per-benchmark details and predictions equal to the records', async () => {
  const { code, stdout } = runs(['export', first]);
  assert.equal(code, 0);
  const outDir = path.join(workspace, `evalens-export-${first}`);
  assert.match(stdout, new RegExp(`^Exported run ${first} \\(digits CNN: test split and a train sample, completed\\) to evalens-export-${first}/\\n`));
  assert.match(stdout, /predictions\.csv +840 rows: /);
  assert.match(stdout, /predictions\.parquet +840 rows: /);
  assert.deepEqual(readdirSync(outDir).sort(), ['benchmarks', 'predictions.csv', 'predictions.parquet', 'summary.csv']);
  assert.deepEqual(readdirSync(path.join(outDir, 'benchmarks')).sort(), ['test.json', 'train-sample.json']);

  const summary = readFileSync(path.join(outDir, 'summary.csv'), 'utf8').split('\r\n');
  assert.match(summary[0]!, /^benchmark,samples,errors,overall_score,n,accuracy,log_loss,/);
  assert.match(summary[1]!, /^test,540,0,0\.8518518518518519,540,0\.8518518518518519,/);
  assert.match(summary[2]!, /^train-sample,300,0,0\.8733333333333333,/);

  const records = readRecords(runsDir, first);
  assert.deepEqual([records.filter((r) => r.benchmark === 'test').length, records.filter((r) => r.benchmark === 'train-sample').length], [540, 300]);
  assertCsvMatchesRecords(path.join(outDir, 'predictions.csv'), records);
  await assertParquetMatchesRecords(path.join(outDir, 'predictions.parquet'), records, 10_000);
});

test('runs export --out --format --json; a run not completed is exported with a note', () => {
  const out = path.join(workspace, 'only-csv');
  const json = runs(['export', second, '--out', out, '--format', 'csv', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { runId: string; status: string; outDir: string; files: { path: string; rows?: number }[]; notes: string[] };
  assert.equal(report.outDir, out);
  assert.deepEqual(report.files.map((f) => [path.basename(f.path), f.rows]), [['summary.csv', 2], ['predictions.csv', 840]]);
  assert.deepEqual(report.notes, []);

  const pending = runs(['export', queued, '--out', path.join(workspace, 'queued-export')]);
  assert.equal(pending.code, 0, pending.stderr);
  assert.match(pending.stdout, /predictions\.csv +0 rows/);
  assert.match(pending.stdout, new RegExp(`Run ${queued} is queued, not completed: the export holds the 0 of 840 samples it committed`));

  const wrong = runs(['export', first, '--format', 'csv,xlsx']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /'csv,xlsx' is not a valid format; use one of: csv, json, parquet/);
});

test('runs delete asks for --yes without a terminal, refuses a run being evaluated, and removes exactly one run', () => {
  const victim = '20200101-000002-de1e7e';
  copyRun(first, victim, (m) => {
    m.createdAt = '2020-01-01T00:00:02.000Z';
  });
  const before = runFolders();

  const unconfirmed = runs(['delete', victim]);
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.stderr, new RegExp(`Not deleting run ${victim} \\(digits CNN: test split and a train sample, completed\\): there is no terminal to confirm on\\. Pass --yes`));
  assert.deepEqual(runFolders(), before);

  const busy = '20200101-000003-b05e00';
  copyRun(first, busy, (m) => {
    m.status = 'evaluating';
    m.pid = process.pid;
  });
  // Its "runner" (this test's process) never stops: asked to cancel, it is kept after the wait.
  const refused = runs(['delete', busy, '--yes', '--wait', '1']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`Run ${busy} .* is being evaluated by process ${process.pid} and did not stop within 1 s of being asked to cancel, so it was not deleted`));
  assert.ok(existsSync(path.join(runsDir, busy, 'manifest.json')));
  assert.ok(!existsSync(path.join(runsDir, busy, 'cancel-request')), 'the cancel request was withdrawn');

  const deleted = runs(['delete', victim, '--yes']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, `Deleted run ${victim} (digits CNN: test split and a train sample, completed).\n`);
  assert.deepEqual(runFolders(), [...before, busy].filter((id) => id !== victim).sort(), 'exactly that run is gone');

  editManifest(busy, (m) => {
    m.status = 'cancelled';
    delete m.pid;
  });
  assert.deepEqual(JSON.parse(runs(['delete', busy, '--yes', '--json']).stdout), { runId: busy, deleted: true, cancelled: false });
});

test('runs delete on a terminal asks, and keeps the run unless the answer is yes', { skip: spawnSync('script', ['--version']).status !== 0 ? 'util-linux script(1) is not available to give the CLI a terminal' : false }, () => {
  const kept = '20200101-000004-5afe00';
  copyRun(first, kept, (m) => {
    m.createdAt = '2020-01-01T00:00:04.000Z';
  });
  const command = [process.execPath, CLI, 'runs', 'delete', kept, '--runs-dir', runsDir].map((a) => `'${a}'`).join(' ');
  const answered = (answer: string) => spawnSync('script', ['-qec', command, '/dev/null'], { input: `${answer}\n`, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const no = answered('n');
  assert.match(no.stdout, new RegExp(`Delete run ${kept} \\(digits CNN: test split and a train sample, completed\\)\\? This cannot be undone\\. \\[y/N\\]`));
  assert.match(no.stdout, new RegExp(`Kept run ${kept}`));
  assert.ok(existsSync(path.join(runsDir, kept)));
  const yes = answered('y');
  assert.match(yes.stdout, new RegExp(`Deleted run ${kept}`));
  assert.ok(!existsSync(path.join(runsDir, kept)));
});

test('a run id that names no run, or a path, is a usage error naming it', () => {
  const missing = '20991231-235959-000000';
  assertUsageError(['show', missing], 'run-not-found', new RegExp(`No run '${missing}' in .*\\.evalens/runs\\. List the runs with: evalens runs list`), { human: true });
  assertUsageError(['export', missing], 'run-not-found', /No run '20991231-235959-000000'/);
  assertUsageError(['delete', missing, '--yes'], 'run-not-found', /No run '20991231-235959-000000'/);
  assertUsageError(['show', '../x'], 'usage', /'\.\.\/x' is not a run id/, { human: true });
  assertUsageError(['export', '../x'], 'usage', /'\.\.\/x' is not a run id/);
  assertUsageError(['delete', '../x', '--yes'], 'usage', /'\.\.\/x' is not a run id/);
  assert.ok(!existsSync(path.join(workspace, 'evalens-export-../x')));
  assert.ok(existsSync(path.join(runsDir, first)), 'nothing was deleted');
});
