import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { EvalensError } from '../errors';
import { formatPath } from '../loader/definition-schema';
import { closestName } from './closest-name';
import { analysisOptionsSchema, benchmarkSchema, evalConfigSchema, gateSchema, type EvalConfig } from './eval-config';

/** An eval config with every path made absolute, as a run snapshots it. */
export interface ResolvedEvalConfig extends Omit<EvalConfig, 'model' | 'benchmarks'> {
  configFile: string;
  /** Absolute path of the integration script. */
  integration: string;
  /** Absolute path of the ONNX file chosen by `model` (undefined: the integration's binding decides); of a series, its last checkpoint. */
  model?: string;
  /** The config's `model.checkpoint` as written (a file name, 'latest'), kept in the run's snapshot: `model` is the file it chose. */
  checkpoint?: string;
  /** `model.checkpoint: "all"`: every checkpoint of the folder (absolute paths), in natural order. */
  checkpoints?: string[];
  benchmarks: (EvalConfig['benchmarks'][number] & { dataset?: string })[];
}

/** Reads, validates and resolves an eval config; every problem is an EvalensError naming the JSON path. */
export function loadEvalConfig(configPath: string): ResolvedEvalConfig {
  const configFile = path.resolve(configPath);
  const shown = path.relative(process.cwd(), configFile) || configFile;
  if (!existsSync(configFile)) {
    throw new EvalensError('config-not-found', `Eval config '${shown}' does not exist. Pass the path of an evalens.eval.json with --config.`);
  }
  const text = readFileSync(configFile, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EvalensError('config-invalid', `${shown} is not valid JSON: ${jsonErrorAt(text, error)}. Fix the syntax (no comments or trailing commas).`, { file: configFile });
  }
  const parsed = evalConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EvalensError('config-invalid', `${shown} is not a valid eval config:\n${formatConfigIssues(parsed.error).map((l) => `  - ${l}`).join('\n')}\nFix these fields; the schema is evalens.eval.schema.json.`, { file: configFile });
  }
  const config = parsed.data;
  const dir = path.dirname(configFile);
  const problems: string[] = [];
  const integration = path.resolve(dir, config.integration);
  if (!existsSync(integration)) problems.push(`integration: '${config.integration}' does not exist (looked at ${integration})`);
  let model: string | undefined;
  let checkpoints: string[] | undefined;
  if (config.model !== undefined) {
    const modelPath = path.resolve(dir, config.model.path);
    if (!existsSync(modelPath)) {
      problems.push(`model.path: '${config.model.path}' does not exist (looked at ${modelPath})`);
    } else if (statSync(modelPath).isDirectory()) {
      const chosen = chooseCheckpoint(modelPath, config.model.checkpoint);
      if (chosen.problem !== undefined) problems.push(`model.checkpoint: ${chosen.problem}`);
      model = chosen.files?.at(-1);
      if (config.model.checkpoint === 'all') checkpoints = chosen.files;
    } else if (config.model.checkpoint !== undefined) {
      problems.push(`model.checkpoint: given, but model.path '${config.model.path}' is a file, not a folder of checkpoints`);
    } else {
      model = modelPath;
    }
  }
  const benchmarks = config.benchmarks.map((b, i) => {
    if (b.dataset === undefined) return b;
    const dataset = path.resolve(dir, b.dataset);
    if (!existsSync(dataset)) problems.push(`benchmarks[${i}].dataset: '${b.dataset}' does not exist (looked at ${dataset})`);
    return { ...b, dataset };
  });
  if (problems.length > 0) {
    throw new EvalensError('config-invalid', `${shown} names files that cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}\nPaths are relative to the config's folder.`, { file: configFile });
  }
  return { ...config, configFile, integration, model, ...(config.model?.checkpoint === undefined ? {} : { checkpoint: config.model.checkpoint }), ...(checkpoints === undefined ? {} : { checkpoints }), benchmarks };
}

/** Natural order: epoch-2 before epoch-10. */
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The checkpoint file(s) `checkpoint` names in a folder: one, or every one for 'all'. */
function chooseCheckpoint(folder: string, checkpoint: string | undefined): { files?: string[]; problem?: string } {
  const files = readdirSync(folder).filter((f) => f.endsWith('.onnx')).sort(naturalOrder);
  if (files.length === 0) return { problem: `the folder ${folder} holds no .onnx file` };
  if (checkpoint === undefined) return { problem: `model.path is a folder: choose one of ${files.map((f) => `'${f}'`).join(', ')}, 'latest' or 'all'` };
  if (checkpoint === 'all') return { files: files.map((f) => path.join(folder, f)) };
  if (checkpoint === 'latest') {
    const newest = files.map((f) => ({ f, t: statSync(path.join(folder, f)).mtimeMs })).sort((a, b) => b.t - a.t || b.f.localeCompare(a.f))[0]!;
    return { files: [path.join(folder, newest.f)] };
  }
  if (!files.includes(checkpoint)) return { problem: `'${checkpoint}' is not in ${folder} (it holds ${files.map((f) => `'${f}'`).join(', ')})` };
  return { files: [path.join(folder, checkpoint)] };
}

/** zod issues as `path: message`; an unknown key is reported at its own path, with the closest known key. */
export function formatConfigIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const known = knownKeysAt(issue.path);
        const near = closestName(key, known);
        return `${formatPath([...issue.path, key])}: is not a known field${near ? ` (did you mean '${near}'?)` : known.length ? ` (known: ${known.join(', ')})` : ''}`;
      });
    }
    return [`${formatPath(issue.path)}: ${issue.message}`];
  });
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': Object.keys(evalConfigSchema.shape),
  benchmarks: Object.keys(benchmarkSchema.shape),
  gates: Object.keys(gateSchema.shape),
  model: Object.keys(evalConfigSchema.shape.model.unwrap().shape),
  analysis: Object.keys(analysisOptionsSchema.shape),
};

function knownKeysAt(at: readonly PropertyKey[]): string[] {
  const head = at.find((p) => typeof p === 'string') ?? '';
  return KNOWN_KEYS[head] ?? [];
}

function jsonErrorAt(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (!position) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
