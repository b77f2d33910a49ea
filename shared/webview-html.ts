import { INLINED_REPORT_ELEMENT_ID } from './webview-protocol';

/**
 * The HTML document of the webview app, written once for its three homes: the Evaluations
 * view and the report panels in VS Code (script and style loaded from the extension's
 * `dist/` through webview URIs), and the self-contained HTML export (script, style and the
 * run's data inlined, so it opens from disk with no server and no network).
 */

export type WebviewView = 'runs' | 'report';

export interface WebviewHtmlOptions {
  view: WebviewView;
  title: string;
  /** Nonce of the one script the Content Security Policy allows. */
  nonce: string;
  /** Where the app comes from: URIs the webview may load (VS Code), or the bundle's text (export). */
  app: { kind: 'linked'; scriptUri: string; styleUri: string; cspSource: string } | { kind: 'inlined'; script: string; style: string };
  /** The report's data (a ReportData), for the export: the app reads it instead of asking a host. */
  inlinedData?: unknown;
}

export function webviewHtml(options: WebviewHtmlOptions): string {
  const { app, nonce } = options;
  // Images are data: URLs (sample drawings); fonts may be inlined in the style sheet.
  const csp =
    app.kind === 'linked'
      ? `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${app.cspSource} 'unsafe-inline'; font-src ${app.cspSource} data:; img-src ${app.cspSource} data:;`
      : `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; font-src data:; img-src data:;`;
  const style = app.kind === 'linked' ? `<link rel="stylesheet" href="${escapeAttribute(app.styleUri)}">` : `<style>${app.style.replace(/<\/style/gi, '<\\/style')}</style>`;
  const data =
    options.inlinedData === undefined
      ? ''
      : `<script type="application/json" id="${INLINED_REPORT_ELEMENT_ID}">${jsonForScript(options.inlinedData)}</script>`;
  const script =
    app.kind === 'linked'
      ? `<script nonce="${nonce}" src="${escapeAttribute(app.scriptUri)}"></script>`
      : `<script nonce="${nonce}">${app.script.replace(/<\/script/gi, '<\\/script')}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeText(options.title)}</title>
${style}
</head>
<body data-view="${options.view}" data-host="${app.kind === 'linked' ? 'vscode' : 'static'}">
<main id="app"></main>
${data}
${script}
</body>
</html>
`;
}

/** JSON inside a script element: `<` is escaped so user data can never close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** A random nonce for the Content Security Policy. */
export function newNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
