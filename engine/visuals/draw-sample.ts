import path from 'node:path';
import type { SubsetRef, Visualizer } from '../sdk';
import type { RunManifest } from '../../shared/run-types';
import type { SampleVisuals } from '../../shared/sample-visuals';
import { EvalensError, isEvalensError } from '../errors';
import type { ResolvedEvalConfig } from '../config/load-config';
import { errorText, loadIntegration, type LoadedIntegration } from '../loader/load-script';
import { formatLocation, userFrame } from '../loader/user-stack';
import { drawnProblem } from '../integration-test/visualizer-checks';
import { prepareBenchmarks } from '../runner/prepare-evaluation';
import type { RunStore } from '../runs/run-store';
import { toRgba } from './to-rgba';

export interface DrawRequest {
  readonly runId: string;
  readonly benchmark: string;
  /** The sample's index in its subset, as records and the report's sample table give it. */
  readonly index: number;
}

/**
 * Draws one sample of a run with every visualizer of its integration: loads the script the run
 * used, runs preprocess with the benchmark's dataset and parameters as the runner did, and
 * converts each image to RGBA. Runs user code: call it from a child process, never from the
 * extension host.
 */
export async function drawSample(store: RunStore, request: DrawRequest): Promise<SampleVisuals> {
  const { runId, benchmark, index } = request;
  const manifest = store.read(runId);
  const config = evaluationConfig(manifest);
  const names = config.benchmarks.map((b) => b.name);
  if (!names.includes(benchmark)) {
    throw new EvalensError('benchmark-not-found', `Run ${runId} has no benchmark '${benchmark}'; it scored ${quote(names)}. Pass one of those with --benchmark.`);
  }
  const integration = await loadRunIntegration(runId, config.integration);
  const shown = path.relative(process.cwd(), integration.file) || integration.file;
  const visualizers = Object.entries(integration.definition.visualizers ?? {}) as [string, Visualizer][];
  if (visualizers.length === 0) {
    throw new EvalensError(
      'no-visualizers',
      `${shown} declares no visualizers, so there is nothing to draw for its samples. Add them to its defineIntegration, e.g. \`visualizers: { image: { kind: 'image', draw: (index, subset) => ({ data, width, height, channels }) } }\`.`,
      { file: integration.file },
    );
  }
  const [prepared] = await prepareBenchmarks(integration, config, [benchmark]);
  const subset = prepared!.subset;
  if (!Number.isInteger(index) || index < 0 || index >= subset.length) {
    throw new EvalensError(
      'sample-out-of-range',
      `Sample ${index} is not in benchmark '${benchmark}' of run ${runId}: its subset '${subset.name}' has ${subset.length} samples. Pass --index from 0 to ${subset.length - 1} (the sample's index in its subset, as the run's records and sample table show it).`,
    );
  }
  const visuals = visualizers.map(([name, visualizer]) => drawOne(integration, shown, name, visualizer, subset, index));
  const result: SampleVisuals = { visuals };
  if (integration.sourceHash !== manifest.hashes.script) {
    result.warning = `${shown} (or a file it imports) changed since run ${runId} started, so these visuals may not show what the run saw. Evaluate again to see the current script's samples beside their scores.`;
  }
  return result;
}

function drawOne(integration: LoadedIntegration, shown: string, name: string, visualizer: Visualizer, subset: SubsetRef, index: number): SampleVisuals['visuals'][number] {
  const ref = { subset: subset.name, sample: index };
  const location = { file: integration.file, component: `visualizer:${name}`, subset: subset.name, sample: index };
  let value: unknown;
  try {
    value = visualizer.draw(index, subset);
  } catch (error) {
    const at = userFrame(error, integration.file);
    throw new EvalensError(
      'visualizer-failed',
      `${visualizer.kind === 'image' ? 'Image' : 'Text'} visualizer '${name}' of ${shown} threw at sample ${index} of subset '${subset.name}'${at ? ` (at ${formatLocation(at)})` : ''}: ${errorText(error)}. Fix its draw() for this sample; evalens test checks every visualizer on samples spread over each subset.`,
      location,
      { cause: error },
    );
  }
  const problem = drawnProblem(visualizer.kind, name, value, ref);
  if (problem !== undefined) throw new EvalensError('visualizer-failed', `${shown}: ${problem.message}`, location);
  if (visualizer.kind === 'text') return { name, kind: 'text', text: value as string };
  const image = value as ReturnType<typeof visualizer.draw>;
  return { name, kind: 'image', width: image.width, height: image.height, rgba: Buffer.from(toRgba(image)).toString('base64') };
}

/** The run's evaluation config, as snapshotted when it was submitted. */
function evaluationConfig(manifest: RunManifest): ResolvedEvalConfig {
  const config = manifest.config as Partial<ResolvedEvalConfig> | undefined;
  if (typeof config?.integration !== 'string' || !Array.isArray(config.benchmarks)) {
    throw new EvalensError(
      'run-corrupt',
      `Run ${manifest.runId} (${manifest.kind}) records no evaluation config with an integration and benchmarks, so its samples cannot be drawn. Draw a sample of an evaluation run: evalens runs list --kind evaluation.`,
    );
  }
  return config as ResolvedEvalConfig;
}

async function loadRunIntegration(runId: string, file: string): Promise<LoadedIntegration> {
  try {
    return await loadIntegration(file);
  } catch (error) {
    if (isEvalensError(error) && error.code === 'script-not-found') {
      throw new EvalensError('script-not-found', `Run ${runId} was evaluated with the integration ${file}, which no longer exists. Restore it (its samples are drawn by its visualizers) and draw again.`, { file });
    }
    throw error;
  }
}

function quote(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ') || 'none';
}
