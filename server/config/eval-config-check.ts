import { existsSync } from 'node:fs';
import { closestName } from '../../engine/config/closest-name';
import path from 'node:path';
import { getNodeValue, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { evalConfigSchema } from '../../engine/config/eval-config';
import { formatPath } from '../../engine/loader/definition-schema';
import type { Finding } from '../analysis/findings';
import { keyRange, rangeAtPath, valueRange } from './json-locations';

/** What the config check needs to know about the integration a config names. */
export interface ConfigIntegrationLookup {
  /** Subset names the integration's preprocess returns; undefined when they cannot be known statically. */
  subsets(scriptPath: string): string[] | undefined;
}

/**
 * EV5xx (and EV404) for an eval config (`evalens.eval.json`): JSON syntax, the engine's zod
 * schema with every issue at its JSON path, the integration script exists, and each
 * benchmark's subset is one the integration returns.
 */
export function checkEvalConfig(text: string, configPath: string, integrations: ConfigIntegrationLookup): Finding[] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    return errors.map((e) => finding('EV502', { start: e.offset, end: e.offset + Math.max(e.length, 1) }, `The eval config is not valid JSON: ${describeParseError(e)}. Fix the syntax at this position (comments and trailing commas are not allowed).`));
  }
  const value: unknown = getNodeValue(root);
  const findings: Finding[] = [];
  const parsed = evalConfigSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) findings.push(...issueFindings(root, issue));
  }
  findings.push(...integrationFindings(root, value, configPath, integrations));
  return findings;
}

function issueFindings(root: JsonNode, issue: z.core.$ZodIssue): Finding[] {
  const issuePath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issuePath);
    return issue.keys.map((key) => {
      const similar = closestName(key, allowed);
      const where = issuePath.length === 0 ? 'the config' : `'${formatPath(issuePath)}'`;
      const hint = similar !== undefined ? `Did you mean '${similar}'?` : `Keys allowed here: ${allowed.join(', ')}.`;
      return finding('EV501', keyRange(root, issuePath, key), `Unknown key '${key}' in ${where}. ${hint} Unknown keys are errors, so a typo never silently falls back to a default.`);
    });
  }
  const where = formatPath(issuePath);
  const description = describeAt(issuePath);
  const about = description === undefined ? '' : ` ${description.endsWith('.') ? description : `${description}.`}`;
  const missing = issue.code === 'invalid_type' && valueRange(root, issuePath) === undefined;
  const problem = missing ? 'is required but missing: add it' : lowerFirst(issue.message).replace(/\.$/, '');
  return [finding('EV501', rangeAtPath(root, issuePath), `'${where}' ${problem}.${about}`)];
}

function integrationFindings(root: JsonNode, value: unknown, configPath: string, integrations: ConfigIntegrationLookup): Finding[] {
  if (typeof value !== 'object' || value === null) return [];
  const config = value as { integration?: unknown; benchmarks?: unknown };
  if (typeof config.integration !== 'string' || config.integration === '') return [];
  const script = path.resolve(path.dirname(configPath), config.integration);
  const at = valueRange(root, ['integration']);
  if (at === undefined) return [];
  if (!existsSync(script)) {
    return [finding('EV503', at, `Integration script '${config.integration}' does not exist at ${script}. Paths in the config are relative to the config file: fix the path.`)];
  }
  const subsets = integrations.subsets(script);
  if (subsets === undefined || !Array.isArray(config.benchmarks)) return [];
  const out: Finding[] = [];
  config.benchmarks.forEach((benchmark: unknown, i) => {
    const subset = (benchmark as { subset?: unknown } | null)?.subset;
    if (typeof subset !== 'string' || subsets.includes(subset)) return;
    const range = valueRange(root, ['benchmarks', i, 'subset']);
    if (range === undefined) return;
    out.push(
      finding(
        'EV404',
        range,
        `Benchmark subset '${subset}' is not returned by the preprocess of ${path.basename(script)} (it returns ${subsets.map((s) => `'${s}'`).join(', ')}). Use one of those subsets, or return '${subset}' from preprocess.`,
      ),
    );
  });
  return out;
}

function finding(code: Finding['code'], range: { start: number; end: number }, message: string): Finding {
  return { code, start: range.start, end: range.end, message, fixes: [] };
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

/** Looks through optional, default, nullable and pipe wrappers to the schema that holds the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let guard = 0; guard < 8; guard++) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (inner === undefined) break;
    current = inner;
  }
  return current;
}

/** The field's schema (wrappers kept, so its `.describe()` text is there) along a JSON path. */
function fieldAt(issuePath: readonly (string | number)[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = evalConfigSchema as unknown as z.ZodType;
  for (const key of issuePath) {
    if (schema === undefined) return undefined;
    const def = defOf(unwrap(schema));
    if (def.type === 'object' && typeof key === 'string') schema = def.shape?.[key];
    else if (def.type === 'array' && typeof key === 'number') schema = def.element;
    else return undefined;
  }
  return schema;
}

function allowedKeys(issuePath: readonly (string | number)[]): string[] {
  const field = fieldAt(issuePath);
  const shape = field === undefined ? undefined : defOf(unwrap(field)).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

function describeAt(issuePath: readonly (string | number)[]): string | undefined {
  if (issuePath.length === 0) return undefined;
  const field = fieldAt(issuePath);
  return field === undefined ? undefined : (field.description ?? unwrap(field).description);
}

function describeParseError(e: ParseError): string {
  const text = printParseErrorCode(e.error);
  return text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
