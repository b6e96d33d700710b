// The timeline as the webview sees it (issues #20, #23): the merged order (timeline.ts) filtered on the columns
// (severity, file, component, thread, time, key, text, hide / show-only rules), so that the webview holds a window
// of rows instead of every message. Positions in the view are positions in the merged order that pass, ascending;
// the overview's counts per time bucket and lane are computed here too. Pure: no vscode, no LSP.
//
// Times: a record is placed by its UTC or, when its log gives no zone (core/clock.ts), by its local time read as
// if it were UTC (MergedOrder.times with byLocal). From/To and "around" compare that placing time, so the rows of
// such logs are caught by a time range and drawn in the overview (issue #18), marked as local by the caller.
import { compileTextRule } from '../../../common/textRule';
import type { Overview, OverviewQuery, RowFilter, SeverityName } from '../../../common/wire';
import type { RecordTable } from './table';
import type { MergedOrder } from './timeline';

/** Severity names in the order of their indices (worst first), as the webview numbers them. */
export const SEVERITY_ORDER: readonly SeverityName[] = ['error', 'warning', 'info', 'verbose', 'unknown'];
const SEVERITY_INDEX: Record<string, number> = { error: 0, warning: 1, info: 2, verbose: 3, unknown: 4 };
export const severityIndex = (name: string): number => SEVERITY_INDEX[name] ?? 4;

/** What the filter needs besides the merge: each source's file (index into `fileUris`) and the key lookups. */
export interface ViewContext {
  order: MergedOrder;
  tables: readonly RecordTable[];
  fileOfSource: readonly number[];
  fileUris: readonly string[];
  /** Merged positions of the records that carry a key, ascending. */
  keyPositions(key: string): Int32Array;
}

/** The merged positions that pass, ascending; `positions` null means every position of `base` (or of the merge). */
export class TimelineView {
  constructor(
    readonly order: MergedOrder,
    private readonly positions: Int32Array | null,
    readonly error: string | null = null,
  ) {}

  get count(): number {
    return this.positions ? this.positions.length : this.order.length;
  }

  /** The merged position at view position k. */
  at(k: number): number {
    return this.positions ? this.positions[k] : k;
  }

  /** The view position of merged position p, or -1 when it does not pass. */
  positionOf(p: number): number {
    if (!this.positions) return p >= 0 && p < this.order.length ? p : -1;
    let lo = 0;
    let hi = this.positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.positions[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.positions.length && this.positions[lo] === p ? lo : -1;
  }

  /** The first view position placed at or after `t` (records without a time sort first). */
  lowerBoundTime(t: number): number {
    const times = this.order.times;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const tm = times[this.at(mid)];
      if (tm !== tm || tm < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The next (dir 1) or previous (-1) view position after `from` whose record has severity `sev`, or -1. */
  seek(tables: readonly RecordTable[], from: number, dir: 1 | -1, sev: number): number {
    const { order } = this;
    for (let k = from + dir; k >= 0 && k < this.count; k += dir) {
      const p = this.at(k);
      if (tables[order.source[p]].severityIndex(order.record[p]) === sev) return k;
    }
    return -1;
  }
}

/** Filters `base` (merged positions, or null for all) with `filter`; one pass on the columns. */
export function filterView(ctx: ViewContext, base: Int32Array | null, filter: RowFilter | undefined): TimelineView {
  const { order } = ctx;
  const test = filter ? compileViewFilter(ctx, filter) : null;
  if (!test || (test.trivial && !test.error)) return new TimelineView(order, base, null);
  const n = base ? base.length : order.length;
  const out = new Int32Array(n);
  let count = 0;
  if (!test.error) for (let k = 0; k < n; k++) if (test.pass(base ? base[k] : k)) out[count++] = base ? base[k] : k;
  return new TimelineView(order, out.slice(0, count), test.error);
}

interface CompiledViewFilter {
  trivial: boolean;
  error: string | null;
  pass(p: number): boolean;
}

function compileViewFilter(ctx: ViewContext, f: RowFilter): CompiledViewFilter {
  const { order, tables, fileOfSource } = ctx;
  const text = compileTextRule({ text: f.text ?? '', regex: !!f.regex, matchCase: !!f.matchCase });
  const hides = (f.hide ?? []).map(compileTextRule);
  const onlies = (f.only ?? []).map(compileTextRule);
  let names = f.severities ? new Set(f.severities) : null;
  if (f.errorsOnly) names = new Set(names ? [...names].filter((s) => s === 'error') : ['error']);
  const severities = names ? Uint8Array.from(SEVERITY_ORDER, (name) => (names.has(name) ? 1 : 0)) : null;
  const files = f.files ? new Set(f.files.map((uri) => ctx.fileUris.indexOf(uri)).filter((i) => i >= 0)) : null;
  const components = f.components ? new Set(f.components) : null;
  const thread = typeof f.thread === 'number' ? f.thread : null;
  const from = typeof f.fromUtc === 'number' ? f.fromUtc : -Infinity;
  const to = typeof f.toUtc === 'number' ? f.toUtc : Infinity;
  const aroundFrom = f.around ? f.around.t - f.around.seconds * 1000 : -Infinity;
  const aroundTo = f.around ? f.around.t + f.around.seconds * 1000 : Infinity;
  const timed = f.fromUtc != null || f.toUtc != null || !!f.around;
  let keyMark: Uint8Array | null = null;
  if (f.key) {
    keyMark = new Uint8Array(order.length);
    for (const p of ctx.keyPositions(f.key)) keyMark[p] = 1;
  }
  // A plain ASCII text is looked for in the messages' bytes, table by table (no string made per message).
  const textMask = f.text && !f.regex && !text.error ? byteMatches(ctx.tables, f.text, !!f.matchCase) : null;
  const readsMessage = (!!f.text && !textMask) || hides.length > 0 || onlies.length > 0;
  const trivial =
    !severities && !files && !components && thread === null && !timed && !keyMark && !readsMessage && !textMask;
  const error = text.error ?? [...hides, ...onlies].find((r) => r.error)?.error ?? null;
  return {
    trivial,
    error,
    pass(p) {
      const table = tables[order.source[p]];
      const r = order.record[p];
      if (severities && !severities[table.severityIndex(r)]) return false;
      if (files && !files.has(fileOfSource[order.source[p]])) return false;
      if (components && !components.has(table.component(r))) return false;
      if (thread !== null && table.thread(r) !== thread) return false;
      if (timed) {
        const t = order.times[p];
        if (!(t >= from && t <= to && t >= aroundFrom && t <= aroundTo)) return false;
      }
      if (keyMark && !keyMark[p]) return false;
      if (textMask && !textMask[order.source[p]][r]) return false;
      if (!readsMessage) return true;
      const message = table.message(r);
      if (!textMask && !text.test(message)) return false;
      if (hides.some((h) => h.test(message))) return false;
      return !onlies.length || onlies.some((o) => o.test(message));
    },
  };
}

/**
 * For a printable ASCII text: per table, 1 for the records whose message holds it (ASCII case folded unless
 * `matchCase`), by a scan of the message bytes. UTF-8 bytes of other characters are never ASCII, so this finds what
 * a search in the decoded text finds (the needle has no line break, so the CRs of multi-line messages do not
 * matter). Null for any other text: the caller searches the decoded messages.
 */
export function byteMatches(tables: readonly RecordTable[], text: string, matchCase: boolean): Uint8Array[] | null {
  if (!/^[\x20-\x7e]+$/.test(text)) return null;
  const needle = Buffer.from(matchCase ? text : text.toLowerCase(), 'latin1');
  return tables.map((table) => {
    const mask = new Uint8Array(table.length);
    table.scanMessages(0, (bytes, start, end, i) => {
      if (matchCase ? bytes.subarray(start, end).indexOf(needle) >= 0 : foldedIndexOf(bytes, start, end, needle) >= 0)
        mask[i] = 1;
    });
    return mask;
  });
}

/**
 * The first position in bytes[start, end) of `needle` (lower-case ASCII), A-Z read as a-z; -1 when absent. The
 * candidates are found with the native byte search for the needle's first byte (both cases of a letter).
 */
function foldedIndexOf(bytes: Buffer, start: number, end: number, needle: Uint8Array): number {
  const n = needle.length;
  const view = bytes.subarray(start, end);
  const lower = needle[0];
  const upper = lower >= 97 && lower <= 122 ? lower - 32 : -1;
  for (let i = 0; i <= view.length - n;) {
    const a = view.indexOf(lower, i);
    const b = upper < 0 ? -1 : view.indexOf(upper, i);
    const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    if (at < 0 || at > view.length - n) return -1;
    let j = 1;
    for (; j < n; j++) {
      let c = view[at + j];
      if (c >= 65 && c <= 90) c |= 32;
      if (c !== needle[j]) break;
    }
    if (j === n) return start + at;
    i = at + 1;
  }
  return -1;
}

const MAX_BUCKETS = 4000;
const MAX_LANES = 200;
const CHAIN_POINTS_MAX = 20_000;

/**
 * The overview of the view in [from, to): one lane per file or component (in order of first appearance among the
 * records shown), per lane and bucket the records, the worst severity and a linked record; per bucket the errors,
 * warnings and records placed by a local time of unknown zone; the chain of linked records.
 */
export function overviewOf(
  ctx: ViewContext,
  view: TimelineView,
  q: OverviewQuery,
  fileNames: readonly string[],
  linked: Int32Array | null,
): Overview {
  const { order, tables, fileOfSource } = ctx;
  const W = Math.max(1, Math.min(MAX_BUCKETS, Math.floor(q.buckets) || 1));
  const components = q.lanes === 'component' ? componentKeys(ctx) : null;
  const laneKey = components ? components.key : (p: number) => fileOfSource[order.source[p]];
  const labelOf = components ? (id: number) => components.names[id] || '(none)' : (id: number) => fileNames[id] ?? '?';
  const laneOf = new Map<number, number>();
  const lanes: Overview['lanes'] = [];
  for (let k = 0; k < view.count && lanes.length < MAX_LANES; k++) {
    const id = laneKey(view.at(k));
    if (laneOf.has(id)) continue;
    laneOf.set(id, lanes.length);
    lanes.push({ label: labelOf(id), local: false });
  }
  const L = lanes.length;
  const counts = new Array<number>(L * W).fill(0);
  const worst = new Array<number>(L * W).fill(255);
  const linkedCells = new Array<number>(L * W).fill(0);
  const errors = new Array<number>(W).fill(0);
  const warnings = new Array<number>(W).fill(0);
  const local = new Array<number>(W).fill(0);
  const mark = linked ? markOf(linked, order.length) : null;
  let maxCount = 0;
  const span = q.to - q.from;
  const chain: Overview['chain'] = [];
  if (span > 0) {
    const scale = W / span;
    for (let k = view.lowerBoundTime(q.from); k < view.count; k++) {
      const p = view.at(k);
      const t = order.times[p];
      if (t >= q.to) break;
      const x = Math.min(W - 1, ((t - q.from) * scale) | 0);
      const sev = tables[order.source[p]].severityIndex(order.record[p]);
      if (sev === 0) errors[x]++;
      else if (sev === 1) warnings[x]++;
      const lane = laneOf.get(laneKey(p));
      if (order.byLocal[p]) {
        local[x]++;
        if (lane !== undefined) lanes[lane].local = true;
      }
      if (lane === undefined) continue;
      const cell = lane * W + x;
      if (++counts[cell] > maxCount) maxCount = counts[cell];
      if (sev < worst[cell]) worst[cell] = sev;
      if (mark?.[p]) linkedCells[cell] = 1;
    }
    if (linked) chainOf(ctx, view, linked, q, W, (p) => laneOf.get(laneKey(p)), chain);
  }
  return {
    from: q.from,
    to: q.to,
    buckets: W,
    lanes,
    counts,
    worst,
    linked: linkedCells,
    errors,
    warnings,
    local,
    maxCount,
    chain,
  };
}

/**
 * A record's component as a number shared by every table (their string pools differ), with the names: one lookup
 * per table and pool id, not a string per record.
 */
function componentKeys(ctx: ViewContext): { key: (p: number) => number; names: string[] } {
  const { order, tables } = ctx;
  const names: string[] = [];
  const byName = new Map<string, number>();
  const perTable = tables.map((t) => new Int32Array(t.strings.values.length).fill(-1));
  const key = (p: number): number => {
    const s = order.source[p];
    const table = tables[s];
    const id = table.componentId(order.record[p]);
    let ids = perTable[s];
    if (id >= ids.length) {
      const grown = new Int32Array(table.strings.values.length).fill(-1);
      grown.set(ids);
      ids = perTable[s] = grown;
    }
    if (ids[id] < 0) {
      const name = table.strings.values[id] ?? '';
      let global = byName.get(name);
      if (global === undefined) byName.set(name, (global = names.push(name) - 1));
      ids[id] = global;
    }
    return ids[id];
  };
  return { key, names };
}

function markOf(positions: Int32Array, length: number): Uint8Array {
  const mark = new Uint8Array(length);
  for (const p of positions) mark[p] = 1;
  return mark;
}

/** The linked records shown and in range, in time order, as (bucket, lane) points; repeats in one cell dropped. */
function chainOf(
  ctx: ViewContext,
  view: TimelineView,
  linked: Int32Array,
  q: OverviewQuery,
  W: number,
  laneOf: (p: number) => number | undefined,
  out: Overview['chain'],
): void {
  const times = ctx.order.times;
  const scale = W / (q.to - q.from);
  let lastX = -1;
  let lastLane = -1;
  for (const p of linked) {
    if (out.length >= CHAIN_POINTS_MAX) break;
    const t = times[p];
    if (!(t >= q.from && t < q.to) || view.positionOf(p) < 0) continue;
    const lane = laneOf(p);
    if (lane === undefined) continue;
    const x = Math.min(W - 1, ((t - q.from) * scale) | 0);
    if (x === lastX && lane === lastLane) continue;
    out.push({ x, lane });
    lastX = x;
    lastLane = lane;
  }
}

/** Merged positions carrying any of `keys`, ascending, without repeats. */
export function linkedPositions(ctx: ViewContext, keys: readonly string[]): Int32Array {
  if (keys.length === 1) return ctx.keyPositions(keys[0]);
  const all = new Set<number>();
  for (const key of keys) for (const p of ctx.keyPositions(key)) all.add(p);
  return Int32Array.from([...all].sort((a, b) => a - b));
}
