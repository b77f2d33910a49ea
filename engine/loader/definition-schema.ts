import { z } from 'zod';
import type { Encoder, ImageVisualizer, IntegrationDefinition, MetadataFunction, SampleScore, TextOutput, TextVisualizer } from '../sdk';

/**
 * Runtime validation of what `defineIntegration` received: the SDK's types catch most of
 * this at compile time, but JS scripts and `any` get through, and the engine must never
 * run on a definition it does not understand.
 */

/** A function slot, typed as the SDK declares it (its signature cannot be checked at run time). */
function fn<T>() {
  return z.custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
}

const name = z.string().regex(/^[A-Za-z_][\w.-]*$/, 'must be a name of letters, digits, _, . or -');

const encoderSchema = z.object({
  shape: z.array(z.number().int().positive('dimensions must be positive integers')).readonly(),
  dtype: z.enum(['float32', 'int64', 'int32', 'uint8', 'bool']),
  encode: fn<Encoder['encode']>(),
});

const probability = z.number({ error: 'must be a probability from 0 to 1' }).min(0, 'must be a probability from 0 to 1').max(1, 'must be a probability from 0 to 1');

const predictionSchema = z.object({
  role: z.literal('prediction'),
  task: z.enum(['classification', 'binary', 'multilabel', 'regression']),
  labels: z.array(z.string()).min(1).optional(),
  groundTruth: z.string().optional(),
  activation: z.enum(['logits', 'probabilities']).optional(),
  threshold: z.union([probability, z.array(probability).min(1, 'must hold one threshold per label')]).optional(),
});

const textSchema = z.object({
  role: z.literal('prediction'),
  task: z.literal('text'),
  decode: fn<TextOutput['decode']>(),
  references: fn<TextOutput['references']>(),
});

const latentSchema = z.object({ role: z.literal('latent'), tensor: z.string().min(1, 'must name a tensor of the model graph (a node output or a graph input)').optional() });

const outputSchema = z.union([textSchema, predictionSchema, latentSchema]);

// What each visualizer's draw() returns is only known once it runs: the integration test checks it.
const visualizerSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('image'), draw: fn<ImageVisualizer['draw']>() }),
    z.object({ kind: z.literal('text'), draw: fn<TextVisualizer['draw']>() }),
  ],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
      return `is ${kind === undefined ? 'missing' : JSON.stringify(kind)}: give each visualizer kind 'image' (draw returns { data, width, height, channels }) or 'text' (draw returns a string)`;
    },
  },
);

export const definitionSchema = z
  .object({
    name: z.string().optional(),
    preprocess: fn<IntegrationDefinition['preprocess']>(),
    inputs: z.record(name, encoderSchema).refine((r) => Object.keys(r).length > 0, 'must declare at least one input encoder'),
    groundTruths: z.record(name, encoderSchema).optional(),
    metadata: z.record(name, fn<MetadataFunction>()).optional(),
    metrics: z.record(name, fn<SampleScore>()).optional(),
    losses: z.record(name, fn<SampleScore>()).optional(),
    visualizers: z.record(name, visualizerSchema).optional(),
    model: z.object({
      path: z.string().min(1, 'must be the path of an .onnx file, relative to the script'),
      inputs: z.record(z.string(), z.string()),
      outputs: z.record(z.string(), outputSchema),
    }),
  })
  .superRefine((def, ctx) => {
    for (const [modelInput, encoderName] of Object.entries(def.model.inputs)) {
      if (!(encoderName in def.inputs)) {
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'inputs', modelInput],
          message: `names input encoder '${encoderName}', which is not declared in 'inputs' (declared: ${list(Object.keys(def.inputs))})`,
        });
      }
    }
    const groundTruths = Object.keys(def.groundTruths ?? {});
    for (const [output, binding] of Object.entries(def.model.outputs)) {
      if (binding.role === 'prediction' && binding.task !== 'text' && binding.groundTruth !== undefined && !groundTruths.includes(binding.groundTruth)) {
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'outputs', output, 'groundTruth'],
          message: `names ground-truth encoder '${binding.groundTruth}', which is not declared in 'groundTruths' (declared: ${list(groundTruths)})`,
        });
      }
      if (binding.role === 'prediction' && binding.task !== 'regression' && binding.task !== 'text' && binding.labels === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['model', 'outputs', output, 'labels'],
          message: `is required for a ${binding.task} output: give one class name per entry of its class dimension`,
        });
      }
      if (binding.role === 'prediction' && binding.task !== 'text' && binding.threshold !== undefined) {
        const { threshold, labels } = binding;
        if (binding.task !== 'multilabel') {
          ctx.addIssue({ code: 'custom', path: ['model', 'outputs', output, 'threshold'], message: `applies to multilabel outputs only; this output is ${binding.task}: remove it` });
        } else if (Array.isArray(threshold) && labels !== undefined && threshold.length !== labels.length) {
          ctx.addIssue({ code: 'custom', path: ['model', 'outputs', output, 'threshold'], message: `holds ${threshold.length} thresholds for ${labels.length} labels: give one per label, in the order of labels, or one number for all` });
        }
      }
    }
    const seen = new Map<string, string>();
    for (const group of ['inputs', 'groundTruths', 'metadata', 'metrics', 'losses'] as const) {
      for (const key of Object.keys(def[group] ?? {})) {
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: [group, key], message: `reuses the name '${key}' already declared in '${first}'; names must be unique across components` });
        } else {
          seen.set(key, group);
        }
      }
    }
  });

export type ValidatedDefinition = z.infer<typeof definitionSchema>;

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}

/** Renders zod issues as `path: message` lines, the path written the way a user would type it. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(the definition)' : out;
}

export type ValidatedPrediction = Exclude<Extract<ValidatedDefinition['model']['outputs'][string], { role: 'prediction' }>, { task: 'text' }>;
export type ValidatedText = Extract<ValidatedDefinition['model']['outputs'][string], { task: 'text' }>;
export type ValidatedEncoder = ValidatedDefinition['inputs'][string];
