import { build, type BuildFailure, type Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import * as sdk from '../sdk';
import { INTEGRATION_BRAND } from '../sdk';
import { EvalensError } from '../errors';
import { definitionSchema, formatIssues, type ValidatedDefinition } from './definition-schema';
import { formatLocation, userFrame } from './user-stack';
import { readModelSignature, type ModelSignature } from '../onnx/model-signature';

export const SCRIPT_PATTERN = /\.integration\.(ts|js|mjs)$/;

export interface LoadedIntegration {
  /** Absolute path of the script. */
  readonly file: string;
  readonly definition: ValidatedDefinition;
  /** Absolute path of the ONNX model named by the binding. */
  readonly modelPath: string;
  /** sha256 of the script and every file it imports relatively: what a run must find unchanged to resume. */
  readonly sourceHash: string;
}

/**
 * Loads an integration script: bundles it and its relative imports with esbuild (so TS works
 * without a user tsconfig), runs it with `evalens` resolved to this engine's SDK, and
 * validates the default export. Errors are EvalensErrors whose message names the file.
 */
export async function loadIntegration(scriptPath: string): Promise<LoadedIntegration> {
  const file = path.resolve(scriptPath);
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new EvalensError(
      'script-not-found',
      `Integration script '${shown}' does not exist. Check the path, or run the command in the folder that holds your *.integration.ts file.`,
      { file },
    );
  }
  const { code, sourceHash } = await transpile(file, shown);
  const exported = execute(code, file, shown);
  const defaultExport = exported?.default;
  const candidate = isBranded(exported) ? exported : isBranded(defaultExport) ? defaultExport : undefined;
  if (candidate === undefined) {
    throw new EvalensError(
      'script-no-integration',
      `${shown} does not export an integration: its default export is ${describe(defaultExport ?? exported)}. ` +
        `End the script with \`export default defineIntegration({ ... })\`, importing defineIntegration from 'evalens'.`,
      { file },
    );
  }
  const parsed = definitionSchema.safeParse(candidate);
  if (!parsed.success) {
    const lines = formatIssues(parsed.error);
    throw new EvalensError(
      'definition-invalid',
      `The integration in ${shown} is not valid:\n${lines.map((l) => `  - ${l}`).join('\n')}\nFix these fields in the object passed to defineIntegration.`,
      { file },
    );
  }
  return { file, definition: parsed.data, modelPath: path.resolve(path.dirname(file), parsed.data.model.path), sourceHash };
}

/** The signature of the integration's model; errors say which script's binding named the file. */
export async function readBoundModelSignature(integration: LoadedIntegration): Promise<ModelSignature> {
  try {
    return await readModelSignature(integration.modelPath);
  } catch (error) {
    if (error instanceof EvalensError) {
      const shown = path.relative(process.cwd(), integration.file);
      throw new EvalensError(error.code, `${shown} binds model.path '${integration.definition.model.path}'. ${error.message}`, error.location, { cause: error.cause });
    }
    throw error;
  }
}

async function transpile(file: string, shown: string): Promise<{ code: string; sourceHash: string }> {
  const dir = path.dirname(file);
  try {
    const result = await build({
      absWorkingDir: dir,
      metafile: true,
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      // Packages (and the SDK) are resolved at run time from the script's own folder.
      packages: 'external',
      outfile: file + '.js',
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error('esbuild produced no output');
    const hash = createHash('sha256');
    for (const input of Object.keys(result.metafile.inputs).sort()) {
      hash.update(`${input}\0`).update(readFileSync(path.resolve(dir, input))).update('\0');
    }
    return { code: output.text, sourceHash: hash.digest('hex') };
  } catch (error) {
    const messages = (error as Partial<BuildFailure>).errors;
    if (!Array.isArray(messages)) throw error;
    throw new EvalensError(
      'script-compile',
      `${shown} does not compile:\n${messages.map((m) => `  ${formatMessage(m, dir)}`).join('\n')}\nFix the code at the position shown, then run again.`,
      { file },
    );
  }
}

function formatMessage(m: Message, dir: string): string {
  const where = m.location ? `${path.relative(process.cwd(), path.resolve(dir, m.location.file))}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${where}${m.text}`;
}

interface ModuleInternals {
  _compile(code: string, filename: string): void;
  require(id: string): unknown;
  paths: string[];
}

function execute(code: string, file: string, shown: string): { default?: unknown } | undefined {
  // Stack traces from user code then point at the lines of their .ts file.
  process.setSourceMapsEnabled(true);
  const mod = new Module(file) as unknown as Module & ModuleInternals;
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const requireFromScript = mod.require.bind(mod);
  mod.require = (id: string) => (id === 'evalens' ? sdk : requireFromScript(id));
  try {
    mod._compile(code, file);
  } catch (error) {
    const frame = userFrame(error, file);
    throw new EvalensError(
      'script-runtime',
      `${shown} threw while loading${frame ? ` (at ${formatLocation(frame)})` : ''}: ${errorText(error)}. Code at the top level of the script runs on load; fix it or move it into preprocess.`,
      frame ?? { file },
      { cause: error },
    );
  }
  return mod.exports as { default?: unknown } | undefined;
}

function isBranded(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && (value as Record<PropertyKey, unknown>)[INTEGRATION_BRAND] === true;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).map((k) => `'${k}'`).join(', ') || '(none)'}, not made by defineIntegration`;
  return `a ${typeof value}`;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\.$/, '');
  return String(error);
}
