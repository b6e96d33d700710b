// Which records of the diagnosed logs carry which GUID, found in the messages' UTF-8 bytes and numbered in a table
// of bytes (core/keyTable.ts): making every message a string, running a regular expression over it and keeping
// each GUID as a string in a Map took a third of `cmlogs diagnose` on a 200 MB folder.
//
// A GUID here is exactly what the diagnosis' patterns capture: `(?<![0-9A-Fa-f])` + 8-4-4-4-12 hex digits,
// searched left to right, each match resumed after its end (GUID_ANYWHERE in test/unit/diagnose.guidIndex.test.ts).
// Glued after a word ("Content_…") or a dash, or followed by more hex digits (the seed's excerpts carry a few
// 13-digit last groups) it still counts. The index of keys (core/postings.ts) is stricter, so it cannot stand in.
import { NextMatch } from '../read/bytes';
import { KeyTable } from '../keyTable';
import type { RecordTable } from '../table';

const DASH = 45;
const CR = 13;
const GUID_LENGTH = 36;
/** Offsets of the dashes in a GUID. */
const DASH_AT = [8, 13, 18, 23];

/** A source's records grouped by GUID number: GUID k's records are records[starts[k] .. starts[k + 1]), ascending. */
interface SourcePostings {
  starts: Int32Array;
  records: Int32Array;
}

const NO_RECORDS: ReadonlyMap<number, Int32Array> = new Map();

export class GuidIndex {
  private readonly guids = new KeyTable();
  /** Per source, its records grouped by GUID number; made when a search first reads that source. */
  private readonly postings: Array<SourcePostings | undefined>;
  private readonly answers = new Map<number, Map<number, Int32Array>>();
  /**
   * GUID text → its number, once found: an instance asks for the same keys again and again (harvestKeys), and each
   * KeyTable.find made a buffer of the text and hashed it (~10% of the GUID index's time in a fleet reader).
   */
  private readonly numbers = new Map<string, number>();
  /** GUID text → how many sources were read when it was not found: the answer holds until another is read. */
  private readonly missing = new Map<string, number>();
  private sourcesRead = 0;

  /**
   * The GUIDs of the tables' messages (source number = position in `tables`). A table is read when a search
   * first asks for it: the diagnosis follows keys in a few logs (CAS, CTM, DTS, Location Services...), and reading
   * every message of every log for them was a fifth of `cmlogs diagnose` on a 200 MB folder.
   */
  constructor(
    private readonly tables: RecordTable[],
    /**
     * Given the message (as RecordTable.message reads it) of each record that carries a GUID, as a table is read:
     * the diagnosis keeps them, since its keyed searches read those records next, here and there in the file.
     */
    private readonly keep?: (source: number, index: number, message: string) => void,
  ) {
    this.postings = new Array(tables.length);
  }

  /** Source number → the records whose message carries the GUID (lower-case, no braces), ascending, each once. */
  withGuid(guid: string): ReadonlyMap<number, Int32Array> {
    for (let s = 0; s < this.tables.length; s++) this.postingsOf(s);
    const k = this.numberOf(guid);
    if (k < 0) return NO_RECORDS;
    let answer = this.answers.get(k);
    if (answer) return answer;
    answer = new Map();
    for (let s = 0; s < this.tables.length; s++) {
      const records = this.recordsOf(k, s);
      if (records) answer.set(s, records);
    }
    this.answers.set(k, answer);
    return answer;
  }

  /**
   * The number of the GUID (lower-case, no braces) once the given sources are read, or -1 when none of the sources
   * read so far carries it: ask recordsOf(number, s) for each of those sources.
   */
  numberIn(guid: string, sources: Iterable<number>): number {
    for (const s of sources) this.postingsOf(s);
    return this.numberOf(guid);
  }

  /** The number of the GUID in the sources read so far, or -1. */
  private numberOf(guid: string): number {
    const known = this.numbers.get(guid);
    if (known !== undefined) return known;
    if (this.missing.get(guid) === this.sourcesRead) return -1;
    const k = this.guids.find(guid);
    if (k >= 0) {
      this.numbers.set(guid, k);
      this.missing.delete(guid);
    } else this.missing.set(guid, this.sourcesRead);
    return k;
  }

  /** The records of source `s` (read: see numberIn) whose message carries GUID number `k`, ascending; none: undefined. */
  recordsOf(k: number, s: number): Int32Array | undefined {
    const postings = this.postings[s];
    if (!postings || k < 0 || k + 1 >= postings.starts.length) return undefined;
    const from = postings.starts[k];
    const to = postings.starts[k + 1];
    return to > from ? postings.records.subarray(from, to) : undefined;
  }

  private postingsOf(s: number): SourcePostings {
    let postings = this.postings[s];
    if (!postings) {
      postings = this.postings[s] = groupByGuid(this.scan(this.tables[s], s), this.guids.count);
      this.sourcesRead++;
    }
    return postings;
  }

  /** (GUID number, record) pairs of a table, in record order, each GUID once per record. */
  private scan(table: RecordTable, s: number): Pairs {
    const pairs = new Pairs();
    let record = 0;
    const onGuid = (bytes: Uint8Array, start: number) => {
      pairs.add(this.guids.idOf(bytes, start, start + GUID_LENGTH, true), record);
    };
    // The next CR and dash of the buffer being read, found with memchr and kept while ahead (buffers are read
    // forward; a new read is a new buffer object).
    let buffer: Buffer | null = null;
    let crs: NextMatch | null = null;
    let dashes: NextMatch | null = null;
    table.scanMessages(0, (bytes, start, end, index) => {
      record = index;
      if (bytes !== buffer) {
        crs = new NextMatch((buffer = bytes), CR);
        dashes = new NextMatch(bytes, DASH);
      }
      if (dashes!.from(start) >= end) return; // no dash, no GUID
      // A message with a CR in it: its text is what RecordTable.message gives (a multi-line one without its CRs).
      const before = pairs.count;
      if (crs!.from(start) < end) {
        const text = table.messageBytes(index);
        if (!text) return;
        guidsIn(text, 0, text.length, onGuid);
        if (this.keep && pairs.count > before)
          this.keep(s, index, Buffer.from(text.buffer, text.byteOffset, text.length).toString('utf8'));
      } else {
        guidsIn(bytes, start, end, onGuid, dashes!);
        if (this.keep && pairs.count > before) this.keep(s, index, bytes.toString('utf8', start, end));
      }
    });
    return pairs;
  }
}

/**
 * The GUIDs of the message bytes[from, to), in order, as the expression's global search finds them: every GUID has
 * a dash 8 bytes in, so only dashes are tried, and the first one whose GUID fits is the leftmost match. A hex digit
 * or a dash is one byte in UTF-8 and never part of another character, so what is found in the bytes is what the
 * expression finds in the decoded string.
 */
export function guidsIn(
  bytes: Uint8Array,
  from: number,
  to: number,
  onGuid: (bytes: Uint8Array, start: number) => void,
  dashes?: NextMatch,
): void {
  const dashFrom = (at: number) => (dashes ? dashes.from(at) : indexOfDash(bytes, at, to));
  for (let dash = dashFrom(from + 8); dash < to;) {
    const start = dash - 8;
    if (guidAt(bytes, start, to) && !(start > from && isHex(bytes[start - 1]))) {
      onGuid(bytes, start);
      dash = dashFrom(start + GUID_LENGTH + 8); // the next match starts after this one
    } else dash = dashFrom(dash + 1);
  }
}

function indexOfDash(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (bytes[i] === DASH) return i;
  return Infinity;
}

function guidAt(bytes: Uint8Array, start: number, to: number): boolean {
  if (start + GUID_LENGTH > to) return false;
  for (let i = 0, d = 0; i < GUID_LENGTH; i++) {
    const c = bytes[start + i];
    if (i === DASH_AT[d]) {
      if (c !== DASH) return false;
      d++;
    } else if (!isHex(c)) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** (GUID number, record) pairs, growing; a GUID met twice in one record is kept once. */
class Pairs {
  values = new Int32Array(1024);
  count = 0;
  private lastRecord = new Int32Array(256).fill(-1);

  add(guid: number, record: number): void {
    if (guid >= this.lastRecord.length) {
      const last = new Int32Array(Math.max(guid + 1, this.lastRecord.length * 2)).fill(-1);
      last.set(this.lastRecord);
      this.lastRecord = last;
    }
    if (this.lastRecord[guid] === record) return;
    this.lastRecord[guid] = record;
    if (this.count * 2 + 2 > this.values.length) {
      const values = new Int32Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.values[this.count * 2] = guid;
    this.values[this.count * 2 + 1] = record;
    this.count++;
  }
}

/** Pairs in record order → records grouped by GUID number (a counting sort: records stay ascending within a GUID). */
function groupByGuid(pairs: Pairs, guids: number): SourcePostings {
  const starts = new Int32Array(guids + 1);
  const { values, count } = pairs;
  for (let p = 0; p < count; p++) starts[values[p * 2] + 1]++;
  for (let k = 0; k < guids; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, guids);
  const records = new Int32Array(count);
  for (let p = 0; p < count; p++) records[fill[values[p * 2]]++] = values[p * 2 + 1];
  return { starts, records };
}
