// The overview's data: lanes (one per file or component), density per lane and pixel, and the chain of linked
// rows. Pure: the overview (overview.ts) draws what these compute.
import { lowerBound, positionOf, type Store } from './store';

export type LaneMode = 'file' | 'component';

export interface Lanes {
  /** Lane ids (file or component index), in lane order. */
  ids: number[];
  /** id → lane, -1 when absent. */
  laneOfId: Int32Array;
}

/** One lane per file or component, numbered in order of first appearance (in time) among the rows of `view`. */
export function buildLanes(
  mode: LaneMode,
  store: Pick<Store, 'comp' | 'file'>,
  view: Int32Array,
  viewCount: number,
  idCount: number,
): Lanes {
  const ids = mode === 'component' ? store.comp : store.file;
  const laneOfId = new Int32Array(Math.max(1, idCount)).fill(-1);
  const order: number[] = [];
  for (let p = 0; p < viewCount; p++) {
    const id = ids[view[p]];
    if (laneOfId[id] < 0) {
      laneOfId[id] = order.length;
      order.push(id);
    }
  }
  return { ids: order, laneOfId };
}

export interface Density {
  counts: Uint32Array;
  worst: Uint8Array;
  linked: Uint8Array;
  errors: Uint32Array;
  warnings: Uint32Array;
  maxCount: number;
}

/**
 * The overview in one pass over the rows of `view` whose time is in [from, to): per lane and pixel column, the
 * number of rows, the worst severity and whether a linked row is there; per pixel column, the errors and warnings
 * (the histogram). Rows are in time order, so the pass starts at a binary search and stops at `to`.
 */
export function densityBins(
  cols: { t: Float64Array; sev: Uint8Array; ids: Int32Array },
  laneOfId: Int32Array,
  linkedMark: Uint8Array,
  view: Int32Array,
  count: number,
  from: number,
  to: number,
  width: number,
  laneCount: number,
): Density {
  const W = Math.max(1, width | 0);
  const counts = new Uint32Array(laneCount * W);
  const worst = new Uint8Array(laneCount * W).fill(255);
  const linked = new Uint8Array(laneCount * W);
  const errors = new Uint32Array(W);
  const warnings = new Uint32Array(W);
  let maxCount = 0;
  const span = to - from;
  if (span > 0) {
    const scale = W / span;
    const { t, sev, ids } = cols;
    for (let p = lowerBound(t, view, count, from); p < count; p++) {
      const i = view[p];
      const ti = t[i];
      if (ti >= to) break;
      const px = Math.min(W - 1, ((ti - from) * scale) | 0);
      const s = sev[i];
      if (s === 0) errors[px]++;
      else if (s === 1) warnings[px]++;
      const lane = laneOfId[ids[i]];
      if (lane < 0) continue;
      const cell = lane * W + px;
      const c = ++counts[cell];
      if (c > maxCount) maxCount = c;
      if (s < worst[cell]) worst[cell] = s;
      if (linkedMark[i]) linked[cell] = 1;
    }
  }
  return { counts, worst, linked, errors, warnings, maxCount };
}

const CHAIN_POINTS_MAX = 20000;

/**
 * The chain of linked rows drawn over the lanes: the points to join, in time order. Only rows of `view` in
 * [from, to) that have a lane; consecutive rows in the same column and lane are one point.
 */
export function chainPoints(
  linked: readonly number[],
  t: Float64Array,
  ids: Int32Array,
  laneOfId: Int32Array,
  view: Int32Array,
  viewCount: number,
  from: number,
  to: number,
  width: number,
): Array<{ x: number; lane: number; row: number }> {
  const W = Math.max(1, width | 0);
  const span = to - from;
  const out: Array<{ x: number; lane: number; row: number }> = [];
  if (!(span > 0)) return out;
  let lastX = -1;
  let lastLane = -1;
  for (let k = 0; k < linked.length && out.length < CHAIN_POINTS_MAX; k++) {
    const i = linked[k];
    const ti = t[i];
    if (!(ti >= from && ti < to)) continue;
    const lane = laneOfId[ids[i]];
    if (lane === undefined || lane < 0 || positionOf(view, viewCount, i) < 0) continue;
    const x = Math.min(W - 1, ((ti - from) * (W / span)) | 0);
    if (x === lastX && lane === lastLane) continue;
    out.push({ x, lane, row: i });
    lastX = x;
    lastLane = lane;
  }
  return out;
}
