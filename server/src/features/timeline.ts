// The timeline webview's pages: the records of many logs merged by UTC, served a page at a time.
import { basename, dirname } from 'node:path';
import { commonFolder, sourceLogPath } from '../core/clock';
import type { LogIndex } from '../core/logIndex';
import {
  mergeOrder,
  mergeOrderAsync,
  recordKeys,
  type MergedOrder,
  type SortedRun,
  type TimelineItem,
} from '../core/timeline';
import {
  filterView,
  linkedPositions,
  overviewOf,
  severityIndex,
  TimelineView,
  type ViewContext,
} from '../core/timelineView';
import type { ParseResult } from '../core/parse';
import type { RecordTable } from '../core/table';
import type { UtcSource } from '../core/time';
import {
  LINKED_MAX,
  type RowClock,
  type TimelinePage,
  type TimelineParams,
  type TimelineRow,
  type TimelineSummary,
} from '../protocol';
import { pathToUri, uriToPath } from '../workspace';
import type { LogTail } from './timelineTail';

/** Logs not read yet, by file: their last records stand in for them (timelineTail.ts). */
export type TailsOf = ReadonlyMap<string, LogTail>;

// Merging a million records takes a moment: keep each index's last merge (and the key selections made
// from it) until its inputs change. The merge is kept as typed arrays (MergedOrder, ~16 bytes a record);
// items are made only for the rows of a page.
interface MergeCache {
  signature: string;
  /** What the merge read of each file (mergeInputs): a log read elsewhere in the index does not make it stale. */
  inputs: unknown[];
  order: MergedOrder;
  files: string[];
  /** The files that were merged (`files` without the ones not in the index): order.source points here. */
  sourceFiles: string[];
  /** For each merged file (order.source), its position in `files`: what a row's `f` is. */
  fileOfSource: number[];
  /** The folder all its logs are in (null: none but the root), which inferred clocks name their source log by. */
  folder: string | null;
  /** Positions in `order` of the records that hold a key, ascending. */
  byKey: Map<string, Int32Array>;
  /** The tables merged (order.source points here). */
  tables: RecordTable[];
  /** 1 for each merged table that is a log's tail whose lines are not known (its rows are numbered from the end). */
  lineless: Uint8Array;
  /** The last filtered views (by key restriction and filter), most recent last. */
  views: Map<string, TimelineView>;
  /** For each merged table, each record's position in `order` (made when a row is looked up by its line). */
  positionOfRecord?: Int32Array[];
  summary?: TimelineSummary;
}

/** Filtered views kept per merge: the webview's current filter and the one before (a filter being typed). */
const VIEWS_KEPT = 4;
const caches = new WeakMap<LogIndex, MergeCache>();

/**
 * The files of a timeline: the ones named, then the indexed logs of the folders named (sorted), or every log the
 * index holds when neither is given. Folders are read from the index at each request, so a log that appeared in
 * one since the last request (the server indexes it, see server.ts) joins the timeline.
 */
export function timelineFiles(index: LogIndex, params: Pick<TimelineParams, 'uris' | 'folders'>): string[] {
  if (!params.uris?.length && !params.folders?.length) return index.fileNames();
  const folders = new Set((params.folders ?? []).map(uriToPath));
  const inFolders = folders.size
    ? index
        .fileNames()
        .filter((f) => folders.has(dirname(f)))
        .sort()
    : [];
  return [...new Set([...(params.uris ?? []).map(uriToPath), ...inFolders])];
}

/** A log as the timeline reads it: its tail while the server shows it so (not read, or not merged yet), else the index's. */
function logOf(
  index: LogIndex,
  tails: TailsOf | undefined,
  file: string,
): { result: ParseResult; lineless: boolean } | null {
  // The tail when one is given: the server chose it (a log read meanwhile merges at the next answer, as it says).
  const tail = tails?.get(file);
  if (tail) return { result: tail.result, lineless: !tail.wholeFile };
  const result = index.file(file);
  return result ? { result, lineless: false } : null;
}

function merged(index: LogIndex, params: TimelineParams, tails?: TailsOf): MergeCache {
  const plan = mergePlan(index, params, tails);
  return plan.cached ?? keep(index, plan, mergeOrder(plan.sources, plan.previous));
}

/**
 * The merge a timeline page of `params` needs, made in slices with `pause()` between them (core/timeline.ts
 * mergeOrderAsync), so that the language server answers the editor meanwhile; the page that follows finds it made.
 * A merge of the same logs in flight is waited for rather than made twice.
 */
export async function prepareTimeline(
  index: LogIndex,
  params: TimelineParams,
  tails: TailsOf | undefined,
  pause: () => Promise<void>,
): Promise<void> {
  const plan = mergePlan(index, params, tails);
  if (plan.cached) return;
  const running = inFlight.get(index);
  if (running && running.signature === plan.signature && sameInputs(running.inputs, plan.inputs))
    return void (await running.done);
  const done = mergeOrderAsync(plan.sources, plan.previous, pause).then((order) => {
    // Kept unless a newer merge was kept meanwhile (or the logs changed while this one was made).
    if (sameInputs(plan.inputs, mergeInputs(index, tails, plan.files))) keep(index, plan, order);
  });
  const flight = { signature: plan.signature, inputs: plan.inputs, done };
  inFlight.set(index, flight);
  try {
    await done;
  } finally {
    if (inFlight.get(index) === flight) inFlight.delete(index);
  }
}

/** The async merge in flight per index (prepareTimeline). */
const inFlight = new WeakMap<LogIndex, { signature: string; inputs: unknown[]; done: Promise<void> }>();

interface MergePlan {
  /** The cached merge when it still answers `params`. */
  cached: MergeCache | null;
  signature: string;
  inputs: unknown[];
  files: string[];
  logs: { file: string; result: ParseResult; lineless: boolean }[];
  sources: { file: string; records: ParseResult['records']; clockOffsetMs: number }[];
  previous: MergedOrder | undefined;
}

/** What a merge for `params` takes: the logs, their sources, and the cached merge it may start from. */
function mergePlan(index: LogIndex, params: TimelineParams, tails?: TailsOf): MergePlan {
  const files = timelineFiles(index, params);
  const offsets = params.clockOffsets ?? {};
  const signature = JSON.stringify([files, offsets]);
  const inputs = mergeInputs(index, tails, files);
  const cached = caches.get(index);
  const valid = cached?.signature === signature && sameInputs(cached.inputs, inputs);
  const logs = valid
    ? []
    : files.flatMap((file) => {
        const log = logOf(index, tails, file);
        return log ? [{ file, ...log }] : [];
      });
  const sources = logs.map(({ file, result }) => ({
    file,
    records: result.records,
    clockOffsetMs: offsets[pathToUri(file)] ?? 0,
  }));
  // The last merge is where this one starts when it holds some of these logs unchanged (a folder read log by log).
  return { cached: valid ? cached! : null, signature, inputs, files, logs, sources, previous: cached?.order };
}

/** The merge of `plan` made: cached for the pages that follow. */
function keep(index: LogIndex, plan: MergePlan, order: MergedOrder): MergeCache {
  const { files, logs, sources } = plan;
  const sourceFiles = sources.map((s) => s.file);
  const fresh = {
    signature: plan.signature,
    inputs: plan.inputs,
    order,
    files,
    sourceFiles,
    fileOfSource: sourceFiles.map((file) => files.indexOf(file)),
    folder: commonFolder(files),
    byKey: new Map<string, Int32Array>(),
    tables: sources.map((source) => source.records),
    lineless: Uint8Array.from(logs, (log) => (log.lineless ? 1 : 0)),
    views: new Map<string, TimelineView>(),
  };
  caches.set(index, fresh);
  return fresh;
}

/**
 * What a merge of `files` depends on, per file: its table (replaced when the log is read again), its length and
 * truncations (a log that grew or was cut), and the clock its wall times are read by (as core/timeline.ts's runs).
 * Not the index's generation: while a folder of 1 GB is read for a timeline, every log read changed it, and each of
 * the panel's requests merged millions of records again, a second at a time that an editor waited (issue #23).
 */
function mergeInputs(index: LogIndex, tails: TailsOf | undefined, files: string[]): unknown[] {
  return files.flatMap((file) => {
    const table = logOf(index, tails, file)?.result.records;
    return table ? [table, table.length, table.truncations, table.hasLocalOnlyTimes() ? table.clock : null] : [null];
  });
}

function sameInputs(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The merged positions whose record holds `key`, from the index's postings (no message is read again). */
function selectKey(index: LogIndex, cache: MergeCache, key: string): Int32Array {
  let selected = cache.byKey.get(key);
  if (!selected) {
    const withKey = index.recordsWithKey(key);
    const bySource = cache.sourceFiles.map((file) => withKey.get(file));
    const { order } = cache;
    const positions: number[] = [];
    for (let i = 0; i < order.length; i++) if (bySource[order.source[i]]?.has(order.record[i])) positions.push(i);
    selected = Int32Array.from(positions);
    cache.byKey.set(key, selected);
  }
  return selected;
}

/** `tails`: the last records of logs not read yet, merged in their place (a folder's timeline while it loads). */
export function timelinePage(index: LogIndex, params: TimelineParams, tails?: TailsOf): TimelinePage {
  const cache = merged(index, params, tails);
  const { order } = cache;
  const ctx = viewContext(index, cache);
  const base = params.key ? selectKey(index, cache, params.key) : null;
  const view = viewOf(ctx, cache, base, params);
  const total = base ? base.length : order.length;
  const limit = Math.min(Math.max(1, params.limit ?? 5000), 50_000);
  const position = findPosition(ctx, cache, view, params);
  let offset = Math.max(0, params.offset ?? 0);
  // The webview asks for "the end" with an offset past it (it does not know the count yet): the last page.
  if (params.filter && offset > view.count - limit) offset = Math.max(0, view.count - limit);
  // Something was looked for: the page is centred on it (the webview scrolls there and selects it).
  if (position !== undefined && position >= 0)
    offset = Math.max(0, Math.min(position - (limit >> 1), view.count - limit));
  const rows: TimelineRow[] = [];
  for (let k = offset; k < Math.min(view.count, offset + limit); k++) rows.push(rowAt(cache, view.at(k)));
  const page: TimelinePage = {
    total,
    offset,
    rows,
    files: cache.files.map((file) => ({
      uri: pathToUri(file),
      file,
      records: logOf(index, tails, file)?.result.records.length ?? 0,
    })),
  };
  if (params.filter || base) page.shown = view.count;
  if (view.error) page.filterError = view.error;
  if (position !== undefined) page.position = position;
  if (params.summary) page.summary = summaryOf(cache);
  if (params.overview) {
    const keys = params.overview.linkKeys ?? [];
    const names = cache.files.map((file) => basename(file));
    page.overview = overviewOf(ctx, view, params.overview, names, keys.length ? linkedPositions(ctx, keys) : null);
  }
  if (params.linkKeys?.length) page.linked = linkedOf(ctx, cache, view, params.linkKeys);
  return page;
}

function rowAt(cache: MergeCache, p: number): TimelineRow {
  const item = cache.order.item(p);
  const row = toRow(item, p, cache.fileOfSource[item.sourceIndex], cache.folder);
  // A tail's rows: numbered from the log's end (-1 the last), never a line of the file, until the log is read.
  if (cache.lineless[item.sourceIndex]) row.line = row.endLine = item.recordIndex - item.records.length;
  return row;
}

function viewContext(index: LogIndex, cache: MergeCache): ViewContext {
  return {
    order: cache.order,
    tables: cache.tables,
    fileOfSource: cache.fileOfSource,
    fileUris: cache.files.map(pathToUri),
    keyPositions: (key) => selectKey(index, cache, key),
  };
}

/** The filtered view, from the merge's cache when the same filter was asked for before (scrolling asks often). */
function viewOf(ctx: ViewContext, cache: MergeCache, base: Int32Array | null, params: TimelineParams): TimelineView {
  if (!params.filter) return new TimelineView(cache.order, base);
  const signature = JSON.stringify([params.key ?? null, params.filter]);
  let view = cache.views.get(signature);
  if (view) cache.views.delete(signature);
  else view = filterView(ctx, base, params.filter);
  cache.views.set(signature, view);
  while (cache.views.size > VIEWS_KEPT) cache.views.delete(cache.views.keys().next().value!);
  return view;
}

/** The view position of the record asked for (anchor, next of a severity, first at a time); undefined: none asked. */
function findPosition(
  ctx: ViewContext,
  cache: MergeCache,
  view: TimelineView,
  params: TimelineParams,
): number | undefined {
  if (params.anchor) {
    const p = mergedPositionOf(cache, uriToPath(params.anchor.uri), params.anchor.line);
    return p < 0 ? -1 : view.positionOf(p);
  }
  if (params.seek) {
    const { from, dir, severity } = params.seek;
    return view.seek(ctx.tables, Math.trunc(from), dir < 0 ? -1 : 1, severityIndex(severity));
  }
  if (typeof params.atTime === 'number' && Number.isFinite(params.atTime))
    return view.count ? Math.min(view.count - 1, view.lowerBoundTime(params.atTime)) : -1;
  return undefined;
}

/** The merged position of the record of `file` that holds `line`, or -1. */
function mergedPositionOf(cache: MergeCache, file: string, line: number): number {
  const source = cache.sourceFiles.indexOf(file);
  // A tail's records are not at the file's lines (rowAt): no line of the file names one of them.
  if (source < 0 || cache.lineless[source]) return -1;
  const r = cache.tables[source].indexAtLine(line);
  if (r < 0) return -1;
  if (!cache.positionOfRecord) {
    const { order } = cache;
    const inverse = cache.tables.map((t) => new Int32Array(t.length).fill(-1));
    for (let p = 0; p < order.length; p++) inverse[order.source[p]][order.record[p]] = p;
    cache.positionOfRecord = inverse;
  }
  return cache.positionOfRecord[source][r] ?? -1;
}

/** What the webview shows about the whole merge: time extent, biases, components, records of unknown zone. */
function summaryOf(cache: MergeCache): TimelineSummary {
  if (cache.summary) return cache.summary;
  const { order, tables } = cache;
  // No time sorts first: the extent is from the first record with a time to the last.
  let first = 0;
  while (first < order.length && order.times[first] !== order.times[first]) first++;
  const minT = first < order.length ? order.times[first] : null;
  const maxT = first < order.length ? order.times[order.length - 1] : null;
  const biases = new Set<number>();
  const components = new Set<string>();
  let localCount = 0;
  tables.forEach((table, k) => {
    const part = tableSummary(table, order.runs[k]);
    for (const bias of part.biases) biases.add(bias);
    for (const component of part.components) components.add(component);
    localCount += part.localCount;
  });
  const fileClocks = cache.files.map((file) => {
    const source = cache.sourceFiles.indexOf(file);
    return source < 0 ? null : firstClock(tables[source], cache.folder);
  });
  cache.summary = { minT, maxT, biases: [...biases], components: [...components], localCount, fileClocks };
  return cache.summary;
}

interface TableSummary {
  biases: number[];
  components: string[];
  localCount: number;
}

/**
 * A log's share of the summary, kept with its run (the run is made again when the log, its clock or its offset
 * changed): a folder merged again as each of its logs is read sums the logs read before instead of reading them.
 */
const tableSummaries = new WeakMap<SortedRun, TableSummary>();

function tableSummary(table: RecordTable, run: SortedRun): TableSummary {
  const kept = tableSummaries.get(run);
  if (kept) return kept;
  const biases = new Set<number>();
  const seen = new Uint8Array(table.strings.values.length);
  for (let r = 0; r < table.length; r++) {
    seen[table.componentId(r)] = 1;
    if (table.wallTime(r) === null) continue; // no time: its bias says nothing about the display
    // The bias a row's UTC was had with: its log's own, else the one inferred or set for its folder.
    const bias = table.biasMinutes(r);
    if (bias !== null) biases.add(bias);
    else if (table.utc(r) !== null) {
      const source = table.utcSource(r);
      if (typeof source.biasMinutes === 'number') biases.add(source.biasMinutes);
    }
  }
  const components: string[] = [];
  seen.forEach((on, id) => on && components.push(table.strings.values[id]));
  let localCount = 0;
  for (let r = 0; r < run.length; r++) localCount += run.byLocal[r];
  const summary = { biases: [...biases], components, localCount };
  tableSummaries.set(run, summary);
  return summary;
}

/** The clock of a log's first record whose zone the log does not write (its UTC inferred, set, or unknown). */
function firstClock(table: RecordTable, folder: string | null): RowClock | null {
  for (let r = 0; r < table.length; r++) {
    if (table.wallTime(r) === null) continue;
    return clockOf(table.utcSource(r), folder) ?? (table.utc(r) === null ? { kind: 'local' } : null);
  }
  return null;
}

function linkedOf(ctx: ViewContext, cache: MergeCache, view: TimelineView, keys: string[]): TimelinePage['linked'] {
  const all = linkedPositions(ctx, keys);
  const files = new Set<number>();
  for (const p of all) files.add(cache.order.source[p]);
  const first = all.subarray(0, LINKED_MAX);
  return {
    total: all.length,
    files: files.size,
    rows: [...first].map((p) => rowAt(cache, p)),
    positions: [...first].map((p) => view.positionOf(p)),
  };
}

/** A row names its file by position in the page's `files`: a full path and URI in each of 20,000 rows were most of a page. */
function toRow(item: TimelineItem, i: number, f: number, folder: string | null): TimelineRow {
  const { record, time } = item;
  const clock = rowClock(item, folder);
  return {
    ...(clock && { clock }),
    i,
    f,
    line: record.line,
    endLine: record.endLine,
    t: time,
    local: record.local,
    bias: record.biasMinutes,
    severity: record.severity,
    component: record.component,
    thread: record.thread,
    message: record.message.length > 4000 ? record.message.slice(0, 4000) + '…' : record.message,
    keys: recordKeys(record),
  };
}

/** The row's clock when its log wrote no zone: UTC inferred or set by the user, or placed by local time only. */
function rowClock(item: TimelineItem, folder: string | null): RowClock | undefined {
  if (item.placedByLocal) return { kind: 'local' };
  return clockOf(item.records.utcSource(item.recordIndex), folder);
}

/** A UTC inferred or set by the user as the webview shows it; undefined for a zone the log writes itself. */
function clockOf(source: UtcSource, folder: string | null): RowClock | undefined {
  if (source.kind === 'inferred')
    // Named relative to the folder of the timeline's logs: two machines' ccmsetup.log are told apart.
    return {
      kind: 'inferred',
      from: sourceLogPath(source.from ?? '', folder ? [folder] : []),
      bias: source.biasMinutes,
    };
  if (source.kind === 'user') return { kind: 'user', bias: source.biasMinutes };
  return undefined;
}
