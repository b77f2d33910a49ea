import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EvalensError } from '../../errors';
import type { CliContext } from '../cli-context';

/**
 * `evalens lsp --stdio`: the Evalens language server for any LSP client (Neovim, Helix,
 * Emacs, ...). The server is its own bundle, dist/server.js beside dist/cli.js, loaded only
 * here so other commands never pay for TypeScript; it starts when required with --stdio in
 * process.argv and runs until the client sends `exit`.
 */
export function registerLspCommand(program: Command, ctx: CliContext): void {
  program
    .command('lsp')
    .description('start the Evalens language server for an editor (LSP over stdin / stdout)')
    .requiredOption('--stdio', 'speak the Language Server Protocol over stdin / stdout')
    .action(() => {
      const server = path.join(__dirname, 'server.js');
      if (!existsSync(server)) {
        throw new EvalensError('usage', `The language server bundle is missing (${server}). Build it with \`npm run build\`, or reinstall Evalens.`);
      }
      ctx.serve();
      require(server);
    });
}
