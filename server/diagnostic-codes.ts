/**
 * Every diagnostic the language server reports, with its default severity and a one-line
 * doc. Codes are stable: tests, docs and users' suppressions refer to them.
 * EV1xx encoders, EV2xx metadata, EV3xx model binding, EV4xx structure, EV5xx eval config,
 * EV6xx visualizers.
 */
export type Severity = 'error' | 'warning';

interface CodeInfo {
  readonly severity: Severity;
  readonly doc: string;
}

export const DIAGNOSTIC_CODES = {
  EV101: { severity: 'error', doc: 'An encoder shape is computed from a value only known at run time.' },
  EV102: { severity: 'error', doc: 'An encoder shape has a dimension that is not a positive integer.' },
  EV103: { severity: 'warning', doc: 'An encoder shape is known statically but is not a literal tuple (add `as const` or write it inline).' },
  EV104: { severity: 'error', doc: "An encoder's encode() returns something else than the typed array of its dtype." },
  EV105: { severity: 'error', doc: "An encoder's encode() returns different array types on different return paths." },
  EV106: { severity: 'error', doc: 'An encoder declares a dtype Evalens does not support.' },

  EV201: { severity: 'error', doc: 'A metadata value is a nested object (flatten it into dotted keys).' },
  EV202: { severity: 'error', doc: 'A metadata value is an array.' },
  EV203: { severity: 'error', doc: 'A metadata value is a function, bigint, symbol, Promise or other non-flat value.' },
  EV204: { severity: 'error', doc: 'A metadata value or key may be undefined or null (optional key).' },
  EV205: { severity: 'warning', doc: 'A metadata value is typed `any`, so it cannot be checked to be flat.' },
  EV206: { severity: 'error', doc: 'A metadata key (or value) is a number on some samples and a string or boolean on others.' },
  EV207: { severity: 'error', doc: 'A metadata function returns different keys on different return paths.' },

  EV301: { severity: 'error', doc: 'The ONNX file named by model.path does not exist.' },
  EV302: { severity: 'error', doc: 'The ONNX file named by model.path cannot be read as an ONNX model.' },
  EV303: { severity: 'error', doc: 'model.inputs binds a model input the ONNX file does not have.' },
  EV304: { severity: 'error', doc: 'A model input is fed by no encoder.' },
  EV305: { severity: 'error', doc: 'model.inputs names an input encoder that is not declared.' },
  EV306: { severity: 'warning', doc: 'An input encoder feeds no model input.' },
  EV307: { severity: 'error', doc: "An input encoder's dtype differs from the model input's element type." },
  EV308: { severity: 'error', doc: "An input encoder's shape disagrees with the model input's dims." },
  EV309: { severity: 'error', doc: 'model.outputs names an output the ONNX file does not have.' },
  EV310: { severity: 'error', doc: "A prediction output's class count differs from its labels count." },
  EV311: { severity: 'error', doc: 'A ground truth has a shape that cannot score the output bound to it.' },
  EV312: { severity: 'error', doc: 'An output names a ground-truth encoder that is not declared.' },
  EV313: { severity: 'error', doc: 'A classification, binary or multilabel output has no labels.' },
  EV314: { severity: 'error', doc: 'A latent output names a tensor (`tensor`) that the ONNX graph does not compute.' },
  EV315: { severity: 'error', doc: 'A latent output that reads a tensor has a key that is the name of another tensor of the graph.' },
  EV316: { severity: 'error', doc: "A prediction output's threshold is set on an output that is not multilabel, or lists a number of thresholds other than its labels." },

  EV401: { severity: 'error', doc: 'A name is used by two components (inputs, groundTruths, metadata, metrics, losses).' },
  EV402: { severity: 'error', doc: 'The integration has no preprocess function.' },
  EV403: { severity: 'error', doc: 'The result of defineIntegration is not the default export, so the loader cannot find it.' },
  EV404: { severity: 'error', doc: "An eval config benchmark names a subset the integration's preprocess does not return." },
  EV405: { severity: 'error', doc: 'A component name is not letters, digits, _, . or -.' },
  EV406: { severity: 'error', doc: 'The integration declares no input encoder.' },

  EV501: { severity: 'error', doc: 'The eval config does not match its schema.' },
  EV502: { severity: 'error', doc: 'The eval config is not valid JSON.' },
  EV503: { severity: 'error', doc: 'The eval config names an integration script that does not exist.' },

  EV601: { severity: 'error', doc: "A visualizer is not { kind: 'image' | 'text', draw }: its kind is missing or unknown, or it has no draw function." },
  EV602: { severity: 'error', doc: "A text visualizer's draw() returns something else than a string on some path." },
  EV603: { severity: 'error', doc: "An image visualizer's draw() returns something else than { data, width, height, channels } on some path." },
  EV604: { severity: 'error', doc: "An image visualizer's data is not a Uint8Array, Uint8ClampedArray or Float32Array." },
  EV605: { severity: 'error', doc: "An image visualizer's channels is a value other than 1, 3 or 4." },
  EV606: { severity: 'error', doc: "An image visualizer's width or height is a value that is not a positive integer." },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}
