import { EvalensError } from '../../errors';
import { RunStore } from '../../runs/run-store';
import { drawSample } from '../../visuals/draw-sample';
import type { SampleVisuals } from '../../../shared/sample-visuals';
import type { RegisterCommand } from '../cli-context';
import { colour } from '../terminal';
import { DEFAULT_RUNS_DIR } from './eval-command';

/** `evalens draw`: one sample of a run, drawn by the integration's visualizers (what the report's sample detail shows). */
export const registerDrawCommand: RegisterCommand = (program, ctx) => {
  program
    .command('draw')
    .description("draw one sample of a run with the integration's visualizers (runs the integration script)")
    .requiredOption('--run <runId>', 'the run')
    .requiredOption('--benchmark <name>', 'the benchmark of the run the sample belongs to')
    .requiredOption('--index <i>', "the sample's index in its subset (as in the run's records)")
    .option('--runs-dir <dir>', `run store (default: ${DEFAULT_RUNS_DIR} in the current folder)`)
    .option('--json', 'print { visuals: [...] } with images as base64 RGBA')
    .action(async (options: { run: string; benchmark: string; index: string; runsDir?: string; json?: boolean }) => {
      ctx.setJson(options.json === true);
      // Parsed here rather than by commander, so a bad index is reported as JSON too.
      if (!/^\d+$/.test(options.index)) {
        throw new EvalensError('sample-out-of-range', `--index ${JSON.stringify(options.index)} is not a sample index. Pass the sample's index in its subset: a whole number from 0.`);
      }
      const visuals = await drawSample(new RunStore(options.runsDir ?? DEFAULT_RUNS_DIR), { runId: options.run, benchmark: options.benchmark, index: Number(options.index) });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(visuals, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatVisuals(visuals, options)}\n`);
      if (visuals.warning !== undefined) process.stderr.write(`${colour(process.stderr)('yellow', 'warning:')} ${visuals.warning}\n`);
    });
};

/** One line per visual: images by size, text as it is. */
function formatVisuals(result: SampleVisuals, where: { run: string; benchmark: string; index: string }): string {
  const width = Math.max(...result.visuals.map((v) => v.name.length));
  const lines = result.visuals.map((v) => `  ${v.name.padEnd(width)}  ${v.kind === 'image' ? `image ${v.width} × ${v.height}` : `text  ${v.text}`}`);
  return [`Run ${where.run}  benchmark '${where.benchmark}'  sample ${where.index}`, ...lines].join('\n');
}
