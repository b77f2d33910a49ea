// Types only: this module runs no VS Code API, so its tests run in plain Node.
import type * as vscode from 'vscode';

/**
 * The CLI's stderr, logged, with its progress lines read for the notification: the evaluation's
 * (`… done/total samples …`) while embeddings are computed, then one per fold (`fold i/k: …`).
 */
export function progressLog(output: Pick<vscode.OutputChannel, 'append' | 'appendLine'>, report: (message: string, increment?: number) => void): Pick<vscode.OutputChannel, 'append' | 'appendLine'> {
  let pending = '';
  let evaluated = 0;
  const line = (text: string) => {
    const fold = /^fold (\d+)\/(\d+): (.*)$/.exec(text);
    if (fold !== null) {
      report(`fold ${fold[1]} of ${fold[2]}: ${fold[3]}`, 50 / Number(fold[2]));
      return;
    }
    const samples = / (\d+)\/(\d+) samples /.exec(text);
    if (samples !== null) {
      const share = (50 * Number(samples[1])) / Math.max(1, Number(samples[2]));
      report(`evaluating: ${samples[1]} of ${samples[2]} samples`, Math.max(0, share - evaluated));
      evaluated = Math.max(evaluated, share);
      return;
    }
    if (text.startsWith('No completed run')) report('evaluating the samples first (no completed run of this model scored them)');
  };
  return {
    appendLine: (text) => {
      output.appendLine(text);
      line(text);
    },
    append: (text) => {
      output.append(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) line(l.replace(/\r/g, ''));
    },
  };
}
