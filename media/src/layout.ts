// The list's column layout, pure (unit-tested without a DOM): the message takes the remaining width; the other
// columns have widths and can be hidden; File hides itself when one file is shown; wrapped rows are taller.
import { MAX_COLUMN_PX, MIN_COLUMN_PX, sanitizeLayout, type ColumnId, type ColumnLayout, type ColumnState } from '../../client/src/shared/timelineMessages';

export const ROW_H = 20;
/** Rows of the list when messages wrap: three lines each. */
export const WRAPPED_ROW_H = 52;

export const COLUMN_TITLES: Record<ColumnId, string> = { time: 'Time', file: 'File', comp: 'Component', thread: 'Thread', msg: 'Message' };

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
  return Math.max(0, listWidth - shownColumns(layout, fileCount).reduce((sum, c) => sum + (c.id === 'msg' ? 0 : c.width), 0));
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

