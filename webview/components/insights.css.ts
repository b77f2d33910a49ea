import { css } from 'lit';

/** The insight sections (latent scatter, slices, suggestions, mistakes, duplicates): theme colours only. */
export const insightsStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 14px;
    align-items: center;
    margin-bottom: 8px;
  }
  .toolbar label {
    display: inline-flex;
    gap: 4px;
    align-items: center;
  }
  select {
    background: var(--vscode-dropdown-background, var(--vscode-input-background));
    color: var(--vscode-dropdown-foreground, var(--vscode-input-foreground));
    border: 1px solid var(--vscode-dropdown-border, var(--vscode-input-border, var(--vscode-contrastBorder, transparent)));
    font: inherit;
    padding: 2px 4px;
    border-radius: 2px;
  }
  .scatter-layout {
    display: flex;
    flex-wrap: wrap;
    gap: 12px;
    align-items: flex-start;
  }
  .scatter-box {
    position: relative;
    flex: 1 1 480px;
    min-width: 0;
  }
  .axis-note {
    margin: 4px 0 0;
    font-size: 12px;
  }
  .tooltip {
    position: absolute;
    z-index: 2;
    pointer-events: none;
    padding: 4px 8px;
    max-width: 260px;
    font-size: 12px;
    background: var(--vscode-editorHoverWidget-background, var(--vscode-editorWidget-background));
    color: var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground));
    border: 1px solid var(--vscode-editorHoverWidget-border, var(--vscode-editorWidget-border, var(--vscode-contrastBorder)));
    overflow-wrap: anywhere;
  }
  ul.legend {
    flex: 0 1 200px;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 12px;
    max-height: 420px;
    overflow: auto;
  }
  ul.legend li {
    display: grid;
    grid-template-columns: 12px 1fr auto;
    gap: 6px;
    align-items: center;
    line-height: 20px;
  }
  .legend-label {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .swatch {
    width: 10px;
    height: 10px;
    border-radius: 50%;
    border: 1px solid var(--vscode-contrastBorder, transparent);
  }
  div.legend {
    display: flex;
    gap: 6px;
    height: 200px;
    font-size: 12px;
  }
  .gradient {
    width: 14px;
    border: 1px solid var(--vscode-contrastBorder, transparent);
  }
  .gradient-labels {
    display: flex;
    flex-direction: column;
    justify-content: space-between;
  }
  table.data tbody tr.clickable {
    cursor: pointer;
  }
  table.data tbody tr.clickable:hover {
    background: var(--vscode-list-hoverBackground);
  }
  .interval {
    color: var(--vscode-descriptionForeground);
    white-space: nowrap;
  }
  .badge {
    display: inline-block;
    padding: 0 6px;
    border-radius: 9px;
    font-size: 11px;
    line-height: 18px;
    border: 1px solid var(--vscode-contrastBorder, transparent);
    background: var(--vscode-badge-background);
    color: var(--vscode-badge-foreground);
  }
  .badge.leakage {
    background: var(--vscode-inputValidation-errorBackground, var(--vscode-badge-background));
    border-color: var(--vscode-testing-iconFailed);
    color: var(--vscode-foreground);
  }
  .more {
    margin-top: 6px;
  }
  .agreement {
    display: inline-block;
    width: 48px;
    height: 8px;
    margin-right: 6px;
    vertical-align: middle;
    /* The empty part of the bar: a tint of the text colour shows on every theme's background. */
    background: color-mix(in srgb, var(--vscode-foreground) 18%, transparent);
    border: 1px solid var(--vscode-contrastBorder, transparent);
  }
  .agreement span {
    display: block;
    height: 100%;
    background: var(--vscode-charts-blue);
  }
  .samples {
    display: flex;
    flex-wrap: wrap;
    gap: 2px 8px;
  }
`;
