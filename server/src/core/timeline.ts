// Many logs → one sequence in UTC order. Each file may carry a clock offset (a machine whose clock was
// skewed); records without a time keep their place after the record before them in the same file. A record
// whose log writes local time and whose machine's clock is unknown (core/clock.ts) has no UTC: it is placed by
// its local time read as if it were UTC, and marked so (`placedByLocal`); its `time` stays null.
import { ensureClocks } from './clock';
import { findKeys } from './keys';
import type { LogRecord } from './record';
import type { RecordTable } from './table';

export interface TimelineSource {
  file: string;
  records: RecordTable;
  /** Milliseconds added to every time of this file. */
  clockOffsetMs?: number;
}

/** One record's place in the merged timeline; the record itself is made only when asked for. */
export class TimelineItem {
  constructor(
    readonly records: RecordTable,
    /** UTC after the file's clock offset, or the previous record's when the record has none. */
    readonly time: number | null,
    readonly sourceIndex: number,
    readonly recordIndex: number,
    /** Placed by a local time of unknown zone (its own or the previous record's): no UTC to show. */
    readonly placedByLocal = false,
  ) {}

  get record(): LogRecord {
    return this.records.get(this.recordIndex);
  }
}

/** Merges by time; ties keep file order, then record order, so the result is deterministic. */
export function mergeTimeline(sources: TimelineSource[]): TimelineItem[] {
  const order = mergeOrder(sources);
  return order.items(0, order.length);
}

/**
 * The merged order as three typed arrays (about 16 bytes a record) instead of an object per record: a
 * million-record timeline is kept per request, and objects cost ~100 bytes each and a slow comparator sort.
 * Items are made for the rows asked for (`items`).
 */
export class MergedOrder {
  constructor(
    private readonly sources: TimelineSource[],
    /** For each position in the merged order: the source, the record in it and its merged time (NaN: none). */
    readonly source: Int32Array,
    readonly record: Int32Array,
    readonly times: Float64Array,
    /** 1 where the merged time is a local time of unknown zone (read as UTC to place the record), not a UTC. */
    readonly byLocal: Uint8Array = new Uint8Array(source.length),
    /** Each source's records in time order, as merged (what a later merge of more sources may start from). */
    readonly runs: readonly SortedRun[] = [],
  ) {}

  get length(): number {
    return this.source.length;
  }

  /** The merged UTC time at position i; null when none, or when the record is placed by a local time. */
  time(i: number): number | null {
    return Number.isNaN(this.times[i]) || this.byLocal[i] ? null : this.times[i];
  }

  placedByLocal(i: number): boolean {
    return this.byLocal[i] === 1;
  }

  item(i: number): TimelineItem {
    return new TimelineItem(
      this.sources[this.source[i]].records,
      this.time(i),
      this.source[i],
      this.record[i],
      this.placedByLocal(i),
    );
  }

  /** Items at positions [from, to) (or at the positions listed in `at`). */
  items(from: number, to: number, at?: ArrayLike<number>): TimelineItem[] {
    const out: TimelineItem[] = [];
    for (let k = Math.max(0, from); k < Math.min(to, at ? at.length : this.length); k++)
      out.push(this.item(at ? at[k] : k));
    return out;
  }
}

/**
 * Merges by time; ties keep file order, then record order. Each file's records in time order (as nearly all
 * are already: checked, and sorted only when not), then a k-way merge: n log k steps, not n log n comparator
 * calls. A record without a time takes the time before it in its file (its place is kept).
 *
 * `previous`: an earlier merge of some of these sources (a folder's logs merged as they are read). When each of
 * its sources is here unchanged (same records, clock and offset), only the new sources are merged, and the result
 * merged with it in one pass: the order is the same as a merge from scratch (both are sorted by time, then file
 * position, then the place in the file's own order), at a fraction of the cost.
 */
export function mergeOrder(sources: TimelineSource[], previous?: MergedOrder): MergedOrder {
  const steps = mergeSteps(sources, previous);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * mergeOrder in slices, with `pause()` awaited between them (the language server's: a turn of its event loop), so
 * that a merge of millions of records does not hold the thread: merging the 4.2 M records of a 1 GB folder held the
 * language server for 6.6 s at load 11, a hover on another log waiting all that time (issue #23). Same result.
 */
export async function mergeOrderAsync(
  sources: TimelineSource[],
  previous: MergedOrder | undefined,
  pause: () => Promise<void>,
): Promise<MergedOrder> {
  const steps = mergeSteps(sources, previous);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/**
 * Records merged between two calls of an async merge's `pause()`: ~1 ms of CPU, so that a time-boxed pause (the
 * language server's, server.ts) can yield every ~10 ms. 262,144 kept a hover waiting 0.5-1.3 s at load 14; 65,536
 * still 0.15-0.5 s (issue #23).
 */
const MERGE_SLICE = 1 << 13;

/** The merge, yielding between slices of about MERGE_SLICE records (the work itself is in plain loops). */
function* mergeSteps(sources: TimelineSource[], previous?: MergedOrder): Generator<void, MergedOrder> {
  ensureClocks(sources.map((s) => s.records)); // logs without a zone: their folder's clock (core/clock.ts), unless given
  const runs: SortedRun[] = [];
  let sinceYield = 0;
  for (const source of sources) {
    runs.push(sortedRun(source));
    if ((sinceYield += source.records.length) >= MERGE_SLICE) {
      sinceYield = 0;
      yield;
    }
  }
  const kept = previous && keptSources(previous, runs);
  if (!kept)
    return yield* mergeRuns(
      sources,
      runs,
      runs.map((_, k) => k),
    );
  const isKept = new Uint8Array(runs.length);
  for (const k of kept) isKept[k] = 1;
  const added = yield* mergeRuns(
    sources,
    runs,
    runs.map((_, k) => k).filter((k) => !isKept[k]),
  );
  return yield* mergeTwo(sources, runs, previous, kept, added);
}

/**
 * Where each source of `previous` is among the new runs (ascending: the files keep their order), when every one
 * is there with the very run it was merged with; else null (merge from scratch).
 */
function keptSources(previous: MergedOrder, runs: SortedRun[]): Int32Array | null {
  if (!previous.runs.length || previous.runs.length > runs.length) return null;
  const at = new Int32Array(previous.runs.length);
  let k = 0;
  for (let i = 0; i < previous.runs.length; i++) {
    while (k < runs.length && runs[k] !== previous.runs[i]) k++;
    if (k === runs.length) return null;
    at[i] = k++;
  }
  return at;
}

/** A merge's output arrays, filled from position 0 on. */
interface MergeOutput {
  source: Int32Array;
  record: Int32Array;
  times: Float64Array;
  byLocal: Uint8Array;
}

function mergeOutput(total: number): MergeOutput {
  return {
    source: new Int32Array(total),
    record: new Int32Array(total),
    times: new Float64Array(total),
    byLocal: new Uint8Array(total),
  };
}

/** The k-way merge of the runs listed in `which` (source numbers as in `runs`). */
function* mergeRuns(sources: TimelineSource[], runs: SortedRun[], which: number[]): Generator<void, MergedOrder> {
  const lists = which.map((k) => ({ run: runs[k], source: k, next: 0 }));
  const total = lists.reduce((n, l) => n + l.run.length, 0);
  const out = mergeOutput(total);
  const heap = new MergeHeap(lists);
  for (let from = 0; from < total; from += MERGE_SLICE) {
    if (from > 0) yield;
    fillFromHeap(out, lists, heap, from, Math.min(total, from + MERGE_SLICE));
  }
  return new MergedOrder(sources, out.source, out.record, out.times, out.byLocal, runs);
}

/** Positions [from, to) of a k-way merge: each the heap's top list's next record. */
function fillFromHeap(out: MergeOutput, lists: HeapList[], heap: MergeHeap, from: number, to: number): void {
  const { source, record, times, byLocal } = out;
  for (let at = from; at < to; at++) {
    const list = lists[heap.top()];
    const { run } = list;
    const r = run.order ? run.order[list.next] : list.next;
    source[at] = list.source;
    record[at] = r;
    times[at] = run.times[r];
    byLocal[at] = run.byLocal[r];
    list.next++;
    heap.advance();
  }
}

/**
 * Two merged orders of disjoint sources merged into one: `previous` (its source i is now source kept[i]) and
 * `added` (numbered as now). Both are sorted by (time, source, place in the source's run), and so is the result.
 */
function* mergeTwo(
  sources: TimelineSource[],
  runs: SortedRun[],
  previous: MergedOrder,
  kept: Int32Array,
  added: MergedOrder,
): Generator<void, MergedOrder> {
  const total = previous.length + added.length;
  const out = mergeOutput(total);
  const next = { a: 0, b: 0 };
  for (let from = 0; from < total; from += MERGE_SLICE) {
    if (from > 0) yield;
    fillFromTwo(out, previous, kept, added, next, from, Math.min(total, from + MERGE_SLICE));
  }
  return new MergedOrder(sources, out.source, out.record, out.times, out.byLocal, runs);
}

/** Positions [from, to) of the two-way merge; `next` holds where each input is, from one slice to the next. */
function fillFromTwo(
  out: MergeOutput,
  previous: MergedOrder,
  kept: Int32Array,
  added: MergedOrder,
  next: { a: number; b: number },
  from: number,
  to: number,
): void {
  const { source, record, times, byLocal } = out;
  let { a, b } = next;
  const aTimes = previous.times;
  const bTimes = added.times;
  for (let at = from; at < to; at++) {
    let fromA = b >= added.length;
    if (!fromA && a < previous.length) {
      const ta = sortKey(aTimes[a]);
      const tb = sortKey(bTimes[b]);
      fromA = ta < tb || (ta === tb && kept[previous.source[a]] < added.source[b]);
    }
    if (fromA) {
      source[at] = kept[previous.source[a]];
      record[at] = previous.record[a];
      times[at] = aTimes[a];
      byLocal[at] = previous.byLocal[a++];
    } else {
      source[at] = added.source[b];
      record[at] = added.record[b];
      times[at] = bTimes[b];
      byLocal[at] = added.byLocal[b++];
    }
  }
  next.a = a;
  next.b = b;
}

/** A file's records in merge order, and each record's merged time (NaN: none, before every time). */
export interface SortedRun {
  readonly length: number;
  /** The records in time order; null when that is the file's own order (nearly always). */
  readonly order: Int32Array | null;
  readonly times: Float64Array;
  /** 1 where `times` holds a local time of unknown zone. */
  readonly byLocal: Uint8Array;
  /** What the run was made from: it is made again when any of these changed. */
  readonly truncations: number;
  readonly clock: unknown;
  readonly offset: number;
}

/**
 * Each table's run, kept while the table is what it was: a folder's logs merge again each time one more is read,
 * and the logs merged before need not be read and sorted again (nor be merged again: see mergeOrder).
 */
const runCache = new WeakMap<RecordTable, SortedRun>();

function sortedRun(s: TimelineSource): SortedRun {
  const table = s.records;
  const offset = s.clockOffsetMs ?? 0;
  // The clock turns the wall times of records without a bias into UTC: it matters only to a log that has them.
  const clock = table.hasLocalOnlyTimes() ? table.clock : null;
  const kept = runCache.get(table);
  if (
    kept &&
    kept.length === table.length &&
    kept.truncations === table.truncations &&
    kept.clock === clock &&
    kept.offset === offset
  )
    return kept;
  const run = { ...sortedRecords(s), truncations: table.truncations, clock, offset };
  runCache.set(table, run);
  return run;
}

function sortedRecords(s: TimelineSource): Pick<SortedRun, 'length' | 'order' | 'times' | 'byLocal'> {
  const n = s.records.length;
  const offset = s.clockOffsetMs ?? 0;
  const times = new Float64Array(n);
  const byLocal = new Uint8Array(n);
  let last = NaN;
  let lastByLocal = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const utc = s.records.utc(i);
    const wall = utc === null ? s.records.wallTime(i) : null;
    if (utc !== null || wall !== null) {
      last = (utc ?? wall!) + offset;
      lastByLocal = utc === null ? 1 : 0;
    }
    times[i] = last;
    byLocal[i] = lastByLocal;
    if (i > 0 && sortKey(times[i]) < sortKey(times[i - 1])) sorted = false;
  }
  if (sorted) return { length: n, order: null, times, byLocal };
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => sortKey(times[a]) - sortKey(times[b]) || a - b);
  return { length: n, order, times, byLocal };
}

/** No time sorts first, as -Infinity. */
function sortKey(t: number): number {
  return Number.isNaN(t) ? -Infinity : t;
}

interface HeapList {
  run: SortedRun;
  /** The list's source number (ties go to the lower). */
  source: number;
  next: number;
}

/** The lists not yet used up, as a binary heap on (time of their next record, source). */
class MergeHeap {
  private readonly heap: number[] = [];

  constructor(private readonly lists: HeapList[]) {
    lists.forEach((l, k) => l.run.length && this.heap.push(k));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  top(): number {
    return this.heap[0];
  }

  /** The top list moved on to its next record: drop it if done, else restore the order. */
  advance(): void {
    const l = this.lists[this.heap[0]];
    if (l.next >= l.run.length) {
      const lastList = this.heap.pop()!;
      if (!this.heap.length) return;
      this.heap[0] = lastList;
    }
    this.down(0);
  }

  private timeOf(l: HeapList): number {
    const { run } = l;
    return sortKey(run.times[run.order ? run.order[l.next] : l.next]);
  }

  private before(a: number, b: number): boolean {
    const la = this.lists[a];
    const lb = this.lists[b];
    const ta = this.timeOf(la);
    const tb = this.timeOf(lb);
    return ta < tb || (ta === tb && la.source < lb.source);
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l], h[m])) m = l;
      if (r < h.length && this.before(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

export interface TimelineFilter {
  /** Only records whose message contains this key (GUID or KB, normalised). */
  key?: string;
  severities?: Set<string>;
  text?: RegExp;
  fromUtc?: number;
  toUtc?: number;
}

export function filterTimeline(items: TimelineItem[], filter: TimelineFilter): TimelineItem[] {
  return items.filter((item) => matchesTimeline(item, filter));
}

export function matchesTimeline({ record, time }: TimelineItem, filter: TimelineFilter): boolean {
  if (filter.severities && !filter.severities.has(record.severity)) return false;
  if (filter.fromUtc !== undefined && (time === null || time < filter.fromUtc)) return false;
  if (filter.toUtc !== undefined && (time === null || time > filter.toUtc)) return false;
  if (filter.text && !filter.text.test(record.message)) return false;
  if (filter.key && !findKeys(record.message).some((k) => k.key === filter.key)) return false;
  return true;
}

/** The distinct keys of a record, in order of appearance. */
export function recordKeys(record: LogRecord): string[] {
  return [...new Set(findKeys(record.message).map((k) => k.key))];
}
