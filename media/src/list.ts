// The list of records: virtualised (a pool of row elements over a spacer; millions of rows scroll smoothly) over
// the window of rows the webview holds (app.ts asks the server for the window around what is on screen; a row not
// held yet is drawn empty until it arrives), with selection by click and keys, F8 / Shift+F8 for the next /
// previous error, Enter or double-click to open the record in the editor. Each rendered row remembers the store
// and the stamp it was drawn for, so a retarget (another log's rows at the same positions) always redraws it.
import { SEVERITIES } from '../../client/src/shared/filter';
import type { App } from './app';
import { rowHeight } from './layout';
import { clockTitle, displayText, firstLine, wrappedText } from './format';
import { scrollTopForRow, virtualWindow, type VirtualWindow } from './geometry';
import { $ } from './dom';
import type { Store } from './store';

const MAX_SCROLL_HEIGHT = 15_000_000;
const OVERSCAN = 8;
const CELLS = ['c-time', 'c-file', 'c-comp', 'c-thread', 'c-msg'] as const;

interface PooledRow {
  el: HTMLDivElement;
  cells: HTMLSpanElement[];
  /** View position and window index drawn, and the window they belong to (null: none). */
  pos: number;
  index: number;
  store: Store | null;
  stamp: string;
}

export class RowList {
  readonly list = $('list');
  private readonly spacer = $('spacer');
  private readonly rowsEl = $('rows');
  private readonly pool: PooledRow[] = [];
  private listH: number;
  private scrollPos = 0;
  private lastSpacer = -1;
  window: VirtualWindow = { spacerHeight: 0, first: 0, last: 0, top: 0, exact: 0 };

  constructor(
    private readonly app: App,
    onResize: () => void,
  ) {
    this.listH = this.list.clientHeight || 1;
    // The list itself is observed: its height changes when the page's does not (the overview grows, the toolbar wraps).
    new ResizeObserver(() => {
      this.listH = this.list.clientHeight || 1;
      onResize();
    }).observe(this.list);
    this.list.addEventListener(
      'scroll',
      () => {
        this.scrollPos = this.list.scrollTop;
        app.parts.render();
      },
      { passive: true },
    );
    this.rowsEl.addEventListener('click', (event) => {
      const item = this.rowFromEvent(event);
      if (item) app.selectAt(item.pos, 'none');
      this.list.focus();
    });
    this.rowsEl.addEventListener('dblclick', (event) => {
      const item = this.rowFromEvent(event);
      if (item?.store) app.reveal(item.index, item.store);
    });
    this.list.addEventListener('keydown', (event) => this.onKey(event));
  }

  get rowH(): number {
    return rowHeight(this.app.layout);
  }

  get height(): number {
    return this.listH;
  }

  get visibleRows(): number {
    return Math.max(1, Math.ceil(this.listH / this.rowH));
  }

  current(): VirtualWindow {
    return virtualWindow(this.scrollPos, this.listH, this.rowH, this.app.viewCount, OVERSCAN, MAX_SCROLL_HEIGHT);
  }

  topPosition(): number {
    return Math.floor(this.current().exact);
  }

  /** Scrolls programmatically (spacer first, so the browser does not clamp the position). */
  setScroll(value: number): void {
    this.lastSpacer = virtualWindow(0, this.listH, this.rowH, this.app.viewCount, 0, MAX_SCROLL_HEIGHT).spacerHeight;
    this.spacer.style.height = `${this.lastSpacer}px`;
    this.list.scrollTop = value;
    this.scrollPos = this.list.scrollTop;
    this.app.parts.render();
  }

  restoreTop(pos: number): void {
    this.setScroll(scrollTopForRow(pos, this.listH, this.rowH, this.app.viewCount, MAX_SCROLL_HEIGHT));
  }

  scrollToEnd(): void {
    this.restoreTop(this.app.viewCount);
  }

  scrollIntoView(pos: number, center: boolean): void {
    const visible = Math.max(1, Math.floor(this.listH / this.rowH));
    const top = this.current().exact;
    let target: number | null = null;
    if (center) target = Math.max(0, pos - Math.floor(visible / 2));
    else if (pos < top) target = pos;
    else if (pos > top + visible - 1) target = pos - visible + 1;
    if (target !== null) this.restoreTop(target);
  }

  private makeRow(): PooledRow {
    const row = document.createElement('div');
    row.className = 'row';
    row.setAttribute('role', 'row');
    const cells = CELLS.map((cls) => {
      const span = document.createElement('span');
      span.className = cls;
      span.setAttribute('role', 'gridcell');
      row.appendChild(span);
      return span;
    });
    return { el: row, cells, pos: -1, index: -1, store: null, stamp: '' };
  }

  render(): void {
    const w = (this.window = this.current());
    if (w.spacerHeight !== this.lastSpacer) {
      this.lastSpacer = w.spacerHeight;
      this.spacer.style.height = `${w.spacerHeight}px`;
    }
    this.rowsEl.style.transform = `translateY(${w.top}px)`;
    const need = w.last - w.first;
    while (this.pool.length < need) {
      const r = this.makeRow();
      this.pool.push(r);
      this.rowsEl.appendChild(r.el);
    }
    const { app } = this;
    const stampBase = `${app.store.load}:${app.rowsStamp}:${app.timeMode}:${app.layout.wrap}:${app.compactTime}`;
    const selected = app.selectedIndex;
    for (let k = 0; k < this.pool.length; k++) {
      const item = this.pool[k];
      if (k >= need) {
        if (!item.el.hidden) item.el.hidden = true;
        item.index = -1;
        item.store = null;
        continue;
      }
      const pos = w.first + k;
      if (item.el.hidden) item.el.hidden = false;
      const i = app.rowAt(pos);
      const stamp = `${i}:${pos}:${stampBase}`;
      if (item.stamp !== stamp) {
        if (i >= 0) this.draw(item, pos, i, selected, stamp);
        else this.drawPending(item, pos, stamp);
      }
    }
    app.ensureWindow(w.first, w.last);
  }

  /** A row not held yet (its window is on the way): empty cells, nothing to click. */
  private drawPending(item: PooledRow, pos: number, stamp: string): void {
    item.stamp = stamp;
    item.pos = pos;
    item.index = -1;
    item.store = null;
    for (const cell of item.cells) {
      cell.textContent = '';
      cell.title = '';
    }
    item.el.className = `row pending${pos % 2 ? ' odd' : ''}`;
    item.el.setAttribute('aria-selected', 'false');
  }

  private draw(item: PooledRow, pos: number, i: number, selectedIndex: number, stamp: string): void {
    const { app } = this;
    const { store } = app;
    item.stamp = stamp;
    item.pos = pos;
    item.index = i;
    item.store = store;
    const file = app.fileOf(i);
    const th = store.thread[i];
    const message = store.msg[i];
    const time = app.timeText(i);
    item.cells[0].textContent = app.compactTime ? time.slice(11) : time;
    // A time of unknown zone is marked (italic, a "local" badge) and an inferred one gets a "~" (timeline.css);
    // the tooltip says why. Only fixed text and the server's file name reach the title, through the DOM.
    const marker = app.markerOf(i);
    item.cells[0].className = marker ? `c-time t-${marker}` : 'c-time';
    const why = marker ? clockTitle(store.clockOf(i), marker !== 'local') : '';
    item.cells[0].title = [app.compactTime || marker ? time : '', why].filter(Boolean).join('\n');
    item.cells[1].textContent = file.name;
    item.cells[1].title = file.file;
    item.cells[2].textContent = displayText(store.components[store.comp[i]] ?? '');
    item.cells[3].textContent = th === th ? String(th) : '';
    item.cells[4].textContent = app.layout.wrap ? wrappedText(message, 2000) : firstLine(message, 1000);
    item.cells[4].title = message.length > 60 || message.includes('\n') ? wrappedText(message, 4000) : '';
    const selected = i === selectedIndex;
    let cls = `row sev-${SEVERITIES[store.sev[i]]}`;
    const color = app.compiledRules.colorOf(message);
    if (color) cls += ` hl hl-${color}`;
    if (selected) cls += ' selected';
    if (app.isLinked(i)) cls += ' linked';
    if (app.focusKey && store.keys[i]?.includes(app.focusKey)) cls += ' focus';
    if (pos % 2) cls += ' odd';
    item.el.className = cls;
    item.el.setAttribute('aria-selected', selected ? 'true' : 'false');
  }

  /** The clicked row, only if it was drawn for the window on show. */
  private rowFromEvent(event: Event): PooledRow | null {
    const target = event.target as Element | null;
    const rowEl = target?.closest?.('.row');
    const item = rowEl ? this.pool.find((p) => p.el === rowEl) : undefined;
    return item && item.store && item.store === this.app.store ? item : null;
  }

  private onKey(event: KeyboardEvent): void {
    const { app } = this;
    if (event.key === 'F8') {
      event.preventDefault();
      app.jumpToSeverity(event.shiftKey ? -1 : 1);
      return;
    }
    if (!app.viewCount) return;
    const pos = app.selected && app.selectedPos >= 0 ? app.selectedPos : -1;
    const from = pos < 0 ? this.topPosition() : pos;
    const page = Math.max(1, Math.floor(this.listH / this.rowH) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = pos < 0 ? from : pos + 1;
        break;
      case 'ArrowUp':
        next = pos < 0 ? from : pos - 1;
        break;
      case 'PageDown':
        next = from + page;
        break;
      case 'PageUp':
        next = from - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = app.viewCount - 1;
        break;
      case 'Enter':
        if (app.selectedRow) app.reveal(0, app.selectedRow);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    next = Math.max(0, Math.min(app.viewCount - 1, next));
    app.selectAt(next, 'near');
  }
}
