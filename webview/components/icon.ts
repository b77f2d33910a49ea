import { html } from 'lit';

// Codicon code points (from @vscode/codicons' codicon.csv) for the glyphs the app uses. The
// glyph is rendered as text in the codicon font, which the document's style sheet declares:
// a font reaches into shadow roots, the codicon class rules would not.
const CODEPOINTS = {
  'arrow-down': 0xea9a,
  'arrow-up': 0xeaa1,
  beaker: 0xea79,
  'chevron-left': 0xeab5,
  'chevron-right': 0xeab6,
  'circle-slash': 0xeabd,
  history: 0xea82,
  close: 0xea76,
  copy: 0xebcc,
  'debug-continue': 0xeacf,
  'debug-stop': 0xead7,
  error: 0xea87,
  export: 0xebac,
  'folder-opened': 0xeaf7,
  'git-compare': 0xeafd,
  'go-to-file': 0xea94,
  info: 0xea74,
  pass: 0xeba4,
  play: 0xeb2c,
  preview: 0xeb2f,
  search: 0xea6d,
  sync: 0xea77,
  trash: 0xea81,
  warning: 0xea6c,
  watch: 0xeb7c,
} as const;

export type IconName = keyof typeof CODEPOINTS;

export function icon(name: IconName) {
  return html`<span class="codicon" aria-hidden="true">${String.fromCodePoint(CODEPOINTS[name])}</span>`;
}
