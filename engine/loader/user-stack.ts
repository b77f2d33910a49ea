import path from 'node:path';
import type { SourceLocation } from '../../shared/integration-test-report';

/**
 * The first stack frame of an error that lies in the user's integration code (the script's
 * folder, outside node_modules). With source maps enabled by the loader, these are the
 * lines of the user's own .ts files.
 */
export function userFrame(error: unknown, scriptFile: string): SourceLocation | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (stack === undefined) return undefined;
  const root = path.dirname(scriptFile) + path.sep;
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, '');
    if (file.startsWith(root) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      return { file, line: Number(match[2]), column: Number(match[3]) };
    }
  }
  return undefined;
}

/** `file:line:column`, the file relative to the working directory, as editors and terminals link it. */
export function formatLocation(location: SourceLocation): string {
  return `${path.relative(process.cwd(), location.file)}:${location.line}:${location.column}`;
}
