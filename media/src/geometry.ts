// Geometry of the list and the time axis: virtual scrolling of millions of rows with a fixed row height, and
// readable axis ticks. Pure.
import { formatWall } from './format';

export interface VirtualWindow {
  spacerHeight: number;
  /** Rows to render: [first, last). */
  first: number;
  last: number;
  /** Where row `first` is drawn. */
  top: number;
  /** The (fractional) row at the top of the viewport. */
  exact: number;
}

/**
 * Virtual scrolling with a fixed row height. Browsers cap an element's height (Chromium near 33.5 M px), so
 * beyond `maxHeight` the spacer stays at maxHeight and the scroll position is mapped proportionally onto rows.
 */
export function virtualWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan: number,
  maxHeight: number,
): VirtualWindow {
  const natural = count * rowHeight;
  let exact: number;
  let spacer: number;
  if (natural <= maxHeight) {
    spacer = natural;
    exact = Math.max(0, Math.min(scrollTop, Math.max(0, natural - viewport))) / rowHeight;
  } else {
    spacer = maxHeight;
    const maxScroll = Math.max(1, maxHeight - viewport);
    const maxFirst = Math.max(0, count - viewport / rowHeight);
    exact = Math.max(0, Math.min(1, scrollTop / maxScroll)) * maxFirst;
  }
  const base = Math.floor(exact);
  const visible = Math.ceil(viewport / rowHeight) + 1;
  const first = Math.max(0, base - overscan);
  const last = Math.min(count, base + visible + overscan);
  const top = (natural <= maxHeight ? exact * rowHeight : scrollTop) - (exact - first) * rowHeight;
  return { spacerHeight: spacer, first, last, top, exact };
}

/** The scrollTop that puts row `index` at the top of the viewport (inverse of virtualWindow). */
export function scrollTopForRow(
  index: number,
  viewport: number,
  rowHeight: number,
  count: number,
  maxHeight: number,
): number {
  const natural = count * rowHeight;
  if (natural <= maxHeight) return Math.max(0, Math.min(index * rowHeight, natural - viewport));
  const maxScroll = Math.max(1, maxHeight - viewport);
  const maxFirst = Math.max(1e-9, count - viewport / rowHeight);
  return Math.max(0, Math.min(maxScroll, (index / maxFirst) * maxScroll));
}

const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5,
  216e5, 432e5, 864e5, 1728e5, 6048e5, 12096e5, 2592e6, 7776e6, 31536e6,
];

export interface Tick {
  t: number;
  label: string;
  step: number;
}

/** Axis ticks between from and to for a width in px: at least minPx apart, aligned in the shown zone (utc = local + offset minutes). */
export function ticks(from: number, to: number, widthPx: number, minPx: number, tzOffsetMinutes = 0): Tick[] {
  const span = to - from;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const step = STEPS.find((s) => (s / span) * widthPx >= minPx) ?? STEPS[STEPS.length - 1];
  const shift = tzOffsetMinutes * 60000;
  const out: Tick[] = [];
  let lastDay: string | null = null;
  for (let local = Math.ceil((from - shift) / step) * step; local <= to - shift && out.length < 500; local += step) {
    const wall = formatWall(local);
    const day = wall.slice(0, 10);
    let label: string;
    if (step >= 864e5) label = wall.slice(0, 10);
    else if (step >= 6e4) label = day !== lastDay ? wall.slice(5, 16) : wall.slice(11, 16);
    else if (step >= 1e3) label = day !== lastDay ? wall.slice(5, 19) : wall.slice(11, 19);
    else label = wall.slice(11, 23);
    lastDay = day;
    out.push({ t: local + shift, label, step });
  }
  return out;
}
