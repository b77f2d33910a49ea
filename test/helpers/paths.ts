import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const INTEGRATIONS = path.join(ROOT, 'test', 'fixtures', 'integrations');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const EXAMPLE_SCRIPT = path.join(ROOT, 'examples', 'digits', 'digits.integration.ts');

export function fixture(name: string): string {
  return path.join(INTEGRATIONS, name);
}
