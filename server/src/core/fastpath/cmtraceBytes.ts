// The fast path for what nearly every ConfigMgr log is: UTF-8 CMTrace records, one after the other, each
// starting a line, with the attributes in the order the writers use. Such records are read straight from the
// bytes into a RecordTable: no decoding of the file, no line strings, no record objects. Anything else (a
// record cut by a concurrent writer, text outside records, NUL padding, a bare CR, an unusual time) is a
// "region" handed to the general parser (LineSplitter + RecordAssembler), which ends at the first clean
// record boundary after it, so one odd record does not slow down the rest of the file.
//
// The byte work on ordinary records (finding them, their attributes, clock and keys, and their columns) is done
// by a WebAssembly scanner (cmtraceScan.ts), whose columns are appended to the table as they are; fastRecord reads
// the record where it stops, and decides between carry and region.
import { RecordAssembler } from '../assemble';
import type { PostingsBuilder } from '../postings';
import { NextMatch, latin1 } from '../read/bytes';
import { isUtf8 } from 'node:buffer';
import { createDecoder, MixedUtf8Decoder } from '../read/encoding';
import { LineSplitter } from '../read/lines';
import type { ParseWarning } from '../record';
import { severityId, withoutCr, type RecordColumns, type RecordTable } from '../table';
import { cmtraceDay, severityFromType } from '../formats/cmtrace';
import { ScanKernel } from './cmtraceScan';
import { F_BOUNDS, F_BREAKS, F_CLOCK_END, F_HEADER, F_MESSAGE, F_PAIRS_END, FIELDS } from './scanLayout';

const OPEN = Buffer.from('<![LOG[');
const HEADER = Buffer.from(']LOG]!><');
const ATTRIBUTES = ['time="', '" date="', '" component="', '" context="', '" type="', '" thread="', '" file="'].map(
  (a) => Buffer.from(a),
);
const LF = 10;
const CR = 13;
const QUOTE = 34;
const GT = 62;
const UNUSUAL = -1;
const INCOMPLETE = -2;

/** A region without a clean end this long goes to the general parser for the rest of the file. */
const MAX_REGION_BYTES = 8 * 1024 * 1024;

// The scanner's input (see readBuffer): READ_REGIONS read regions, each after a gap for the carry, then the scratch
// area where a chunk read elsewhere is copied after its carry (it grows when they need more).
/** The most parseFile reads at once (its CHUNK_BYTES): a region is that long. */
export const READ_REGION_BYTES = 1 << 20;
/** A carry (a record cut by the chunk's end) up to this long goes before the region; longer ones, to the scratch area. */
const CARRY_GAP_BYTES = 64 * 1024;
const READ_REGIONS = 3;
const regionStart = (region: number) => CARRY_GAP_BYTES + region * (CARRY_GAP_BYTES + READ_REGION_BYTES);
const SCRATCH_START = regionStart(READ_REGIONS);
/** Input the regions and a scratch area for a chunk after a short carry need: reserved once, never grown while reading. */
const READ_AREA_BYTES = SCRATCH_START + CARRY_GAP_BYTES + READ_REGION_BYTES;

/** type="N" → severity id, as severityFromType decides it. */
const SEVERITY_OF_TYPE = new Map(['0', '1', '2', '3', '4', '5', '6'].map((t) => [t, severityId(severityFromType(t))]));
const UNKNOWN_SEVERITY = severityId('unknown');
/** The scanner's severity table: type "0" to "6", then any other type. */
const SCANNER_SEVERITIES = [
  ...['0', '1', '2', '3', '4', '5', '6'].map((t) => SEVERITY_OF_TYPE.get(t)!),
  UNKNOWN_SEVERITY,
];

/** Reads UTF-8 CMTrace bytes, pushed in chunks, into a table. */
export class CmtraceByteReader {
  /** Line number of the first line of the carry (see withCarry). */
  private line = 1;
  /** Once a region never ends, the general parser reads the rest of the file. */
  private rest: { splitter: LineSplitter; assembler: RecordAssembler; decoder: MixedUtf8Decoder } | null = null;
  readonly warnings: ParseWarning[] = [];
  warningCount = 0;
  lineCount = 0;
  /** Records read by the fast path (the rest came from the general parser). */
  fastRecords = 0;
  /** Of those, the ones the WebAssembly scanner read (the rest, fastRecord). */
  recordsScanned = 0;
  private readonly columns: RecordColumns = {
    line: 0,
    endLine: 0,
    column: OPEN.length,
    utc: 0,
    biasMinutes: null,
    thread: null,
    severity: 0,
    componentId: 0,
    contextId: 0,
    rawTypeId: 0,
    sourceFileId: 0,
  };
  private readonly idCache = new Map<string, number>();
  /**
   * Called after each chunk with the bytes just read (file offset `offset` on) while they are still at hand: the
   * records added since the last call have their messages in them, unless they were kept in the table's heap.
   */
  onRecords: ((data: Buffer, offset: number) => void) | null = null;
  /** The local time string when it cannot be derived from utc and bias (more than milliseconds, second 60). */
  private exactLocal: string | null = null;

  /** File offset of the next byte pushed, and of data[0] in `consume`: where messages left in the file are. */
  private fed: number;
  private dataOffset = 0;

  /**
   * @param inFile the bytes pushed are the file's from `startOffset` on (after a BOM), and the table reads
   *   messages back from it (RecordTable.readFrom): the fast path then copies no message at all
   * @param keys collects the keys of every record as it is read (the bytes are at hand: no second read)
   */
  constructor(
    private readonly file: string,
    private readonly table: RecordTable,
    private readonly inFile = false,
    startOffset = 0,
    private readonly keys: PostingsBuilder | null = null,
  ) {
    this.fed = startOffset;
    this.kernel = ScanKernel.take(SCANNER_SEVERITIES);
    this.kernel.reserve(READ_AREA_BYTES); // before any region is handed out: see readBuffer
    this.kernel.callbacks = {
      dayOf: (start, end) => this.dayOf(this.kernel.input, start, end)?.utcMidnight ?? NaN,
      valueId: (start, end) => this.valueId(this.kernel.input, start, end),
    };
  }

  push(chunk: Uint8Array): void {
    if (this.rest) return this.rest.splitter.push(this.rest.decoder.decode(chunk, { stream: true }));
    this.dataOffset = this.fed - this.carryLength;
    this.fed += chunk.length;
    if (this.inFile) this.table.sourceSize = this.fed;
    const data = this.withCarry(chunk);
    const used = this.consume(data, false);
    this.onRecords?.(data, this.dataOffset);
    this.keepTail(used, data.length - used);
    if (this.carryLength > MAX_REGION_BYTES) this.handRestToGeneralParser();
  }

  /**
   * Where to read the next chunk (READ_REGION_BYTES at most) so that it need not be copied into the scanner's
   * memory: one of its read regions, or null (the caller reads into a buffer of its own, pushed as before).
   * Called before the chunk read last is pushed; the region stays the reader's until that chunk is pushed.
   *
   * Why a region is safe to hand out: growing the scanner's memory may move it, and a read in flight would then
   * write to memory no longer the scanner's. Memory grows only to join a carry longer than CARRY_GAP_BYTES to a
   * chunk (withCarry), and a region is handed out only while the carry is shorter: the carry the chunk pushed
   * next is joined to, for no chunk comes between. Three regions: the one holding the carry, the one holding the
   * chunk pushed next, and the one read into meanwhile.
   */
  readBuffer(): Buffer | null {
    if (this.rest || this.carryLength > CARRY_GAP_BYTES) return null;
    const carry = this.carryStart;
    const pending = this.regionsRead.length ? this.regionsRead[this.regionsRead.length - 1] : -1;
    for (let k = 1; k <= READ_REGIONS; k++) {
      const region = (this.lastRegion + k) % READ_REGIONS;
      const start = regionStart(region);
      const holdsCarry =
        this.carryLength > 0 && carry < start + READ_REGION_BYTES && carry + this.carryLength > start - CARRY_GAP_BYTES;
      if (region === pending || this.regionsRead.includes(region) || holdsCarry) continue;
      this.lastRegion = region;
      this.regionsRead.push(region);
      return this.kernel.input.subarray(start, start + READ_REGION_BYTES);
    }
    return null;
  }

  end(): void {
    if (this.rest) {
      this.rest.splitter.push(this.rest.decoder.decode());
      this.rest.splitter.end();
      this.rest.assembler.end();
      this.lineCount = this.rest.splitter.count;
      this.collectWarnings(this.rest.assembler);
      this.keys?.catchUp(this.table);
      return;
    }
    this.dataOffset = this.fed - this.carryLength;
    const data = this.carry();
    this.base = this.carryStart;
    this.consume(data, true);
    this.onRecords?.(data, this.dataOffset);
    this.carryLength = 0;
    this.kernel.give();
  }

  // The bytes are read in the scanner's memory: each chunk is read into one of its regions (readBuffer), or
  // copied in, and the bytes of a record that goes on in it (the carry) are put right before it (withCarry).
  private readonly kernel: ScanKernel;
  /** The carry: input[carryStart, carryStart + carryLength). */
  private carryStart = 0;
  private carryLength = 0;
  /** Where the data being read starts in the scanner's input: the scanner's offsets are the data's + base. */
  private base = 0;
  /** The regions handed out by readBuffer whose chunks are not pushed yet, in order; the last one handed out. */
  private readonly regionsRead: number[] = [];
  private lastRegion = 0;
  /** The data being read has bytes that are not UTF-8 (see consume). */
  private dataNotUtf8 = false;
  private mixed = false;

  /** Some line of the file was not UTF-8 and was read as Windows-1252. */
  get mixedEncoding(): boolean {
    return this.mixed || (this.rest?.decoder.mixed ?? false);
  }

  private carry(): Buffer {
    return this.kernel.input.subarray(this.carryStart, this.carryStart + this.carryLength);
  }

  /** The carry and the chunk, one after the other in the scanner's input (`base` is where they start). */
  private withCarry(chunk: Uint8Array): Buffer {
    const region = this.regionOf(chunk);
    const carry = this.carryLength;
    const length = chunk.length; // a view of the scanner's memory reads 0 once memory grows
    if (region >= 0 && carry <= CARRY_GAP_BYTES) {
      // Read in place: only the carry moves, into the gap before the region.
      this.base = regionStart(region) - carry;
      this.kernel.input.copyWithin(this.base, this.carryStart, this.carryStart + carry);
    } else {
      // Copied after the regions (memory may grow here: see readBuffer for why no read into a region is in flight).
      this.base = SCRATCH_START;
      this.kernel.reserve(SCRATCH_START + carry + length);
      const input = this.kernel.input;
      input.copyWithin(SCRATCH_START, this.carryStart, this.carryStart + carry);
      if (region >= 0) {
        const start = regionStart(region);
        input.copyWithin(SCRATCH_START + carry, start, start + length);
      } else input.set(chunk, SCRATCH_START + carry);
    }
    this.carryStart = this.base;
    return this.kernel.input.subarray(this.base, this.base + carry + length);
  }

  /** The read region `chunk` was read into (the next one readBuffer handed out), or -1 for a buffer of the caller's. */
  private regionOf(chunk: Uint8Array): number {
    const region = this.regionsRead.length ? this.regionsRead[0] : -1;
    const input = this.kernel.input;
    if (region < 0 || chunk.buffer !== input.buffer || chunk.byteOffset !== input.byteOffset + regionStart(region))
      return -1;
    this.regionsRead.shift();
    return region;
  }

  /** Keeps the data's last `length` bytes, from data[used] on, as the carry (where they are: withCarry moves them). */
  private keepTail(used: number, length: number): void {
    this.carryStart = this.base + used;
    this.carryLength = length;
  }

  /** Reads whole records and regions from `data`; returns how many bytes were used. */
  private consume(data: Buffer, atEnd: boolean): number {
    this.scanData = null; // the scanner's reused input holds new bytes
    // A UTF-8 log may hold lines another writer put in Windows-1252: one native check per chunk (its complete
    // lines) tells; only then are messages checked one by one and such ones decoded per line into the heap.
    const judged = atEnd ? data.length : data.lastIndexOf(LF) + 1;
    this.dataNotUtf8 = judged > 0 && !isUtf8(data.subarray(0, judged));
    if (this.dataNotUtf8) this.mixed = true;
    let at = 0;
    while (at < data.length) {
      const scanned = this.scannedRecords(data, at, atEnd);
      if (scanned > at) {
        at = scanned;
        continue;
      }
      const next = this.fastRecord(data, at, atEnd);
      if (next > at) {
        at = next;
        continue;
      }
      if (next === -1 && !atEnd) break; // the record goes on in the next chunk
      const end = regionEnd(data, at, atEnd);
      if (end < 0) break;
      this.generalRegion(data, at, end);
      at = end;
    }
    return at;
  }

  /**
   * One record at `at` (a line start) if it has the usual shape: returns the offset after it, `at` when the
   * record is unusual (a region for the general parser), -1 when the data ends before the record does.
   */
  private fastRecord(data: Buffer, at: number, atEnd: boolean): number {
    // Blank lines between records carry nothing (the general parser drops them too).
    if (data[at] === LF) return this.skipLine(at + 1);
    if (data[at] === CR && data[at + 1] === LF) return this.skipLine(at + 2);
    if (!startsWith(data, at, OPEN)) return at;
    const messageStart = at + OPEN.length;
    const header = data.indexOf(HEADER, messageStart);
    if (header < 0) return atEnd ? at : -1;
    const breaks = this.messageLineBreaks(data, messageStart, header);
    if (breaks < 0) return at;
    const gt = this.readHeader(data, header + HEADER.length);
    if (gt === INCOMPLETE) return atEnd ? at : -1;
    if (gt < 0) return at;
    let after = gt + 1;
    if (data[after] === CR) after++;
    if (after < data.length && data[after] !== LF) return at; // another record on the same line, or a bare CR
    if (after >= data.length && !atEnd) return -1;
    this.pushRecord(data, messageStart, header, breaks);
    this.keys?.add(this.table.length - 1, data, messageStart, header);
    return Math.min(after + 1, data.length);
  }

  /** Adds the record whose columns (but the lines) are read, its message data[messageStart, header). */
  private pushRecord(data: Buffer, messageStart: number, header: number, breaks: number): void {
    const c = this.columns;
    c.line = this.line;
    c.endLine = this.line + breaks;
    const local = this.exactLocal;
    if (this.dataNotUtf8 && !isUtf8(data.subarray(messageStart, header))) {
      const message = asUtf8(withoutCr(data.subarray(messageStart, header)));
      this.table.pushCmtrace(c, message, 0, message.length, local);
    } else if (this.inFile)
      this.table.pushCmtraceInFile(c, this.dataOffset + messageStart, header - messageStart, breaks > 0, local);
    else if (breaks === 0) this.table.pushCmtrace(c, data, messageStart, header, local);
    else {
      const message = withoutCr(data.subarray(messageStart, header));
      this.table.pushCmtrace(c, message, 0, message.length, local);
    }
    this.fastRecords++;
    this.line = c.endLine + 1;
    this.lineCount = c.endLine;
  }

  /**
   * The records the WebAssembly scanner reads whole from `at` on (it stops at the first unusual one, which
   * fastRecord then reads), appended to the table from its columns. Returns where the next record starts.
   */
  private scannedRecords(data: Buffer, at: number, atEnd: boolean): number {
    const kernel = this.kernel;
    const base = this.base;
    const count = kernel.scan(
      base + at,
      base + data.length,
      atEnd,
      this.keys !== null,
      this.line,
      this.dataOffset - base,
    );
    if (!count) return at;
    const first = this.table.length;
    const stopped = kernel.stopped() - base;
    const inHeap = !this.inFile || (this.dataNotUtf8 && !isUtf8(data.subarray(at, stopped)));
    this.table.pushScanned(kernel.columns, count, OPEN.length, inHeap ? (r) => this.heapMessage(data, r) : undefined);
    for (let k = 0; k < kernel.inexact(); k++) this.keepLocalTime(data, kernel.inexactRecords[k], first);
    if (this.keys) this.scannedKeys(first, count);
    this.fastRecords += count;
    this.recordsScanned += count;
    this.line = kernel.line();
    this.lineCount = this.line - 1;
    return stopped;
  }

  /** Record r of the last scan's message, as the table keeps it in its heap (without CRs when it has line breaks). */
  private heapMessage(data: Buffer, r: number): Uint8Array {
    const fields = this.kernel.fields;
    const base = this.base;
    const message = data.subarray(fields[r * FIELDS + F_MESSAGE] - base, fields[r * FIELDS + F_HEADER] - base);
    const bytes = fields[r * FIELDS + F_BREAKS] > 0 ? withoutCr(message) : message;
    return this.dataNotUtf8 ? asUtf8(bytes) : bytes;
  }

  /** The local time of record r of the last scan as written (more than milliseconds, or second 60). */
  private keepLocalTime(data: Buffer, r: number, first: number): void {
    const fields = this.kernel.fields;
    const o = r * FIELDS;
    const base = this.base;
    const day = this.dayOf(data, fields[o + F_BOUNDS + 2] - base, fields[o + F_BOUNDS + 3] - base)!;
    const clock = latin1(data, fields[o + F_BOUNDS] - base, fields[o + F_CLOCK_END] - base);
    this.table.setLocal(first + r, `${day.iso}T${clock}`);
  }

  /** The scanner's key numbers → the postings' ids (its key table starts over with each file and when full). */
  private keyIds = new Int32Array(0);
  private keyEpoch = -1;
  /** Key tables the scanner started in this file (1 while it has not filled up), and keys it handed over new. */
  private keyEpochs = 0;
  private newKeys = 0;

  /** Gives the keys of the last scan's records (its pairs: key, record in the scan) to the postings. */
  private scannedKeys(first: number, count: number): void {
    const kernel = this.kernel;
    if (kernel.keyEpoch() !== this.keyEpoch) {
      this.keyEpoch = kernel.keyEpoch();
      this.keyEpochs++;
      if (!this.keyIds.length) this.keyIds = new Int32Array(kernel.keyLengths.length);
      this.keyIds.fill(-1);
    }
    const keys = this.keys!;
    const pairs = kernel.pairs;
    const end = kernel.fields[(count - 1) * FIELDS + F_PAIRS_END];
    for (let p = 0; p < end; p++) {
      const k = pairs[p * 2];
      let id = this.keyIds[k];
      if (id < 0) id = this.keyIds[k] = this.postingsId(k);
      keys.addKey(first + pairs[p * 2 + 1], id);
    }
    keys.scannedUpTo(first + count);
  }

  /**
   * The postings' id of the scanner's key k, met for the first time since its table started over. While the
   * postings hold only keys the scanner handed over from this table (none from records JavaScript read, none from
   * an earlier table of this file), k is new to them too: it is appended with the hash the scanner made, without
   * a look-up; otherwise it is looked up by its bytes.
   */
  private postingsId(k: number): number {
    const kernel = this.kernel;
    const keys = this.keys!;
    const start = kernel.keyStart(k);
    const end = start + kernel.keyLengths[k];
    if (this.keyEpochs !== 1 || keys.keyCount !== this.newKeys) return keys.keyId(kernel.keyBytes, start, end);
    this.newKeys++;
    return keys.newKey(kernel.keyBytes, start, end, kernel.keyHashes[k]);
  }

  // Where the next LF, CR, NUL and "<![LOG[" are in the current data, so a message's bytes are not looped
  // over in JavaScript (see NextMatch).
  private scanData: Buffer | null = null;
  private nextLf!: NextMatch;
  private nextCr!: NextMatch;
  private nextNul!: NextMatch;
  private nextOpen!: NextMatch;

  /** lineBreaksIn, with the byte-by-byte loop only for messages that hold a line break or something odd. */
  private messageLineBreaks(data: Buffer, from: number, to: number): number {
    if (this.scanData !== data) {
      this.scanData = data;
      [this.nextLf, this.nextCr, this.nextNul, this.nextOpen] = [LF, CR, 0, OPEN].map(
        (needle) => new NextMatch(data, needle),
      );
    }
    const plain =
      this.nextCr.from(from) >= to &&
      this.nextNul.from(from) >= to &&
      this.nextOpen.from(from) >= to &&
      this.nextLf.from(from) >= to;
    return plain ? 0 : lineBreaksIn(data, from, to);
  }

  private skipLine(next: number): number {
    this.lineCount = this.line;
    this.line++;
    return next;
  }

  /** Start and end of each attribute value of the header being read (reused: no allocation per record). */
  private readonly bounds = new Int32Array(ATTRIBUTES.length * 2);

  /**
   * Reads time, date, component, context, type, thread and file in that order, then ">": returns where the
   * ">" is, UNUSUAL for any other header, INCOMPLETE when the data ends inside it.
   */
  private readHeader(data: Buffer, from: number): number {
    const bounds = this.bounds;
    let at = from;
    for (let a = 0; a < ATTRIBUTES.length; a++) {
      const name = ATTRIBUTES[a];
      if (at + name.length > data.length) return INCOMPLETE;
      if (!startsWith(data, at, name)) return UNUSUAL;
      const start = at + name.length;
      // A value stops at its quote; one with ">" or a line break in it is read by the general parser.
      const end = valueEnd(data, start);
      if (end < 0) return end;
      bounds[a * 2] = start;
      bounds[a * 2 + 1] = end;
      at = end;
    }
    if (at + 1 >= data.length) return INCOMPLETE;
    if (data[at + 1] !== GT) return UNUSUAL;
    return this.readTime(data) && this.readRest(data) ? at + 1 : UNUSUAL;
  }

  private readTime(data: Buffer): boolean {
    const b = this.bounds;
    const clock = readClock(data, b[0], b[1]);
    if (!clock) return false;
    const day = this.dayOf(data, b[2], b[3]);
    if (!day) return false;
    this.setTime(data, day, clock.millis, clock.bias, clock.fractionDigits === 3 && clock.second < 60, clock.clockEnd);
    return true;
  }

  /** utc, bias and (when `exact` is false: more than milliseconds, second 60) the local time as written. */
  private setTime(
    data: Buffer,
    day: NonNullable<ReturnType<typeof cmtraceDay>>,
    millis: number,
    bias: number | null,
    exact: boolean,
    clockEnd: number,
  ): void {
    const c = this.columns;
    c.utc = day.utcMidnight + millis + (bias ?? 0) * 60_000;
    c.biasMinutes = bias;
    this.exactLocal = exact ? null : `${day.iso}T${latin1(data, this.bounds[0], clockEnd)}`;
  }

  private severityOfType(rawTypeId: number): number {
    return SEVERITY_OF_TYPE.get(this.table.strings.values[rawTypeId].trim()) ?? UNKNOWN_SEVERITY;
  }

  private readRest(data: Buffer): boolean {
    const b = this.bounds;
    const c = this.columns;
    const threadNumber = readDigits(data, b[10], b[11]);
    if (threadNumber === undefined) return false;
    c.thread = threadNumber;
    c.componentId = this.stringId(data, 2);
    c.contextId = this.stringId(data, 3);
    c.rawTypeId = this.stringId(data, 4);
    c.sourceFileId = this.stringId(data, 6);
    c.severity = this.severityOfType(c.rawTypeId);
    return true;
  }

  /** The last value of each attribute and its pool id: consecutive records mostly repeat them. */
  private readonly lastValue = ATTRIBUTES.map(() => ({ bytes: new LastBytes(), id: -1 }));

  /** Pool id of attribute `a`'s value: the last one again, or looked up by its bytes read as Latin-1. */
  private stringId(data: Buffer, a: number): number {
    const start = this.bounds[a * 2];
    const end = this.bounds[a * 2 + 1];
    const last = this.lastValue[a];
    if (last.id >= 0 && last.bytes.same(data, start, end)) return last.id;
    const id = this.valueId(data, start, end);
    last.bytes.set(data, start, end);
    last.id = id;
    return id;
  }

  /** Pool id of the value data[start, end), found by its bytes read as Latin-1 (cheaper than decoding UTF-8). */
  private valueId(data: Buffer, start: number, end: number): number {
    const raw = latin1(data, start, end);
    let id = this.idCache.get(raw);
    if (id === undefined) {
      // A value another writer put in Windows-1252 (component="Prüfung") is read as such, not as U+FFFD.
      const value = data.subarray(start, end);
      id = this.table.strings.id(
        isUtf8(value) ? data.toString('utf8', start, end) : new MixedUtf8Decoder().decode(value),
      );
      if (this.idCache.size < 100_000) this.idCache.set(raw, id);
    }
    return id;
  }

  private readonly lastDate = new LastBytes();
  private lastDay: ReturnType<typeof cmtraceDay> = null;

  private dayOf(data: Buffer, start: number, end: number): ReturnType<typeof cmtraceDay> {
    if (this.lastDay && this.lastDate.same(data, start, end)) return this.lastDay;
    this.lastDate.set(data, start, end);
    this.lastDay = cmtraceDay(latin1(data, start, end));
    return this.lastDay;
  }

  /** Text the fast path does not read, parsed as the whole file would be, from line `this.line` on. */
  private generalRegion(data: Buffer, from: number, to: number): void {
    const { splitter, assembler } = this.generalParser();
    splitter.push(createDecoder('utf-8+windows-1252').decode(data.subarray(from, to)));
    splitter.end();
    assembler.end();
    this.collectWarnings(assembler);
    this.lineCount = splitter.count;
    this.line = splitter.count + 1;
    this.keys?.catchUp(this.table);
  }

  private handRestToGeneralParser(): void {
    const decoder = new MixedUtf8Decoder();
    this.rest = { ...this.generalParser(), decoder };
    this.rest.splitter.push(decoder.decode(this.carry(), { stream: true }));
    this.carryLength = 0;
  }

  /** The general parser, writing to the same table, numbering lines from where the fast path stopped. */
  private generalParser(): { splitter: LineSplitter; assembler: RecordAssembler } {
    const assembler = new RecordAssembler(this.file, 'cmtrace', (r) => this.table.push(r));
    return { splitter: new LineSplitter((text, n) => assembler.line(text, n), this.line), assembler };
  }

  private collectWarnings(assembler: RecordAssembler): void {
    this.warningCount += assembler.warningCount;
    for (const w of assembler.warnings) if (this.warnings.length < 1000) this.warnings.push(w);
  }
}

/**
 * Where a region that starts at `from` ends: after the first line that closes a record (its header ends the
 * line) and is followed by a line starting "<![LOG[", so the general parser has nothing open there. -1 when
 * the data ends first (more may come), or the end of the data at the end of the file.
 */
function regionEnd(data: Buffer, from: number, atEnd: boolean): number {
  for (let open = data.indexOf(OPEN, from + 1); open >= 0; open = data.indexOf(OPEN, open + 1)) {
    if (data[open - 1] !== LF) continue;
    const lineEnd = data[open - 2] === CR ? open - 2 : open - 1;
    if (data[lineEnd - 1] !== GT) continue;
    // Searches stay inside the line, so a file of odd records is not scanned again and again.
    const lineStart = Math.max(from, data.lastIndexOf(LF, lineEnd - 1) + 1);
    const line = data.subarray(lineStart, lineEnd);
    const header = line.lastIndexOf(HEADER);
    if (header < 0 || line.indexOf(GT, header + HEADER.length) !== line.length - 1) continue;
    if (line.indexOf(CR) >= 0 || line.indexOf(0) >= 0) continue;
    return open;
  }
  return atEnd ? data.length : -1;
}

/**
 * Line breaks inside a message (LF or CRLF), or -1 when the general parser must read it: a bare CR, a NUL,
 * or a "<![LOG[" inside (a writer cut the record before it).
 */
function lineBreaksIn(data: Buffer, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = data[i];
    if (c > 60) continue; // letters and most punctuation: one comparison
    if (c === LF) breaks++;
    else if (c === CR) {
      if (i + 1 >= to || data[i + 1] !== LF) return -1;
    } else if (c === 0 || (c === 60 && startsWith(data, i, OPEN))) return -1;
  }
  return breaks;
}

/** Where the value starting at `start` ends (its closing quote), or UNUSUAL / INCOMPLETE. */
function valueEnd(data: Buffer, start: number): number {
  const n = data.length;
  for (let i = start; i < n; i++) {
    const c = data[i];
    if (c === QUOTE) return i;
    if (c === GT || c === LF || c === CR) return UNUSUAL;
  }
  return INCOMPLETE;
}

/**
 * A copy of the last bytes an attribute had, compared with the next record's: in one reused array (a Buffer
 * per change cost an allocation per record where values alternate, a tenth of the parse in GC and copying).
 */
class LastBytes {
  private bytes = new Uint8Array(64);
  private length = 0;

  same(data: Uint8Array, start: number, end: number): boolean {
    if (end - start !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (data[start + i] !== this.bytes[i]) return false;
    return true;
  }

  set(data: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n > this.bytes.length) this.bytes = new Uint8Array(Math.max(n, this.bytes.length * 2));
    for (let i = 0; i < n; i++) this.bytes[i] = data[start + i];
    this.length = n;
  }
}

function startsWith(data: Buffer, at: number, prefix: Buffer): boolean {
  if (at + prefix.length > data.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
  return true;
}

/** Decimal digits, or null when empty; undefined when anything else is there. */
function readDigits(data: Buffer, from: number, to: number): number | null | undefined {
  if (from === to) return null;
  if (to - from > 15) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = data[i];
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + c - 48;
  }
  return n;
}

const digitAt = (data: Buffer, i: number) => (data[i] >= 48 && data[i] <= 57 ? data[i] - 48 : -100);

/** "HH:MM:SS.f{3,9}[+|-B]" exactly as the string fast path reads it; null for any other shape. */
function readClock(
  data: Buffer,
  from: number,
  to: number,
): { millis: number; bias: number | null; fractionDigits: number; second: number; clockEnd: number } | null {
  if (to - from < 12 || data[from + 2] !== 58 || data[from + 5] !== 58 || data[from + 8] !== 46) return null;
  const hour = digitAt(data, from) * 10 + digitAt(data, from + 1);
  const minute = digitAt(data, from + 3) * 10 + digitAt(data, from + 4);
  const second = digitAt(data, from + 6) * 10 + digitAt(data, from + 7);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return null;
  let i = from + 9;
  let millis = 0;
  while (i < to && data[i] >= 48 && data[i] <= 57) {
    if (i < from + 12) millis = millis * 10 + data[i] - 48;
    i++;
  }
  const fractionDigits = i - from - 9;
  if (fractionDigits < 3 || fractionDigits > 9) return null;
  const clockEnd = i;
  let bias: number | null = null;
  if (i < to) {
    const sign = data[i++];
    if (sign !== 43 && sign !== 45) return null;
    const digitsFrom = i;
    let minutes = 0;
    while (i < to && data[i] >= 48 && data[i] <= 57) minutes = minutes * 10 + data[i++] - 48;
    if (i !== to || i === digitsFrom || i - digitsFrom > 4 || minutes > 24 * 60) return null;
    bias = sign === 45 ? -minutes : minutes;
  }
  return { millis: ((hour * 60 + minute) * 60 + second) * 1000 + millis, bias, fractionDigits, second, clockEnd };
}

/** Bytes that may hold Windows-1252 lines, as UTF-8 (valid ones are returned as they are). */
function asUtf8(bytes: Uint8Array): Uint8Array {
  return isUtf8(bytes) ? bytes : Buffer.from(new MixedUtf8Decoder().decode(bytes), 'utf8');
}
