/**
 * The webview app in headless Chromium (Debian's, driven by playwright-core): the built
 * bundle (dist/webview.js, dist/webview.css) in the HTML shell the extension serves, with a
 * stand-in for VS Code's `acquireVsCodeApi` that records what the app posts and lets a test
 * send host messages. Report data comes from real run stores the engine produced.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../shared/webview-protocol';
import { webviewHtml, type WebviewView } from '../../shared/webview-html';
import { ROOT } from '../helpers/paths';
import { THEMES } from './themes';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCRIPT = path.join(ROOT, 'dist', 'webview.js');
const STYLE = path.join(ROOT, 'dist', 'webview.css');

export function launchBrowser(): Promise<Browser> {
  for (const file of [SCRIPT, STYLE]) if (!existsSync(file)) throw new Error(`${file} is missing: build first (npm run build, or node scripts/build.mjs webview).`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenOptions {
  view: WebviewView;
  /** `static`: the self-contained export (data inlined, no VS Code API); default `vscode`. */
  host?: 'vscode' | 'static';
  inlinedData?: unknown;
  /** A theme's CSS (variables and body class), see themes.ts; default the dark one. */
  themeCss?: string;
  bodyClass?: string;
  width?: number;
  height?: number;
}

export interface WebviewPage {
  page: Page;
  /** Console lines the page printed (warnings and errors included). */
  console: string[];
  /** Messages the app posted, in order. */
  posted(): Promise<WebviewMessage[]>;
  clearPosted(): Promise<void>;
  /** Sends a message as the host would (anything: malformed ones too). */
  send(message: HostMessage | unknown): Promise<void>;
  /** What the app saved with vscode.setState. */
  savedState(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * VS Code's webview API as the page sees it, recording what the app posts (structured-cloned,
 * as VS Code's own postMessage does). A string, not a function: tsx would wrap a function's
 * source in helpers the page does not have.
 */
const STUB = `
  (() => {
    const recorded = [];
    let state;
    window.__evalensPosted = recorded;
    window.__evalensState = () => state;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => recorded.push(structuredClone(message)),
      getState: () => state,
      setState: (next) => { state = structuredClone(next); },
    });
  })();
`;

const dir = mkdtempSync(path.join(tmpdir(), 'evalens-webview-'));
let pages = 0;

/**
 * Opens the app as VS Code would: the HTML shell from a file:// URL with the bundle linked
 * (script by nonce under the shell's Content Security Policy), or the export with everything
 * inlined.
 */
export async function openWebview(browser: Browser, options: OpenOptions): Promise<WebviewPage> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1100, height: options.height ?? 900 } });
  const console: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
  if ((options.host ?? 'vscode') === 'vscode') {
    await page.addInitScript(STUB);
  }
  const html = shell(options);
  const file = path.join(dir, `page-${pages++}.html`);
  writeFileSync(file, html);
  await page.goto(pathToFileURL(file).href);
  return {
    page,
    console,
    posted: () => page.evaluate(() => structuredClone((globalThis as unknown as { __evalensPosted: WebviewMessage[] }).__evalensPosted)),
    clearPosted: () => page.evaluate(() => void ((globalThis as unknown as { __evalensPosted: unknown[] }).__evalensPosted.length = 0)),
    send: (message) => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message),
    savedState: () => page.evaluate(() => (globalThis as unknown as { __evalensState: () => unknown }).__evalensState()),
    close: () => page.close(),
  };
}

function shell(options: OpenOptions): string {
  const nonce = 'dGVzdC1ub25jZS0xMjM0';
  const html =
    (options.host ?? 'vscode') === 'vscode'
      ? webviewHtml({
          view: options.view,
          title: 'Evalens',
          nonce,
          app: { kind: 'linked', scriptUri: pathToFileURL(SCRIPT).href, styleUri: pathToFileURL(STYLE).href, cspSource: 'file:' },
        })
      : webviewHtml({
          view: options.view,
          title: 'Evalens report',
          nonce,
          app: { kind: 'inlined', script: readFileSync(SCRIPT, 'utf8'), style: readFileSync(STYLE, 'utf8') },
          inlinedData: options.inlinedData,
        });
  // VS Code puts the theme's variables on the document and its kind as a body class.
  const theme = options.themeCss === undefined ? THEMES[0]! : { css: options.themeCss, bodyClass: options.bodyClass ?? '' };
  return html.replace('</head>', `<style>${theme.css}</style>\n</head>`).replace('<body ', `<body class="${theme.bodyClass}" `);
}

/** Waits until `predicate` holds over the posted messages, and returns them. */
export async function waitForPosted(view: WebviewPage, predicate: (messages: WebviewMessage[]) => boolean, timeoutMs = 5000): Promise<WebviewMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await view.posted();
    if (predicate(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for a posted message; posted: ${JSON.stringify(messages).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
