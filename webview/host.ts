import { reportDataSchema } from '../shared/report-data';
import {
  hostMessageSchema,
  INLINED_REPORT_ELEMENT_ID,
  reportPanelStateSchema,
  webviewMessageSchema,
  type HostMessage,
  type ReportPanelState,
  type WebviewMessage,
} from '../shared/webview-protocol';

/**
 * The app's one link to whoever feeds it: VS Code's webview API (messages both ways, and the
 * panel state kept across a window reload), or, in the exported HTML file, the report data
 * inlined in the page. Every message is validated here, both ways, so the rest of the app
 * only ever sees typed, well-formed data.
 */
export interface Host {
  /** Whether there is an extension to act: the export has none, so actions are hidden. */
  readonly interactive: boolean;
  post(message: WebviewMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
  /** Starts the flow of messages once every listener is attached. */
  start(): void;
  savedState(): ReportPanelState | undefined;
  saveState(state: ReportPanelState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Defined by VS Code in its webviews; callable once per page.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

export function createHost(kind: string | undefined): Host {
  return kind !== 'static' && typeof globalThis.acquireVsCodeApi === 'function' ? new VsCodeHost(globalThis.acquireVsCodeApi()) : new StaticHost();
}

/** Logs what was dropped and why, naming the fields zod rejected (never the data: it may be large). */
function logDropped(what: string, issues: readonly { path: PropertyKey[]; message: string }[]): void {
  const reasons = issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(message)'}: ${i.message}`);
  console.warn(`[evalens] dropped a malformed ${what}: ${reasons.join('; ')}`);
}

class VsCodeHost implements Host {
  readonly interactive = true;
  private readonly listeners: ((message: HostMessage) => void)[] = [];

  constructor(private readonly api: VsCodeApi) {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const parsed = hostMessageSchema.safeParse(event.data);
      if (!parsed.success) return logDropped('host message', parsed.error.issues);
      for (const listener of this.listeners) listener(parsed.data);
    });
  }

  post(message: WebviewMessage): void {
    // A message the host would reject is a bug here: say so rather than send it.
    const parsed = webviewMessageSchema.safeParse(message);
    if (!parsed.success) return logDropped('webview message (not sent)', parsed.error.issues);
    this.api.postMessage(parsed.data);
  }

  onMessage(listener: (message: HostMessage) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.post({ type: 'ready' });
  }

  savedState(): ReportPanelState | undefined {
    const parsed = reportPanelStateSchema.safeParse(this.api.getState());
    return parsed.success ? parsed.data : undefined;
  }

  saveState(state: ReportPanelState): void {
    this.api.setState(reportPanelStateSchema.parse(state));
  }
}

/** The self-contained HTML export: the report is in the page; nothing can be asked or done. */
class StaticHost implements Host {
  readonly interactive = false;
  private readonly listeners: ((message: HostMessage) => void)[] = [];

  post(): void {}

  onMessage(listener: (message: HostMessage) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    const message = this.inlinedReport();
    for (const listener of this.listeners) listener(message);
  }

  private inlinedReport(): HostMessage {
    const text = document.getElementById(INLINED_REPORT_ELEMENT_ID)?.textContent;
    if (text === undefined || text === null) return { type: 'notice', level: 'error', message: 'This page holds no report data.' };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { type: 'notice', level: 'error', message: 'The report data in this page is not valid JSON.' };
    }
    const parsed = reportDataSchema.safeParse(json);
    if (!parsed.success) {
      logDropped('inlined report', parsed.error.issues);
      return { type: 'notice', level: 'error', message: 'The report data in this page does not match this version of Evalens.' };
    }
    return { type: 'report', data: parsed.data };
  }

  savedState(): undefined {
    return undefined;
  }

  saveState(): void {}
}
