// The timeline webview's state and the operations every part uses (select, refilter, render). The parts
// (list, columns, overview, details, filters, messages) each take the App and keep their own DOM.
//
// The webview holds a window of the filtered rows (issues #20, #23): the language server filters and pages the
// merged timeline, and the webview asks (through the extension) for the rows it shows plus a margin, the overview's
// counts and the linked records. Every query carries the load it is for; answers of another load are dropped, and
// answers of an older filter are applied only to extend the tables (pages.ts).
import { emptyFilter, filterError, type TimelineFilter } from '../../client/src/shared/filter';
import { compileRules, type CompiledRules, type HighlightRule } from '../../client/src/shared/highlightRules';
import {
  autoTimeMode,
  defaultLayout,
  type ColumnLayout,
  type OverviewData,
  type TimeMode,
  type TimeSetting,
  type TimelineFileInfo,
  type ViewPage,
  type ViewQuery,
  type ViewSummary,
} from '../../client/src/shared/timelineMessages';
import { clockMarker, formatTime, formatWall, type ClockMarker } from './format';
import { showStatus } from './status';
import type { Linked, Parts, UiState, VsCodeApi } from './state';
import { emptySummary } from './state';
import { Store, Tables, type RowId } from './store';

export type { Linked, Parts, UiState, VsCodeApi } from './state';
export { emptySummary } from './state';

const TIME_MODES: readonly string[] = ['utc', 'log', 'machine'];
/** Rows asked for either side of what is on screen (scrolling a little needs no new page). */
export const MARGIN = 120;
/** An offset past any end: the server answers the last page (the end, when following). */
export const END = 2 ** 31 - 1;

export class App {
  ui: UiState;
  timeSetting: TimeSetting = 'auto';
  filter: TimelineFilter = emptyFilter();
  /** Why the filter's text is refused (said at once, before the server answers), or null. */
  textError: string | null = null;
  rules: HighlightRule[] = [];
  compiledRules: CompiledRules = compileRules([]);
  layout: ColumnLayout = defaultLayout();
  /** The list is so narrow that its Time column shows the time of day only (layout.ts, fitColumns). */
  compactTime = false;

  tables = new Tables();
  /** The window: the rows at view positions [winOffset, winOffset + store.n). */
  store = new Store();
  winOffset = 0;
  /** Records in the timeline, and those the filter shows (the list's length). */
  total = 0;
  shown = 0;
  summary: ViewSummary = emptySummary();
  /** The summary of this load has arrived (until then its empty time span means "not known yet", not "none"). */
  summaryLoaded = false;
  filterError: string | null = null;
  /** The load shown (the extension's generation); -1 before the first. */
  load = -1;
  /** No page of this load has arrived yet. */
  loading = false;
  /** While the folder's logs are being indexed: the rows are those of `done` of `total` logs (the rest merge in). */
  indexing: { done: number; total: number; tails?: number } | null = null;
  offsets: Record<string, number> = {};
  serverKey: string | null = null;
  focusKey: string | null = null;
  selected: RowId | null = null;
  /** The selected row itself (it outlives the window it was in), and its view position (-1: not shown). */
  selectedRow: Store | null = null;
  selectedPos = -1;
  linkKeys: readonly string[] = [];
  linked: Linked | null = null;
  overviewData: OverviewData | null = null;
  /** Bumped whenever what a rendered row shows may have changed (time mode, selection, links, rules, load). */
  rowsStamp = 0;
  parts!: Parts;

  private seq = 0;
  /** Answers to queries before these were asked for another filter / other keys: not applied. */
  filterSeq = 0;
  linksSeq = 0;
  /** The window last asked for (view positions), so that scrolling does not ask twice for the same rows. */
  private wanted = { offset: -1, end: -1, filterSeq: -1 };
  private readonly then = new Map<number, (page: ViewPage) => void>();
  /** Queries whose rows replace the window (the others ask only for counts, links or the overview). */
  private readonly windowQueries = new Set<number>();

  constructor(readonly vscode: VsCodeApi) {
    const saved = (vscode.getState() ?? {}) as Partial<UiState>;
    this.ui = {
      chosenTimeMode: TIME_MODES.includes(saved.chosenTimeMode as string) ? (saved.chosenTimeMode as TimeMode) : null,
      laneMode: saved.laneMode === 'component' ? 'component' : 'file',
      aroundSeconds: typeof saved.aroundSeconds === 'number' ? saved.aroundSeconds : 30,
      follow: saved.follow !== false,
      side: saved.side !== false,
    };
  }

  persist(): void {
    this.vscode.setState(this.ui);
  }

  get viewCount(): number {
    return this.shown;
  }

  /** The window's row at view position `pos`, or -1 when it is not held (yet). */
  rowAt(pos: number): number {
    const i = pos - this.winOffset;
    return pos >= 0 && i >= 0 && i < this.store.n ? i : -1;
  }

  // ----- queries ----------------------------------------------------------------------------------------

  /** Rows for a list of `visible` rows: the screen and a margin either side. */
  windowSize(): number {
    return Math.min(5000, this.parts.visibleRows() + 2 * MARGIN);
  }

  /** Asks the extension (and through it the server); `then` runs when the answer arrives, if still current. */
  query(q: Partial<ViewQuery>, then?: (page: ViewPage) => void): number {
    const seq = ++this.seq;
    const query: ViewQuery = { offset: 0, limit: 1, ...q, filter: this.filter, rules: this.rules };
    if (this.linkKeys.length && query.overview) query.overview.linkKeys = this.linkKeys.slice();
    if (then) this.then.set(seq, then);
    if (q.limit !== undefined) {
      this.windowQueries.add(seq);
      // What this window will hold, so that rendering meanwhile does not ask for it again (the end: the last rows).
      const offset = query.offset >= END ? Math.max(0, this.shown - query.limit) : query.offset;
      this.wanted = { offset, end: offset + query.limit, filterSeq: this.filterSeq };
    }
    this.vscode.postMessage({ type: 'query', load: this.load, seq, query });
    return seq;
  }

  /** Applies `page` as the answer to a window query `q` made now (a load's end sent with `begin`: messages.ts). */
  answerNow(page: ViewPage, then: (page: ViewPage) => void): void {
    const seq = ++this.seq;
    this.then.set(seq, then);
    this.windowQueries.add(seq);
    this.filterSeq = this.linksSeq = seq;
    performance.mark('cmlogs.page');
    this.applyPage(seq, page);
  }

  /** Asks for the window around [first, last) unless it is held or already asked for. */
  ensureWindow(first: number, last: number): void {
    if (this.load < 0 || this.loading) return;
    const end = Math.min(last, this.shown);
    const held = first >= this.winOffset && end <= this.winOffset + this.store.n;
    const { wanted } = this;
    const asked = wanted.filterSeq === this.filterSeq && first >= wanted.offset && end <= wanted.end;
    if (held || asked || first >= this.shown) return;
    const offset = Math.max(0, first - MARGIN);
    const limit = this.windowSize();
    this.wanted = { offset, end: offset + limit, filterSeq: this.filterSeq };
    this.query({ offset, limit });
  }

  /** Applies an answer of the load on show (messages.ts checked the load). */
  applyPage(seq: number, page: ViewPage): void {
    this.tables.intern(page.chunk);
    if (page.linked) this.tables.intern(page.linked.chunk);
    const then = this.then.get(seq);
    this.then.delete(seq);
    const isWindow = this.windowQueries.delete(seq);
    if (seq < this.filterSeq) return;
    this.loading = false;
    this.indexing = page.indexing ?? null;
    this.total = page.total;
    this.shown = page.shown;
    this.filterError = page.filterError ?? null;
    if (page.summary) {
      this.summary = page.summary;
      this.summaryLoaded = true;
    }
    if (isWindow) this.setWindow(page);
    if (page.overview) this.overviewData = page.overview;
    if (page.linked && seq >= this.linksSeq) this.setLinked(page.linked);
    then?.(page);
  }

  private setWindow(page: ViewPage): void {
    const store = new Store(this.load, this.tables);
    store.append(page.chunk, this.load);
    this.store = store;
    this.winOffset = page.offset;
    this.wanted = { offset: page.offset, end: page.offset + store.n, filterSeq: this.filterSeq };
    const at = store.find(this.selected);
    if (at >= 0) this.selectedPos = page.offset + at;
    this.rowsChanged();
  }

  private setLinked(linked: NonNullable<ViewPage['linked']>): void {
    const store = new Store(this.load, this.tables);
    store.append(linked.chunk, this.load);
    this.linked = { total: linked.total, files: linked.files, store, positions: linked.positions.slice() };
    this.parts.renderChain();
    this.parts.renderBanner();
  }

  // ----- time -------------------------------------------------------------------------------------------

  /** The mode in use: the panel's choice, else the setting; 'auto' is log-local when every log shares one bias. */
  get timeMode(): TimeMode {
    if (this.ui.chosenTimeMode) return this.ui.chosenTimeMode;
    return this.timeSetting === 'auto' ? autoTimeMode(this.summary.biases) : this.timeSetting;
  }

  fileOf(i: number, store: Store = this.store): TimelineFileInfo {
    return store.files[store.file[i]] ?? { uri: '', file: '', name: '?', records: 0, clockOffsetMs: 0 };
  }

  offsetOf(file: TimelineFileInfo): number {
    return this.offsets[file.uri] ?? file.clockOffsetMs ?? 0;
  }

  /**
   * Row i's time in the mode shown. A row with no UTC (local time of an unknown zone) shows its own local time in
   * every mode, never converted and never as UTC: the list marks it (markerOf).
   */
  timeText(i: number, mode: TimeMode = this.timeMode, store: Store = this.store): string {
    const wall = store.wallOf(i);
    if (wall !== null) return formatWall(wall);
    return formatTime(store.timeOf(i), mode, store.biasOf(i), this.offsetOf(this.fileOf(i, store)));
  }

  /** How row i's time is marked in the list: 'local' (no UTC), 'inferred', 'user', or ''. */
  markerOf(i: number, store: Store = this.store): ClockMarker {
    return clockMarker(store.clockOf(i), store.timeOf(i) !== null);
  }

  // ----- selection --------------------------------------------------------------------------------------

  /** The window's index of the selected row, or -1 (not in the window, or of a previous load). */
  get selectedIndex(): number {
    const i = this.rowAt(this.selectedPos);
    const id = this.selected;
    return i >= 0 &&
      id &&
      id.load === this.store.load &&
      this.store.line[i] === id.line &&
      this.fileOf(i).uri === id.uri
      ? i
      : -1;
  }

  /** Selects the row at view position `pos`, asking for its window first when it is not held. */
  selectAt(pos: number, scroll: 'none' | 'near' | 'center'): void {
    if (pos < 0 || pos >= this.shown) return;
    if (this.rowAt(pos) >= 0) return this.selectRow(this.rowAt(pos), pos, scroll);
    const limit = this.windowSize();
    this.query({ offset: Math.max(0, pos - (limit >> 1)), limit }, () => {
      if (this.rowAt(pos) >= 0) this.selectRow(this.rowAt(pos), pos, scroll);
    });
  }

  private selectRow(i: number, pos: number, scroll: 'none' | 'near' | 'center'): void {
    this.selected = this.store.idOf(i);
    this.selectedRow = this.store.rowCopy(i);
    this.selectedPos = pos;
    if (scroll !== 'none') this.parts.scrollIntoView(pos, scroll === 'center');
    this.recomputeLinks();
    this.parts.renderDetails();
    this.parts.renderChain();
    this.rowsChanged();
  }

  clearSelection(): void {
    this.selected = null;
    this.selectedRow = null;
    this.selectedPos = -1;
  }

  /** The selected row's placing time (UTC, or local time of unknown zone), or null. */
  selectedTime(): number | null {
    return this.selectedRow ? this.selectedRow.placeOf(0) : null;
  }

  /** Opens row i of `store` in the editor; the extension refuses it if the load is no longer the one it shows. */
  reveal(i: number, store: Store = this.store): void {
    if (i < 0 || i >= store.n) return;
    if (store.line[i] <= 0) {
      // A log's last records shown before the log is read: their line is not known yet (timelineTail.ts).
      this.status(
        `The line of this record is known once ${this.fileOf(i, store).name} is read; try again in a moment.`,
        false,
      );
      return;
    }
    this.vscode.postMessage({
      type: 'reveal',
      load: store.load,
      uri: this.fileOf(i, store).uri,
      line: store.line[i],
      endLine: store.endLine[i],
    });
  }

  /** The keys of the selection (or the followed key); when they change, the server is asked for their records. */
  recomputeLinks(): void {
    const own = this.selectedRow?.keys[0] ?? null;
    this.linkTo(own?.length ? own.slice() : this.focusKey ? [this.focusKey] : []);
  }

  /** Highlights the records of `keys` (the chain panel, the lanes' marks). */
  linkTo(keys: string[]): void {
    if (keys.join() === this.linkKeys.join()) return;
    this.linkKeys = keys;
    this.linked = null;
    this.linksSeq = this.seq + 1;
    if (keys.length) this.query({ linkKeys: keys.slice() });
    this.parts.dirtyOverview();
  }

  isLinked(i: number, store: Store = this.store): boolean {
    const keys = store.keys[i];
    return !!keys && this.linkKeys.some((k) => keys.includes(k));
  }

  // ----- filtering ---------------------------------------------------------------------------------------

  setFilter(change: Partial<TimelineFilter>): void {
    Object.assign(this.filter, change);
    this.refilter();
  }

  setRules(rules: HighlightRule[]): void {
    const before = JSON.stringify(this.rules.filter((r) => r.action !== 'highlight'));
    this.rules = rules;
    this.compiledRules = compileRules(rules);
    if (JSON.stringify(rules.filter((r) => r.action !== 'highlight')) !== before) this.refilter();
    else this.rowsChanged();
  }

  /**
   * The filter or the rules changed: the server filters again. The selection (else the top row) is looked for in
   * the new view and kept in sight; the overview and the linked rows' positions are asked for again.
   */
  refilter(): void {
    this.textError = filterError(this.filter);
    if (this.load < 0) return;
    const top = this.rowAt(this.parts.topPosition());
    const anchor = this.selected ?? (top >= 0 ? this.store.idOf(top) : null);
    const hadSelection = !!this.selected;
    this.filterSeq = this.seq + 1;
    this.selectedPos = -1;
    const limit = this.windowSize();
    const q: Partial<ViewQuery> = { offset: 0, limit };
    if (anchor) q.anchor = { uri: anchor.uri, line: anchor.line };
    if (this.linkKeys.length) q.linkKeys = this.linkKeys.slice();
    this.linksSeq = this.filterSeq;
    this.query(q, (page) => {
      const pos = page.position ?? -1;
      if (pos >= 0 && hadSelection) this.parts.scrollIntoView(pos, true);
      else this.parts.restoreTop(Math.max(0, pos));
      this.parts.syncControls();
    });
    this.parts.syncControls();
    this.parts.dirtyOverview();
  }

  /** The next or previous error (or warning) from the selection, or from the top of the list: the server seeks. */
  jumpToSeverity(dir: 1 | -1, severity: 'error' | 'warning' = 'error'): void {
    const top = this.parts.topPosition();
    const from = this.selectedIndex >= 0 ? this.selectedPos : dir > 0 ? top - 1 : top;
    const limit = this.windowSize();
    this.query({ offset: Math.max(0, from), limit, seek: { from, dir, severity } }, (page) => {
      const pos = page.position ?? -1;
      if (pos >= 0) this.selectAt(pos, 'center');
      else this.status(`No ${dir > 0 ? 'next' : 'previous'} ${severity} in the records shown.`, false);
    });
  }

  // ----- rendering -------------------------------------------------------------------------------------

  rowsChanged(): void {
    this.rowsStamp++;
    this.parts.render();
  }

  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  status(text: string, error: boolean): void {
    const s = document.getElementById('status');
    if (!s) return;
    s.textContent = text;
    s.classList.toggle('error', error);
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => this.updateStatus(), 8000);
  }

  updateStatus(): void {
    showStatus(this);
  }
}
