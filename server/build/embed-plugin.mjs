// esbuild plugin for the server bundle: replaces server/ts/embedded-files.ts with a module
// that holds TypeScript's ES lib declarations and the SDK source inline, so dist/server.js
// runs without node_modules/typescript or the engine's sources (neither is in the .vsix).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const libDir = path.dirname(createRequire(import.meta.url).resolve('typescript/lib/lib.es5.d.ts'));
// Same rule as isEmbeddedLib in embedded-files.ts.
const isEmbeddedLib = (name) => /^lib\.(es\d{4}|es5|esnext|decorators)[\w.]*\.d\.ts$/.test(name) && !name.includes('.full.');

export const embedFiles = {
  name: 'evalens-embed-files',
  setup(build) {
    build.onLoad({ filter: /[\\/]server[\\/]ts[\\/]embedded-files\.ts$/ }, () => {
      const libs = Object.fromEntries(readdirSync(libDir).filter(isEmbeddedLib).map((name) => [name, readFileSync(path.join(libDir, name), 'utf8')]));
      const sdk = readFileSync(path.join(root, 'engine', 'sdk', 'index.ts'), 'utf8');
      return {
        loader: 'js',
        watchFiles: [path.join(root, 'engine', 'sdk', 'index.ts')],
        contents: [
          `const LIBS = ${JSON.stringify(libs)};`,
          `export const LIB_FILE_NAMES = Object.keys(LIBS);`,
          `export function libFileText(name) { return Object.prototype.hasOwnProperty.call(LIBS, name) ? LIBS[name] : undefined; }`,
          `export function sdkText() { return ${JSON.stringify(sdk)}; }`,
        ].join('\n'),
      };
    });
  },
};
