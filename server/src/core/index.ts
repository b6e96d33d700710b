// LogIndex: the records of a set of files and, for every linking key, where it occurs. Built once per
// file; hovers, references and the timeline answer from it without re-reading logs.
import { findKeys, KeyScanner, guessKeyKind, type KeyMatch } from './keys';
import type { ParseResult } from './parse';
import type { LogRecord } from './record';
import type { RecordTable } from './table';

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
  keys: Set<string>;
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

export class LogIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** key → file → record indices (ascending). */
  private readonly postings = new Map<string, Map<string, number[]>>();
  /** Changes whenever records are added or removed, so derived views know when to rebuild. */
  generation = 0;

  /** Adds or replaces a file's records. */
  setFile(result: ParseResult): void {
    this.removeFile(result.file);
    this.generation++;
    const keys = new Set<string>();
    this.files.set(result.file, { result, keys });
    this.indexFrom(result.file, result.records, 0, keys);
  }

  /**
   * A growing log's table changed in place from record `keep` on (its provisional tail was replaced and
   * records were added): postings of the old tail are dropped and the new records indexed.
   */
  recordsChanged(file: string, keep: number): void {
    const entry = this.files.get(file);
    if (!entry) return;
    this.generation++;
    for (const key of entry.keys) {
      const list = this.postings.get(key)?.get(file);
      while (list && list.length && list[list.length - 1] >= keep) list.pop();
    }
    this.indexFrom(file, entry.result.records, keep, entry.keys);
  }

  /** Adds records to the end of a file (tests and callers that parse the new text themselves). */
  appendRecords(file: string, records: LogRecord[]): void {
    const table = this.files.get(file)?.result.records;
    if (!table) return;
    const from = table.length;
    for (const r of records) table.push(r);
    this.recordsChanged(file, from);
  }

  /** Postings of records `from`.. of a file: collected locally, then joined to the shared map once per key. */
  private indexFrom(file: string, records: RecordTable, from: number, keys: Set<string>): void {
    const local = new Map<string, number[]>();
    let index = 0;
    const add = (key: string) => {
      const list = local.get(key);
      if (!list) local.set(key, [index]);
      else if (list[list.length - 1] !== index) list.push(index);
    };
    let scanner: KeyScanner | null = null;
    records.scanMessages(from, (bytes, start, end, i) => {
      index = i;
      (scanner ??= new KeyScanner(bytes)).scan(start, end, add);
    });
    for (const [key, list] of local) {
      let byFile = this.postings.get(key);
      if (!byFile) this.postings.set(key, (byFile = new Map()));
      const existing = byFile.get(file);
      if (existing) for (const i of list) existing.push(i);
      else byFile.set(file, list);
      keys.add(key);
    }
  }

  removeFile(file: string): void {
    const entry = this.files.get(file);
    if (!entry) return;
    this.generation++;
    for (const key of entry.keys) {
      const byFile = this.postings.get(key);
      byFile?.delete(file);
      if (byFile && byFile.size === 0) this.postings.delete(key);
    }
    this.files.delete(file);
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
    const out = new Map<string, Set<number>>();
    for (const [file, indices] of this.postings.get(key) ?? []) out.set(file, new Set(indices));
    return out;
  }

  /** Every occurrence of a key, in file order then record order. */
  occurrences(key: string): Occurrence[] {
    const byFile = this.postings.get(key);
    if (!byFile) return [];
    const out: Occurrence[] = [];
    for (const [file, indices] of byFile) {
      const records = this.files.get(file)!.result.records;
      for (const recordIndex of dedupe(indices)) {
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
    const byFile = this.postings.get(key);
    if (!byFile) return undefined;
    let count = 0;
    let firstUtc: number | null = null;
    let lastUtc: number | null = null;
    const files: KeySummary['files'] = [];
    for (const [file, indices] of byFile) {
      if (!indices.length) continue;
      const records = this.files.get(file)!.result.records;
      files.push({ file, count: indices.length });
      count += indices.length;
      for (const i of indices) {
        const t = records.utc(i);
        if (t === null) continue;
        if (firstUtc === null || t < firstUtc) firstUtc = t;
        if (lastUtc === null || t > lastUtc) lastUtc = t;
      }
    }
    if (!count) return undefined;
    return { key, kinds: this.kindsOf(byFile, key), count, files, firstUtc, lastUtc };
  }

  private kindsOf(byFile: Map<string, number[]>, key: string): string[] {
    const kinds = new Set<string>();
    let looked = 0;
    for (const [file, indices] of byFile) {
      const records = this.files.get(file)!.result.records;
      for (const i of indices.slice(0, KIND_SAMPLE)) {
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

  /** All keys known to the index (workspace symbols). */
  keys(): IterableIterator<string> {
    return this.postings.keys();
  }
}

function dedupe(sorted: number[]): number[] {
  return sorted.filter((v, i) => i === 0 || sorted[i - 1] !== v);
}
