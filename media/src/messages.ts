// Messages from the extension: loads (loading → begin), the answers to the webview's queries (page, with the load
// and the query's number), a change of the logs, clock offsets, settings and status. Anything of a load but the
// current one is dropped.
import { sanitizeRules } from '../../client/src/shared/highlightRules';
import {
  sanitizeLayout,
  type ExtensionMessage,
  type TimeMode,
  type RowChunk,
  type ViewPage,
  type ViewQuery,
} from '../../client/src/shared/timelineMessages';
import { END, emptySummary, type App } from './app';
import { Store, Tables, type RowId } from './store';

const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

export class MessageHandler {
  constructor(private readonly app: App) {}

  handle(m: ExtensionMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'loading':
        return this.onLoading(m);
      case 'begin':
        return this.onBegin(m);
      case 'page':
        return this.onPage(m);
      case 'changed':
        return this.onChanged(m);
      case 'clockOffsets':
        this.app.offsets = m.offsets && typeof m.offsets === 'object' ? m.offsets : {};
        this.app.parts.renderFiles();
        this.app.rowsChanged();
        return;
      case 'settings':
        return this.onSettings(m);
      case 'status':
        return this.app.status(String(m.text ?? ''), !!m.error);
    }
  }

  /** A new load starts: unless it replaces the same rows in place, nothing of the previous one stays on show. */
  private onLoading(m: Extract<ExtensionMessage, { type: 'loading' }>): void {
    if (m.keepView) return;
    this.reset(num(m.generation, -1));
    this.app.parts.restoreTop(0);
    this.renderAll();
    this.app.status(`Loading ${String(m.title ?? 'the timeline')}\u2026`, false);
  }

  private reset(load: number): void {
    const { app } = this;
    app.load = load;
    app.tables = new Tables();
    app.store = new Store(load, app.tables);
    app.winOffset = 0;
    app.total = 0;
    app.shown = 0;
    app.summary = emptySummary();
    app.summaryLoaded = false;
    app.overviewData = null;
    app.clearSelection();
    app.linked = null;
    app.linkKeys = [];
    app.loading = true;
    app.indexing = null;
  }

  /**
   * The load's first question: the summary and the window (at the end when following). A reload in place (live
   * log, clock offset, key) keeps the old rows on show until the answer, and finds the selection (else the top
   * row) again by file and line.
   */
  private onBegin(m: Extract<ExtensionMessage, { type: 'begin' }>): void {
    performance.mark('cmlogs.begin');
    const { app } = this;
    const load = num(m.generation, -1);
    const keep = m.keepView && app.store.n > 0;
    const top = app.rowAt(app.parts.topPosition());
    const anchor: RowId | null = keep ? (app.selected ?? (top >= 0 ? app.store.idOf(top) : null)) : null;
    const hadSelection = keep && !!app.selected;
    if (keep) {
      app.load = load;
      app.tables = new Tables();
      app.loading = true;
      if (app.selected) app.selected = { ...app.selected, load };
    } else this.reset(load);
    app.serverKey = typeof m.serverKey === 'string' ? m.serverKey : null;
    app.focusKey = typeof m.focusKey === 'string' ? m.focusKey : null;
    if (!keep) app.linkKeys = app.focusKey ? [app.focusKey] : [];
    const q: Partial<ViewQuery> = { offset: app.ui.follow && !anchor ? END : 0, limit: app.windowSize() };
    if (anchor) q.anchor = { uri: anchor.uri, line: anchor.line };
    if (app.linkKeys.length) q.linkKeys = app.linkKeys.slice();
    const then = (page: ViewPage) => this.placeFirst(page, !!anchor, hadSelection);
    // A new load's end may come with `begin` (one round trip less before the first rows).
    const first = !keep && m.first?.page?.chunk && m.first.query ? m.first : null;
    if (first) app.tables.intern(first.page.chunk); // every chunk of the load extends the tables, in order
    if (first && isFirstQuery(app, q, first.query))
      app.answerNow({ ...first.page, chunk: noNewEntries(first.page.chunk) }, then);
    else app.filterSeq = app.linksSeq = app.query(q, then);
    // The rows first (what the user waits for), then the summary of the whole timeline (a pass over every record).
    app.query({ summary: true });
    this.renderAll();
  }

  /** Where the list stands after a load's first answer: on the anchor, at the end when following, else the top. */
  private placeFirst(page: ViewPage, anchored: boolean, hadSelection: boolean): void {
    const { app } = this;
    const pos = page.position ?? -1;
    if (anchored && pos >= 0) {
      if (hadSelection) app.selectAt(pos, 'center');
      else app.parts.restoreTop(pos);
    } else if (app.ui.follow) app.parts.scrollToEnd();
    else app.parts.restoreTop(0);
    if (anchored && hadSelection && pos < 0) app.clearSelection();
    // Show Related Events: the first record of the key is selected.
    const first = app.linked?.positions.find((p) => p >= 0);
    if (!app.selected && app.focusKey && first !== undefined) app.selectAt(first, 'center');
    this.renderAll();
  }

  private onPage(m: Extract<ExtensionMessage, { type: 'page' }>): void {
    const { app } = this;
    if (m.generation !== app.load || !m.page || !m.page.chunk) return;
    if (!app.store.n) performance.mark('cmlogs.page');
    const hadSummary = !!m.page.summary;
    app.applyPage(num(m.seq, 0), m.page);
    if (hadSummary) {
      app.parts.renderComponentSelect();
      app.parts.renderFileSelect();
      app.parts.renderFiles();
      app.parts.applyColumns();
      app.parts.syncControls();
      app.parts.dirtyOverview();
    }
    app.updateStatus();
    app.rowsChanged();
  }

  /**
   * The logs grew or changed (or more of a folder's logs were read): the summary and the window again. The end comes
   * into view when following; otherwise the row at the top stays at the top (records merged in before it move it
   * down the list, not off the screen), and the selection stays selected.
   */
  private onChanged(m: Extract<ExtensionMessage, { type: 'changed' }>): void {
    const { app } = this;
    if (m.generation !== app.load || app.loading) return;
    const limit = app.windowSize();
    const top = app.ui.follow ? -1 : app.rowAt(app.parts.topPosition());
    const anchor = top >= 0 ? app.store.idOf(top) : null;
    const q: Partial<ViewQuery> = { offset: app.ui.follow ? END : app.winOffset, limit, summary: true };
    if (anchor) q.anchor = { uri: anchor.uri, line: anchor.line };
    if (app.linkKeys.length) q.linkKeys = app.linkKeys.slice();
    app.query(q, (page) => {
      if (app.ui.follow) app.parts.scrollToEnd();
      else if (anchor && (page.position ?? -1) >= 0) app.parts.restoreTop(page.position!);
    });
  }

  private renderAll(): void {
    const { parts } = this.app;
    parts.renderFileSelect();
    parts.renderComponentSelect();
    parts.renderFiles();
    parts.renderBanner();
    parts.renderDetails();
    parts.renderChain();
    parts.applyColumns();
    this.app.updateStatus();
    this.app.rowsChanged();
    parts.dirtyOverview();
  }

  private onSettings(m: Extract<ExtensionMessage, { type: 'settings' }>): void {
    const { app } = this;
    const mode = m.timeMode as string;
    if (['utc', 'log', 'machine', 'auto'].includes(mode)) {
      app.timeSetting = mode as TimeMode | 'auto';
      // The user just changed the setting: it replaces the mode picked in this panel.
      if (m.changed) app.ui.chosenTimeMode = null;
    }
    if (m.layout) app.layout = sanitizeLayout(m.layout);
    if (Array.isArray(m.rules)) app.setRules(sanitizeRules(m.rules));
    app.persist();
    app.parts.applyColumns();
    app.parts.syncControls();
    app.parts.renderDetails();
    app.rowsChanged();
  }
}

/**
 * Whether a load's end sent with `begin` (asked by the extension as the webview asks first) answers the window query
 * `q`: the end, no anchor or links, the same filter and rules, no more rows than it holds.
 */
function isFirstQuery(app: App, q: Partial<ViewQuery>, asked: ViewQuery): boolean {
  return (
    q.offset === END &&
    asked.offset === END &&
    !q.anchor &&
    !q.linkKeys?.length &&
    (q.limit ?? 0) <= asked.limit &&
    JSON.stringify(asked.filter) === JSON.stringify(app.filter) &&
    JSON.stringify(asked.rules) === JSON.stringify(app.rules)
  );
}

/** A chunk whose new table entries were interned already. */
function noNewEntries(chunk: RowChunk): RowChunk {
  return { ...chunk, addFiles: [], addComponents: [], addClocks: [] };
}
