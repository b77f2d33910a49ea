declare const EVALENS_VERSION: string;

/**
 * Versions of what evaluates a run, recorded in its manifest so a report says what produced
 * it. onnxruntime-node's is read from its package.json (it is never bundled), without
 * loading its native binding in this thread.
 */
export function engineVersions(): Record<string, string> {
  const versions: Record<string, string> = { evalens: typeof EVALENS_VERSION === 'string' ? EVALENS_VERSION : 'dev' };
  try {
    versions['onnxruntime-node'] = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    // Not installed where this runs: the report then shows no onnxruntime version rather than a wrong one.
  }
  return versions;
}
