// The timeline webview's state and the operations every part uses (select, refilter, render). The parts
// (list, columns, overview, details, filters, messages) each take the App and keep their own DOM.
import {
  SEVERITIES,
  compileFilter,
  emptyFilter,
  type CompiledFilter,
  type TimelineFilter,
} from '../../client/src/shared/filter';
import { compileRules, type CompiledRules, type HighlightRule } from '../../client/src/shared/highlightRules';
import {
  autoTimeMode,
  defaultLayout,
  type ColumnLayout,
  type TimeMode,
  type TimeSetting,
  type TimelineFileInfo,
  type WebviewMessage,
} from '../../client/src/shared/timelineMessages';
import { clockMarker, formatTime, formatWall, localOnlyStatus, type ClockMarker } from './format';
import type { LaneMode } from './lanes';
import { Store, bothTests, filterInto, linkedRows, positionOf, type RowRef } from './store';

export interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const TIME_MODES: readonly string[] = ['utc', 'log', 'machine'];

/** What the panel remembers (VS Code keeps a webview's state while it lives and across reloads). */
export interface UiState {
  /** The mode picked in this panel; null follows the setting ('auto' by default). */
  chosenTimeMode: TimeMode | null;
  laneMode: LaneMode;
  aroundSeconds: number;
  /** Follow the end of growing logs (CMTrace's tail). */
  follow: boolean;
  /** The side panels (record, linked, files) are shown. */
  side: boolean;
}

export interface Parts {
  render(): void;
  /** The overview's lanes and histogram must be redrawn (rows or filter changed). */
  dirtyOverview(): void;
  renderDetails(): void;
  renderChain(): void;
  renderFiles(): void;
  renderBanner(): void;
  renderFileSelect(): void;
  renderComponentSelect(): void;
  syncControls(): void;
  applyColumns(): void;
  scrollIntoView(pos: number, center: boolean): void;
  scrollToEnd(): void;
  /** The view position at the top of the list. */
  topPosition(): number;
  restoreTop(pos: number): void;
}

export class App {
  ui: UiState;
  timeSetting: TimeSetting = 'auto';
  filter: TimelineFilter = emptyFilter();
  compiled: CompiledFilter = compileFilter(this.filter);
  rules: HighlightRule[] = [];
  compiledRules: CompiledRules = compileRules([]);
  layout: ColumnLayout = defaultLayout();
  /** The list is so narrow that its Time column shows the time of day only (layout.ts, fitColumns). */
  compactTime = false;

  store = new Store();
  view = new Int32Array(1024);
  viewCount = 0;
  viewVersion = 0;
  /** The load shown (the extension's generation); -1 before the first. */
  load = -1;
  total = 0;
  loading = false;
  truncated = false;
  maxRows = 0;
  offsets: Record<string, number> = {};
  serverKey: string | null = null;
  focusKey: string | null = null;
  selected: RowRef | null = null;
  linkKeys: readonly string[] = [];
  linked: number[] = [];
  linkedMark = new Uint8Array(0);
  /** Bumped whenever what a rendered row shows may have changed (time mode, selection, links, rules, load). */
  rowsStamp = 0;
  parts!: Parts;

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

  // ----- time -------------------------------------------------------------------------------------------

  /** The mode in use: the panel's choice, else the setting; 'auto' is log-local when every log shares one bias. */
  get timeMode(): TimeMode {
    if (this.ui.chosenTimeMode) return this.ui.chosenTimeMode;
    return this.timeSetting === 'auto' ? autoTimeMode(this.store.biases) : this.timeSetting;
  }

  fileOf(i: number): TimelineFileInfo {
    return this.store.files[this.store.file[i]] ?? { uri: '', file: '', name: '?', records: 0, clockOffsetMs: 0 };
  }

  offsetOf(file: TimelineFileInfo): number {
    return this.offsets[file.uri] ?? file.clockOffsetMs ?? 0;
  }

  /**
   * Row i's time in the mode shown. A row with no UTC (local time of an unknown zone) shows its own local time in
   * every mode, never converted and never as UTC: the list marks it (markerOf).
   */
  timeText(i: number, mode: TimeMode = this.timeMode): string {
    const wall = this.store.wallOf(i);
    if (wall !== null) return formatWall(wall);
    return formatTime(this.store.timeOf(i), mode, this.store.biasOf(i), this.offsetOf(this.fileOf(i)));
  }

  /** How row i's time is marked in the list: 'local' (no UTC), 'inferred', 'user', or ''. */
  markerOf(i: number): ClockMarker {
    return clockMarker(this.store.clockOf(i), this.store.timeOf(i) !== null);
  }

  // ----- selection --------------------------------------------------------------------------------------

  /** The selected row of the current load, or -1 (a selection of a previous load resolves to nothing). */
  get selectedIndex(): number {
    return this.store.resolve(this.selected);
  }

  select(index: number, scroll: boolean): void {
    this.selected = this.store.ref(index);
    this.recomputeLinks();
    if (scroll && index >= 0) {
      const pos = positionOf(this.view, this.viewCount, index);
      if (pos >= 0) this.parts.scrollIntoView(pos, false);
    }
    this.parts.renderDetails();
    this.parts.renderChain();
    this.rowsChanged();
  }

  /** Opens the row in the editor; the extension refuses it if the load is no longer the one it shows. */
  reveal(index: number): void {
    if (index < 0 || index >= this.store.n) return;
    this.vscode.postMessage({
      type: 'reveal',
      load: this.store.load,
      uri: this.fileOf(index).uri,
      line: this.store.line[index],
      endLine: this.store.endLine[index],
    });
  }

  recomputeLinks(): void {
    const i = this.selectedIndex;
    const own = i >= 0 ? this.store.keys[i] : null;
    this.linkKeys = own?.length ? own.slice() : this.focusKey ? [this.focusKey] : [];
    this.setLinked(linkedRows(this.store.keyIndex, this.linkKeys));
  }

  setLinked(rows: number[]): void {
    this.linked = rows;
    this.linkedMark = new Uint8Array(this.store.n);
    for (const r of rows) this.linkedMark[r] = 1;
  }

  /** New rows arrived from `from` on: extend the links without recomputing them. */
  growLinks(from: number): void {
    if (this.linkedMark.length < this.store.n) {
      const next = new Uint8Array(Math.max(this.store.n, this.linkedMark.length * 2));
      next.set(this.linkedMark);
      this.linkedMark = next;
    }
    for (let i = from; i < this.store.n; i++) {
      const keys = this.store.keys[i];
      if (keys && this.linkKeys.some((k) => keys.includes(k))) {
        this.linkedMark[i] = 1;
        this.linked.push(i);
      }
    }
  }

  // ----- filtering ---------------------------------------------------------------------------------------

  ensureView(n: number): void {
    if (this.view.length >= n) return;
    let cap = this.view.length;
    while (cap < n) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.view.subarray(0, this.viewCount));
    this.view = next;
  }

  private rowTest() {
    return bothTests(this.compiled, this.compiledRules.showsAll ? null : this.compiledRules.visible);
  }

  /** Filters rows [from, n) into the view (new rows of a load). */
  filterNew(from: number): void {
    this.ensureView(this.store.n);
    this.viewCount = filterInto(this.store, this.rowTest(), from, this.store.n, this.view, this.viewCount);
    this.viewVersion++;
  }

  setFilter(change: Partial<TimelineFilter>): void {
    Object.assign(this.filter, change);
    this.refilter();
  }

  setRules(rules: HighlightRule[]): void {
    this.rules = rules;
    this.compiledRules = compileRules(rules);
    this.refilter();
  }

  refilter(): void {
    this.compiled = compileFilter(this.filter);
    this.ensureView(this.store.n);
    const keep = this.selectedIndex;
    const top = this.parts.topPosition();
    const topIndex = top < this.viewCount ? this.view[top] : -1;
    this.viewCount = filterInto(this.store, this.rowTest(), 0, this.store.n, this.view, 0);
    this.viewVersion++;
    this.parts.syncControls();
    const pos = keep >= 0 ? positionOf(this.view, this.viewCount, keep) : -1;
    if (pos >= 0) this.parts.scrollIntoView(pos, true);
    else this.parts.restoreTop(topIndex >= 0 ? Math.max(0, positionOf(this.view, this.viewCount, topIndex)) : 0);
    this.rowsChanged();
    this.parts.dirtyOverview();
  }

  /** The next or previous error (or warning) from the selection, or from the top of the list. */
  jumpToSeverity(dir: 1 | -1, severity: 'error' | 'warning' = 'error'): boolean {
    const sev = SEVERITIES.indexOf(severity);
    const i = this.selectedIndex;
    const from =
      i >= 0
        ? positionOf(this.view, this.viewCount, i)
        : dir > 0
          ? this.parts.topPosition() - 1
          : this.parts.topPosition();
    for (let p = from + dir; p >= 0 && p < this.viewCount; p += dir) {
      if (this.store.sev[this.view[p]] !== sev) continue;
      this.select(this.view[p], false);
      this.parts.scrollIntoView(p, true);
      return true;
    }
    this.status(`No ${dir > 0 ? 'next' : 'previous'} ${severity} in the records shown.`, false);
    return false;
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
    const s = document.getElementById('status');
    if (!s) return;
    s.classList.remove('error');
    const { store } = this;
    const parts = [
      `${store.n.toLocaleString()}${this.loading || this.truncated ? ' of ' + this.total.toLocaleString() : ''} records loaded${this.loading ? '\u2026' : ''}`,
    ];
    parts.push(`${this.viewCount.toLocaleString()} shown`);
    parts.push(`${store.files.length} file${store.files.length === 1 ? '' : 's'}`);
    const localOnly = localOnlyStatus(store.localCount);
    if (localOnly) parts.push(localOnly);
    if (!this.compiledRules.showsAll) parts.push('hide/show-only rules active');
    if (this.compiledRules.errors.length) parts.push(`rule errors: ${this.compiledRules.errors.join('; ')}`);
    if (this.truncated) parts.push(`only the latest ${this.maxRows.toLocaleString()} are loaded; exports include all`);
    s.textContent = parts.join(' \u00b7 ');
    s.title = s.textContent;
  }
}
