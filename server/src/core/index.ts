// LogIndex: the records of a set of files and, for every linking key, where it occurs. Built once per
// file; hovers, references and the timeline answer from it without re-reading logs.
import { KeyTable } from './keyTable';
import { findKeys, guessKeyKind, type KeyMatch } from './keys';
import { collectPostings, type FilePostings } from './postings';
import type { ParseResult } from './parse';
import type { LogRecord } from './record';

export interface Occurrence {
  file: string;
  /** Index of the record in its file's record list. */
  recordIndex: number;
  record: LogRecord;
  /** The match inside record.message. */
  match: KeyMatch;
}

interface IndexedFile {
  result: ParseResult;
  /** Ids of the file's keys, ascending (found by binary search), and the file's own number for each. */
  ids: Int32Array;
  locals: Int32Array;
  /** The file's postings, by its own key numbers (see FilePostings): key k's records are records[starts[k]..starts[k + 1]). */
  starts: Int32Array;
  records: Int32Array;
  /** Compact postings at or above this record index are gone (a growing log's provisional tail was replaced). */
  compactLimit: number;
  /** Postings of records added after the compact ones (a growing log): key id → record indices, ascending. */
  tail: Map<number, number[]>;
}

export interface KeySummary {
  key: string;
  kinds: string[];
  count: number;
  files: Array<{ file: string; count: number }>;
  firstUtc: number | null;
  lastUtc: number | null;
}

/** Occurrences per file looked at to name what a GUID is (ScanJob, UpdateSource, ...). */
const KIND_SAMPLE = 25;
const NONE = new Int32Array(0);
/** (value, position) packed as value * PACK + position sort exactly in a double while both are below 2^26. */
const PACK = 2 ** 26;

export class LogIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** Every key gets a number once; files list their keys by number. */
  private readonly keyTable = new KeyTable();
  /** Changes whenever records are added or removed, so derived views know when to rebuild. */
  generation = 0;

  /**
   * Adds or replaces a file's records, indexed by the postings parseFile or a worker collected with them (else
   * collected now). The postings are handed over: the result no longer holds them, since the index keeps them in
   * its own form (kept in the result too, every key's string stayed in memory twice: 6 MB on the bench corpus).
   */
  setFile(result: ParseResult): void {
    this.removeFile(result.file);
    this.generation++;
    const postings = result.postings ?? collectPostings(result.records);
    delete result.postings;
    this.files.set(result.file, { result, ...this.compact(postings), compactLimit: Infinity, tail: new Map() });
  }

  /**
   * A file's postings as they are, with its keys numbered in the index and listed by number (so a key is found
   * by binary search): the posting lists are not copied.
   */
  private compact(postings: FilePostings): Pick<IndexedFile, 'ids' | 'locals' | 'starts' | 'records'> {
    const { bytes, ends } = postings.keys;
    const n = ends.length;
    const global = new Float64Array(n);
    for (let k = 0; k < n; k++) global[k] = this.keyTable.idOf(bytes, k > 0 ? ends[k - 1] : 0, ends[k]);
    const locals = byValue(global);
    const ids = new Int32Array(n);
    for (let j = 0; j < n; j++) ids[j] = global[locals[j]];
    return { ids, locals, starts: postings.starts, records: postings.records };
  }

  /**
   * A growing log's table changed in place from record `keep` on (its provisional tail was replaced and
   * records were added): postings of the old tail are dropped and the new records indexed.
   */
  recordsChanged(file: string, keep: number): void {
    const entry = this.files.get(file);
    if (!entry) return;
    this.generation++;
    entry.compactLimit = Math.min(entry.compactLimit, keep);
    for (const [id, list] of entry.tail) {
      while (list.length && list[list.length - 1] >= keep) list.pop();
      if (!list.length) entry.tail.delete(id);
    }
    const added = collectPostings(entry.result.records, keep);
    const { bytes, ends } = added.keys;
    for (let k = 0; k < ends.length; k++) {
      const id = this.keyTable.idOf(bytes, k > 0 ? ends[k - 1] : 0, ends[k]);
      const list = entry.tail.get(id);
      const records = Array.from(added.records.subarray(added.starts[k], added.starts[k + 1]));
      if (list) list.push(...records);
      else entry.tail.set(id, records);
    }
  }

  /** The posting list of the key at position j of `ids`, without records at or above compactLimit. */
  private compactList(entry: IndexedFile, j: number): Int32Array {
    const k = entry.locals[j];
    const from = entry.starts[k];
    let to = entry.starts[k + 1];
    while (to > from && entry.records[to - 1] >= entry.compactLimit) to--;
    return entry.records.subarray(from, to);
  }

  /** The records of a file that hold a key (ascending, each once). */
  private recordsOf(entry: IndexedFile, id: number): ArrayLike<number> {
    const j = findId(entry.ids, id);
    const compact = j < 0 ? NONE : this.compactList(entry, j);
    const tail = entry.tail.get(id);
    if (!tail) return compact;
    return compact.length ? [...compact, ...tail] : tail;
  }

  /** file → the records holding the key, for every file that has it (in the order the files were added). */
  private postingsOf(key: string): Array<[string, ArrayLike<number>]> {
    const id = this.keyTable.find(key);
    if (id < 0) return [];
    const out: Array<[string, ArrayLike<number>]> = [];
    for (const [file, entry] of this.files) {
      const list = this.recordsOf(entry, id);
      if (list.length) out.push([file, list]);
    }
    return out;
  }

  /** Adds records to the end of a file (tests and callers that parse the new text themselves). */
  appendRecords(file: string, records: LogRecord[]): void {
    const table = this.files.get(file)?.result.records;
    if (!table) return;
    const from = table.length;
    for (const r of records) table.push(r);
    this.recordsChanged(file, from);
  }

  removeFile(file: string): void {
    const entry = this.files.get(file);
    if (!entry) return;
    this.generation++;
    this.files.delete(file);
    entry.result.records.release(); // no open handle left on a file that is no longer shown (Windows would keep it from being deleted)
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  file(file: string): ParseResult | undefined {
    return this.files.get(file)?.result;
  }

  get recordCount(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.result.records.length;
    return n;
  }

  /** The record covering a 1-based line, by binary search over the file's records. */
  recordAt(file: string, line: number): { record: LogRecord; index: number } | undefined {
    const records = this.files.get(file)?.result.records;
    const index = records ? records.indexAtLine(line) : -1;
    return index < 0 ? undefined : { record: records!.get(index), index };
  }

  /** The records holding a key: file → record indices (ascending, no duplicates). */
  recordsWithKey(key: string): Map<string, Set<number>> {
    return new Map(this.postingsOf(key).map(([file, list]) => [file, new Set(Array.from(list))]));
  }

  /** Every occurrence of a key, in file order then record order. */
  occurrences(key: string): Occurrence[] {
    const out: Occurrence[] = [];
    for (const [file, indices] of this.postingsOf(key)) {
      const records = this.files.get(file)!.result.records;
      for (const recordIndex of Array.from(indices)) {
        const record = records.get(recordIndex);
        for (const match of findKeys(record.message)) if (match.key === key) out.push({ file, recordIndex, record, match });
      }
    }
    return out;
  }

  /**
   * What a hover says about a key: counts and time span straight from the postings (no message is scanned
   * again, so a GUID with 40,000 occurrences answers as fast as one with two), kinds from the first few.
   */
  summarize(key: string): KeySummary | undefined {
    const byFile = this.postingsOf(key);
    if (!byFile.length) return undefined;
    let count = 0;
    let firstUtc: number | null = null;
    let lastUtc: number | null = null;
    const files: KeySummary['files'] = [];
    for (const [file, indices] of byFile) {
      if (!indices.length) continue;
      const records = this.files.get(file)!.result.records;
      files.push({ file, count: indices.length });
      count += indices.length;
      for (let k = 0; k < indices.length; k++) {
        const t = records.utc(indices[k]);
        if (t === null) continue;
        if (firstUtc === null || t < firstUtc) firstUtc = t;
        if (lastUtc === null || t > lastUtc) lastUtc = t;
      }
    }
    if (!count) return undefined;
    return { key, kinds: this.kindsOf(byFile, key), count, files, firstUtc, lastUtc };
  }

  private kindsOf(byFile: Array<[string, ArrayLike<number>]>, key: string): string[] {
    const kinds = new Set<string>();
    let looked = 0;
    for (const [file, indices] of byFile) {
      const records = this.files.get(file)!.result.records;
      for (const i of Array.from(indices).slice(0, KIND_SAMPLE)) {
        const message = records.message(i);
        for (const match of findKeys(message)) {
          if (match.key !== key) continue;
          const kind = guessKeyKind(message.slice(0, match.start));
          if (kind) kinds.add(kind);
        }
        if (++looked >= KIND_SAMPLE * 4) return [...kinds];
      }
    }
    return [...kinds];
  }

  /** All keys in at least one file (workspace symbols): gathered when asked, from each file's postings. */
  keys(): IterableIterator<string> {
    const present = new Set<number>();
    for (const entry of this.files.values()) {
      for (let j = 0; j < entry.ids.length; j++) if (this.compactList(entry, j).length) present.add(entry.ids[j]);
      for (const id of entry.tail.keys()) present.add(id);
    }
    return [...present].sort((a, b) => a - b).map((id) => this.keyTable.name(id))[Symbol.iterator]();
  }
}

/**
 * The positions of `values` (distinct non-negative integers) in ascending order of value: a numeric sort of
 * packed numbers (no comparator calls, no boxed arrays), or a comparator sort beyond what packing holds exactly.
 */
function byValue(values: Float64Array): Int32Array {
  const n = values.length;
  let max = 0;
  for (let k = 0; k < n; k++) if (values[k] > max) max = values[k];
  if (n >= PACK || max >= PACK) return Int32Array.from(Array.from({ length: n }, (_, k) => k).sort((a, b) => values[a] - values[b]));
  const packed = new Float64Array(n);
  for (let k = 0; k < n; k++) packed[k] = values[k] * PACK + k;
  packed.sort();
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = packed[j] % PACK;
  return order;
}

/** Position of `id` in ascending `ids`, or -1. */
function findId(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] < id) lo = mid + 1;
    else if (ids[mid] > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}
