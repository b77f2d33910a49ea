import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunManifest } from '../../shared/run-types';
import { copyExample, evalensSync, isAlive, slowIntegration, tryReadManifest, writeConfig, type CliResult } from '../helpers/eval-runs';
import { CLI } from '../helpers/paths';

/**
 * Deleting runs of a store while another process drains its queue, with real processes on a
 * real store: `evalens resume <last>` drains the queue (the runs queued before it first) while
 * `evalens runs delete` removes a queued run, a running one, or is killed in the middle.
 */

interface Workspace {
  dir: string;
  runsDir: string;
  /** Queues a run of the example (its encoder slowed by `slowMs` per sample) named `name`; returns its id. */
  submit(name: string, slowMs?: number, batchSize?: number): string;
  cli(args: string[]): CliResult;
  manifest(runId: string): RunManifest | undefined;
  folders(): string[];
}

function workspace(): Workspace {
  const dir = copyExample('evalens-queue-delete-');
  const runsDir = path.join(dir, 'runs');
  const cli = (args: string[]) => evalensSync([...args, '--runs-dir', runsDir], { cwd: dir });
  return {
    dir,
    runsDir,
    cli,
    submit(name, slowMs = 0, batchSize = 16) {
      const integration = `slow-${slowMs}.integration.ts`;
      writeFileSync(path.join(dir, integration), slowIntegration(slowMs));
      const config = writeConfig(dir, (c) => Object.assign(c, { name, integration, batchSize, gates: [] }), `${name}.eval.json`);
      const submitted = evalensSync(['eval', '--config', config, '--runs-dir', runsDir, '--submit', '--json'], { cwd: dir });
      assert.equal(submitted.code, 0, submitted.stderr);
      return (JSON.parse(submitted.stdout) as { runId: string }).runId;
    },
    manifest: (runId) => tryReadManifest(runsDir, runId),
    folders: () => (existsSync(runsDir) ? readdirSync(runsDir).filter((n) => n !== 'queue.lock').sort() : []),
  };
}

/** `evalens resume <runId>` in the background: it drains the queue up to that run. */
function drain(ws: Workspace, runId: string) {
  const child = spawn(process.execPath, [CLI, 'resume', runId, '--runs-dir', ws.runsDir], { cwd: ws.dir, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

const listed = (ws: Workspace) => {
  const result = ws.cli(['runs', 'list', '--json', '--limit', '100']);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { runs: { runId: string; status: string }[] }).runs;
};

test('a queued run deleted while another process drains the queue never starts; the drain finishes the others and exits 0', async () => {
  const ws = workspace();
  const running = ws.submit('running', 4);
  const victim = ws.submit('victim');
  const last = ws.submit('last');
  const drainer = drain(ws, last);
  await until(() => ws.manifest(running)?.status === 'evaluating', `${running} is evaluating`);

  const deleted = ws.cli(['runs', 'delete', victim, '--yes']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, `Deleted run ${victim} (victim, queued).\n`);
  assert.equal(ws.manifest(running)?.status, 'evaluating', 'the delete did not wait for the running run');

  assert.equal(await drainer.exited, 0, drainer.stderr());
  assert.match(drainer.stderr(), new RegExp(`Running queued run ${running} \\(running\\) first`));
  assert.doesNotMatch(drainer.stderr(), new RegExp(victim), 'the deleted run was never started');
  assert.equal(ws.manifest(running)?.status, 'completed');
  assert.equal(ws.manifest(last)?.status, 'completed');
  assert.deepEqual(ws.folders(), [running, last].sort(), 'no trace of the deleted run');
});

test('a running run is cancelled first, then deleted; the drain goes on with the next run', async () => {
  const ws = workspace();
  const running = ws.submit('running', 15);
  const last = ws.submit('last');
  const drainer = drain(ws, last);
  await until(() => (ws.manifest(running)?.checkpoint.records ?? 0) > 0, `${running} has committed samples`);
  const runner = ws.manifest(running)!.pid!;
  assert.ok(isAlive(runner));

  const started = Date.now();
  const deleted = ws.cli(['runs', 'delete', running, '--yes']);
  const tookMs = Date.now() - started;
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stderr, new RegExp(`Cancelling run ${running}, which process ${runner} is evaluating; waiting up to 30 s for it to stop`));
  assert.equal(deleted.stdout, `Deleted run ${running} (running, evaluating), cancelled first.\n`);
  assert.ok(!isAlive(runner), 'its runner had stopped before the run was deleted');
  assert.ok(!ws.folders().includes(running));

  assert.equal(await drainer.exited, 0, drainer.stderr());
  assert.equal(ws.manifest(last)?.status, 'completed');
  assert.deepEqual(ws.folders(), [last]);
  assert.deepEqual(listed(ws).map((r) => r.runId), [last]);
  console.log(`# cancel and delete of a running run took ${tookMs} ms (CLI start included)`);
});

test('a run being evaluated that does not stop in time is not deleted, and the error says why and what to do', async () => {
  const ws = workspace();
  // Eight samples of 600 ms each: one batch takes about 5 s, longer than the delete waits.
  const slow = ws.submit('slow', 600, 8);
  const drainer = drain(ws, slow);
  try {
    await until(() => ws.manifest(slow)?.status === 'evaluating', `${slow} is evaluating`);
    const runner = ws.manifest(slow)!.pid!;
    const refused = ws.cli(['runs', 'delete', slow, '--yes', '--wait', '1']);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      new RegExp(`Run ${slow} \\(slow\\) is being evaluated by process ${runner} and did not stop within 1 s of being asked to cancel, so it was not deleted and goes on\\. .*cancel it where it runs \\(Ctrl\\+C, or Cancel in VS Code\\) and delete it once stopped, or wait longer: evalens runs delete ${slow} --wait 60`),
    );
    assert.ok(ws.folders().includes(slow));
    assert.ok(!existsSync(path.join(ws.runsDir, slow, 'cancel-request')), 'the cancel request was withdrawn');
    // It goes on: the next batch is committed, and it is still evaluating.
    const before = ws.manifest(slow)!.checkpoint.records;
    await until(() => (ws.manifest(slow)?.checkpoint.records ?? 0) > before, `${slow} commits its next batch`, 30_000);
    assert.equal(ws.manifest(slow)!.status, 'evaluating');
  } finally {
    drainer.child.kill('SIGINT');
    await drainer.exited;
  }
});

test('kill -9 in the middle of a delete leaves no half-deleted run in runs list, and the next command removes what is left', async () => {
  const ws = workspace();
  const keep = ws.submit('keep');
  // A run whose folder holds many files, so that removing it takes a while.
  const runId = '20200101-000000-dead00';
  const dir = path.join(ws.runsDir, runId);
  mkdirSync(dir);
  for (let i = 0; i < 5000; i++) writeFileSync(path.join(dir, `padding-${i}.bin`), 'x');
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...ws.manifest(keep)!, runId, status: 'completed' }));

  const child = spawn(process.execPath, [CLI, 'runs', 'delete', runId, '--yes', '--runs-dir', ws.runsDir], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Killed the moment its folder is renamed away, before the removal is done.
  const tombstone = path.join(ws.runsDir, `.deleting-${runId}.${child.pid}`);
  const end = Date.now() + 60_000;
  while (!existsSync(tombstone) && Date.now() < end);
  child.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(tombstone), 'the delete was killed between the rename and the end of the removal');
  assert.ok(!existsSync(dir));

  assert.deepEqual(listed(ws).map((r) => r.runId), [keep], 'runs list does not show the half-deleted run');
  assert.deepEqual(ws.folders(), [keep], 'and removed what the killed delete left');
});
