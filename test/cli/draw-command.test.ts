import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sampleVisualsSchema, type SampleVisuals } from '../../shared/sample-visuals';
import { copyExample, evaluate, evalensSync, readRecords, writeConfig } from '../helpers/eval-runs';

/**
 * `evalens draw` on a run the engine produced from the digits example: the visuals are those
 * of the sample the run scored (checked against the run's records and the dataset), with the
 * benchmark's dataset, and every user error is exit 2 with a message that names what to fix.
 */

interface Digits {
  x: number[][];
  y: number[];
  test_index: number[];
  train_index: number[];
}

let workspace = '';
let runsDir = '';
let runId = '';
let script = '';
let original = '';
let digits: Digits;

before(() => {
  workspace = copyExample('evalens-draw-');
  runsDir = path.join(workspace, '.evalens', 'runs');
  script = path.join(workspace, 'digits.integration.ts');
  original = readFileSync(script, 'utf8');
  digits = JSON.parse(readFileSync(path.join(workspace, 'data', 'digits.json'), 'utf8')) as Digits;
  // A dataset of its own: the test rows in reverse, so drawing it shows that preprocess got the benchmark's dataset.
  writeFileSync(path.join(workspace, 'data', 'reversed.json'), JSON.stringify({ ...digits, test_index: [...digits.test_index].reverse() }));
  const config = writeConfig(workspace, (c) => {
    c.benchmarks = [...c.benchmarks, { name: 'reversed', dataset: 'data/reversed.json', subset: 'test', sampleCount: 20, seed: 3 }];
    c.gates = [];
  });
  runId = evaluate(config, runsDir).runId;
});

after(() => rmSync(workspace, { recursive: true, force: true }));

function draw(args: string[]) {
  return evalensSync(['draw', '--runs-dir', runsDir, ...args], { cwd: workspace });
}

function drawJson(benchmark: string, index: number): SampleVisuals {
  const result = draw(['--run', runId, '--benchmark', benchmark, '--index', String(index), '--json']);
  assert.equal(result.code, 0, result.stderr);
  return sampleVisualsSchema.parse(JSON.parse(result.stdout));
}

/** The RGBA bytes the example's image visualizer must give for a dataset row: grey 0..1 scaled to 0..255, opaque. */
function expectedRgba(row: number): Buffer {
  return Buffer.from(digits.x[row]!.flatMap((v) => [Math.round(Math.fround(v) * 255), Math.round(Math.fround(v) * 255), Math.round(Math.fround(v) * 255), 255]));
}

test('draw --json: every visualizer of the sample, the image as RGBA, exactly the documented fields', () => {
  const printed = draw(['--run', runId, '--benchmark', 'test', '--index', '37', '--json']);
  assert.equal(printed.code, 0, printed.stderr);
  const visuals = JSON.parse(printed.stdout) as SampleVisuals;
  assert.deepEqual(sampleVisualsSchema.parse(visuals), visuals);
  const row = digits.test_index[37]!;
  const [image, label] = visuals.visuals;
  assert.deepEqual(visuals.visuals.map((v) => [v.name, v.kind]), [['image', 'image'], ['label', 'text']]);
  assert.deepEqual(Object.keys(image!).sort(), ['height', 'kind', 'name', 'rgba', 'width']);
  assert.ok(image?.kind === 'image');
  assert.equal(image.width, 8);
  assert.equal(image.height, 8);
  assert.deepEqual(Buffer.from(image.rgba, 'base64'), expectedRgba(row));
  assert.deepEqual(label, { name: 'label', kind: 'text', text: `digit ${digits.y[row]}, source row ${row}` });
  assert.equal(visuals.warning, undefined);
});

test("draw shows the samples the run scored: a sampled benchmark's record and its own dataset", () => {
  const records = readRecords(runsDir, runId);
  for (const benchmark of ['train-sample', 'reversed']) {
    const record = records.find((r) => r.benchmark === benchmark && r.position === 5)!;
    const visuals = drawJson(benchmark, record.index);
    const row = record.metadata.source_row as number;
    const label = visuals.visuals.find((v) => v.kind === 'text');
    assert.equal(label?.kind === 'text' && label.text, `digit ${digits.y[row]}, source row ${row}`, benchmark);
    const image = visuals.visuals.find((v) => v.kind === 'image');
    assert.deepEqual(image?.kind === 'image' && Buffer.from(image.rgba, 'base64'), expectedRgba(row), benchmark);
  }
  const first = drawJson('reversed', 0).visuals.find((v) => v.kind === 'text');
  assert.match(first?.kind === 'text' ? first.text : '', new RegExp(`source row ${digits.test_index.at(-1)}$`), "preprocess read the benchmark's dataset");
});

test('draw without --json prints a short summary', () => {
  const printed = draw(['--run', runId, '--benchmark', 'test', '--index', '0']);
  assert.equal(printed.code, 0, printed.stderr);
  const row = digits.test_index[0]!;
  assert.equal(printed.stdout, `Run ${runId}  benchmark 'test'  sample 0\n  image  image 8 × 8\n  label  text  digit ${digits.y[row]}, source row ${row}\n`);
});

/** An error as the CLI must print it: exit 2, `{ ok: false, error: { code, message } }` with --json, one line on stderr without. */
function assertDrawError(args: string[], code: string, says: RegExp): void {
  const json = draw([...args, '--json']);
  assert.equal(json.code, 2, json.stderr);
  const parsed = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; message: string } };
  assert.deepEqual(Object.keys(parsed), ['ok', 'error']);
  assert.equal(parsed.ok, false);
  assert.equal(parsed.error.code, code);
  assert.match(parsed.error.message, says);
  const human = draw(args);
  assert.equal(human.code, 2);
  assert.match(human.stderr, /^error: /);
  assert.match(human.stderr, says);
  assert.doesNotMatch(human.stderr, /\n\s+at /, 'no stack trace');
}

test('user errors: an unknown run, benchmark or index, each saying what to pass instead', () => {
  assertDrawError(['--run', '20200101-000000-aaaaaa', '--benchmark', 'test', '--index', '1'], 'run-not-found', /No run '20200101-000000-aaaaaa' in .*evalens runs list/);
  assertDrawError(['--run', runId, '--benchmark', 'tset', '--index', '1'], 'benchmark-not-found', new RegExp(`Run ${runId} has no benchmark 'tset'; it scored 'test', 'train-sample', 'reversed'\\. Pass one of those with --benchmark`));
  assertDrawError(['--run', runId, '--benchmark', 'test', '--index', '540'], 'sample-out-of-range', /Sample 540 is not in benchmark 'test' .*subset 'test' has 540 samples\. Pass --index from 0 to 539/);
  assertDrawError(['--run', runId, '--benchmark', 'test', '--index', 'seven'], 'sample-out-of-range', /--index "seven" is not a sample index\. Pass the sample's index in its subset/);
});

/** Runs `check` with the example's script replaced by `edit(original)`, then puts it back. */
function withScript(edit: (text: string) => string, check: () => void): void {
  writeFileSync(script, edit(original));
  try {
    check();
  } finally {
    writeFileSync(script, original);
  }
}

test('a script changed since the run: still drawn, with a warning in the JSON and on stderr', () => {
  withScript(
    (text) => text.replace('`digit ${subset.data.digits.y[row]}, source row ${row}`', '`digit ${subset.data.digits.y[row]} (row ${row})`'),
    () => {
      const visuals = drawJson('test', 3);
      assert.match(visuals.warning ?? '', /digits\.integration\.ts \(or a file it imports\) changed since run .* started, so these visuals may not show what the run saw/);
      const row = digits.test_index[3]!;
      assert.deepEqual(visuals.visuals[1], { name: 'label', kind: 'text', text: `digit ${digits.y[row]} (row ${row})` });
      const human = draw(['--run', runId, '--benchmark', 'test', '--index', '3']);
      assert.equal(human.code, 0);
      assert.match(human.stderr, /^warning: .*changed since run/);
    },
  );
});

test('a visualizer that throws or draws a wrong image names the script, its line and the sample', () => {
  withScript(
    (text) => text.replace("draw: (index, subset) => ({ data: Float32Array.from(", "draw: (index, subset) => ({ data: index === 37 ? (() => { throw new Error('no pixels for this digit'); })() : Float32Array.from("),
    () => assertDrawError(['--run', runId, '--benchmark', 'test', '--index', '37'], 'visualizer-failed', /Image visualizer 'image' of digits\.integration\.ts threw at sample 37 of subset 'test' \(at .*digits\.integration\.ts:\d+:\d+\): no pixels for this digit\. Fix its draw\(\) for this sample/),
  );
  withScript(
    (text) => text.replace('width: 8, height: 8, channels: 1', 'width: 8, height: 4, channels: 1'),
    () => assertDrawError(['--run', runId, '--benchmark', 'test', '--index', '2'], 'visualizer-failed', /digits\.integration\.ts: Image visualizer 'image' returned 64 values at sample 2 of subset 'test', but width × height × channels = 8 × 4 × 1 = 32/),
  );
});

test('an integration without visualizers says how to add them', () => {
  withScript(
    (text) => text.replace(/\n  \/\/ What the report's sample detail shows[\s\S]*?\n  },\n/, '\n'),
    () => assertDrawError(['--run', runId, '--benchmark', 'test', '--index', '1'], 'no-visualizers', /digits\.integration\.ts declares no visualizers, so there is nothing to draw for its samples\. Add them to its defineIntegration, e\.g\. `visualizers: \{ image: \{ kind: 'image'/),
  );
});
