// The list's column layout, pure (unit-tested without a DOM): the message takes the remaining width; the other
// columns have widths and can be hidden; File hides itself when one file is shown; wrapped rows are taller.
import {
  MAX_COLUMN_PX,
  MIN_COLUMN_PX,
  sanitizeLayout,
  type ColumnId,
  type ColumnLayout,
  type ColumnState,
} from '../../client/src/shared/timelineMessages';

export const ROW_H = 20;
/** Rows of the list when messages wrap: three lines each. */
export const WRAPPED_ROW_H = 52;

export const COLUMN_TITLES: Record<ColumnId, string> = {
  time: 'Time',
  file: 'File',
  comp: 'Component',
  thread: 'Thread',
  msg: 'Message',
};

/** The columns shown: not hidden, and File only when more than one file is loaded. */
export function shownColumns(layout: ColumnLayout, fileCount: number): ColumnState[] {
  return layout.columns.filter((c) => !c.hidden && !(c.id === 'file' && fileCount <= 1));
}

/** The CSS grid template of a row: fixed widths, the message taking the rest (never less than 0). */
export function gridTemplate(columns: readonly ColumnState[]): string {
  return columns.map((c) => (c.id === 'msg' ? 'minmax(0, 1fr)' : `${c.width}px`)).join(' ');
}

/** The width the message column gets in a list `listWidth` px wide (row border and scrollbar aside). */
export function messageWidth(layout: ColumnLayout, fileCount: number, listWidth: number): number {
  return Math.max(
    0,
    listWidth - shownColumns(layout, fileCount).reduce((sum, c) => sum + (c.id === 'msg' ? 0 : c.width), 0),
  );
}

export function rowHeight(layout: ColumnLayout): number {
  return layout.wrap ? WRAPPED_ROW_H : ROW_H;
}

/** Resizing a column: its new width, clamped. */
export function resized(layout: ColumnLayout, id: ColumnId, width: number): ColumnLayout {
  const next = sanitizeLayout(layout);
  const column = next.columns.find((c) => c.id === id)!;
  column.width = Math.round(Math.min(MAX_COLUMN_PX, Math.max(MIN_COLUMN_PX, width)));
  return next;
}

/** Width of the Time column when it shows the time of day only (narrow panels). */
export const COMPACT_TIME_PX = 100;

/**
 * The columns that fit a list `listWidth` px wide: the message keeps at least ~45% (up to 320 px); when it would
 * not, Thread, then Component give way, then Time shows the time of day only (`compact`), then File goes.
 */
export function fitColumns(
  shown: readonly ColumnState[],
  listWidth: number,
): { columns: ColumnState[]; compact: boolean; dropped: string[] } {
  const want = Math.min(320, listWidth * 0.45);
  const room = (cols: readonly ColumnState[]) =>
    listWidth - cols.reduce((sum, c) => sum + (c.id === 'msg' ? 0 : c.width), 0);
  let columns = shown.slice();
  let compact = false;
  const dropped: string[] = [];
  const steps: Array<() => void> = [
    ...(['thread', 'comp'] as const).map((id) => () => drop(id)),
    () => {
      compact = columns.some((c) => c.id === 'time');
      columns = columns.map((c) => (c.id === 'time' ? { ...c, width: Math.min(c.width, COMPACT_TIME_PX) } : c));
    },
    () => drop('file'),
  ];
  function drop(id: ColumnState['id']): void {
    if (!columns.some((c) => c.id === id)) return;
    columns = columns.filter((c) => c.id !== id);
    dropped.push(COLUMN_TITLES[id]);
  }
  for (const step of steps) {
    if (room(columns) >= want) break;
    step();
  }
  return { columns, compact, dropped };
}
