import { readdirSync } from 'node:fs';
import path from 'node:path';
import { EvalensError } from '../errors';
import { SCRIPT_PATTERN } from '../loader/load-script';

/** The integration script to use when none is named: the only `*.integration.ts|js|mjs` in the folder. */
export function findIntegrationScript(dir: string): string {
  const found = readdirSync(dir).filter((f) => SCRIPT_PATTERN.test(f)).sort();
  if (found.length === 1) return path.join(dir, found[0]!);
  if (found.length === 0) {
    throw new EvalensError(
      'usage',
      `No integration script (*.integration.ts, .js or .mjs) in ${dir}. Name one: evalens test path/to/model.integration.ts`,
    );
  }
  throw new EvalensError('usage', `Several integration scripts in ${dir} (${found.join(', ')}). Name the one to use: evalens test ${found[0]}`);
}
