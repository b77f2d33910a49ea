// The webview app's entry: which view this page is (runs list or report), who feeds it
// (VS Code, or the data inlined in an exported HTML file), then one state provider and one
// root component for that view.
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { createHost } from './host';
import { ReportState } from './state/report-state';
import { RunsState } from './state/runs-state';
import './components/report-view';
import './components/runs-view';

const app = document.getElementById('app');
if (app === null) throw new Error('The page has no <main id="app">.');
const host = createHost(document.body.dataset.host);

if (document.body.dataset.view === 'report') {
  const view = document.createElement('evalens-report-view');
  view.state = new ReportState(host);
  app.append(view);
} else {
  const view = document.createElement('evalens-runs-view');
  view.state = new RunsState(host);
  app.append(view);
}
host.start();
