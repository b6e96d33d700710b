// The timeline webview's entry point (bundled by scripts/build.mjs into media/out/timeline.js, the one script the
// page's Content-Security-Policy allows, by nonce): builds the parts over one App and renders once a frame.
//
// It renders only what the extension sends (rows already parsed and merged by the language server); it never
// parses logs. Log text is untrusted: it only ever reaches the page through textContent, canvas fillText and
// element.title, never innerHTML, never as a URL, never evaluated.
import type { ExtensionMessage } from '../../client/src/shared/timelineMessages';
import { App, type VsCodeApi } from './app';
import { Columns } from './columns';
import {
  renderBanner,
  renderChain,
  renderComponentSelect,
  renderDetails,
  renderFileSelect,
  renderFiles,
} from './details';
import { bindToolbar, syncToolbar } from './filters';
import { RowList } from './list';
import { MessageHandler } from './messages';
import { Overview } from './overview';
import { RulesPanel } from './rules';

declare function acquireVsCodeApi(): VsCodeApi;

function start(vscode: VsCodeApi): void {
  // Marks of the first rows' way (the scale test reads them: test/e2e/scale.test.js firstRowsBreakdown).
  performance.mark('cmlogs.script');
  const app = new App(vscode);
  const messages = new MessageHandler(app);
  let frame = 0;
  const render = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      list.render();
      overview.draw();
    });
  };
  // The parts call each other through app.parts; they are created below, before any message or event arrives.
  app.parts = {
    render,
    dirtyOverview: () => overview.dirty(),
    renderDetails: () => renderDetails(app),
    renderChain: () => renderChain(app),
    renderFiles: () => renderFiles(app),
    renderBanner: () => renderBanner(app),
    renderFileSelect: () => renderFileSelect(app),
    renderComponentSelect: () => renderComponentSelect(app),
    syncControls: () => {
      syncToolbar(app);
      renderBanner(app);
      app.updateStatus();
    },
    applyColumns: () => {
      columns.apply();
      syncToolbar(app);
    },
    scrollIntoView: (pos, center) => list.scrollIntoView(pos, center),
    scrollToEnd: () => list.scrollToEnd(),
    topPosition: () => list.topPosition(),
    visibleRows: () => list.visibleRows,
    restoreTop: (pos) => list.restoreTop(pos),
  };
  const list = new RowList(app, () => overview.dirty());
  const overview = new Overview(app, () => ({ exact: list.window.exact, rows: Math.floor(list.height / list.rowH) }));
  const columns = new Columns(app);
  new RulesPanel(app);
  bindToolbar(app);
  window.addEventListener('message', (event: MessageEvent<ExtensionMessage>) => messages.handle(event.data));
  window.addEventListener('resize', () => overview.dirty());
  // F8 / Shift+F8 anywhere in the panel but a text box: next / previous error, as in the editor.
  window.addEventListener('keydown', (event) => {
    if (event.key !== 'F8' || (event.target as HTMLElement | null)?.closest?.('input, select, #list')) return;
    event.preventDefault();
    app.jumpToSeverity(event.shiftKey ? -1 : 1);
  });
  app.parts.applyColumns();
  renderFiles(app);
  renderDetails(app);
  renderChain(app);
  app.updateStatus();
  render();
  performance.mark('cmlogs.ready');
  vscode.postMessage({ type: 'ready' });
}

start(acquireVsCodeApi());
