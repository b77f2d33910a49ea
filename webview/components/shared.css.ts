import { css } from 'lit';

/** Styles every component shares: theme colours only from VS Code's variables. */
export const sharedStyles = css`
  :host {
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
  }
  .codicon {
    font: normal normal normal 16px/1 codicon;
    display: inline-block;
    vertical-align: text-bottom;
    user-select: none;
  }
  button.action {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 6px;
    border: 1px solid var(--vscode-button-border, transparent);
    border-radius: 2px;
    background: var(--vscode-button-secondaryBackground);
    color: var(--vscode-button-secondaryForeground);
    font: inherit;
    cursor: pointer;
  }
  button.action:hover {
    background: var(--vscode-button-secondaryHoverBackground);
  }
  button.action.primary {
    background: var(--vscode-button-background);
    color: var(--vscode-button-foreground);
  }
  button.action.primary:hover {
    background: var(--vscode-button-hoverBackground);
  }
  button.action[aria-pressed='true'] {
    background: var(--vscode-button-background);
    color: var(--vscode-button-foreground);
  }
  button.link {
    padding: 0;
    border: none;
    background: none;
    color: var(--vscode-textLink-foreground);
    font: inherit;
    cursor: pointer;
    text-decoration: underline;
  }
  button.link:hover {
    color: var(--vscode-textLink-activeForeground);
  }
  :focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .mono {
    font-family: var(--vscode-editor-font-family, monospace);
  }
  .notice {
    display: flex;
    gap: 6px;
    align-items: flex-start;
    padding: 6px 8px;
    margin: 6px 0;
    border: 1px solid var(--vscode-contrastBorder, transparent);
    border-left: 3px solid var(--vscode-notificationsInfoIcon-foreground);
    background: var(--vscode-textBlockQuote-background);
  }
  .notice.warning {
    border-left-color: var(--vscode-notificationsWarningIcon-foreground);
  }
  .notice.error {
    border-left-color: var(--vscode-notificationsErrorIcon-foreground);
  }
  table.data {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  table.data th,
  table.data td {
    padding: 3px 10px;
    text-align: right;
    border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
  }
  table.data th:first-child,
  table.data td:first-child,
  table.data th.text,
  table.data td.text {
    text-align: left;
  }
  table.data th {
    font-weight: 600;
    color: var(--vscode-descriptionForeground);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** Badge colours per run status, from the theme's own status colours. */
export const statusStyles = css`
  .status {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    padding: 0 6px;
    border-radius: 9px;
    border: 1px solid var(--vscode-contrastBorder, transparent);
    font-size: 11px;
    line-height: 18px;
    white-space: nowrap;
    background: var(--vscode-badge-background);
    color: var(--vscode-badge-foreground);
  }
  .status .codicon {
    font-size: 12px;
    vertical-align: middle;
  }
  .status.completed .codicon {
    color: var(--vscode-testing-iconPassed);
  }
  .status.failed .codicon {
    color: var(--vscode-testing-iconFailed);
  }
  .status.evaluating .codicon,
  .status.queued .codicon {
    color: var(--vscode-progressBar-background);
  }
  .status.interrupted .codicon,
  .status.cancelled .codicon {
    color: var(--vscode-testing-iconSkipped, var(--vscode-descriptionForeground));
  }
`;
