// Which records of one file hold which linking key, as three flat arrays instead of a map of lists: 670,000
// postings of a 200 MB client folder cost ~3 MB here, where a Map of number[] per key and file cost ~100 MB
// and slowed every garbage collection. Plain data, so a worker thread can build it and hand it over.
import { KeyScanner } from './keys';
import { latin1 } from './read/bytes';
import type { RecordTable } from './table';

export interface FilePostings {
  /** The distinct keys, in the order they were first met. */
  keys: string[];
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
  private readonly keys: string[] = [];
  private readonly guids = new GuidIds(this.keys);
  private readonly kbIds = new Map<string, number>();
  private lastRecord: Int32Array = new Int32Array(256).fill(-1);
  private pairs: Int32Array;
  private count = 0;
  private record = 0;
  private scanner: KeyScanner | null = null;
  private bytes: Buffer | null = null;
  private readonly onGuid = (start: number) => this.onId(this.guids.id(this.bytes!, start));
  private readonly onKb = (key: string) => this.onId(this.kbId(key));

  /**
   * @param expectedRecords about one key per record in ConfigMgr logs: room for that up front
   * @param next the first record to be scanned
   */
  constructor(
    expectedRecords: number,
    private next = 0,
  ) {
    this.pairs = new Int32Array(Math.max(8192, 2 * expectedRecords));
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
    return this.guids.id(bytes, start);
  }

  /** The id of a "KB" number, made when new. */
  kbId(key: string): number {
    let id = this.kbIds.get(key);
    if (id === undefined) this.kbIds.set(key, (id = this.keys.push(key) - 1));
    return id;
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
    if (this.next < table.length) table.scanMessages(this.next, (bytes, start, end, i) => this.add(i, bytes, start, end));
  }

  finish(): FilePostings {
    this.scanner = null;
    this.bytes = null;
    return groupByKey(this.keys, this.pairs, this.count);
  }

  private onId(id: number): void {
    if (id >= this.lastRecord.length) this.lastRecord = grown(this.lastRecord, Math.max(id + 1, this.lastRecord.length * 2), -1);
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
 * GUIDs found as bytes → ids, without making a string for each occurrence: hashed from their bytes (hex
 * letters folded to lower case) and compared byte by byte; a string is made once per distinct GUID.
 */
class GuidIds {
  private slots = new Int32Array(1024).fill(-1);
  private hashes: Int32Array = new Int32Array(256);
  private ids: number[] = [];
  /** The lower-case bytes of each distinct GUID, 36 each. */
  private bytes = Buffer.alloc(256 * GUID_LENGTH);
  private count = 0;

  constructor(private readonly keys: string[]) {}

  id(data: Uint8Array, start: number): number {
    const hash = hashGuid(data, start);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const n = this.slots[slot];
      if (n < 0) return this.add(data, start, hash, slot);
      if (this.hashes[n] === hash && this.same(n, data, start)) return this.ids[n];
    }
  }

  private same(n: number, data: Uint8Array, start: number): boolean {
    const at = n * GUID_LENGTH;
    for (let i = 0; i < GUID_LENGTH; i++) if (this.bytes[at + i] !== (data[start + i] | 32)) return false;
    return true;
  }

  private add(data: Uint8Array, start: number, hash: number, slot: number): number {
    const n = this.count++;
    if (n >= this.hashes.length) {
      this.hashes = grown(this.hashes, this.hashes.length * 2, 0);
      const bytes = Buffer.alloc(this.bytes.length * 2);
      bytes.set(this.bytes);
      this.bytes = bytes;
    }
    this.hashes[n] = hash;
    const at = n * GUID_LENGTH;
    // Hex letters and digits in lower case ("-" stays "-"); one flat string from the bytes, not 36 concatenations
    // (a rope that every later Map lookup would have to flatten).
    for (let i = 0; i < GUID_LENGTH; i++) this.bytes[at + i] = data[start + i] | 32;
    this.ids.push(this.keys.push(latin1(this.bytes, at, at + GUID_LENGTH)) - 1);
    this.slots[slot] = n;
    if (this.count * 2 > this.slots.length) this.rehash();
    return this.ids[n];
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let n = 0; n < this.count; n++) {
      let slot = this.hashes[n] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = n;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the first 8 and the last 12 hex digits (the random parts of a GUID), case folded. */
function hashGuid(data: Uint8Array, start: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 8; i++) h = Math.imul(h ^ (data[start + i] | 32), 16777619);
  for (let i = 24; i < GUID_LENGTH; i++) h = Math.imul(h ^ (data[start + i] | 32), 16777619);
  return h >>> 1;
}

/** (key, record) pairs in record order → records grouped by key, still ascending within each key. */
function groupByKey(keys: string[], pairs: Int32Array, count: number): FilePostings {
  const starts = new Int32Array(keys.length + 1);
  for (let p = 0; p < count; p++) starts[pairs[p * 2] + 1]++;
  for (let k = 0; k < keys.length; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, keys.length);
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
  return [postings.starts.buffer as ArrayBuffer, postings.records.buffer as ArrayBuffer];
}
