/**
 * The report webview on a 100k-sample run: time to first render (goal < 1 s), time to sort
 * the sample table (< 200 ms), frame times while scrolling it, the page's JS heap, and the
 * latent scatter of the run's analysis (PCA of every sample): its draw, a colour-by change
 * and a hover (each well under a 16 ms frame is the goal for the draw and the hover). The
 * run is real: the digits CNN evaluated by the CLI on its test split repeated to `samples`
 * samples (test/helpers/report-fixtures.ts), its report computed by the engine.
 *
 * Hook into bench/run-bench.ts: `const rows = await webviewBench();` and print or table them.
 * Alone: `node scripts/build.mjs && node --import tsx bench/webview-bench.ts [samples]`.
 */
import { analyzeRun } from '../engine/analysis/analyze-run';
import { buildReportData } from '../engine/report/report-data';
import { RunStore } from '../engine/runs/run-store';
import { largeDigitsRun } from '../test/helpers/report-fixtures';
import { launchBrowser, openWebview } from '../test/webview/harness';

export interface WebviewBenchResult {
  samples: number;
  /** From the report message posted to the first rendered sample row (validation, state, render). */
  firstRenderMs: number;
  /** From a header click to the sorted rows rendered. */
  sortMs: number;
  /** Frame intervals while scrolling the sample table 240 px a frame. */
  scrollFrameMs: { median: number; p95: number; max: number };
  /** JS heap used after a garbage collection, report shown. */
  heapMb: number;
  /** The latent scatter: points drawn, one full draw (pixels and pick buffer), a colour-by change to its next frame, a hover's pick. */
  scatter: { points: number; drawMs: number; recolorMs: number; hoverMs: number };
}

export async function webviewBench(samples = 100_000): Promise<WebviewBenchResult> {
  const { storeDir, runId } = await largeDigitsRun(samples);
  const store = new RunStore(storeDir);
  // The scatter needs the run's analysis: PCA (no UMAP: that is minutes at 100k), computed once per store.
  if ((await buildReportData(store, store.read(runId))).analysis?.status !== 'completed') await analyzeRun(store, runId);
  const data = await buildReportData(store, store.read(runId));
  const browser = await launchBrowser();
  try {
    const view = await openWebview(browser, { view: 'report', width: 1280, height: 900 });
    // The data enters the page untimed; the clock runs from the message VS Code would post.
    await view.page.evaluate((d) => void ((globalThis as unknown as { benchData: unknown }).benchData = d), data);
    const firstRenderMs = await view.page.evaluate(`new Promise((resolve) => {
      const table = () => document.querySelector('evalens-report-view')?.shadowRoot?.querySelector('evalens-sample-table')?.shadowRoot?.querySelector('.row');
      const start = performance.now();
      window.postMessage({ type: 'report', data: window.benchData }, '*');
      const poll = () => (table() ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(poll));
      poll();
    })`);
    const sortMs = await view.page.evaluate(`new Promise((resolve) => {
      const root = document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-sample-table').shadowRoot;
      const header = root.querySelector('[role="columnheader"][data-column="logits.probability"]') ?? root.querySelectorAll('[role="columnheader"]')[6];
      const start = performance.now();
      header.querySelector('button').click();
      const poll = () => (header.getAttribute('aria-sort') === 'ascending' ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(poll));
      poll();
    })`);
    const frames = (await view.page.evaluate(`new Promise((resolve) => {
      const grid = document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-sample-table').shadowRoot.querySelector('.grid');
      const intervals = [];
      let last = performance.now();
      const step = (now) => {
        intervals.push(now - last);
        last = now;
        grid.scrollTop += 240;
        if (intervals.length < 180) requestAnimationFrame(step);
        else resolve(intervals.slice(2));
      };
      requestAnimationFrame(step);
    })`)) as number[];
    const scatter = (await view.page.evaluate(`new Promise((resolve) => {
      const latent = () => document.querySelector('evalens-report-view').shadowRoot.querySelector('evalens-insights')?.shadowRoot?.querySelector('evalens-latent-scatter');
      const wait = (ready, then) => (ready() ? then() : requestAnimationFrame(() => wait(ready, then)));
      wait(() => latent()?.shadowRoot?.querySelector('evalens-scatter')?.dataset.drawMs, () => {
        const root = latent().shadowRoot;
        const scatter = root.querySelector('evalens-scatter');
        const drawMs = Number(scatter.dataset.drawMs);
        const select = root.querySelector('select[data-control="color-by"]');
        const start = performance.now();
        select.value = 'loss.cross_entropy';
        select.dispatchEvent(new Event('change'));
        const draws = scatter.dataset.draws;
        wait(() => scatter.dataset.draws !== draws, () => requestAnimationFrame(() => {
          const recolorMs = performance.now() - start;
          const box = scatter.getBoundingClientRect();
          const hoverStart = performance.now();
          for (let k = 0; k < 100; k++) scatter.pointAt((k * 37) % box.width, (k * 53) % 400);
          resolve({ points: Number(scatter.dataset.points), drawMs, recolorMs, hoverMs: (performance.now() - hoverStart) / 100 });
        }));
      });
    })`)) as WebviewBenchResult['scatter'];
    const cdp = await view.page.context().newCDPSession(view.page);
    await view.page.evaluate(() => void delete (globalThis as unknown as { benchData?: unknown }).benchData);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    frames.sort((a, b) => a - b);
    return {
      samples: data.benchmarks.reduce((n, b) => n + b.table.rows, 0),
      firstRenderMs: firstRenderMs as number,
      sortMs: sortMs as number,
      scrollFrameMs: { median: frames[Math.floor(frames.length / 2)]!, p95: frames[Math.floor(frames.length * 0.95)]!, max: frames[frames.length - 1]! },
      heapMb: heap.usedSize / 2 ** 20,
      scatter,
    };
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  webviewBench(Number(process.argv[2] ?? 100_000))
    .then((r) => {
      console.log(`webview report, ${r.samples.toLocaleString('en-US')} samples`);
      console.log(`  first render      ${r.firstRenderMs.toFixed(0)} ms (goal < 1000)`);
      console.log(`  sort sample table ${r.sortMs.toFixed(0)} ms (goal < 200)`);
      console.log(`  scroll frames     median ${r.scrollFrameMs.median.toFixed(1)} ms, p95 ${r.scrollFrameMs.p95.toFixed(1)} ms, max ${r.scrollFrameMs.max.toFixed(1)} ms`);
      console.log(`  JS heap           ${r.heapMb.toFixed(0)} MB`);
      console.log(`  latent scatter    ${r.scatter.points.toLocaleString('en-US')} points: draw ${r.scatter.drawMs.toFixed(1)} ms, colour-by change ${r.scatter.recolorMs.toFixed(0)} ms, hover pick ${r.scatter.hoverMs.toFixed(3)} ms`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
