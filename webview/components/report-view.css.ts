import { css } from 'lit';

/** Layout shared by the report's sections. */
export const sectionStyles = css`
  :host {
    display: block;
  }
  section {
    margin: 0 0 20px;
  }
  h2 {
    font-size: 14px;
    font-weight: 600;
    margin: 0 0 8px;
    padding-bottom: 4px;
    border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
  }
  h3 {
    font-size: 13px;
    font-weight: 600;
    margin: 12px 0 6px;
  }
  .scroll-x {
    overflow-x: auto;
    max-width: 100%;
  }
  .cards {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .card {
    min-width: 150px;
    padding: 8px 12px;
    border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
    border-radius: 4px;
    background: var(--vscode-editorWidget-background);
    color: inherit;
    font: inherit;
    text-align: left;
  }
  button.card {
    cursor: pointer;
  }
  .card[aria-pressed='true'] {
    border-color: var(--vscode-focusBorder);
    outline: 1px solid var(--vscode-focusBorder);
  }
  .card .value {
    font-size: 20px;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .card .label {
    font-size: 11px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
    gap: 16px;
  }
  figure {
    margin: 0;
    min-width: 0;
  }
  figcaption {
    font-weight: 600;
    margin-bottom: 4px;
  }
  .positive {
    color: var(--vscode-testing-iconPassed);
  }
  .negative {
    color: var(--vscode-testing-iconFailed);
  }
  pre {
    margin: 0;
    padding: 8px;
    max-height: 320px;
    overflow: auto;
    background: var(--vscode-textCodeBlock-background);
    border: 1px solid var(--vscode-contrastBorder, transparent);
    font-family: var(--vscode-editor-font-family, monospace);
    font-size: 12px;
    white-space: pre;
  }
  dl.facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 3px 16px;
    margin: 0 0 10px;
  }
  dl.facts dt {
    color: var(--vscode-descriptionForeground);
  }
  dl.facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;

export const reportViewStyles = css`
  :host {
    display: block;
    padding: 12px 20px 40px;
    max-width: 1400px;
  }
  .tabs {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin: 0 0 12px;
  }
  .loading {
    padding: 20px;
  }
`;
