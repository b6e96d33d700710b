// Which records of one file hold which linking key, as three flat arrays instead of a map of lists: 670,000
// postings of a 200 MB client folder cost ~3 MB here, where a Map of number[] per key and file cost ~100 MB
// and slowed every garbage collection. Plain data, so a worker thread can build it and hand it over.
import { KeyTable, type PackedKeys } from './keyTable';
import { KeyScanner } from './keys';
import type { RecordTable } from './table';

export interface FilePostings {
  /** The distinct keys, in the order they were first met (strings: packedKey in keyTable.ts). */
  keys: PackedKeys;
  /** The records holding keys[k] are records[starts[k] .. starts[k + 1]), ascending, each once. */
  starts: Int32Array;
  records: Int32Array;
}

/** The postings of records `from`.. of a table (its messages scanned once, in order). */
export function collectPostings(table: RecordTable, from = 0): FilePostings {
  const builder = new PostingsBuilder(Math.max(0, table.length - from), from);
  builder.catchUp(table);
  return builder.finish();
}

/**
 * Postings built as records come: the CMTrace fast path hands each message's bytes over while they are still in
 * the chunk just read (`add`), so the file is not read a second time for its keys; records it left to the general
 * parser are scanned from the table (`catchUp`).
 */
export class PostingsBuilder {
  private readonly keys: KeyTable;
  private lastRecord: Int32Array;
  private pairs: Int32Array;
  private count = 0;
  private record = 0;
  private scanner: KeyScanner | null = null;
  private bytes: Buffer | null = null;
  private readonly onGuid = (start: number) => this.onId(this.guidId(this.bytes!, start));
  private readonly onKb = (key: string) => this.onId(this.kbId(key));

  /**
   * @param expectedRecords about one key per record in ConfigMgr logs: room for that up front
   * @param next the first record to be scanned
   */
  constructor(
    expectedRecords: number,
    private next = 0,
  ) {
    const kept = spare;
    spare = null;
    this.keys = kept?.keys ?? new KeyTable();
    this.keys.clear();
    this.lastRecord = kept?.lastRecord.fill(-1) ?? new Int32Array(256).fill(-1);
    const pairs = Math.max(8192, 2 * expectedRecords);
    this.pairs = kept && kept.pairs.length >= pairs ? kept.pairs : new Int32Array(pairs);
  }

  /** Record `index`'s message is bytes[start, end): `index` must be the next record not scanned yet. */
  add(index: number, bytes: Buffer, start: number, end: number): void {
    this.record = index;
    this.next = index + 1;
    // A KeyScanner reads one buffer forward only: a new buffer (the next chunk) gets a new one.
    if (bytes !== this.bytes) this.scanner = new KeyScanner((this.bytes = bytes));
    this.scanner!.scanPositions(start, end, this.onGuid, this.onKb);
  }

  /** The id of the GUID at bytes[start..start + 36) (any case), made when new. */
  guidId(bytes: Uint8Array, start: number): number {
    return this.keys.idOf(bytes, start, start + GUID_LENGTH, true);
  }

  /** The id of a "KB" number, made when new. */
  kbId(key: string): number {
    return this.keys.idOfString(key);
  }

  /** The id of the key bytes[start, end), already folded as keys.ts folds keys (the WebAssembly scanner's key table), made when new. */
  keyId(bytes: Uint8Array, start: number, end: number): number {
    return this.keys.idOf(bytes, start, end);
  }

  /**
   * The id of the key bytes[start, end) with its hash (keyTable.ts's hashOf), when the caller knows it is not in
   * the table: the WebAssembly scanner's new keys, while the table holds only keys it handed over (see keyCount).
   */
  newKey(bytes: Uint8Array, start: number, end: number, hash: number): number {
    return this.keys.append(bytes, start, end, hash);
  }

  /** How many distinct keys the table holds. */
  get keyCount(): number {
    return this.keys.count;
  }

  /** Record `index` holds key `id` (found by the WebAssembly scanner): records must come in order. */
  addKey(index: number, id: number): void {
    this.record = index;
    this.onId(id);
  }

  /** Records below `next` are scanned (the scanner read them and gave their keys to addKey). */
  scannedUpTo(next: number): void {
    this.next = next;
  }

  /** Scans the table's records not scanned yet. */
  catchUp(table: RecordTable): void {
    if (this.next < table.length)
      table.scanMessages(this.next, (bytes, start, end, i) => this.add(i, bytes, start, end));
  }

  /** The postings (copied out: the builder's memory goes to the next builder of this thread, so it is done). */
  finish(): FilePostings {
    this.scanner = null;
    this.bytes = null;
    const postings = groupByKey(this.keys.packed(), this.pairs, this.count);
    spare = { keys: this.keys, pairs: this.pairs, lastRecord: this.lastRecord };
    return postings;
  }

  private onId(id: number): void {
    if (id >= this.lastRecord.length)
      this.lastRecord = grown(this.lastRecord, Math.max(id + 1, this.lastRecord.length * 2), -1);
    if (this.lastRecord[id] === this.record) return; // the same key twice in one message
    this.lastRecord[id] = this.record;
    if (this.count * 2 + 2 > this.pairs.length) this.pairs = grown(this.pairs, this.pairs.length * 2, 0);
    this.pairs[this.count * 2] = id;
    this.pairs[this.count * 2 + 1] = this.record;
    this.count++;
  }
}

const GUID_LENGTH = 36;

/**
 * The working memory of the last finished builder, for the next one in this thread: a builder per file made
 * fresh arrays for every file, and fresh memory costs more here than the work done in it.
 */
let spare: { keys: KeyTable; pairs: Int32Array; lastRecord: Int32Array } | null = null;

/** (key, record) pairs in record order → records grouped by key, still ascending within each key. */
function groupByKey(keys: PackedKeys, pairs: Int32Array, count: number): FilePostings {
  const n = keys.ends.length;
  const starts = new Int32Array(n + 1);
  for (let p = 0; p < count; p++) starts[pairs[p * 2] + 1]++;
  for (let k = 0; k < n; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, n);
  const records = new Int32Array(count);
  for (let p = 0; p < count; p++) records[fill[pairs[p * 2]]++] = pairs[p * 2 + 1];
  return { keys, starts, records };
}

function grown(array: Int32Array, length: number, fill: number): Int32Array {
  const next = new Int32Array(length);
  if (fill !== 0) next.fill(fill, array.length);
  next.set(array);
  return next;
}

/** The typed arrays of postings, for postMessage's transfer list. */
export function postingsTransfer(postings: FilePostings): ArrayBuffer[] {
  return [
    postings.keys.bytes.buffer as ArrayBuffer,
    postings.keys.ends.buffer as ArrayBuffer,
    postings.keys.hashes.buffer as ArrayBuffer,
    postings.starts.buffer as ArrayBuffer,
    postings.records.buffer as ArrayBuffer,
  ];
}
