// The list's columns: the message takes the remaining width; the others can be resized (drag the header's edge)
// and hidden (the Columns menu); File hides itself when one file is shown. The layout is remembered for every
// timeline (the extension keeps it). Long messages: a tooltip, or wrap (three lines a row).
import { COLUMN_IDS, sanitizeLayout, type ColumnState } from '../../client/src/shared/timelineMessages';
import { COLUMN_TITLES, fitColumns, gridTemplate, resized, rowHeight, shownColumns } from './layout';
import type { App } from './app';
import { $, el } from './dom';

/** Width of the "local" badge of a time of unknown zone. */
const LOCAL_BADGE_PX = 40;
/** Width of the "~" of a UTC inferred from another log. */
const INFERRED_MARK_PX = 10;

/** The header, the Columns menu and the grid template of every row. */
export class Columns {
  private readonly header = $('header');
  private readonly pane = $('listPane');
  private readonly menu = $('columnsMenu');
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  private width = 0;

  constructor(private readonly app: App) {
    this.buildMenu();
    // A narrower panel may leave the message too little room: the columns are fitted again.
    new ResizeObserver(() => {
      const width = this.pane.clientWidth;
      if (Math.abs(width - this.width) < 2) return;
      this.width = width;
      this.apply();
      this.app.rowsChanged();
    }).observe(this.pane);
    $('wrap').addEventListener('click', () => {
      this.app.layout = { ...this.app.layout, wrap: !this.app.layout.wrap };
      this.changed();
    });
  }

  /** Applies the layout: header cells, the rows' template, the wrap mode. */
  apply(): void {
    const { layout } = this.app;
    const fitted = fitColumns(shownColumns(layout, this.app.tables.files.length), this.pane.clientWidth || 1000);
    // Times of an unknown zone carry a "local" badge, inferred ones a "~" (timeline.css): the Time column makes room.
    const { summary } = this.app;
    const extra = summary.localCount ? LOCAL_BADGE_PX : summary.fileClocks.some(Boolean) ? INFERRED_MARK_PX : 0;
    const shown = extra
      ? fitted.columns.map((c) => (c.id === 'time' ? { ...c, width: c.width + extra } : c))
      : fitted.columns;
    this.app.compactTime = fitted.compact;
    this.pane.style.setProperty('--cols', gridTemplate(shown));
    this.header.title = fitted.dropped.length
      ? `${fitted.dropped.join(', ')} hidden to leave the message room in this narrow panel (see the record's details)`
      : '';
    this.pane.style.setProperty('--row-h', `${rowHeight(layout)}px`);
    this.pane.classList.toggle('wrap', layout.wrap);
    for (const id of COLUMN_IDS) this.pane.classList.toggle(`hide-${id}`, !shown.some((c) => c.id === id));
    $('wrap').setAttribute('aria-pressed', layout.wrap ? 'true' : 'false');
    this.renderHeader(shown);
    for (const box of this.menu.querySelectorAll<HTMLInputElement>('input[data-col]')) {
      const column = layout.columns.find((c) => c.id === box.dataset.col);
      box.checked = !!column && !column.hidden;
    }
  }

  private renderHeader(shown: ColumnState[]): void {
    this.header.replaceChildren();
    for (const column of shown) {
      const cell = el('span', `c-${column.id}`, column.id === 'time' ? this.timeHeading() : COLUMN_TITLES[column.id]);
      cell.setAttribute('role', 'columnheader');
      if (column.id === 'file' && this.app.tables.files.length <= 1) cell.title = 'Hidden while one file is shown';
      if (column.id !== 'msg') cell.appendChild(this.handle(column));
      this.header.appendChild(cell);
    }
  }

  timeHeading(): string {
    const mode = this.app.timeMode;
    const { localCount } = this.app.summary;
    // Rows with no UTC show their own local time whatever the mode: the heading does not call them UTC.
    if (localCount && localCount >= this.app.total) return 'Time (local, zone unknown)';
    if (localCount)
      return mode === 'utc'
        ? 'Time (UTC; "local": zone unknown)'
        : mode === 'log'
          ? 'Time (log-local; "local": zone unknown)'
          : 'Time (this computer; "local": zone unknown)';
    return mode === 'utc' ? 'Time (UTC)' : mode === 'log' ? 'Time (log-local)' : 'Time (this computer)';
  }

  /** A drag handle on a header cell's right edge. */
  private handle(column: ColumnState): HTMLElement {
    const grip = el('span', 'grip');
    grip.title = `Drag to resize ${COLUMN_TITLES[column.id]}; double-click to reset`;
    grip.setAttribute('aria-hidden', 'true');
    grip.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      grip.setPointerCapture(event.pointerId);
      const startX = event.clientX;
      const startWidth = column.width;
      const move = (e: PointerEvent) => {
        this.app.layout = resized(this.app.layout, column.id, startWidth + e.clientX - startX);
        this.pane.style.setProperty(
          '--cols',
          gridTemplate(
            fitColumns(shownColumns(this.app.layout, this.app.tables.files.length), this.pane.clientWidth || 1000)
              .columns,
          ),
        );
      };
      const up = () => {
        grip.removeEventListener('pointermove', move);
        grip.removeEventListener('pointerup', up);
        this.changed();
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
    });
    grip.addEventListener('dblclick', () => {
      const width = sanitizeLayout(null).columns.find((c) => c.id === column.id)!.width;
      this.app.layout = resized(this.app.layout, column.id, width);
      this.changed();
    });
    return grip;
  }

  private buildMenu(): void {
    for (const id of COLUMN_IDS) {
      if (id === 'msg') continue;
      const label = el('label', 'menu-item');
      const box = el('input');
      box.type = 'checkbox';
      box.dataset.col = id;
      box.addEventListener('change', () => {
        const layout = sanitizeLayout(this.app.layout);
        layout.columns.find((c) => c.id === id)!.hidden = !box.checked;
        this.app.layout = layout;
        this.changed();
      });
      label.append(box, el('span', null, COLUMN_TITLES[id]));
      this.menu.appendChild(label);
    }
  }

  /** Applies, renders, and tells the extension (debounced) so that every timeline opens with this layout. */
  private changed(): void {
    this.apply();
    this.app.rowsChanged();
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(
      () => this.app.vscode.postMessage({ type: 'saveLayout', layout: this.app.layout }),
      300,
    );
  }
}
