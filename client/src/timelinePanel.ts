// The cross-log timeline: one webview panel that shows the records of many logs merged by UTC. The server merges
// and pages (cmlogs/timeline); this side fetches the pages, packs them into columns and streams them to the
// webview, which only renders. Messages from the webview are validated in timelineProtocol.ts before use.
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, resolveRows, type TimelinePage, type TimelineParams } from '../../server/src/protocol';
import { ask } from './requests';
import {
  ChunkEncoder,
  filterError,
  csvHeader,
  encodePage,
  queryParams,
  toRowFilter,
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
  type InlineAssets,
  type TimelineFilter,
  type ViewPage,
  type ViewQuery,
  type WebviewMessage,
} from './timelineProtocol';
import { emptyFilter } from './shared/filter';

export interface TimelineOptions {
  uris?: string[];
  /** Folders (URIs) whose logs are shown as they are at each load: a log written into one later joins. */
  folders?: string[];
  key?: string;
  /** What the tab calls the timeline (a folder's name); otherwise made from the uris or the key. */
  label?: string;
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
/** Rows per export request (the server accepts up to 50,000). */
const EXPORT_PAGE = 50_000;
/** How often a visible timeline asks whether its logs grew. */
const POLL_MS = 3000;
/**
 * How soon it asks again while its folder's logs are being indexed: soon until the first rows show, then less
 * often, as each answer with more logs merges all the logs read so far again.
 */
const INDEXING_FIRST_POLL_MS = 100;
/** Rows of a new load's end sent with `begin` (a tall panel shows ~100; the webview asks for more if it needs). */
const FIRST_ROWS = 600;
/** An offset past any end: the server answers the last page (as the webview's END). */
const FIRST_END = 2 ** 31 - 1;
const INDEXING_POLL_MS = 750;

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
  /** The timeline's size and last record when last looked: a change of either means the logs changed. */
  private probe: Probe | null = null;
  /** Interns files, components and clocks for the webview's tables of the load on show. */
  private encoder = new ChunkEncoder();
  private knownUris = new Set<string>();
  private poll: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private checking = false;
  /** The first load's probe and first page, asked for as the panel is created (null once used, or retargeted). */
  private early: EarlyLoad | null = null;

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
    // The first page is asked for now, while the webview loads (the server starts indexing the folder with it), and
    // sent with the first `begin` when the webview is ready: the first rows no longer wait for the webview's start
    // and then for the server, one after the other.
    if (this.showsOnlyAKey())
      this.request(0, 1).catch(() => undefined); // the server starts indexing meanwhile
    else this.early = this.askEarly();
  }

  /** Reused with new options: reload. */
  show(options: TimelineOptions): void {
    this.early = null;
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

  /** `partial`: answered from the logs indexed so far while a folder is being indexed (the panel, not exports). */
  private params(offset: number, limit: number, partial = true): TimelineParams {
    const { uris, folders } = this.options;
    return {
      uris: uris?.length ? uris : undefined,
      folders: folders?.length ? folders : undefined,
      key: this.serverKey ?? undefined,
      clockOffsets: this.offsets(),
      offset,
      limit,
      ...(partial && folders?.length && { partial }),
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

  /**
   * A new load: the webview is told (and drops what it shows unless `keepView`), then asks for the window it shows
   * (`query`), which the server filters and pages. The first probe merges the logs meanwhile.
   */
  private load(keepView: boolean): Promise<void> {
    const generation = ++this.generation;
    if (!keepView) {
      this.shownLoad = -1;
      void this.post({ type: 'loading', generation, keepView, title: this.panel.title });
    }
    const run = this.begin(generation, keepView).catch((e) => {
      if (generation === this.generation)
        void this.post({ type: 'status', text: `Could not load the timeline: ${errorText(e)}`, error: true });
    });
    this.loading = run.finally(() => {
      if (generation === this.generation) this.loading = null;
    });
    return this.loading;
  }

  private async begin(generation: number, keepView: boolean): Promise<void> {
    // The probe goes out first and the webview is told at once, not after the probe's two round trips (the first
    // rows wait for the webview's query): the probe's first request is sent before the webview can ask, so what
    // it sees is never newer than the first page, and a log merged in between is noticed by the next check. The
    // first load's were both sent as the panel was created, in that order.
    const early = keepView || this.showsOnlyAKey() ? null : this.takeEarly();
    const probing = early?.probe ?? this.probeNow();
    probing.catch(() => undefined); // awaited below; a failure fails the load there
    const offsets = this.offsets();
    this.encoder = new ChunkEncoder((uri) => offsets[uri] ?? 0);
    this.knownUris = new Set();
    this.probe = null; // no check until the probe is in
    this.shownLoad = generation;
    const first = keepView || this.showsOnlyAKey() ? undefined : await this.firstPage(generation, early?.first);
    if (generation !== this.generation) return;
    await this.post({
      type: 'begin',
      generation,
      serverKey: this.serverKey,
      focusKey: this.focusKey,
      keepView,
      ...(first && { first }),
    });
    const probe = await probing;
    if (generation !== this.generation) return;
    this.probe = probe;
    if (probe.indexing) this.scheduleCheck(indexingPoll(probe));
  }

  /**
   * The total and the last record of the timeline (two one-row requests; the merge is cached by the server). The
   * total and indexing are the first request's; the last record is the second's only when it saw the same
   * timeline (else none, so that the next check reports a change and the webview asks again).
   */
  private async probeNow(): Promise<Probe> {
    const first = await this.request(0, 1);
    const end = first.total > 1 ? await this.request(first.total - 1, 1) : first;
    const indexing = (page: TimelinePage) => (page.indexing ? `${page.indexing.done}/${page.indexing.total}` : null);
    const same = end.total === first.total && indexing(end) === indexing(first);
    return {
      total: first.total,
      last: same && end.rows.length ? identity(end, end.rows.length - 1) : null,
      indexing: indexing(first),
    };
  }

  /**
   * The end of a new load, as the webview asks for it first (following, no filter, the rules of the settings): sent
   * with `begin` instead of waiting for the webview's query. Undefined when it cannot be had (the webview asks).
   */
  private async firstPage(
    generation: number,
    asked: FirstPageAsked = this.askFirstPage(),
  ): Promise<{ query: ViewQuery; page: ViewPage } | undefined> {
    try {
      const query = asked.query;
      const page = await asked.page;
      if (generation !== this.generation) return undefined;
      for (const f of page.files) this.knownUris.add(f.uri);
      return { query, page: encodePage(this.encoder, page) };
    } catch {
      return undefined;
    }
  }

  /** The end of the timeline as the webview asks for it first (following, no filter, the rules of the settings). */
  private askFirstPage(): FirstPageAsked {
    const rules = sanitizeRules(vscode.workspace.getConfiguration('cmlogs').get(RULES_SETTING));
    const query: ViewQuery = { offset: FIRST_END, limit: FIRST_ROWS, filter: emptyFilter(), rules };
    const page = ask(this.client, Requests.timeline, { ...this.params(0, 1), ...queryParams(query) });
    page.catch(() => undefined); // awaited by firstPage, which answers undefined on a failure
    return { query, page };
  }

  /** The first load's probe, then its first page: what begin() sends once the webview is ready, sent before. */
  private askEarly(): EarlyLoad {
    const probe = this.probeNow();
    probe.catch(() => undefined); // awaited by begin(), which reports a failure
    return { probe, first: this.askFirstPage() };
  }

  /**
   * The page asked for as the panel was created, once, if it still answers what the webview would ask now: the same
   * target (show() drops it) and the same rules. Asked so early, it may hold fewer of a loading folder's logs than a
   * page asked now; the indexing checks that follow bring the rest, as they do for any page asked while it loads.
   */
  private takeEarly(): EarlyLoad | null {
    const early = this.early;
    this.early = null;
    if (!early) return null;
    const rules = sanitizeRules(vscode.workspace.getConfiguration('cmlogs').get(RULES_SETTING));
    return JSON.stringify(rules) === JSON.stringify(early.first.query.rules) ? early : null;
  }

  /** Rows of one key only (Show Related Events): the webview asks for them itself, around the key's records. */
  private showsOnlyAKey(): boolean {
    return !!(this.serverKey || this.focusKey);
  }

  /** Answers the webview's query of the load on show: the server's page, packed, back with its `seq`. */
  private async answer(message: Extract<WebviewMessage, { type: 'query' }>): Promise<void> {
    const generation = this.generation;
    if (message.load !== generation || this.shownLoad !== generation) return;
    const encoder = this.encoder;
    const page = await ask(this.client, Requests.timeline, { ...this.params(0, 1), ...queryParams(message.query) });
    if (generation !== this.generation) return;
    for (const f of page.files) this.knownUris.add(f.uri);
    // Packed and posted at once, in the order answered: the webview extends its tables in the same order.
    await this.post({ type: 'page', generation, seq: message.seq, page: encodePage(encoder, page) });
  }

  // ----- live ----------------------------------------------------------------------------------------------

  private scheduleCheck(delay: number): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => void this.check(), delay);
  }

  /**
   * Two one-row requests tell whether anything changed: the total and the last record. Changed → the webview asks
   * again for what it shows (its selection kept by file and line; the end when it follows). Nothing happens while
   * a load starts or while hidden.
   */
  private async check(): Promise<void> {
    if (!this.ready || this.loading || this.checking || !this.panel.visible || !this.probe) return;
    this.checking = true;
    try {
      const generation = this.generation;
      const probe = await this.probeNow();
      if (generation !== this.generation || this.loading) return;
      const before = this.probe;
      this.probe = probe;
      // While the folder is being indexed, soon again: its next logs merge in as they are read.
      if (probe.indexing) this.scheduleCheck(indexingPoll(probe));
      if (probe.total === before.total && sameRow(probe.last, before.last) && probe.indexing === before.indexing)
        return;
      await this.post({ type: 'changed', generation, total: probe.total });
    } catch {
      // The server may be restarting; the next tick tries again.
      if (this.probe?.indexing) this.scheduleCheck(POLL_MS);
    } finally {
      this.checking = false;
    }
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
        await this.export(message.format, message.filter, message.rules);
        return;
      case 'query':
        await this.answer(message);
        return;
    }
  }

  // ----- export --------------------------------------------------------------------------------------------

  private async export(format: 'csv' | 'ndjson', filter: TimelineFilter, rules: HighlightRule[]): Promise<void> {
    const refused = filterError(filter);
    if (refused) {
      void vscode.window.showWarningMessage(`Cannot export: ${refused}`);
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
            // The server filters (as the list shows them: rows of unknown zone by their local time, rules applied).
            const page = await ask(this.client, Requests.timeline, {
              ...this.params(offset, EXPORT_PAGE, false),
              filter: toRowFilter(filter, rules),
            });
            total = page.shown ?? page.total;
            if (!page.rows.length) break;
            let text = '';
            for (const row of resolveRows(page)) {
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
  };
}

/** What a probe saw: the timeline's size, its last record, and how far its folders' indexing was ("3/8"; null: done). */
interface Probe {
  total: number;
  last: RowIdentity | null;
  indexing: string | null;
}

function indexingPoll(probe: Probe): number {
  return probe.total ? INDEXING_POLL_MS : INDEXING_FIRST_POLL_MS;
}

/** A first page asked for: the webview's query it answers, and the server's answer to come. */
interface FirstPageAsked {
  query: ViewQuery;
  page: Promise<TimelinePage>;
}

/** The first load's requests, sent as the panel is created (its probe first: see begin()). */
interface EarlyLoad {
  probe: Promise<Probe>;
  first: FirstPageAsked;
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
  const script = vscode.Uri.joinPath(media, 'out', 'timeline.js'); // built by scripts/build.mjs
  const style = vscode.Uri.joinPath(media, 'timeline.css');
  return timelineHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: webview.asWebviewUri(script).toString(),
    styleUri: webview.asWebviewUri(style).toString(),
    inline: inlineAssets(script, style),
  });
}

let assets: InlineAssets | null | undefined;

/**
 * The webview's script and style, read once from the extension's folder, to be written into the page (#20: a page
 * that fetches them waits for two round trips through the workbench before its script runs). Undefined when they
 * cannot be read here: the page then fetches them by URL.
 */
function inlineAssets(script: vscode.Uri, style: vscode.Uri): InlineAssets | undefined {
  if (assets === undefined) {
    try {
      assets = { script: readFileSync(script.fsPath, 'utf8'), style: readFileSync(style.fsPath, 'utf8') };
    } catch {
      assets = null;
    }
  }
  return assets ?? undefined;
}
