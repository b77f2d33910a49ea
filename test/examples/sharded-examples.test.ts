/**
 * The sharded-run examples under examples/: the Kubernetes manifests validated against the
 * Kubernetes OpenAPI schema (kubernetes-models' validators, offline), the GitHub Actions
 * workflow by action-validator (SchemaStore's workflow schema, offline), each with broken
 * variants the validators must reject; and the Kubernetes pods' scripts run here as the
 * Indexed Job and the merge Job would run them (4 shards in parallel, then the merge), through
 * the built CLI (npm run build first), against the evaluation run unsharded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadEvalConfig } from '../../engine/config/load-config';
import { copyExample, evaluate, readManifest } from '../helpers/eval-runs';
import { CLI, ROOT } from '../helpers/paths';
import { buildReportData } from '../../engine/report/report-data';
import { RunStore } from '../../engine/runs/run-store';

const KUBERNETES = path.join(ROOT, 'examples', 'kubernetes');
const WORKFLOW = path.join(ROOT, 'examples', 'github-actions', 'evalens-sharded.yml');

type Manifest = Record<string, any>;

function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(path.join(KUBERNETES, file), 'utf8')).map((doc) => {
    assert.deepEqual(doc.errors, [], `${file} is not valid YAML`);
    return doc.toJS() as Manifest;
  });
}

/** Validates a Kubernetes object against the schema of its apiVersion and kind; throws what is wrong. */
async function validateKubernetes(object: Manifest): Promise<void> {
  const models: Record<string, () => Promise<new (data: Manifest) => { validate(): void }>> = {
    'v1/PersistentVolumeClaim': async () => (await import('kubernetes-models/v1')).PersistentVolumeClaim as never,
    'batch/v1/Job': async () => (await import('kubernetes-models/batch/v1')).Job as never,
  };
  const model = models[`${object.apiVersion}/${object.kind}`];
  assert.ok(model !== undefined, `no schema here for ${object.apiVersion} ${object.kind}`);
  new (await model())(structuredClone(object)).validate();
}

async function workflowErrors(source: string): Promise<unknown[]> {
  const { validateWorkflow } = await import('@action-validator/core');
  return validateWorkflow(source).errors;
}

const shardJob = () => manifests('shards.yaml').find((m) => m.kind === 'Job')!;

test('the Kubernetes manifests are valid against the Kubernetes schema', async () => {
  const objects = [...manifests('shards.yaml'), ...manifests('merge.yaml')];
  assert.deepEqual(objects.map((o) => `${o.kind} ${o.metadata.name}`), ['PersistentVolumeClaim evalens-store', 'Job evalens-shards', 'Job evalens-merge']);
  for (const object of objects) await validateKubernetes(object);
});

test('the validator rejects broken Kubernetes manifests', async () => {
  const broken: [string, (job: Manifest) => void, RegExp][] = [
    ['parallelism as a word', (j) => (j.spec.parallelism = 'four'), /parallelism must be integer/],
    ['a pod without containers', (j) => delete j.spec.template.spec.containers, /spec\/template\/spec must have required property containers/],
    ['a container without a name', (j) => delete j.spec.template.spec.containers[0].name, /containers\/0 must have required property name/],
    ['a volume mount path as a list', (j) => (j.spec.template.spec.containers[0].volumeMounts[0].mountPath = ['/store']), /mountPath must be string/],
    ['an environment variable as a number', (j) => (j.spec.template.spec.containers[0].env[0].value = 4), /value must be string/],
  ];
  for (const [what, breakIt, message] of broken) {
    const job = shardJob();
    breakIt(job);
    await assert.rejects(validateKubernetes(job), message, what);
  }
  const claim = manifests('shards.yaml')[0]!;
  claim.spec.accessModes = 'ReadWriteMany';
  await assert.rejects(validateKubernetes(claim), /accessModes must be array/);
});

test('the Indexed Job runs one shard per completion index, on GPU nodes with the CUDA config', () => {
  const job = shardJob();
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, Number(env.SHARDS));
  assert.equal(job.spec.parallelism, Number(env.SHARDS));
  assert.match(container.args[0], /--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/\$SHARDS"/);
  assert.equal(container.resources.limits['nvidia.com/gpu'], 1);
  assert.ok(Object.keys(pod.nodeSelector).length > 0);
  const config = loadEvalConfig(path.join(ROOT, 'examples', 'digits', env.EVALENS_CONFIG));
  assert.deepEqual(config.executionProviders, ['cuda', 'cpu']);
  // The GPU variant evaluates what the CPU config does: only the execution providers differ.
  const cpu = loadEvalConfig(path.join(ROOT, 'examples', 'digits', 'evalens.eval.json'));
  assert.deepEqual({ ...config, executionProviders: undefined, configFile: undefined }, { ...cpu, executionProviders: undefined, configFile: undefined });
  const merge = manifests('merge.yaml')[0]!;
  assert.deepEqual(merge.spec.template.spec.volumes, pod.volumes, 'the merge Job mounts the shards\' volume');
});

test('the GitHub Actions workflow passes the workflow linter; broken variants do not', async () => {
  const source = readFileSync(WORKFLOW, 'utf8');
  assert.deepEqual(await workflowErrors(source), []);
  const broken: [string, string, string][] = [
    ['runs-on misspelt', 'runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'],
    ['a job key that does not exist', 'timeout-minutes: 60', 'timeout-minute: 60'],
    ['a step with neither run nor uses', '      - run: npm ci\n      - name: Evaluate', '      - name: npm ci\n      - name: Evaluate'],
    ['needs as a number', 'needs: shard', 'needs: 4'],
  ];
  for (const [what, from, to] of broken) {
    assert.ok(source.includes(from), what);
    assert.notDeepEqual(await workflowErrors(source.replace(from, to)), [], `the linter accepted ${what}`);
  }
  // The matrix holds shards 1 to SHARDS.
  const workflow = parseAllDocuments(source)[0]!.toJS() as Manifest;
  const shards = Number(workflow.env.SHARDS);
  assert.deepEqual(workflow.jobs.shard.strategy.matrix.shard, Array.from({ length: shards }, (_, i) => i + 1));
  assert.match(JSON.stringify(workflow.jobs.merge.steps), /GITHUB_STEP_SUMMARY/);
});

test('the Kubernetes pods\' scripts, run here as the Jobs run them, merge into the unsharded run and fail on a gate as it does', { skip: process.platform === 'win32' && 'needs /bin/sh', timeout: 180_000 }, async () => {
  const dir = copyExample('evalens-k8s-');
  try {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'evalens'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(path.join(bin, 'evalens'), 0o755);
    const store = path.join(dir, 'store');
    const job = shardJob();
    const container = job.spec.template.spec.containers[0];
    const env = { ...process.env, NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}`, ...Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])), EVALENS_STORE: store };
    const sh = (script: string, extra: Record<string, string> = {}) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('/bin/sh', ['-c', script], { cwd: dir, env: { ...env, ...extra } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    const shards = await Promise.all(Array.from({ length: job.spec.completions as number }, (_, i) => sh(container.args[0], { JOB_COMPLETION_INDEX: String(i) })));
    shards.forEach((s, i) => assert.equal(s.code, 0, `pod ${i}: ${s.out}`));
    // Each pod's run store holds its shard's run.
    for (let i = 0; i < shards.length; i++) assert.equal(readdirSync(path.join(store, 'shards', String(i))).filter((n) => /^\d{8}-/.test(n)).length, 1);

    const mergeScript = manifests('merge.yaml')[0]!.spec.template.spec.containers[0].args[0] as string;
    const merged = await sh(mergeScript);
    assert.equal(merged.code, 0, merged.out);
    const report = readFileSync(path.join(store, 'report.md'), 'utf8');
    assert.match(report, /Overall score: 0\.8595/);
    const { runId } = JSON.parse(readFileSync(path.join(store, 'merged.json'), 'utf8')) as { runId: string };
    const reference = evaluate(path.join(dir, container.env.find((e: { name: string }) => e.name === 'EVALENS_CONFIG').value), path.join(dir, 'reference')).runId;
    assert.ok(readFileSync(path.join(store, 'runs', runId, 'records.jsonl')).equals(readFileSync(path.join(dir, 'reference', reference, 'records.jsonl'))), 'merged records differ from the unsharded run');
    // No CUDA build of onnxruntime here: the shards fell back to the CPU, and said so.
    const shard = readManifest(path.join(store, 'runs'), readManifest(path.join(store, 'runs'), runId).mergedFrom![0]!);
    assert.ok(shard.events.some((e) => e.kind === 'provider-fallback'), JSON.stringify(shard.events));
    // The merged run tells it too, shard by shard: its report says the CPU was used.
    const mergedRun = readManifest(path.join(store, 'runs'), runId);
    assert.equal(mergedRun.events.filter((e) => e.kind === 'provider-fallback' && /^shard \d\/4: .*execution provider 'cuda' is not available/.test(e.message)).length, 4, JSON.stringify(mergedRun.events));
    const data = await buildReportData(new RunStore(path.join(store, 'runs')), mergedRun);
    assert.deepEqual(data.configuration.executionProviders, { requested: ['cuda', 'cpu'], used: ['cpu'] });

    // A gate that fails fails the merge Job, after the report is written.
    const configFile = path.join(dir, 'evalens.cuda.eval.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Manifest;
    config.gates[0].min = 0.99;
    writeFileSync(configFile, JSON.stringify(config));
    rmSync(store, { recursive: true });
    await Promise.all(Array.from({ length: job.spec.completions as number }, (_, i) => sh(container.args[0], { JOB_COMPLETION_INDEX: String(i) })));
    const failing = await sh(mergeScript);
    assert.equal(failing.code, 3, failing.out);
    assert.match(readFileSync(path.join(store, 'report.md'), 'utf8'), /accuracy 0\.8519 < min 0\.9900/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
