/**
 * Files the TypeScript program needs that are not in the user's workspace: TypeScript's ES
 * lib declarations and the Evalens SDK that `import ... from 'evalens'` resolves to.
 *
 * Read from disk when the server runs from sources (tests, tsx). The bundle replaces this
 * module with one that holds the same texts inline (server/build/embed-plugin.mjs), because
 * the .vsix ships neither node_modules/typescript nor the engine's sources.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const TS_LIB_DIR = path.dirname(require.resolve('typescript/lib/lib.es5.d.ts'));
const SDK_FILE = path.resolve(__dirname, '..', '..', 'engine', 'sdk', 'index.ts');

/** Declaration files of the ES libs (`lib.es2023.d.ts` and what it references). */
export const LIB_FILE_NAMES: readonly string[] = readdirSync(TS_LIB_DIR).filter(isEmbeddedLib);

export function libFileText(name: string): string | undefined {
  return LIB_FILE_NAMES.includes(name) ? readFileSync(path.join(TS_LIB_DIR, name), 'utf8') : undefined;
}

export function sdkText(): string {
  return readFileSync(SDK_FILE, 'utf8');
}

/** The ES and decorator libs; DOM, web worker and scripthost libs are not for integration scripts. */
export function isEmbeddedLib(name: string): boolean {
  return /^lib\.(es\d{4}|es5|esnext|decorators)[\w.]*\.d\.ts$/.test(name) && !name.includes('.full.');
}
