// LogIndex: the records of a set of files and, for every linking key, where it occurs. Built once per
// file; hovers, references and the timeline answer from it without re-reading logs.
import { biasRunsOf, machineClock, machineOf, type BiasRun } from './clock';
import { KeyTable, type PackedKeys } from './keyTable';
import { findKeys, guessKeyKind, type KeyMatch } from './keys';
import { collectPostings } from './postings';
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
  /**
   * The file's keys, numbered as its postings number them, made into a table when first looked up in: the
   * index numbers no key itself, so adding a file costs nothing per key (numbering every key of every file in
   * one table took a third of the calling thread's time when workers parse).
   */
  keys: PackedKeys;
  table: KeyTable | null;
  /** Key k's records are records[starts[k]..starts[k + 1]) (see FilePostings). */
  starts: Int32Array;
  records: Int32Array;
  /** Compact postings at or above this record index are gone (a growing log's provisional tail was replaced). */
  compactLimit: number;
  /** Postings of records added after the compact ones (a growing log): key number → record indices, ascending. */
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

export class LogIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** Changes whenever records are added or removed, so derived views know when to rebuild. */
  generation = 0;
  /** Folders (machines) whose clock must be learnt again before records are read (see core/clock.ts). */
  private readonly staleClocks = new Set<string>();
  /** Offsets the user set, by folder, as biases (UTC = local + bias). */
  private userBiases = new Map<string, number>();
  /** Each log's bias runs, kept while the log has not changed (a growing log's are read again). */
  private readonly runs = new WeakMap<RecordTable, { length: number; runs: BiasRun[] }>();

  /** The offsets the user set per folder (bias minutes, UTC = local + bias): they win over what is learnt. */
  setUserBiases(biases: Map<string, number>): void {
    const changed = [...new Set([...this.userBiases.keys(), ...biases.keys()])].filter(
      (folder) => this.userBiases.get(folder) !== biases.get(folder),
    );
    if (!changed.length) return;
    for (const folder of changed) this.staleClocks.add(folder);
    this.userBiases = new Map(biases);
    this.generation++;
  }

  /** Learns the clocks of the folders whose logs changed, once, before any record is read. */
  private settleClocks(): void {
    if (!this.staleClocks.size) return;
    const byMachine = new Map<string, RecordTable[]>();
    for (const [file, entry] of this.files) {
      const machine = machineOf(file);
      if (this.staleClocks.has(machine))
        byMachine.set(machine, [...(byMachine.get(machine) ?? []), entry.result.records]);
    }
    this.staleClocks.clear();
    const options = {
      userBias: (folder: string) => this.userBiases.get(folder),
      runsOf: (table: RecordTable) => this.runsOf(table),
    };
    for (const [machine, tables] of byMachine) {
      const clock = machineClock(machine, tables, options);
      for (const table of tables) table.clock = clock;
    }
  }

  private runsOf(table: RecordTable): BiasRun[] {
    const kept = this.runs.get(table);
    if (kept?.length === table.length) return kept.runs;
    const runs = biasRunsOf(table);
    this.runs.set(table, { length: table.length, runs });
    return runs;
  }

  /**
   * Adds or replaces a file's records, indexed by the postings parseFile or a worker collected with them (else
   * collected now). The postings are handed over: the result no longer holds them, since the index keeps them in
   * its own form (kept in the result too, every key's string stayed in memory twice: 6 MB on the bench corpus).
   */
  setFile(result: ParseResult): void {
    this.removeFile(result.file);
    this.generation++;
    this.staleClocks.add(machineOf(result.file));
    const postings = result.postings ?? collectPostings(result.records);
    delete result.postings;
    this.files.set(result.file, {
      result,
      keys: postings.keys,
      table: null,
      starts: postings.starts,
      records: postings.records,
      compactLimit: Infinity,
      tail: new Map(),
    });
  }

  /** The file's key table (made from its packed keys when first needed). */
  private tableOf(entry: IndexedFile): KeyTable {
    return (entry.table ??= KeyTable.from(entry.keys));
  }

  /**
   * A growing log's table changed in place from record `keep` on (its provisional tail was replaced and
   * records were added): postings of the old tail are dropped and the new records indexed.
   */
  recordsChanged(file: string, keep: number): void {
    const entry = this.files.get(file);
    if (!entry) return;
    this.generation++;
    this.staleClocks.add(machineOf(file));
    entry.compactLimit = Math.min(entry.compactLimit, keep);
    for (const [id, list] of entry.tail) {
      while (list.length && list[list.length - 1] >= keep) list.pop();
      if (!list.length) entry.tail.delete(id);
    }
    const added = collectPostings(entry.result.records, keep);
    const { bytes, ends } = added.keys;
    const table = this.tableOf(entry);
    for (let k = 0; k < ends.length; k++) {
      const id = table.idOf(bytes, k > 0 ? ends[k - 1] : 0, ends[k]);
      const list = entry.tail.get(id);
      const records = Array.from(added.records.subarray(added.starts[k], added.starts[k + 1]));
      if (list) list.push(...records);
      else entry.tail.set(id, records);
    }
  }

  /** The posting list of the file's key k as parsed, without records at or above compactLimit. */
  private compactList(entry: IndexedFile, k: number): Int32Array {
    if (k >= entry.keys.ends.length) return NONE; // a key met only in records added since
    const from = entry.starts[k];
    let to = entry.starts[k + 1];
    while (to > from && entry.records[to - 1] >= entry.compactLimit) to--;
    return entry.records.subarray(from, to);
  }

  /** The records of a file that hold a key (ascending, each once). */
  private recordsOf(entry: IndexedFile, key: string): ArrayLike<number> {
    const k = this.tableOf(entry).find(key);
    if (k < 0) return NONE;
    const compact = this.compactList(entry, k);
    const tail = entry.tail.get(k);
    if (!tail) return compact;
    return compact.length ? [...compact, ...tail] : tail;
  }

  /** file → the records holding the key, for every file that has it (in the order the files were added). */
  private postingsOf(key: string): Array<[string, ArrayLike<number>]> {
    const out: Array<[string, ArrayLike<number>]> = [];
    for (const [file, entry] of this.files) {
      const list = this.recordsOf(entry, key);
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
    this.staleClocks.add(machineOf(file));
    this.files.delete(file);
    entry.result.records.release(); // no open handle left on a file that is no longer shown (Windows would keep it from being deleted)
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  file(file: string): ParseResult | undefined {
    this.settleClocks();
    return this.files.get(file)?.result;
  }

  get recordCount(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.result.records.length;
    return n;
  }

  /** The record covering a 1-based line, by binary search over the file's records. */
  recordAt(file: string, line: number): { record: LogRecord; index: number } | undefined {
    this.settleClocks();
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
    this.settleClocks();
    const out: Occurrence[] = [];
    for (const [file, indices] of this.postingsOf(key)) {
      const records = this.files.get(file)!.result.records;
      for (const recordIndex of Array.from(indices)) {
        const record = records.get(recordIndex);
        for (const match of findKeys(record.message))
          if (match.key === key) out.push({ file, recordIndex, record, match });
      }
    }
    return out;
  }

  /**
   * What a hover says about a key: counts and time span straight from the postings (no message is scanned
   * again, so a GUID with 40,000 occurrences answers as fast as one with two), kinds from the first few.
   */
  summarize(key: string): KeySummary | undefined {
    this.settleClocks();
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
    const present = new Set<string>();
    for (const entry of this.files.values()) {
      const table = this.tableOf(entry);
      for (let k = 0; k < table.count; k++)
        if (this.compactList(entry, k).length || entry.tail.has(k)) present.add(table.name(k));
    }
    return present.values();
  }
}
