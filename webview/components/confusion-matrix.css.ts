import { css } from 'lit';

export const confusionMatrixStyles = css`
  table.matrix {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
    font-size: 12px;
  }
  .matrix th {
    padding: 2px 6px;
    font-weight: 600;
    color: var(--vscode-descriptionForeground);
    white-space: nowrap;
    max-width: 120px;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .matrix th.corner {
    text-align: left;
    font-weight: normal;
  }
  .matrix td {
    min-width: 40px;
    height: 30px;
    padding: 0 6px;
    text-align: center;
    cursor: pointer;
    border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
  }
  .matrix td.diagonal {
    font-weight: 700;
  }
  .matrix td.strong {
    color: var(--vscode-editor-background);
  }
  .matrix td[aria-selected='true'] {
    outline: 2px solid var(--vscode-focusBorder);
    outline-offset: -2px;
  }
  .matrix td:focus-visible {
    outline: 2px solid var(--vscode-focusBorder);
    outline-offset: -2px;
  }
  .axis {
    font-size: 11px;
    color: var(--vscode-descriptionForeground);
  }
  .toolbar {
    display: flex;
    gap: 4px;
    align-items: center;
    margin-bottom: 6px;
  }
`;
