import { css } from 'lit';

export const sampleTableStyles = css`
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 12px;
    align-items: center;
    margin-bottom: 8px;
  }
  .filters label {
    display: inline-flex;
    gap: 4px;
    align-items: center;
  }
  select,
  input[type='number'] {
    background: var(--vscode-dropdown-background, var(--vscode-input-background));
    color: var(--vscode-dropdown-foreground, var(--vscode-input-foreground));
    border: 1px solid var(--vscode-dropdown-border, var(--vscode-input-border, var(--vscode-contrastBorder, transparent)));
    font: inherit;
    padding: 2px 4px;
    border-radius: 2px;
  }
  input[type='number'] {
    width: 80px;
  }
  .chip {
    display: inline-flex;
    gap: 4px;
    align-items: center;
    padding: 1px 6px;
    border-radius: 9px;
    border: 1px solid var(--vscode-contrastBorder, transparent);
    background: var(--vscode-badge-background);
    color: var(--vscode-badge-foreground);
  }
  .chip button {
    border: none;
    background: none;
    color: inherit;
    cursor: pointer;
    padding: 0;
  }
  .layout {
    display: flex;
    flex-wrap: wrap;
    gap: 12px;
    align-items: flex-start;
  }
  .grid {
    flex: 1 1 520px;
    min-width: 0;
    height: 440px;
    position: relative;
    overflow: auto;
    border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
    font-variant-numeric: tabular-nums;
    font-size: 12px;
  }
  .header,
  .row {
    display: grid;
    grid-template-columns: var(--columns);
    width: max-content;
    min-width: 100%;
  }
  .header {
    position: sticky;
    top: 0;
    z-index: 1;
    background: var(--vscode-editorWidget-background, var(--vscode-editor-background));
    border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
  }
  .header button {
    display: flex;
    gap: 2px;
    align-items: center;
    width: 100%;
    height: 26px;
    padding: 0 6px;
    border: none;
    background: none;
    color: var(--vscode-foreground);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .header button .codicon {
    font-size: 12px;
  }
  .header button:hover {
    background: var(--vscode-list-hoverBackground);
  }
  .body {
    position: relative;
    width: max-content;
    min-width: 100%;
  }
  .row {
    position: absolute;
    left: 0;
    height: 24px;
    cursor: pointer;
  }
  .row[aria-rowindex$='0'],
  .row[aria-rowindex$='2'],
  .row[aria-rowindex$='4'],
  .row[aria-rowindex$='6'],
  .row[aria-rowindex$='8'] {
    background: var(--vscode-editorWidget-background, transparent);
  }
  .row:hover {
    background: var(--vscode-list-hoverBackground);
  }
  .row[aria-selected='true'] {
    background: var(--vscode-list-activeSelectionBackground);
    color: var(--vscode-list-activeSelectionForeground);
  }
  .row:focus-visible {
    outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder));
    outline-offset: -1px;
  }
  .cell {
    padding: 0 6px;
    line-height: 24px;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .cell.number {
    text-align: right;
  }
  .cell.wrong {
    color: var(--vscode-testing-iconFailed);
  }
  .row[aria-selected='true'] .cell.wrong {
    color: inherit;
  }
`;
