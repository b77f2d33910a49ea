import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths';

/**
 * The TypeScript plugin as VS Code runs it: tsserver with the plugin from this package's
 * node_modules (where the build puts it), started in some working directory, opening an
 * integration script in a workspace of its own.
 */
async function semanticDiagnostics(cwd: string, workspace: string, file: string): Promise<string[]> {
  const server = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'lib', 'tsserver.js'), '--globalPlugins', 'evalens-typescript-plugin', '--pluginProbeLocations', ROOT, '--useInferredProjectPerProjectRoot', '--disableAutomaticTypingAcquisition'],
    { cwd, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let pending = Buffer.alloc(0);
  const replies = new Map<number, (body: unknown) => void>();
  server.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(pending.toString('latin1'));
      if (header === null) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (pending.length < start + length) return;
      const message = JSON.parse(pending.subarray(start, start + length).toString('utf8')) as { type: string; request_seq?: number; body?: unknown };
      pending = pending.subarray(start + length);
      if (message.type === 'response') replies.get(message.request_seq!)?.(message.body);
    }
  });
  let seq = 0;
  const request = (command: string, args: unknown) =>
    new Promise<unknown>((resolve) => {
      seq++;
      replies.set(seq, resolve);
      server.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    });
  try {
    await request('open', { file, projectRootPath: workspace });
    const diagnostics = (await request('semanticDiagnosticsSync', { file })) as { text: string; start: { line: number } }[];
    return diagnostics.map((d) => `${d.start.line}: ${d.text}`);
  } finally {
    server.kill();
  }
}

function exampleWorkspace(): { dir: string; script: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalens-tsplugin-'));
  const script = path.join(dir, 'digits.integration.ts');
  copyFileSync(path.join(ROOT, 'examples', 'digits', 'digits.integration.ts'), script);
  return { dir, script };
}

test('TypeScript plugin: a script in a folder without @types/node type-checks (evalens and node:fs resolve), wherever tsserver runs', async () => {
  const { dir, script } = exampleWorkspace();
  // This repository has @types/node: a tsserver started here once made the plugin think the workspace had it too.
  for (const cwd of [dir, ROOT]) assert.deepEqual(await semanticDiagnostics(cwd, dir, script), [], `tsserver started in ${cwd}`);
});

test('TypeScript plugin: a workspace with its own @types/node keeps it, without a second copy clashing', async () => {
  const { dir, script } = exampleWorkspace();
  mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'), 'dir');
  assert.deepEqual(await semanticDiagnostics(dir, dir, script), []);
});
