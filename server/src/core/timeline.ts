// Many logs → one sequence in UTC order. Each file may carry a clock offset (a machine whose clock was
// skewed); records without a time keep their place after the record before them in the same file.
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
  ) {}

  get record(): LogRecord {
    return this.records.get(this.recordIndex);
  }
}

/** Merges by time; ties keep file order, then record order, so the result is deterministic. */
export function mergeTimeline(sources: TimelineSource[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  sources.forEach((source, sourceIndex) => {
    const offset = source.clockOffsetMs ?? 0;
    const records = source.records;
    let last: number | null = null;
    for (let recordIndex = 0; recordIndex < records.length; recordIndex++) {
      const utc = records.utc(recordIndex);
      if (utc !== null) last = utc + offset;
      items.push(new TimelineItem(records, last, sourceIndex, recordIndex));
    }
  });
  const keyOf = (item: TimelineItem) => (item.time === null ? -Infinity : item.time);
  const order = new Float64Array(items.length);
  items.forEach((item, i) => (order[i] = keyOf(item)));
  const indices = Array.from(items.keys());
  indices.sort((a, b) => order[a] - order[b] || items[a].sourceIndex - items[b].sourceIndex || items[a].recordIndex - items[b].recordIndex);
  return indices.map((i) => items[i]);
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
  return items.filter((item) => {
    const { record, time } = item;
    if (filter.severities && !filter.severities.has(record.severity)) return false;
    if (filter.fromUtc !== undefined && (time === null || time < filter.fromUtc)) return false;
    if (filter.toUtc !== undefined && (time === null || time > filter.toUtc)) return false;
    if (filter.text && !filter.text.test(record.message)) return false;
    if (filter.key && !findKeys(record.message).some((k) => k.key === filter.key)) return false;
    return true;
  });
}

/** The distinct keys of a record, in order of appearance. */
export function recordKeys(record: LogRecord): string[] {
  return [...new Set(findKeys(record.message).map((k) => k.key))];
}
