import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { ROOT } from '../helpers/paths';
import { CHROMIUM, CODE_SERVER, NODE24_BIN, TOOLS } from './e2e-tools';

const env = () => ({ ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}` });

/**
 * The extension packaged as `npm run package` does it for linux-x64, once per build: every e2e
 * file of a test run installs the same package (about 18 s to make here), rebuilt only when
 * dist/, the TypeScript plugin or the manifest changed.
 */
export function packagedExtension(): string {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const vsix = path.join(TOOLS, `evalens-${version}-linux-x64.vsix`);
  const inputs = ['package.json', 'dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/webview.js', 'dist/webview.css', 'typescript-plugin/index.js'].map((f) => path.join(ROOT, f));
  const newest = Math.max(...inputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : Number.POSITIVE_INFINITY)));
  if (existsSync(vsix) && statSync(vsix).mtimeMs > newest) return vsix;
  const packaged = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--target', 'linux-x64', '--out-dir', TOOLS], { cwd: ROOT, encoding: 'utf8' });
  if (packaged.status !== 0) throw new Error(`scripts/package.mjs could not package the extension: ${packaged.stderr}`);
  return vsix;
}

/** A folder for one e2e file's screenshots, `test-results/e2e/<prefix>-*.png`, cleared of that file's earlier ones only. */
export function screenshotsFor(prefix: string): (name: string) => string {
  const dir = path.join(ROOT, 'test-results', 'e2e');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.startsWith(`${prefix}-`)) rmSync(path.join(dir, name), { force: true });
  return (name) => path.join(dir, `${prefix}-${name}.png`);
}

/** Installs a .vsix into a fresh extensions folder; returns it. */
export function installExtension(vsix: string): { extensionsDir: string; userDataDir: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'evalens-cs-'));
  const extensionsDir = path.join(base, 'extensions');
  const userDataDir = path.join(base, 'data');
  mkdirSync(extensionsDir);
  const result = spawnSync(CODE_SERVER, ['--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], { env: env(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`code-server could not install ${vsix}: ${result.stderr}`);
  return { extensionsDir, userDataDir };
}

/** A code-server serving one folder, and a headless Chromium page on its workbench. */
export class Workbench {
  private constructor(
    private readonly server: ChildProcess,
    private readonly browser: Browser,
    readonly page: Page,
    readonly log: () => string,
  ) {}

  static async open(folder: string, dirs: { extensionsDir: string; userDataDir: string }, options: { trusted: boolean }): Promise<Workbench> {
    const port = await freePort();
    const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];
    mkdirSync(path.join(dirs.userDataDir, 'User'), { recursive: true });
    // Untrusted: the folder opens in Restricted Mode without the trust prompt.
    writeFileSync(
      path.join(dirs.userDataDir, 'User', 'settings.json'),
      JSON.stringify({ 'security.workspace.trust.startupPrompt': 'never', 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true }),
    );
    if (options.trusted) args.push('--disable-workspace-trust');
    const server = spawn(CODE_SERVER, [...args, folder], { env: env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => output.includes('HTTP server listening'), 60_000, () => `code-server did not start:\n${output}`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    return new Workbench(server, browser, page, () => output);
  }

  /** Runs a command from the palette by its title. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * Runs a command that opens a quick pick and accepts the item whose label contains `text`,
   * from the start again (up to three times) when the pick closes before it is taken: focus
   * moving to a panel that is being updated closes a quick pick.
   */
  async commandAndPick(title: string, text: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.command(title);
      try {
        const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
        await row.waitFor({ state: 'visible', timeout: 20_000 });
        await row.click({ timeout: 10_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** Accepts the quick pick item whose label contains `text`. */
  async pick(text: string): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
  }

  /** Accepts the multi-select quick pick titled `title` as it is (its OK button). */
  async acceptQuickInput(title: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget', { has: this.page.locator('.quick-input-title', { hasText: title }) });
    await widget.waitFor({ state: 'visible', timeout: 20_000 });
    await widget.locator('.monaco-button', { hasText: 'OK' }).click();
  }

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    // Quick open lists files once its file search is up: over 10 s on a busy machine. Enter
    // opens the focused row, which may still be another recently opened file for a moment.
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 30_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
  }

  /** Text of the Problems panel's rows, after opening it. */
  async problems(): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor({ timeout: 10_000 });
    return this.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  }

  /** Waits for a notification whose text matches; returns its text. */
  async notification(pattern: RegExp, timeout = 60_000): Promise<string> {
    const toast = this.page.locator('.notification-toast, .notifications-center .notification-list-item', { hasText: pattern }).first();
    await toast.waitFor({ timeout });
    return toast.innerText();
  }

  /** The webview (views and panels are iframes in iframes) whose document holds `selector`. */
  async webview(selector: string, timeout = 30_000): Promise<Frame> {
    const end = Date.now() + timeout;
    for (;;) {
      for (const frame of this.page.frames()) {
        // A frame may be detached meanwhile (a hidden view): it just does not match.
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Presses `button` in the modal dialog whose text matches; returns the dialog's text. */
  async dialog(pattern: RegExp, button: string): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: pattern });
    await dialog.waitFor({ timeout: 20_000 });
    const text = await dialog.innerText();
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^${button}$`) }).click();
    return text;
  }

  async screenshot(file: string): Promise<void> {
    mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    if (this.server.pid !== undefined) {
      try {
        process.kill(-this.server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor(condition: () => boolean, timeout: number, message: () => string): Promise<void> {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error(message());
    await new Promise((r) => setTimeout(r, 200));
  }
}
