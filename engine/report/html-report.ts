import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportData } from '../../shared/report-data';
import { newNonce, webviewHtml } from '../../shared/webview-html';
import { EvalensError } from '../errors';

/** The webview app's bundle, inlined into a self-contained report. */
export interface WebviewBundle {
  script: string;
  style: string;
}

/** Default folder of the app bundle: dist/, beside dist/cli.js (this code runs bundled into it). */
export function defaultWebviewBundleDir(): string {
  return __dirname;
}

/** Reads dist/webview.js and dist/webview.css, or says which is missing and how to build it. */
export function readWebviewBundle(dir: string): WebviewBundle {
  const [script, style] = ['webview.js', 'webview.css'].map((name) => {
    const file = path.join(dir, name);
    if (!existsSync(file)) {
      throw new EvalensError('usage', `The HTML export inlines the report app, but ${file} is missing. Build it with \`npm run build\` (it writes dist/webview.js and dist/webview.css), then export again.`);
    }
    return readFileSync(file, 'utf8');
  });
  return { script: script!, style: style! };
}

/**
 * The report as one HTML file: the same app as the panel, with its script, style and the
 * run's data inlined, so it opens from disk in any browser with no server and no network.
 */
export function reportHtml(data: ReportData, bundle: WebviewBundle): string {
  return webviewHtml({
    view: 'report',
    title: `${data.run.name} · Evalens report`,
    nonce: newNonce(),
    app: { kind: 'inlined', script: bundle.script, style: bundle.style },
    inlinedData: data,
  });
}
