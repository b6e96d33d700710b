// Error Lookup: one view (ConfigMgr activity bar), reused for every lookup like CMTrace's Error Lookup window,
// instead of a new editor column each time. The answer wraps; Copy puts it on the clipboard. The page has no
// script at all: the answer is escaped text, and the only links are the two commands the view allows.
import * as vscode from 'vscode';

export const LOOKUP_VIEW_ID = 'cmlogs.lookup';
const COPY = 'cmlogs.lookup.copy';
const ASK = 'cmlogs.lookupCode';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The view's page: strict CSP (no script), the query and the answer as escaped, wrapping text. */
export function lookupHtml(cspSource: string, query: string | null, answer: string | null): string {
  const body =
    query === null
      ? `<p class="muted">Look up an error code (0x80244021, -2145107935), a status message ID (statmsg 6702) or a state message (state 500 2).</p>`
      : `<h3>${escapeHtml(query)}</h3><pre id="answer">${escapeHtml(answer ?? '')}</pre>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeHtml(cspSource)} 'unsafe-inline'">
<style>
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 4px 10px; }
h3 { font-size: 12px; margin: 6px 0; font-family: var(--vscode-editor-font-family, monospace); overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; margin: 0; }
.bar { display: flex; gap: 12px; margin: 4px 0 8px; }
.muted { color: var(--vscode-descriptionForeground); }
a { color: var(--vscode-textLink-foreground); }
</style></head><body>
<div class="bar"><a href="command:${ASK}" title="Look up another code">Look up…</a>${query === null ? '' : `<a id="copy" href="command:${COPY}" title="Copy the answer">Copy</a>`}</div>
${body}
</body></html>`;
}

export class LookupView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private last: { query: string; answer: string } | null = null;

  constructor(context: vscode.ExtensionContext) {
    context.subscriptions.push(
      vscode.window.registerWebviewViewProvider(LOOKUP_VIEW_ID, this, {
        webviewOptions: { retainContextWhenHidden: false },
      }),
      vscode.commands.registerCommand(COPY, async () => {
        if (!this.last) return;
        await vscode.env.clipboard.writeText(this.last.answer);
        void vscode.window.setStatusBarMessage('Error lookup copied', 2000);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: false, enableCommandUris: [COPY, ASK], localResourceRoots: [] };
    this.render();
    view.onDidDispose(() => (this.view = undefined));
  }

  /** Shows an answer in the one view (opening it when hidden). */
  async show(query: string, answer: string): Promise<void> {
    this.last = { query, answer };
    if (!this.view) await vscode.commands.executeCommand(`${LOOKUP_VIEW_ID}.focus`);
    this.render();
    this.view?.show(true);
  }

  private render(): void {
    if (!this.view) return;
    this.view.webview.html = lookupHtml(
      this.view.webview.cspSource,
      this.last?.query ?? null,
      this.last?.answer ?? null,
    );
  }
}
