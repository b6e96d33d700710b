// The rows the webview holds, in columns: a window of the filtered timeline (the server filters and pages it:
// issues #20, #23), the selected row and the linked ones. Files, components and clocks are indices into the
// load's tables (Tables), which every page extends in the order the extension packed them.
//
// Versioned: a store belongs to one load (`load`, the extension's generation). Rows of another load are refused,
// and a row is referred to outside the store only by its load, file and line, which resolves to nothing once the
// load was replaced: a retargeted timeline never shows or acts on another log's rows. Pure.
import { SEVERITIES } from '../../client/src/shared/filter';
import type { RowChunk, RowClockInfo, TimelineFileInfo } from '../../client/src/shared/timelineMessages';

export const EMPTY: readonly string[] = Object.freeze([]);

/** A row of a given load, by its file and line: what survives a new window, a refilter or a reload. */
export interface RowId {
  load: number;
  uri: string;
  line: number;
}

/** The files, components and clocks of one load: rows hold indices into them. */
export class Tables {
  files: TimelineFileInfo[] = [];
  components: string[] = [];
  /** Clocks of rows whose log wrote no zone; a row's `clock` holds an index into it plus one, 0 for none. */
  clocks: RowClockInfo[] = [];

  /** Extends the tables with a chunk's new entries (every chunk of the load, in order, even one not shown). */
  intern(chunk: RowChunk): void {
    for (const f of chunk.addFiles ?? EMPTY) this.files.push(f as TimelineFileInfo);
    for (const c of chunk.addComponents ?? EMPTY) this.components.push(String(c));
    for (const c of chunk.addClocks ?? EMPTY) this.clocks.push(cleanClock(c));
  }
}

type Column = Float64Array | Int32Array | Uint8Array;
const COLUMNS = ['t', 'file', 'line', 'endLine', 'bias', 'sev', 'comp', 'thread', 'clock', 'wall'] as const;

const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

export class Store {
  n = 0;
  private cap = 0;
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
  /** Index into tables.clocks plus one, 0 when the log gives its zone. */
  clock = new Int32Array(0);
  /**
   * The local time of rows placed by it (no UTC: their zone is unknown), as wall-clock milliseconds read as if
   * UTC (only to format it and place it; never shown as UTC); NaN for the others.
   */
  wall = new Float64Array(0);

  /** `load`: the load these rows belong to (-1: none yet); `tables`: that load's. */
  constructor(
    readonly load = -1,
    readonly tables = new Tables(),
  ) {}

  get files(): TimelineFileInfo[] {
    return this.tables.files;
  }

  get components(): string[] {
    return this.tables.components;
  }

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

  /** Row i's identity (load, file, line), or null. */
  idOf(index: number): RowId | null {
    return index >= 0 && index < this.n
      ? { load: this.load, uri: this.files[this.file[index]]?.uri ?? '', line: this.line[index] }
      : null;
  }

  /** The row of this store that `id` names, or -1 (another load, or not among these rows). */
  find(id: RowId | null | undefined): number {
    if (!id || id.load !== this.load) return -1;
    for (let i = 0; i < this.n; i++) if (this.line[i] === id.line && this.files[this.file[i]]?.uri === id.uri) return i;
    return -1;
  }

  /** A store of row i alone (the selection outlives the window it was in). */
  rowCopy(i: number): Store {
    const one = new Store(this.load, this.tables);
    one.grow(1);
    for (const name of COLUMNS) one[name][0] = this[name][i];
    one.msg[0] = this.msg[i];
    one.keys[0] = this.keys[i];
    one.n = 1;
    return one;
  }

  /**
   * Appends a chunk (RowChunk in shared/timelineMessages.ts) of load `load`; returns the index of its first row,
   * or -1 when the chunk belongs to another load and was dropped.
   */
  append(chunk: RowChunk, load = this.load): number {
    if (load !== this.load) return -1;
    const start = this.n;
    const count = Math.max(0, Math.min(num(chunk.count, 0), Array.isArray(chunk.msg) ? chunk.msg.length : 0));
    this.grow(start + count);
    for (let k = 0; k < count; k++) this.put(start + k, chunk, k);
    this.n = start + count;
    return start;
  }

  private put(at: number, chunk: RowChunk, k: number): void {
    const t = num(chunk.t[k], NaN);
    this.t[at] = t;
    const f = num(chunk.file[k], 0);
    this.file[at] = f >= 0 && f < this.files.length ? f : 0;
    this.line[at] = num(chunk.line[k], 1);
    this.endLine[at] = num(chunk.endLine[k], this.line[at]);
    this.bias[at] = num(chunk.bias[k], NaN);
    const s = num(chunk.sev[k], 4);
    this.sev[at] = s >= 0 && s < SEVERITIES.length ? s : 4;
    const c = num(chunk.comp[k], 0);
    this.comp[at] = c >= 0 && c < this.components.length ? c : 0;
    this.thread[at] = num(chunk.thread[k], NaN);
    this.msg[at] = typeof chunk.msg[k] === 'string' ? chunk.msg[k] : '';
    this.keys[at] = cleanKeys(chunk.keys[k]);
    const clock = num(chunk.clock?.[k], 0);
    const clocks = this.tables.clocks;
    this.clock[at] = clock > 0 && clock <= clocks.length ? clock : 0;
    this.wall[at] = this.clock[at] && clocks[clock - 1].kind === 'local' && t !== t ? wallOf(chunk.local?.[k]) : NaN;
  }

  /** How row i's time was had when its log wrote no zone, or null (the log gives its zone). */
  clockOf(i: number): RowClockInfo | null {
    const c = this.clock[i];
    return c > 0 ? (this.tables.clocks[c - 1] ?? null) : null;
  }

  /** The time row i is placed by: its UTC, else its local time of unknown zone; null without either. */
  placeOf(i: number): number | null {
    const t = this.t[i] === this.t[i] ? this.t[i] : this.wall[i];
    return t === t ? t : null;
  }

  /** Row i's local time of an unknown zone (wall-clock ms, see `wall`), or null when it has a UTC or no time. */
  wallOf(i: number): number | null {
    const w = this.wall[i];
    return w === w ? w : null;
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

function cleanKeys(keys: unknown): readonly string[] | null {
  if (!Array.isArray(keys) || !keys.length) return null;
  const clean = keys.filter((k): k is string => typeof k === 'string');
  return clean.length ? clean : null;
}
