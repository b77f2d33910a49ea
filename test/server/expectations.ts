/**
 * What the language server must report for each fixture, exactly: code, range
 * (`line:character-line:character`, 0-based as in LSP) and the text under the range.
 * Runtime fixtures (test/fixtures/integrations) whose problem only shows when the script
 * runs (a throw or a NaN at sample 37, a syntax error TypeScript itself reports) expect none:
 * the server stays silent where it cannot decide.
 */
export type Expected = [code: string, range: string, text: string];

export const EXPECTED_DIAGNOSTICS: Record<string, Expected[]> = {
  'integrations/encoder-throws.integration.ts': [],
  'integrations/invalid-definition.integration.js': [['EV102', '5:42-5:43', "0"], ['EV305', '6:38-6:46', "'pixels'"], ['EV306', '5:12-5:17', "image"]],
  'integrations/hidden-latent.integration.ts': [],
  'integrations/label-out-of-range.integration.ts': [],
  'integrations/labels-count.integration.ts': [['EV310', '7:111-7:126', "LABELS.slice(1)"]],
  'integrations/metadata-missing-key.integration.ts': [['EV207', '6:56-6:65', "{ index }"]],
  'integrations/metadata-nested.integration.ts': [['EV201', '7:47-7:51', "size"]],
  'integrations/metadata-type-flip.integration.ts': [['EV206', '8:27-8:30', "dpi"]],
  'integrations/metric-nan.integration.ts': [],
  'integrations/model-missing.integration.ts': [['EV301', '3:106-3:127', "'./data/missing.onnx'"]],
  'integrations/nan-input.integration.ts': [],
  'integrations/no-export.integration.ts': [['EV403', '4:0-4:17', "defineIntegration"]],
  'integrations/not-onnx.integration.ts': [['EV302', '3:106-3:131', "'./data/not-a-model.onnx'"]],
  'integrations/preprocess-throws.integration.ts': [],
  'integrations/shape-changes.integration.ts': [],
  'integrations/shape-disagrees.integration.ts': [['EV308', '5:38-5:42', "[64]"]],
  'integrations/syntax-error.integration.ts': [],
  'integrations/top-level-throws.integration.ts': [],
  'integrations/truncated-model.integration.ts': [['EV302', '3:106-3:129', "'./data/truncated.onnx'"]],
  'integrations/unknown-model-input.integration.ts': [['EV303', '3:110-3:116', "pixels"], ['EV304', '3:100-3:106', "inputs"]],
  'integrations/valid.integration.js': [],
  'integrations/valid.integration.mjs': [],
  'integrations/valid.integration.ts': [],
  'integrations/visualizer-range.integration.ts': [],
  'integrations/visualizer-shape.integration.ts': [],
  'integrations/visualizer-text.integration.ts': [['EV602', '8:75-8:96', "subset.data.y[index]!"]],
  'integrations/visualizer-throws.integration.ts': [],
  'integrations/wrong-dtype.integration.js': [['EV104', '6:58-6:97', "Float64Array.from(subset.data.x[index])"]],
  'lsp/dtype-disagrees.integration.ts': [['EV307', '7:38-7:45', "'int32'"]],
  'lsp/dtype-unsupported.integration.js': [['EV106', '6:46-6:55', "'float64'"]],
  'lsp/duplicate-name.integration.ts': [['EV401', '8:14-8:19', "image"]],
  'lsp/encode-number-array.integration.ts': [['EV104', '11:33-11:54', "subset.data.x[index]!"]],
  'lsp/encode-paths-differ.integration.ts': [['EV105', '15:15-15:53', "Int32Array.from(subset.data.x[index]!)"]],
  'lsp/encoder-unbound.integration.ts': [['EV306', '7:19-7:28', "thumbnail"]],
  'lsp/ground-truth-shape.integration.ts': [['EV311', '8:44-8:47', "[2]"]],
  'lsp/ground-truth-unknown.integration.ts': [['EV312', '12:98-12:106', "'labels'"]],
  'lsp/labels-missing.integration.js': [['EV313', '7:85-7:91', "logits"]],
  'lsp/metadata-any.integration.ts': [['EV205', '10:31-10:63', "JSON.parse(notes)[String(index)]"]],
  'lsp/metadata-array.integration.ts': [['EV202', '8:44-8:47', "row"]],
  'lsp/metadata-function.integration.ts': [['EV203', '8:41-8:46', "total"]],
  'lsp/metadata-nested-variable.integration.ts': [['EV201', '12:15-12:18', "box"]],
  'lsp/metadata-optional.integration.ts': [['EV204', '8:36-8:42', "writer"]],
  'lsp/metadata-paths-kind.integration.ts': [['EV206', '11:13-11:18', "index"]],
  'lsp/model-input-unfed.integration.ts': [['EV304', '8:21-8:27', "inputs"]],
  'lsp/name-invalid.integration.ts': [['EV405', '8:14-8:26', "'row parity'"]],
  'lsp/no-inputs.integration.ts': [['EV406', '7:2-7:8', "inputs"], ['EV304', '8:21-8:27', "inputs"]],
  'lsp/output-unknown.integration.ts': [['EV309', '8:50-8:63', "probabilities"]],
  'lsp/preprocess-missing.integration.js': [['EV402', '4:17-4:34', "defineIntegration"]],
  'lsp/shape-not-literal.integration.ts': [['EV103', '9:38-9:49', "IMAGE_SHAPE"]],
  'lsp/shape-runtime.integration.ts': [['EV101', '9:42-9:46', "size"]],
  'lsp/shape-zero-dim.integration.ts': [['EV102', '7:39-7:40', "0"]],
  'lsp/tensor-key-taken.integration.ts': [['EV315', '11:87-11:106', "'/fc/Gemm_output_0'"]],
  'lsp/tensor-unknown.integration.ts': [['EV314', '11:121-11:131', "'embeding'"]],
  'lsp/valid-binary.integration.ts': [],
  'lsp/threshold-count.integration.ts': [['EV316', '8:109-8:124', '[0.5, 0.3, 0.7]']],
  'lsp/threshold-not-multilabel.integration.ts': [['EV316', '8:113-8:116', '0.3']],
  'lsp/valid-commonjs.integration.js': [],
  'lsp/valid-patterns.integration.ts': [],
  'lsp/valid-visualizers.integration.ts': [],
  'lsp/visualizer-channels.integration.ts': [['EV605', '9:101-9:102', "2"]],
  'lsp/visualizer-dims.integration.js': [['EV606', '8:110-8:116', "64 / 3"]],
  'lsp/visualizer-image-data.integration.js': [['EV604', '8:62-8:102', "subset.data.x[index].map((v) => v * 255)"]],
  'lsp/visualizer-image-incomplete.integration.ts': [['EV603', '12:30-12:47', "subset.data.x[0]!"], ['EV603', '13:15-13:88', "{ data: Float32Array.from(subset.data.x[index]!), width: 8, channels: 1 }"]],
  'lsp/visualizer-name-invalid.integration.ts': [['EV405', '7:17-7:30', "'digit image'"]],
  'lsp/visualizer-kind-unknown.integration.ts': [['EV601', '9:23-9:30', "'chart'"], ['EV601', '10:4-10:11', "caption"]],
  'lsp/visualizer-text-number.integration.ts': [['EV602', '9:52-9:73', "subset.data.y[index]!"]],
};

/** Valid scripts: no diagnostics at all. */
export const VALID = Object.entries(EXPECTED_DIAGNOSTICS)
  .filter(([, expected]) => expected.length === 0)
  .map(([fixture]) => fixture);
