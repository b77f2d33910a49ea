/** Small pieces of GitHub-flavoured Markdown, escaped so that names from configs and scripts cannot break the layout. */

export type Align = 'left' | 'right';

/** Text shown as is, inline: the characters that start emphasis, code, links, HTML or table cells escaped. */
export function text(value: string): string {
  // Escaped only where they would act, so that raw reports stay readable: an underscore inside a
  // word never starts emphasis (f1_macro), '<' only opens a tag before a letter, '/', '!' or '?',
  // '&' only starts an entity before a letter or '#'.
  return value
    .replace(/[\\`*[\]|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|<(?=[A-Za-z/!?])|&(?=[A-Za-z#])/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

/** Inline code; a value holding backticks is fenced with more of them than it holds in a row. */
export function code(value: string): string {
  const oneLine = value.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest === 0 ? `${fence}${oneLine}${fence}` : `${fence} ${oneLine} ${fence}`;
}

/** A table; cells are Markdown already (escape them with `text` or `code`). Pipes inside cells are escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const cell = (value: string) => value.replace(/(?<!\\)\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A score as reports show it, to 4 decimals; a missing one as a dash. */
export function num(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(4);
}
