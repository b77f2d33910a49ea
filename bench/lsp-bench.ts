/**
 * Language server benchmark (not a test): edit → diagnostics latency on a generated
 * 2,000-line integration script, and memory over 1,000 edits, over a real JSON-RPC
 * connection to `node dist/server.js --stdio`. Run after `npm run build`:
 *
 *   node --import tsx bench/lsp-bench.ts [--edits 200] [--memory-edits 1000]
 *
 * Latency is measured from sending textDocument/didChange to receiving the
 * publishDiagnostics of that document version, so any debounce in the server is included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_STATS_REQUEST, type ServerStats } from '../shared/lsp-protocol';
import { generateScript } from './generate-script';
import { LspClient, SERVER } from '../test/server/lsp-client';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One edit: retype a digit in a helper body or in a metadata function, alternately (the script stays valid). */
function edit(text: string, i: number): { line: number; character: number; length: number; newText: string } {
  const lines = text.split('\n');
  const pattern = i % 2 === 0 ? /const weight = (\d)/ : /score: a \+ b \* (\d+)/;
  const matches = lines.map((l, n) => ({ n, m: pattern.exec(l) })).filter((x) => x.m !== null);
  const pick = matches[(i * 7) % matches.length]!;
  const m = pick.m!;
  const at = m.index + m[0].length - m[1]!.length;
  return { line: pick.n, character: at, length: m[1]!.length, newText: String(((Number(m[1]) + 1) % 9) + 1) };
}

async function main(): Promise<void> {
  const edits = option('edits', 200);
  const memoryEdits = option('memory-edits', 1000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalens-bench-'));
  const file = path.join(dir, 'bench.integration.ts');
  const script = generateScript(2000);
  writeFileSync(file, script);
  const lineCount = script.split('\n').length - 1;

  const client = await LspClient.start(['--expose-gc', SERVER, '--stdio']);
  try {
    let t = performance.now();
    const first = await client.open(file);
    const openMs = performance.now() - t;
    if (first.length > 0) throw new Error(`the generated script should be valid, got: ${JSON.stringify(first)}`);

    const run = async (count: number, offset: number) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const e = edit(client.text(file), offset + i);
        t = performance.now();
        const diagnostics = await client.change(file, [{ range: { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + e.length } }, newText: e.newText }]);
        times.push(performance.now() - t);
        if (diagnostics.length > 0) throw new Error(`edit ${i} produced diagnostics: ${JSON.stringify(diagnostics)}`);
      }
      return times;
    };
    const stats = () => client.connection.sendRequest<ServerStats>(SERVER_STATS_REQUEST);

    await run(20, 0); // warm-up: JIT and the first programs
    const times = (await run(edits, 100)).sort((a, b) => a - b);

    const before = await stats();
    const samples: ServerStats[] = [before];
    const memoryTimes: number[] = [];
    const step = Math.max(1, Math.round(memoryEdits / 10));
    for (let done = 0; done < memoryEdits; done += step) {
      memoryTimes.push(...(await run(Math.min(step, memoryEdits - done), 10_000 + done)));
      samples.push(await stats());
    }
    const after = samples[samples.length - 1]!;

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`Evalens language server benchmark (node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''})`);
    console.log(`script: ${lineCount} lines, ${script.length} characters`);
    console.log(`first open → diagnostics (cold: server start excluded, libs parsed): ${ms(openMs)}`);
    console.log(`didChange → publishDiagnostics over ${edits} edits: median ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, min ${ms(times[0]!)}, max ${ms(times[times.length - 1]!)}`);
    const sortedMemory = [...memoryTimes].sort((a, b) => a - b);
    console.log(`during the ${memoryEdits} memory edits: median ${ms(percentile(sortedMemory, 50))}, p95 ${ms(percentile(sortedMemory, 95))}`);
    console.log(`memory over ${memoryEdits} edits (after GC: ${after.collected}):`);
    console.log(`  rss        first ${mb(before.rssBytes)} → last ${mb(after.rssBytes)}`);
    console.log(`  heap used  first ${mb(before.heapUsedBytes)} → last ${mb(after.heapUsedBytes)}`);
    console.log(`  heap total first ${mb(before.heapTotalBytes)} → last ${mb(after.heapTotalBytes)}`);
    console.log(`  heap used every ${step} edits: ${samples.map((m) => (m.heapUsedBytes / 1024 / 1024).toFixed(1)).join(', ')} MB`);
    console.log(`  rss every ${step} edits:       ${samples.map((m) => (m.rssBytes / 1024 / 1024).toFixed(0)).join(', ')} MB`);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
