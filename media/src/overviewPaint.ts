// The overview's pictures that need nothing but their inputs: the error histogram and the lanes' density image.
// overview.ts owns the canvas, the range and the pointer; these functions only paint.
import type { OverviewData } from '../../client/src/shared/timelineMessages';
import { displayText } from './format';

export const LABEL_W = 150;
export const AXIS_H = 18;
export const HIST_H = 34;

export type Rgb = [number, number, number];

/** The theme colours the overview paints with (read from CSS variables by overview.ts). */
export type OverviewColors = Record<string, string>;

export interface HistogramInput {
  W: number;
  errors: ArrayLike<number>;
  warnings: ArrayLike<number>;
  /** Records placed by a local time of unknown zone, per pixel: a dashed mark under the histogram says where. */
  local?: ArrayLike<number>;
  colors: OverviewColors;
}

/** Errors and warnings per two pixels of time, stacked, scaled to the busiest bin. */
export function paintHistogram(g: CanvasRenderingContext2D, input: HistogramInput): void {
  const { W, errors, warnings, colors } = input;
  if (input.local) paintLocalMarks(g, W, input.local, colors);
  const bins = Math.max(1, Math.floor(W / 2));
  const errs = new Uint32Array(bins);
  const warns = new Uint32Array(bins);
  for (let x = 0; x < W; x++) {
    errs[Math.min(bins - 1, x >> 1)] += errors[x];
    warns[Math.min(bins - 1, x >> 1)] += warnings[x];
  }
  let peak = 0;
  for (let b = 0; b < bins; b++) peak = Math.max(peak, errs[b] + warns[b]);
  const hy = AXIS_H + HIST_H - 2;
  g.fillStyle = colors.muted;
  g.fillText('errors', 4, AXIS_H + HIST_H / 2);
  if (!peak) return;
  const bw = W / bins;
  for (let b = 0; b < bins; b++) {
    if (!errs[b] && !warns[b]) continue;
    const eh = Math.max(errs[b] ? 1 : 0, ((HIST_H - 6) * errs[b]) / peak);
    const wh = Math.max(warns[b] ? 1 : 0, ((HIST_H - 6) * warns[b]) / peak);
    const bx = LABEL_W + b * bw;
    g.fillStyle = colors.error;
    g.fillRect(bx, hy - eh, Math.max(1, bw - 0.5), eh);
    g.fillStyle = colors.warning;
    g.fillRect(bx, hy - eh - wh, Math.max(1, bw - 0.5), wh);
  }
}

/**
 * Where records without a UTC are drawn (by their local time, issue #18): a dashed line at the foot of the
 * histogram over those pixels, so that their place is never read as a UTC one.
 */
function paintLocalMarks(
  g: CanvasRenderingContext2D,
  W: number,
  local: ArrayLike<number>,
  colors: OverviewColors,
): void {
  const y = AXIS_H + HIST_H - 1;
  g.fillStyle = colors.muted;
  for (let x = 0; x < W; x++) if (local[x] && x % 3 !== 2) g.fillRect(LABEL_W + x, y, 1, 1);
}

export interface LanesInput {
  W: number;
  /** The server's counts: lanes (labels are log text, drawn as text only), cells, links. */
  d: Pick<OverviewData, 'lanes' | 'counts' | 'worst' | 'linked' | 'maxCount'>;
  laneH: number;
  /** A scratch canvas, one pixel per lane and time column. */
  laneCanvas: HTMLCanvasElement;
  rgba: Record<'error' | 'warning' | 'fg', Rgb>;
  colors: OverviewColors;
}

/** One pixel per lane and time column written into an image and stretched to the lane height (fillRect per cell is slow). */
export function paintLanes(g: CanvasRenderingContext2D, input: LanesInput): void {
  const { W, laneH, d, laneCanvas, rgba, colors } = input;
  const laneCount = d.lanes.length;
  const top = AXIS_H + HIST_H;
  const logMax = Math.log(d.maxCount + 1);
  const sevRgb = [rgba.error, rgba.warning, rgba.fg, rgba.fg, rgba.fg];
  laneCanvas.width = W;
  laneCanvas.height = Math.max(1, laneCount);
  const lg = laneCanvas.getContext('2d');
  if (lg && laneCount) {
    const img = lg.createImageData(W, laneCount);
    for (let cell = 0; cell < d.counts.length; cell++) {
      const n = d.counts[cell];
      if (!n) continue;
      const sv = d.worst[cell];
      const o = cell * 4;
      img.data.set(sevRgb[sv], o);
      img.data[o + 3] = sv <= 1 ? 255 : Math.round(255 * (0.25 + (0.6 * Math.log(n + 1)) / logMax));
    }
    lg.putImageData(img, 0, 0);
  }
  for (let lane = 0; lane < laneCount; lane++) {
    const y = top + lane * laneH;
    if (lane % 2) {
      g.fillStyle = colors.grid;
      g.globalAlpha = 0.25;
      g.fillRect(LABEL_W, y, W, laneH);
      g.globalAlpha = 1;
    }
    const { label, local } = d.lanes[lane];
    if (laneH >= 9) {
      g.fillStyle = local ? colors.muted : colors.fg;
      const text = (local ? 'local time: ' : '') + displayText(label);
      g.fillText(truncate(g, text, LABEL_W - 8), 4, y + laneH / 2);
    }
    if (local) {
      // Placed by a local time of unknown zone: the lane is outlined dashed (its place is not a UTC one).
      g.strokeStyle = colors.muted;
      g.setLineDash([3, 3]);
      g.strokeRect(LABEL_W + 0.5, y + 0.5, W - 1, laneH - 1);
      g.setLineDash([]);
    }
  }
  if (laneCount) {
    g.imageSmoothingEnabled = false;
    g.drawImage(laneCanvas, 0, 0, W, laneCount, LABEL_W, top, W, laneCount * laneH);
    g.imageSmoothingEnabled = true;
  }
  g.fillStyle = colors.link;
  for (let cell = 0; cell < d.linked.length; cell++)
    if (d.linked[cell]) g.fillRect(LABEL_W + (cell % W) - 1, top + Math.floor(cell / W) * laneH, 3, laneH);
}

function truncate(g: CanvasRenderingContext2D, text: string, width: number): string {
  if (g.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.measureText(text.slice(0, mid) + '\u2026').width <= width) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '\u2026';
}
