import { css } from 'lit';

export const runsViewStyles = css`
  :host {
    display: block;
  }
  .toolbar {
    position: sticky;
    top: 0;
    z-index: 1;
    padding: 8px 10px 6px;
    background: var(--vscode-sideBar-background, var(--vscode-editor-background));
    border-bottom: 1px solid var(--vscode-sideBarSectionHeader-border, var(--vscode-contrastBorder, transparent));
  }
  vscode-textfield {
    width: 100%;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 6px;
  }
  .chips button.action {
    font-size: 11px;
    padding: 1px 6px;
  }
  .pager {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    padding: 8px;
  }
  .empty {
    padding: 12px 14px;
    line-height: 1.5;
  }
  .empty ol {
    padding-left: 18px;
  }
  code {
    font-family: var(--vscode-editor-font-family, monospace);
    background: var(--vscode-textCodeBlock-background);
    padding: 0 3px;
  }
`;
