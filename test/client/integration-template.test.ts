import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { integrationTemplate } from '../../client/scaffold/integration-template';
import { readModelSignatureSync } from '../../engine/onnx/model-signature';
import { loadIntegration } from '../../engine/loader/load-script';
import { runIntegrationTest } from '../../engine/integration-test/run-integration-test';
import { ROOT } from '../helpers/paths';

test('New Integration Script: the scaffold for a model loads, binds every model input and output, and passes the binding checks', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-scaffold-'));
  const model = path.join(dir, 'digits_cnn.onnx');
  copyFileSync(path.join(ROOT, 'test', 'fixtures', 'models', 'digits_cnn.onnx'), model);
  const script = path.join(dir, 'digits_cnn.integration.ts');
  writeFileSync(script, integrationTemplate(script, readModelSignatureSync(model)));

  const loaded = await loadIntegration(script);
  assert.deepEqual(loaded.definition.model.inputs, { image: 'image' });
  assert.deepEqual(loaded.definition.inputs.image!.shape, [1, 8, 8]);
  assert.equal(loaded.definition.inputs.image!.dtype, 'float32');
  assert.deepEqual(Object.keys(loaded.definition.model.outputs), ['logits', 'embedding']);
  const logits = loaded.definition.model.outputs.logits!;
  assert.equal(logits.role === 'prediction' && logits.task === 'classification' && logits.labels?.length, 10);
  assert.equal(loaded.modelPath, model);

  const report = await runIntegrationTest({ scriptPath: script });
  const failed = report.checks.filter((c) => c.status === 'failed');
  assert.deepEqual(failed, [], 'the bindings filled from the signature pass');
  assert.ok(report.checks.some((c) => c.id === 'preprocess.subsets' && c.status === 'warning'), 'the empty TODO subsets are flagged, not hidden');
});
