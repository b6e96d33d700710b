// The rows the webview holds, in columns (a million rows as objects would not fit comfortably), and the searches
// over them. Files and components are indices into tables; the extension sends their new entries with each chunk.
//
// Versioned: a store belongs to one load (`load`, the extension's generation). Rows of another load are refused,
// and a row is referred to outside the store only as a RowRef {load, index}, which resolves to nothing once the
// store was replaced: a retargeted timeline never shows or acts on another log's rows. Pure.
import { SEVERITIES, type CompiledFilter, type FilterableRow } from '../../client/src/shared/filter';
import type { RowChunk, RowClockInfo, TimelineFileInfo } from '../../client/src/shared/timelineMessages';

export const EMPTY: readonly string[] = Object.freeze([]);

/** A row of a given load. */
export interface RowRef {
  load: number;
  index: number;
}

type Column = Float64Array | Int32Array | Uint8Array;
const COLUMNS = ['t', 'file', 'line', 'endLine', 'bias', 'sev', 'comp', 'thread', 'clock', 'wall'] as const;

const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

export class Store {
  n = 0;
  private cap = 0;
  files: TimelineFileInfo[] = [];
  components: string[] = [];
  keyIndex = new Map<string, number[]>();
  minT = NaN;
  maxT = NaN;
  /** Biases seen (minutes), for the 'auto' time mode. */
  biases = new Set<number>();
  t = new Float64Array(0);
  file = new Int32Array(0);
  line = new Int32Array(0);
  endLine = new Int32Array(0);
  bias = new Float64Array(0);
  sev = new Uint8Array(0);
  comp = new Int32Array(0);
  thread = new Float64Array(0);
  msg: string[] = [];
  keys: Array<readonly string[] | null> = [];
  /** Clocks of rows whose log wrote no zone (RowClockInfo); `clock` holds an index into it plus one, 0 for none. */
  clocks: RowClockInfo[] = [];
  clock = new Int32Array(0);
  /**
   * The local time of rows placed by it (no UTC: their zone is unknown), as wall-clock milliseconds read as if
   * UTC (only to format it and place it; never shown as UTC); NaN for the others.
   */
  wall = new Float64Array(0);
  /** Rows with no UTC placed by their local time. */
  localCount = 0;
  /** Rows with a clock of any kind (their time is marked in the list). */
  clockedCount = 0;
  /** The first clock seen of each file (file index → `clock` value), for the Files panel. */
  fileClock = new Map<number, number>();

  /** `load`: the load these rows belong to (-1: none yet). */
  constructor(readonly load = -1) {}

  private grow(need: number): void {
    if (need <= this.cap) return;
    let cap = Math.max(1024, this.cap);
    while (cap < need) cap *= 2;
    for (const name of COLUMNS) {
      const old: Column = this[name];
      const next = new (old.constructor as new (n: number) => Column)(cap);
      next.set(old.subarray(0, this.n));
      (this as Record<string, unknown>)[name] = next;
    }
    this.cap = cap;
  }

  /** A reference to row i of this load. */
  ref(index: number): RowRef | null {
    return index >= 0 && index < this.n ? { load: this.load, index } : null;
  }

  /** The row a reference means here, or -1 when it belongs to another load (or is out of range). */
  resolve(ref: RowRef | null | undefined): number {
    return ref && ref.load === this.load && ref.index >= 0 && ref.index < this.n ? ref.index : -1;
  }

  /**
   * Appends a chunk (RowChunk in shared/timelineMessages.ts) of load `load`; returns the index of its first row,
   * or -1 when the chunk belongs to another load and was dropped.
   */
  append(chunk: RowChunk, load = this.load): number {
    if (load !== this.load) return -1;
    const start = this.n;
    const count = Math.max(0, Math.min(num(chunk.count, 0), Array.isArray(chunk.msg) ? chunk.msg.length : 0));
    for (const f of chunk.addFiles ?? EMPTY) this.files.push(f as TimelineFileInfo);
    for (const c of chunk.addComponents ?? EMPTY) this.components.push(String(c));
    for (const c of chunk.addClocks ?? EMPTY) this.clocks.push(cleanClock(c));
    this.grow(start + count);
    for (let k = 0; k < count; k++) this.put(start + k, chunk, k);
    this.n = start + count;
    return start;
  }

  private put(at: number, chunk: RowChunk, k: number): void {
    const t = num(chunk.t[k], NaN);
    this.t[at] = t;
    if (t === t) {
      if (!(this.minT <= t)) this.minT = t;
      if (!(this.maxT >= t)) this.maxT = t;
    }
    const f = num(chunk.file[k], 0);
    this.file[at] = f >= 0 && f < this.files.length ? f : 0;
    this.line[at] = num(chunk.line[k], 1);
    this.endLine[at] = num(chunk.endLine[k], this.line[at]);
    const bias = num(chunk.bias[k], NaN);
    this.bias[at] = bias;
    if (bias === bias && t === t) this.biases.add(bias);
    const s = num(chunk.sev[k], 4);
    this.sev[at] = s >= 0 && s < SEVERITIES.length ? s : 4;
    const c = num(chunk.comp[k], 0);
    this.comp[at] = c >= 0 && c < this.components.length ? c : 0;
    this.thread[at] = num(chunk.thread[k], NaN);
    this.msg[at] = typeof chunk.msg[k] === 'string' ? chunk.msg[k] : '';
    this.keys[at] = this.indexKeys(at, chunk.keys[k]);
    const clock = num(chunk.clock?.[k], 0);
    this.clock[at] = clock > 0 && clock <= this.clocks.length ? clock : 0;
    if (this.clock[at]) this.clockedCount++;
    if (this.clock[at] && !this.fileClock.has(this.file[at])) this.fileClock.set(this.file[at], this.clock[at]);
    const local = this.clock[at] && this.clocks[clock - 1].kind === 'local' && t !== t ? wallOf(chunk.local?.[k]) : NaN;
    this.wall[at] = local;
    if (local === local) this.localCount++;
  }

  /** How row i's time was had when its log wrote no zone, or null (the log gives its zone). */
  clockOf(i: number): RowClockInfo | null {
    const c = this.clock[i];
    return c > 0 ? (this.clocks[c - 1] ?? null) : null;
  }

  /** Row i's local time of an unknown zone (wall-clock ms, see `wall`), or null when it has a UTC or no time. */
  wallOf(i: number): number | null {
    const w = this.wall[i];
    return w === w ? w : null;
  }

  private indexKeys(at: number, keys: unknown): readonly string[] | null {
    if (!Array.isArray(keys) || !keys.length) return null;
    const clean: string[] = [];
    for (const key of keys) {
      if (typeof key !== 'string') continue;
      clean.push(key);
      let list = this.keyIndex.get(key);
      if (!list) this.keyIndex.set(key, (list = []));
      if (list[list.length - 1] !== at) list.push(at);
    }
    return clean.length ? clean : null;
  }

  /** Fills `row` (reused, no allocation per row) with what a filter reads of row i. */
  rowFor(i: number, row: FilterableRow): FilterableRow {
    const t = this.t[i];
    const th = this.thread[i];
    row.t = t === t ? t : null;
    row.uri = this.files[this.file[i]]?.uri ?? '';
    row.severity = SEVERITIES[this.sev[i]];
    row.component = this.components[this.comp[i]] ?? '';
    row.thread = th === th ? th : null;
    row.message = this.msg[i];
    row.keys = this.keys[i] ?? EMPTY;
    return row;
  }

  timeOf(i: number): number | null {
    const t = this.t[i];
    return t === t ? t : null;
  }

  biasOf(i: number): number | null {
    const b = this.bias[i];
    return b === b ? b : null;
  }
}

/** A clock from the extension, reduced to its known fields. */
function cleanClock(raw: unknown): RowClockInfo {
  const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const kind = c.kind === 'inferred' || c.kind === 'user' ? c.kind : 'local';
  const info: RowClockInfo = { kind };
  if (kind === 'inferred' && typeof c.from === 'string') info.from = c.from.slice(0, 260);
  if (kind !== 'local' && typeof c.bias === 'number' && Number.isFinite(c.bias)) info.bias = c.bias;
  return info;
}

/** "2024-03-01T08:00:00.000" (a local time without zone, as the server writes it) → wall-clock ms, or NaN. */
export function wallOf(local: unknown): number {
  if (typeof local !== 'string') return NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/.exec(local);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[7] ? +(m[7] + '00').slice(0, 3) : 0);
}

/** Something that decides whether a row is shown (the toolbar's filter, and the hide / show-only rules). */
export interface RowTest {
  trivial: boolean;
  test(row: FilterableRow): boolean;
}

/** Combines the filter with the rules' visibility: both must keep a row. */
export function bothTests(filter: CompiledFilter, visible: ((message: string) => boolean) | null): RowTest {
  if (!visible) return filter;
  return { trivial: false, test: (row) => filter.test(row) && visible(row.message) };
}

/** Appends to `out` (from position outCount) the indices in [from, to) that pass; returns the new count. */
export function filterInto(
  store: Store,
  compiled: RowTest,
  from: number,
  to: number,
  out: Int32Array,
  outCount: number,
): number {
  if (compiled.trivial) {
    for (let i = from; i < to; i++) out[outCount++] = i;
    return outCount;
  }
  const row = {} as FilterableRow;
  for (let j = from; j < to; j++) if (compiled.test(store.rowFor(j, row))) out[outCount++] = j;
  return outCount;
}

/** Rows carrying any of `keys`, ascending (merged order is time order), without duplicates. */
export function linkedRows(keyIndex: Map<string, number[]>, keys: readonly string[]): number[] {
  if (!keys.length) return [];
  if (keys.length === 1) return (keyIndex.get(keys[0]) ?? []).slice();
  const all = keys.flatMap((k) => keyIndex.get(k) ?? []).sort((a, b) => a - b);
  return all.filter((v, i) => i === 0 || v !== all[i - 1]);
}

/** First position p in view[0..count) with t[view[p]] >= value; rows without time (NaN) sort first. */
export function lowerBound(tArr: Float64Array, view: Int32Array, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = tArr[view[mid]];
    if (t !== t || t < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of a store index in the (ascending) view, or -1. */
export function positionOf(view: Int32Array, count: number, index: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  return lo < count && view[lo] === index ? lo : -1;
}

/**
 * The next (dir 1) or previous (dir -1) position in the view, from `from`, whose row has severity `sev` (index
 * into SEVERITIES; errors are 0), or -1. F8 in the grid, as in the editor.
 */
export function nextWithSeverity(
  store: Store,
  view: Int32Array,
  count: number,
  from: number,
  dir: 1 | -1,
  sev = 0,
): number {
  for (let p = from + dir; p >= 0 && p < count; p += dir) if (store.sev[view[p]] === sev) return p;
  return -1;
}
