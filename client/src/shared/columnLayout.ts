// The timeline list's column layout (widths, hidden columns, wrap), remembered for every timeline, and the
// number checks the webview's messages share. Pure (client/src/shared/): no Node, no DOM, no `vscode`.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer in [min, max], or `fallback` when the value is not a finite number. */
export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

export const COLUMN_IDS = ['time', 'file', 'comp', 'thread', 'msg'] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];
export interface ColumnState {
  id: ColumnId;
  /** Width in px (the message column takes the rest and ignores it). */
  width: number;
  hidden: boolean;
}
export interface ColumnLayout {
  columns: ColumnState[];
  /** Long messages wrap in the list instead of being cut. */
  wrap: boolean;
}
export const MIN_COLUMN_PX = 32;
export const MAX_COLUMN_PX = 1200;

export function defaultLayout(): ColumnLayout {
  return {
    columns: [
      { id: 'time', width: 184, hidden: false },
      { id: 'file', width: 120, hidden: false },
      { id: 'comp', width: 110, hidden: false },
      { id: 'thread', width: 56, hidden: false },
      { id: 'msg', width: 0, hidden: false },
    ],
    wrap: false,
  };
}

/** A well-formed layout from anything: each known column once, widths clamped; the message column always shown. */
export function sanitizeLayout(raw: unknown): ColumnLayout {
  const layout = defaultLayout();
  if (!isObject(raw)) return layout;
  layout.wrap = raw.wrap === true;
  if (!Array.isArray(raw.columns)) return layout;
  for (const column of layout.columns) {
    const given = raw.columns.find((c: unknown) => isObject(c) && c.id === column.id) as
      Record<string, unknown> | undefined;
    if (!given) continue;
    column.width = clampInt(given.width, MIN_COLUMN_PX, MAX_COLUMN_PX, column.width);
    column.hidden = column.id !== 'msg' && given.hidden === true;
  }
  return layout;
}
