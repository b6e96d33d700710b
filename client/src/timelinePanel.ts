// The cross-log timeline: one webview panel that shows the records of many logs merged by UTC. The server merges
// and pages (cmlogs/timeline); this side fetches the pages, packs them into columns and streams them to the
// webview, which only renders. Messages from the webview are validated in timelineProtocol.ts before use.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, resolveRows, type TimelinePage, type TimelineParams } from '../../server/src/protocol';
import { ask } from './requests';
import {
  ChunkEncoder,
  compileFilter,
  csvHeader,
  parseRulesFile,
  parseWebviewMessage,
  sanitizeLayout,
  sanitizeRules,
  timelineHtml,
  rowToCsv,
  rowToNdjson,
  timeModeOf,
  type ColumnLayout,
  type ExtensionMessage,
  type HighlightRule,
  type TimelineFilter,
  type WebviewMessage,
} from './timelineProtocol';

export interface TimelineOptions {
  uris?: string[];
  /** Folders (URIs) whose logs are shown as they are at each load: a log written into one later joins. */
  folders?: string[];
  key?: string;
  /** What the tab calls the timeline (a folder's name); otherwise made from the uris or the key. */
  label?: string;
  /** Rows loaded into the webview at most (default MAX_ROWS). */
  maxRows?: number;
}

/** What tells one row from another across reloads: its file, line and time. */
interface RowIdentity {
  uri: string;
  line: number;
  t: number | null;
}

const VIEW_TYPE = 'cmlogs.timeline';
const OFFSETS_STATE = 'cmlogs.timeline.clockOffsets';
/** The list's column layout, the same for every timeline (global state: it is about the screen, not the logs). */
const LAYOUT_STATE = 'cmlogs.timeline.columns';
export const RULES_SETTING = 'highlightRules';
/** Rows per request (the server accepts up to 50,000). */
const PAGE = 20_000;
/**
 * Rows loaded into the webview at most (it holds every row's message): beyond this the latest rows are loaded, the
 * end of the logs being what an admin looks at first (CMTrace, too, opens at the end). Exports are not limited.
 */
const MAX_ROWS = 2_000_000;
/** How often a visible timeline asks whether its logs grew. */
const POLL_MS = 3000;

let current: TimelinePanel | undefined;

export async function openTimeline(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  options: TimelineOptions,
): Promise<vscode.WebviewPanel> {
  if (current) {
    current.panel.reveal(undefined, false);
    current.show(options);
    return current.panel;
  }
  current = new TimelinePanel(context, client, options);
  return current.panel;
}

class TimelinePanel {
  readonly panel: vscode.WebviewPanel;
  private options: TimelineOptions;
  /** Key the server restricts rows to; cleared by "show all records" in the webview. */
  private serverKey: string | null;
  private focusKey: string | null;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  /** The load the webview shows (the generation of the last `begin`); -1 while a new target loads. */
  private shownLoad = -1;
  private ready = false;
  private loading: Promise<void> | null = null;
  /** What the webview holds: to tell, cheaply, whether the server has more. */
  private loaded = { total: 0, count: 0, last: null as RowIdentity | null, truncated: false };
  private knownUris = new Set<string>();
  private poll: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    options: TimelineOptions,
  ) {
    this.options = copyOptions(options);
    this.serverKey = options.key ?? null;
    this.focusKey = options.key ?? null;
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    // Show Related Events starts from an editor: open beside it. The whole timeline takes the active column.
    const column = options.key && vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      title(options),
      { viewColumn: column, preserveFocus: false },
      {
        enableScripts: true,
        enableCommandUris: false,
        enableForms: false,
        localResourceRoots: [media],
        retainContextWhenHidden: true,
      },
    );
    this.panel.webview.html = html(this.panel.webview, media);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      this.panel.onDidChangeViewState(() => this.panel.visible && this.scheduleCheck(100)),
      vscode.workspace.onDidChangeTextDocument(
        (e) => e.document.languageId === 'cmlog' && e.contentChanges.length && this.scheduleCheck(600),
      ),
      vscode.workspace.onDidOpenTextDocument(
        (d) => d.languageId === 'cmlog' && this.showsEveryLog() && this.scheduleCheck(600),
      ),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cmlogs.timeDisplay')) void this.postSettings(true);
        else if (e.affectsConfiguration(`cmlogs.${RULES_SETTING}`)) void this.postSettings(false);
      }),
    );
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.poll = setInterval(() => this.panel.visible && this.check(), POLL_MS);
  }

  /** Reused with new options: reload. */
  show(options: TimelineOptions): void {
    this.options = copyOptions(options);
    this.serverKey = options.key ?? null;
    this.focusKey = options.key ?? null;
    this.panel.title = title(options);
    if (this.ready) void this.load(false);
  }

  private dispose(): void {
    clearInterval(this.poll);
    clearTimeout(this.changeTimer);
    this.generation++;
    for (const d of this.disposables) d.dispose();
    if (current === this) current = undefined;
  }

  /** One page to the webview as a packed chunk; returns the offset after it. */
  private get maxRows(): number {
    return this.options.maxRows ?? MAX_ROWS;
  }

  private async sendRows(
    encoder: ChunkEncoder,
    generation: number,
    page: TimelinePage,
    offset: number,
  ): Promise<number> {
    const chunk = encoder.encode(page, offset);
    for (const f of chunk.addFiles) this.knownUris.add(f.uri);
    await this.post({ type: 'rows', generation, chunk });
    this.loaded.count = offset + page.rows.length;
    this.loaded.last = identity(page, page.rows.length - 1);
    return this.loaded.count;
  }

  /**
   * Asks for the page at `offset` (or nothing when the load is complete) without waiting: the server prepares the
   * next page while this side posts the current one to the webview.
   */
  private prefetch(offset: number, end: number): Promise<TimelinePage> | null {
    if (offset >= end) return null;
    const next = this.request(offset, Math.min(PAGE, end - offset));
    next.catch(() => undefined); // awaited later, or dropped when the load is superseded
    return next;
  }

  private post(message: ExtensionMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  // ----- offsets ---------------------------------------------------------------------------------------

  private offsets(): Record<string, number> {
    const stored = this.context.workspaceState.get<Record<string, number>>(OFFSETS_STATE) ?? {};
    const clean: Record<string, number> = {};
    for (const [uri, ms] of Object.entries(stored))
      if (typeof ms === 'number' && Number.isFinite(ms) && ms !== 0) clean[uri] = ms;
    return clean;
  }

  private async setOffset(uri: string, ms: number): Promise<void> {
    const offsets = this.offsets();
    if (ms === 0) delete offsets[uri];
    else offsets[uri] = ms;
    await this.context.workspaceState.update(OFFSETS_STATE, offsets);
    void this.post({ type: 'clockOffsets', offsets });
    await this.load(true);
  }

  private params(offset: number, limit: number): TimelineParams {
    const { uris, folders } = this.options;
    return {
      uris: uris?.length ? uris : undefined,
      folders: folders?.length ? folders : undefined,
      key: this.serverKey ?? undefined,
      clockOffsets: this.offsets(),
      offset,
      limit,
    };
  }

  /** No files or folders named: the server merges every log it knows, so a log opened later belongs here too. */
  private showsEveryLog(): boolean {
    return !this.options.uris?.length && !this.options.folders?.length;
  }

  /**
   * The `cmlogs.timeDisplay` setting, the column layout and the highlight rules; `changed`: the user just changed
   * the time setting, so it wins over the panel's own choice.
   */
  private postSettings(changed: boolean): Thenable<boolean> {
    const config = vscode.workspace.getConfiguration('cmlogs');
    const layout = this.context.globalState.get<ColumnLayout>(LAYOUT_STATE);
    return this.post({
      type: 'settings',
      timeMode: timeModeOf(config.get<string>('timeDisplay')),
      changed,
      layout: layout ? sanitizeLayout(layout) : null,
      rules: sanitizeRules(config.get(RULES_SETTING)),
    });
  }

  private async saveRules(rules: HighlightRule[]): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('cmlogs').update(RULES_SETTING, rules, target);
  }

  /** Adds the rules of a JSON file the user picks to the workspace's rules. */
  private async importRules(): Promise<void> {
    const [file] =
      (await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'Highlight rules (JSON)': ['json'] },
        openLabel: 'Import rules',
      })) ?? [];
    if (!file) return;
    let added: HighlightRule[];
    try {
      added = parseRulesFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot import ${file.fsPath || file.toString()}: ${errorText(e)}`);
      return;
    }
    const current = sanitizeRules(vscode.workspace.getConfiguration('cmlogs').get(RULES_SETTING));
    await this.saveRules(sanitizeRules([...current, ...added]));
    await this.postSettings(false);
    void this.post({
      type: 'status',
      text: `Imported ${added.length} rule${added.length === 1 ? '' : 's'} from ${file.fsPath || file.toString()}`,
    });
  }

  private request(offset: number, limit: number): Promise<TimelinePage> {
    return ask(this.client, Requests.timeline, this.params(offset, limit));
  }

  // ----- loading -----------------------------------------------------------------------------------------

  /** Streams every page to the webview. `keepView`: the webview keeps its scroll position and selection. */
  private load(keepView: boolean): Promise<void> {
    const generation = ++this.generation;
    // Another target (or a fresh load): the webview drops the rows it shows at once, and nothing it sends about
    // them is acted on any more (reveal carries the load it came from).
    if (!keepView) {
      this.shownLoad = -1;
      void this.post({ type: 'loading', generation, keepView, title: this.panel.title });
    }
    const run = this.stream(generation, keepView).catch((e) => {
      if (generation === this.generation)
        void this.post({ type: 'status', text: `Could not load the timeline: ${errorText(e)}`, error: true });
    });
    this.loading = run.finally(() => {
      if (generation === this.generation) this.loading = null;
    });
    return this.loading;
  }

  private async stream(generation: number, keepView: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const restart = await this.streamOnce(generation, keepView || attempt > 0);
      if (!restart || attempt >= 2 || generation !== this.generation) return;
    }
  }

  /** Returns true when the logs changed under the load (the total moved) and it should start again. */
  private async streamOnce(generation: number, keepView: boolean): Promise<boolean> {
    const offsets = this.offsets();
    const encoder = new ChunkEncoder((uri) => offsets[uri] ?? 0);
    let first = await this.request(0, PAGE);
    // Over the limit: the latest rows, from `base` on.
    const base = Math.max(0, first.total - this.maxRows);
    if (base && generation === this.generation) first = await this.request(base, PAGE);
    if (generation !== this.generation) return false;
    const total = first.total;
    const files = encoder.addFiles(first.files);
    this.knownUris = new Set(files.map((f) => f.uri));
    this.loaded = { total, count: base, last: null, truncated: false };
    this.shownLoad = generation;
    await this.post({
      type: 'begin',
      generation,
      total,
      files,
      serverKey: this.serverKey,
      focusKey: this.focusKey,
      keepView,
      maxRows: this.maxRows,
    });
    let page: TimelinePage | undefined = first;
    let offset = base;
    while (page) {
      if (page.total !== total) return true;
      if (!page.rows.length) break;
      const next = this.prefetch(offset + page.rows.length, total);
      offset = await this.sendRows(encoder, generation, page, offset);
      page = (await next) ?? undefined;
      if (generation !== this.generation) return false;
    }
    this.loaded.truncated = base > 0 || offset < total;
    this.encoder = encoder;
    await this.post({ type: 'end', generation, total, loaded: offset - base, truncated: this.loaded.truncated });
    return false;
  }

  private encoder: ChunkEncoder | null = null;

  // ----- live ----------------------------------------------------------------------------------------------

  private scheduleCheck(delay: number): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => void this.check(), delay);
  }

  /**
   * One small request (one row) tells whether anything changed: the total, and the row at the position of the
   * last row loaded. Same row and a larger total → the new rows came after it: append them. Anything else → reload
   * in place. Nothing happens while a load runs, while hidden, or when the webview holds a truncated set.
   */
  private async check(): Promise<void> {
    if (!this.ready || this.loading || this.checking || !this.panel.visible || this.loaded.truncated) return;
    this.checking = true;
    try {
      const generation = this.generation;
      const at = Math.max(0, this.loaded.count - 1);
      const probe = await this.request(at, 1);
      if (generation !== this.generation || this.loading) return;
      const same = sameRow(probe.rows.length ? identity(probe, 0) : null, this.loaded.last);
      if (probe.total === this.loaded.total && same) return;
      if (same && probe.total > this.loaded.total && this.encoder && probe.total <= this.maxRows)
        await this.append(generation, probe.total);
      else await this.load(true);
    } catch {
      // The server may be restarting; the next tick tries again.
    } finally {
      this.checking = false;
    }
  }

  private async append(generation: number, total: number): Promise<void> {
    const encoder = this.encoder!;
    let offset = this.loaded.count;
    while (offset < total && offset < this.maxRows) {
      const page = await this.request(offset, Math.min(PAGE, this.maxRows - offset));
      if (generation !== this.generation) return;
      if (!page.rows.length) break;
      offset = await this.sendRows(encoder, generation, page, offset);
      total = page.total;
    }
    this.loaded.total = total;
    this.loaded.truncated = offset < total;
    await this.post({ type: 'end', generation, total, loaded: offset, truncated: this.loaded.truncated });
  }

  // ----- messages ----------------------------------------------------------------------------------------

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw, this.knownUris);
    if (!message) return;
    try {
      await this.handle(message);
    } catch (e) {
      void this.post({ type: 'status', text: errorText(e), error: true });
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.postSettings(false);
        void this.post({ type: 'clockOffsets', offsets: this.offsets() });
        await this.load(false);
        return;
      case 'reload':
        await this.load(true);
        return;
      case 'reveal':
        // A row of a load no longer shown (the panel was retargeted meanwhile) is never opened.
        if (message.load === this.shownLoad) await reveal(this.panel, message.uri, message.line, message.endLine);
        return;
      case 'saveLayout':
        await this.context.globalState.update(LAYOUT_STATE, message.layout);
        return;
      case 'saveRules':
        await this.saveRules(message.rules);
        return;
      case 'importRules':
        await this.importRules();
        return;
      case 'setClockOffset':
        await this.setOffset(message.uri, message.ms);
        return;
      case 'setKey':
        this.serverKey = message.key;
        if (message.key) this.focusKey = message.key;
        await this.load(true);
        return;
      case 'export':
        await this.export(message.format, message.filter);
        return;
    }
  }

  // ----- export --------------------------------------------------------------------------------------------

  private async export(format: 'csv' | 'ndjson', filter: TimelineFilter): Promise<void> {
    const compiled = compileFilter(filter);
    if (compiled.error) {
      void vscode.window.showWarningMessage(`Cannot export: ${compiled.error}`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `timeline.${format === 'csv' ? 'csv' : 'ndjson'}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters:
        format === 'csv' ? { 'CSV (comma-separated)': ['csv'] } : { 'Newline-delimited JSON': ['ndjson', 'jsonl'] },
      saveLabel: 'Export timeline',
    });
    if (!target) return;
    const written = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Exporting the timeline', cancellable: true },
      async (progress, token) => {
        const sink = openSink(target);
        let count = 0;
        try {
          if (format === 'csv') await sink.write('\ufeff' + csvHeader());
          let offset = 0;
          let total = Infinity;
          while (offset < total && !token.isCancellationRequested) {
            const page = await this.request(offset, 50_000);
            total = page.total;
            if (!page.rows.length) break;
            let text = '';
            for (const row of resolveRows(page)) {
              if (!compiled.test(row)) continue;
              text += format === 'csv' ? rowToCsv(row) : rowToNdjson(row);
              count++;
            }
            if (text) await sink.write(text);
            offset += page.rows.length;
            progress.report({
              message: `${offset.toLocaleString()} / ${total.toLocaleString()} records read`,
              increment: (page.rows.length / Math.max(1, total)) * 100,
            });
          }
          await sink.close();
        } catch (e) {
          await sink.close().catch(() => undefined);
          throw e;
        }
        return token.isCancellationRequested ? null : count;
      },
    );
    if (written === null)
      void vscode.window.showInformationMessage('Timeline export cancelled; the file holds the rows written so far.');
    else
      void this.post({
        type: 'status',
        text: `Exported ${written.toLocaleString()} records to ${target.fsPath || target.toString()}`,
      });
  }
}

// -------------------------------------------------------------------------------------------------------------

/** Writes to disk as a stream for file: URIs (exports can be hundreds of megabytes); other schemes go whole. */
function openSink(target: vscode.Uri): { write(text: string): Promise<void>; close(): Promise<void> } {
  if (target.scheme === 'file') {
    const stream = createWriteStream(target.fsPath, { encoding: 'utf8' });
    let failure: Error | null = null;
    stream.on('error', (e) => (failure = e));
    return {
      write: (text) =>
        new Promise((resolve, reject) => {
          if (failure) return reject(failure);
          if (stream.write(text)) resolve();
          else stream.once('drain', resolve);
        }),
      close: () => new Promise((resolve, reject) => stream.end(() => (failure ? reject(failure) : resolve()))),
    };
  }
  const parts: Buffer[] = [];
  return {
    write: async (text) => void parts.push(Buffer.from(text, 'utf8')),
    close: () => Promise.resolve(vscode.workspace.fs.writeFile(target, Buffer.concat(parts))),
  };
}

async function reveal(panel: vscode.WebviewPanel, uriText: string, line: number, endLine: number): Promise<void> {
  const uri = vscode.Uri.parse(uriText, true);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const column =
    shown?.viewColumn ?? (panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
  const start = new vscode.Position(line - 1, 0);
  const selection = new vscode.Range(start, start);
  try {
    const editor = await vscode.window.showTextDocument(uri, {
      viewColumn: column,
      selection,
      preserveFocus: false,
      preview: true,
    });
    const document = editor.document;
    const first = Math.min(line - 1, document.lineCount - 1);
    const last = Math.min(Math.max(first, endLine - 1), document.lineCount - 1);
    const record = new vscode.Range(first, 0, last, document.lineAt(last).text.length);
    editor.selection = new vscode.Selection(record.start, record.start);
    editor.revealRange(record, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  } catch {
    // Files VS Code withholds from extensions (over 50 MB) still open in the editor this way.
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column, selection, preview: true });
  }
}

function copyOptions(options: TimelineOptions): TimelineOptions {
  return {
    uris: options.uris?.slice(),
    folders: options.folders?.slice(),
    key: options.key,
    label: options.label,
    maxRows: options.maxRows,
  };
}

function identity(page: TimelinePage, k: number): RowIdentity {
  const row = page.rows[k];
  return { uri: page.files[row.f]?.uri ?? '', line: row.line, t: row.t };
}

function sameRow(a: RowIdentity | null, b: RowIdentity | null): boolean {
  if (!a || !b) return a === b;
  return a.uri === b.uri && a.line === b.line && a.t === b.t;
}

function title(options: TimelineOptions): string {
  if (options.key) return `Timeline: ${options.key}`;
  if (options.label) return `Timeline: ${options.label}`;
  const only =
    !options.folders?.length && options.uris?.length === 1
      ? options.uris[0]
      : !options.uris?.length && options.folders?.length === 1
        ? options.folders[0]
        : null;
  return only ? `Timeline: ${lastSegment(only)}` : 'ConfigMgr Timeline';
}

function lastSegment(uri: string): string {
  const name = uri.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function html(webview: vscode.Webview, media: vscode.Uri): string {
  return timelineHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'out', 'timeline.js')).toString(), // built by scripts/build.mjs
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.css')).toString(),
  });
}
