import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { RunManifest } from '../../shared/run-types';
import { errorText, loadIntegration } from '../loader/load-script';
import { predictionOutputsOfBinding, type PredictionOutput } from './prediction-outputs';

export type IntegrationOutputs = { outputs: PredictionOutput[] } | { outputs?: undefined; reason: string };

const integrationOfConfig = z.object({ integration: z.string() });

/**
 * The prediction outputs of a run as its integration binds them (task, labels, activation,
 * ground truth), read from the script when it is unchanged since the run (same source hash).
 * Loading runs the script's top-level code: call it only where user code may run (the CLI, a
 * trusted workspace).
 */
export async function predictionOutputsOfRun(manifest: RunManifest): Promise<IntegrationOutputs> {
  const config = integrationOfConfig.safeParse(manifest.config);
  if (!config.success) return { reason: 'the run does not name its integration script' };
  const script = config.data.integration;
  if (!existsSync(script)) return { reason: `its integration ${script} no longer exists` };
  try {
    const integration = await loadIntegration(script);
    if (integration.sourceHash !== manifest.hashes.script) return { reason: `its integration ${script} changed since the run` };
    return { outputs: predictionOutputsOfBinding(integration.definition.model.outputs) };
  } catch (error) {
    return { reason: `its integration ${script} does not load (${errorText(error)})` };
  }
}
