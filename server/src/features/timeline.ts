// The timeline webview's pages: the records of many logs merged by UTC, served a page at a time.
import { dirname } from 'node:path';
import { commonFolder, sourceLogPath } from '../core/clock';
import type { LogIndex } from '../core/logIndex';
import { mergeOrder, recordKeys, type MergedOrder, type TimelineItem } from '../core/timeline';
import type { RowClock, TimelinePage, TimelineParams, TimelineRow } from '../protocol';
import { pathToUri, uriToPath } from '../workspace';

// Merging a million records takes a moment: keep each index's last merge (and the key selections made
// from it) until its inputs change. The merge is kept as typed arrays (MergedOrder, ~16 bytes a record);
// items are made only for the rows of a page.
interface MergeCache {
  signature: string;
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
}
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

function merged(index: LogIndex, params: TimelineParams): MergeCache {
  const files = timelineFiles(index, params);
  const offsets = params.clockOffsets ?? {};
  const signature = JSON.stringify([index.generation, files, offsets]);
  const cached = caches.get(index);
  if (cached?.signature === signature) return cached;
  const sources = files.flatMap((file) => {
    const result = index.file(file);
    return result ? [{ file, records: result.records, clockOffsetMs: offsets[pathToUri(file)] ?? 0 }] : [];
  });
  const sourceFiles = sources.map((s) => s.file);
  const fileOfSource = sourceFiles.map((file) => files.indexOf(file));
  const fresh = {
    signature,
    order: mergeOrder(sources),
    files,
    sourceFiles,
    fileOfSource,
    folder: commonFolder(files),
    byKey: new Map<string, Int32Array>(),
  };
  caches.set(index, fresh);
  return fresh;
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

export function timelinePage(index: LogIndex, params: TimelineParams): TimelinePage {
  const cache = merged(index, params);
  const { order } = cache;
  const selected = params.key ? selectKey(index, cache, params.key) : undefined;
  const total = selected ? selected.length : order.length;
  const offset = Math.max(0, params.offset ?? 0);
  const limit = Math.min(Math.max(1, params.limit ?? 5000), 50_000);
  const rows = order
    .items(offset, offset + limit, selected)
    .map((item, k) => toRow(item, offset + k, cache.fileOfSource[item.sourceIndex], cache.folder));
  return {
    total,
    offset,
    rows,
    files: cache.files.map((file) => ({ uri: pathToUri(file), file, records: index.file(file)?.records.length ?? 0 })),
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
  const source = item.records.utcSource(item.recordIndex);
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
