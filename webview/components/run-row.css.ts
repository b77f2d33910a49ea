import { css } from 'lit';

export const runRowStyles = css`
  :host {
    display: block;
  }
  article {
    padding: 8px 10px;
    border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent));
  }
  article:focus-within {
    background: var(--vscode-list-hoverBackground);
  }
  .head {
    display: flex;
    align-items: center;
    gap: 8px;
    min-width: 0;
  }
  .name {
    flex: 1;
    min-width: 0;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .score {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 2px 12px;
    margin-top: 3px;
    font-size: 12px;
  }
  .facts span {
    overflow-wrap: anywhere;
  }
  .progress {
    margin-top: 6px;
  }
  .progress .figures {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0 10px;
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  .error {
    margin-top: 6px;
    padding: 4px 8px;
    border-left: 3px solid var(--vscode-testing-iconFailed, var(--vscode-errorForeground));
    background: var(--vscode-inputValidation-errorBackground, transparent);
    border-top: 1px solid var(--vscode-contrastBorder, transparent);
    border-right: 1px solid var(--vscode-contrastBorder, transparent);
    border-bottom: 1px solid var(--vscode-contrastBorder, transparent);
    font-size: 12px;
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 6px;
  }
  .formats {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 4px;
    align-items: center;
  }
`;
