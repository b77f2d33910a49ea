import { z } from 'zod';
import { benchmarkSchema, EVAL_CONFIG_FILE, evalConfigSchema, gateSchema } from '../engine/config/eval-config';

/** The JSON Schema of the eval config, committed at the repository root and contributed to VS Code for editor validation. */
export const CONFIG_SCHEMA_FILE = 'evalens.eval.schema.json';

type JsonSchema = Record<string, unknown>;

/**
 * The eval config's JSON Schema, generated from the zod schema so the two cannot disagree.
 * Draft-07, the draft every editor validates. What zod cannot express (its refinements) is
 * added where JSON Schema can say it, so the editor flags it as the CLI would.
 */
export function evalConfigJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(evalConfigSchema, {
    io: 'input',
    target: 'draft-07',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === benchmarkSchema) {
        jsonSchema.anyOf = [{ required: ['subset'] }, { required: ['dataset'] }];
      } else if (zodSchema === gateSchema) {
        jsonSchema.anyOf = [{ required: ['min'] }, { required: ['max'] }, { required: ['minChange'] }, { required: ['minRelativeChange'] }];
        jsonSchema.dependencies = { minChange: ['baseline'], minRelativeChange: ['baseline'] };
      }
    },
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return { $schema, title: `Evalens evaluation config (${EVAL_CONFIG_FILE})`, ...rest };
}

export function evalConfigJsonSchemaText(): string {
  return `${JSON.stringify(evalConfigJsonSchema(), null, 2)}\n`;
}
