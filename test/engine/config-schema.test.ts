import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evalConfigSchema } from '../../engine/config/eval-config';
import { CONFIG_SCHEMA_FILE, evalConfigJsonSchemaText } from '../../scripts/config-schema';
import { ROOT } from '../helpers/paths';

const committed = readFileSync(path.join(ROOT, CONFIG_SCHEMA_FILE), 'utf8');
const example = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'digits', 'evalens.eval.json'), 'utf8')) as Record<string, unknown>;

test(`${CONFIG_SCHEMA_FILE} is what the zod schema generates (run npm run build to regenerate it)`, () => {
  assert.equal(committed, evalConfigJsonSchemaText());
});

test('package.json contributes the schema for evalens.eval.json and *.eval.json', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes?: { jsonValidation?: { fileMatch: string[]; url: string }[] } };
  assert.deepEqual(pkg.contributes?.jsonValidation, [{ fileMatch: ['evalens.eval.json', '*.eval.json'], url: `./${CONFIG_SCHEMA_FILE}` }]);
  assert.equal(example.$schema, `../../${CONFIG_SCHEMA_FILE}`);
});

/**
 * A JSON Schema validator, as an editor applies the schema. ajv is not a dependency of
 * Evalens itself (it comes with @vscode/vsce); without it these checks are skipped, saying so.
 */
function loadAjv(): ((schema: object) => (data: unknown) => boolean) | undefined {
  try {
    const Ajv = require('ajv') as new (options: object) => { compile(schema: object): (data: unknown) => boolean };
    const ajv = new Ajv({ strict: false, allErrors: true });
    return (schema) => ajv.compile(schema);
  } catch {
    return undefined;
  }
}

const compile = loadAjv();
const skip = compile === undefined ? 'ajv is not installed (it comes with @vscode/vsce): the JSON Schema is not checked against configs' : false;

test('the example config validates against the JSON Schema', { skip }, () => {
  const validate = compile!(JSON.parse(committed) as object);
  assert.equal(validate(example), true);
});

test('the JSON Schema rejects what the CLI rejects, refinements included', { skip }, () => {
  const validate = compile!(JSON.parse(committed) as object);
  const benchmark = { name: 'test', subset: 'test' };
  const cases: [string, Record<string, unknown>][] = [
    ['minimal', { name: 'n', integration: 'x.integration.ts', benchmarks: [benchmark] }],
    ['unknown key', { ...example, batchsize: 3 }],
    ['no benchmarks', { ...example, benchmarks: [] }],
    ['benchmark without subset or dataset', { ...example, benchmarks: [{ name: 'test' }] }],
    ['benchmark with a dataset only', { ...example, benchmarks: [{ name: 'test', dataset: 'data.json' }] }],
    ['benchmark name with a slash', { ...example, benchmarks: [{ name: 'a/b', subset: 'test' }] }],
    ['gate without a threshold', { ...example, gates: [{ metric: 'accuracy' }] }],
    ['gate with minChange and no baseline', { ...example, gates: [{ metric: 'accuracy', minChange: -0.01 }] }],
    ['gate with minChange and a baseline', { ...example, gates: [{ metric: 'accuracy', minChange: -0.01, baseline: '20261123-191530-3f9a1c' }] }],
    ['batch size 0', { ...example, batchSize: 0 }],
    ['seed not an integer', { ...example, benchmarks: [{ ...benchmark, seed: 1.5 }] }],
  ];
  for (const [what, config] of cases) {
    assert.equal(validate(config), evalConfigSchema.safeParse(config).success, `${what}: JSON Schema and zod agree`);
  }
});
