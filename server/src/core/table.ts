// RecordTable: the records of one file, stored by column. A million records as objects cost ~850 bytes
// each (fields, sliced strings that keep whole chunks of text alive, GC pressure); here a record is 53
// bytes of typed arrays plus its message: as UTF-8 bytes in one growing buffer, or, for records the CMTrace
// fast path read from a file, as where the message lies in that file (read back on demand, see FileBytes).
// Records are made into `LogRecord` objects only when asked for (`get`), and the hot loops (binary search by
// line, times, severities) read the columns directly.
import type { ScannedColumns } from './fastpath/cmtraceScan';
import { LOG_FORMATS } from './formats/registry';
import { FileBytes } from './read/fileBytes';
import type { FormatId, LogRecord, Severity } from './record';
import { wallClockOf, type UtcSource, type UtcSourceKind } from './time';

const FORMATS: FormatId[] = LOG_FORMATS.map((f) => f.id);
const SEVERITIES: Severity[] = ['error', 'warning', 'info', 'verbose', 'unknown'];
const FORMAT_ID = new Map(FORMATS.map((f, i) => [f, i]));
const SEVERITY_ID = new Map(SEVERITIES.map((s, i) => [s, i]));
export const severityId = (severity: Severity): number => SEVERITY_ID.get(severity)!;

const CMTRACE = FORMAT_ID.get('cmtrace')!;
/** biases[i]: the log gave no bias: utcs[i] holds the wall time (local read as UTC), which the table's clock makes UTC. */
const NO_BIAS = -32768;
/** biases[i]: no bias either, but a caller gave the record's UTC (a LogRecord with `utc` and no bias): kept as is. */
const UTC_WITHOUT_BIAS = -32767;
/** threads[i]: no thread; a thread that does not fit 32 bits (its value is in `bigThreads`). */
const NO_THREAD = 0xffffffff;
const THREAD_ELSEWHERE = 0xfffffffe;
/** columns[i]: a column past 254 (its value is in `bigColumns`). */
const COLUMN_ELSEWHERE = 0xff;

/** Shorter than nearly every record of every format (a CMTrace header alone is over 100 bytes). */
const RECORD_BYTES_GUESS = 80;
/** Shorter than most CMTrace records (the bench corpus averages 257 bytes, real CCM logs 150-400). */
const CMTRACE_RECORD_BYTES_GUESS = 160;
/** messagesOf reads messages kept in the file in reads of up to this many bytes. */
const MESSAGE_SPAN_BYTES = 64 * 1024;
/** Beyond this a file's table grows as it goes (a hint must not reserve gigabytes up front). */
const MAX_EXPECTED_BYTES = 512 * 1024 * 1024;

type NumberColumn = Int32Array | Float64Array | Int16Array | Uint8Array | Uint32Array;
/** Pool id of a null string (rawType). */
const NULL_STRING = 0xffffffff;

/** Component, context, type and source-file values repeat: each distinct value is kept once per table. */
class StringPool {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string | null): number {
    if (value === null) return NULL_STRING;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      // A copy, not a slice: a slice would keep the chunk of text it was cut from alive.
      const own = value.length > 12 ? Buffer.from(value, 'utf8').toString('utf8') : value;
      this.values.push(own);
      this.ids.set(own, id);
    }
    return id;
  }

  value(id: number): string | null {
    return id === NULL_STRING ? null : this.values[id];
  }
}

/**
 * How the records of a table that carry no bias get a UTC time: the clock of the file's machine, set by
 * core/clock.ts (applyClocks). A wall time is the local time as written, read as if it were UTC.
 */
export interface RecordClock {
  /** UTC of a wall time, or null when nothing tells the machine's offset. */
  utcOf(wall: number): number | null;
  /** Where that UTC comes from (for hovers, timeline details and JSON). */
  sourceAt(wall: number): UtcSource;
}

const FROM_LOG: UtcSource = { kind: 'log' };
const NONE: UtcSource = { kind: 'none' };

/** A RecordTable in transit between threads (see detach/attach). */
export interface DetachedTable {
  file: string;
  length: number;
  columns: NumberColumn[];
  heap: Uint8Array;
  heapUsed: number;
  bigThreads: Array<[number, number]>;
  bigColumns: Array<[number, number]>;
  source: { path: string; head: Uint8Array; size: number } | null;
  damaged: Array<[number, string]>;
  locals: Array<[number, string]>;
  fractionTails: Uint16Array | null;
  strings: string[];
}

/** A table's time span and UTC sources (RecordTable.timeSummary). */
export interface TimeSummary {
  /** The first and last UTC of the records (ms), or null when none has one. */
  first: number | null;
  last: number | null;
  /** Records by where their UTC comes from, in order of first appearance. */
  sources: Partial<Record<UtcSourceKind, number>>;
  /** The span in local time of the records with a local time and no UTC, or null when there are none. */
  localOnly: { first: string; last: string } | null;
}

/** The numbers of one record the fast CMTrace reader writes without building a LogRecord. */
export interface RecordColumns {
  line: number;
  endLine: number;
  column: number;
  /** NaN when the record has no time. */
  utc: number;
  biasMinutes: number | null;
  thread: number | null;
  severity: number;
  componentId: number;
  contextId: number;
  rawTypeId: number;
  sourceFileId: number;
}

export class RecordTable implements Iterable<LogRecord> {
  length = 0;
  private capacity = 0;
  private lines = new Int32Array(0);
  private endLines = new Int32Array(0);
  private columns = new Uint8Array(0);
  private utcs = new Float64Array(0);
  private biases = new Int16Array(0);
  private threads = new Uint32Array(0);
  private severities = new Uint8Array(0);
  private formats = new Uint8Array(0);
  private components = new Uint32Array(0);
  private contexts = new Uint32Array(0);
  private rawTypes = new Uint32Array(0);
  private sourceFiles = new Uint32Array(0);
  /**
   * Where message i is: at messageAt[i] in `source` (its file), or, when messageAt[i] is negative, in the heap at
   * -1 - messageAt[i]; messageLengths[i] bytes long. The length of a message in the file is stored complemented
   * (~length) when it spans several lines: its CRs are dropped when it is read.
   */
  private messageAt = new Float64Array(0);
  private messageLengths = new Int32Array(0);
  /** The file messages are read back from (set by the fast path), or null when all are in the heap. */
  private source: FileBytes | null = null;
  /** Set by `expect` until the first record reserves room for this many bytes of file. */
  private expectedBytes = 0;
  /** Messages not kept in the file, one after the other: heap[0, heapUsed). */
  private heap = Buffer.allocUnsafe(0);
  private heapUsed = 0;
  /**
   * The rare values that do not fit the columns: damage notes, times written with more than milliseconds,
   * threads beyond 32 bits, message columns past 254.
   */
  private readonly damaged = new Map<number, string>();
  private readonly locals = new Map<number, string>();
  /**
   * Local times written with more than milliseconds, kept without a string each (the ETW form of WindowsUpdate.log
   * writes 7 digits on every line): per record 0, or the digits after the milliseconds as tail * 4 + (digits - 1)
   * + 1 (1 to 4 digits); the local is then localOf(...) and those digits. Made on first use.
   */
  private fractionTails: Uint16Array | null = null;
  private readonly bigThreads = new Map<number, number>();
  private readonly bigColumns = new Map<number, number>();
  readonly strings = new StringPool();
  /**
   * The machine's clock for the records without a bias (their `utcs` hold wall times, see utc()), set by
   * core/clock.ts: null when nothing tells it, undefined when not learnt yet; either way they have no UTC time.
   */
  clock: RecordClock | null | undefined = undefined;
  /** Bumped whenever records are dropped (truncate): what was derived from the first `length` records is stale. */
  truncations = 0;

  constructor(readonly file: string) {}

  /**
   * Reserves room for the records of a file of `fileBytes` bytes, so that reading it does not grow the table
   * by copying: on this kind of machine a fresh page costs more than the parse of its bytes, and doubling
   * touches every byte two or three times. Memory reserved but never written is never paged in (it stays
   * out of the resident set), so a generous guess costs nothing. A hint: the table still grows when needed.
   */
  expect(fileBytes: number): void {
    if (!this.length) this.expectedBytes = Math.min(fileBytes, MAX_EXPECTED_BYTES);
  }

  /** About how many CMTrace records the file `expect` was told of holds (0 when it was not). */
  get expectedRecords(): number {
    return Math.ceil(this.expectedBytes / CMTRACE_RECORD_BYTES_GUESS);
  }

  /**
   * The room `expect` asked for, made when the first record comes, once it is known whether messages stay in
   * the file: then the heap only takes the odd record the general parser reads, and records are longer. Room
   * reserved counts as external memory for V8, which collects garbage sooner the more there is of it.
   */
  private reserveExpected(): void {
    const bytes = this.expectedBytes;
    this.expectedBytes = 0;
    const records = Math.ceil(bytes / (this.source ? CMTRACE_RECORD_BYTES_GUESS : RECORD_BYTES_GUESS));
    if (records > this.capacity) this.growColumns(records);
    if (!this.source && bytes > this.heap.length) this.heap = Buffer.allocUnsafeSlow(bytes);
  }

  /** Adds a record made by a format parser. */
  push(record: LogRecord): void {
    const i = this.reserve(1, record.message.length * 3);
    // Without a bias and a UTC (local time as written) the column holds the wall time, as the fast CMTrace readers
    // write it: the clock makes it UTC.
    const wallOnly = record.biasMinutes === null && record.utc === null && record.local !== null;
    const time = wallOnly ? wallClockOf(record.local!) : (record.utc ?? NaN);
    this.setNumbers(i, FORMAT_ID.get(record.format)!, {
      line: record.line,
      endLine: record.endLine,
      column: record.column,
      utc: time,
      biasMinutes: record.biasMinutes,
      thread: record.thread,
      severity: SEVERITY_ID.get(record.severity)!,
      componentId: this.strings.id(record.component),
      contextId: this.strings.id(record.context),
      rawTypeId: this.strings.id(record.rawType),
      sourceFileId: this.strings.id(record.sourceFile),
    });
    if (record.biasMinutes === null && record.utc !== null) this.biases[i] = UTC_WITHOUT_BIAS;
    if (record.damaged !== undefined) this.damaged.set(i, record.damaged);
    if (record.local !== null && record.local !== localOf(Number.isNaN(time) ? null : time, record.biasMinutes))
      this.locals.set(i, record.local);
    this.setHeapMessage(i, this.heap.write(record.message, this.heapUsed, 'utf8'));
    this.length = i + 1;
  }

  /**
   * From now on messages may be left in `path` (the fast reader's records): `head` identifies the file (its
   * first bytes, see FileBytes), `size` is how far it has been read (raised as reading goes on).
   */
  readFrom(path: string, head: Uint8Array): void {
    this.source = new FileBytes(path, FileBytes.headOf(head), 0);
  }

  /** The file's bytes read so far: messages up to here can be read back. */
  set sourceSize(size: number) {
    if (this.source) this.source.size = size;
  }

  /**
   * Runs `fn` with the file's bytes [offset, offset + bytes.length) at hand (the chunk the parser is reading):
   * messages of records in them are read from there, not from the disk.
   */
  withSourceBytes(bytes: Buffer, offset: number, fn: () => void): void {
    const source = this.source;
    if (!source) return fn();
    source.lend(bytes, offset);
    try {
      fn();
    } finally {
      source.endLoan();
    }
  }

  /** Lets go of the open file behind this table's messages, if any (they are read again when asked for). */
  release(): void {
    this.source?.release();
  }

  /**
   * Adds the `count` CMTrace records the WebAssembly scanner read, from its columns (one copy per column),
   * their messages `column` characters into their first line (or column[r] for record r of the batch). Their messages stay in the file (see readFrom),
   * or, with `heapMessage`, are copied in from the bytes it gives for record r of the batch. `format`: records of
   * another format read the same way (SMS trace, fastpath/lineScan.ts).
   */
  pushScanned(
    batch: ScannedColumns,
    count: number,
    column: number | Uint8Array,
    heapMessage?: (r: number) => Uint8Array,
    format: FormatId = 'cmtrace',
  ): void {
    const first = this.reserve(count, 0);
    const end = first + count;
    const copy = (to: NumberColumn, from: NumberColumn) => to.set(from.subarray(0, count), first);
    copy(this.lines, batch.lines);
    copy(this.endLines, batch.endLines);
    copy(this.utcs, batch.utcs);
    copy(this.biases, batch.biases);
    copy(this.threads, batch.threads); // the scanner reads threads of up to 9 digits: they fit
    copy(this.severities, batch.severities);
    copy(this.components, batch.components);
    copy(this.contexts, batch.contexts);
    copy(this.rawTypes, batch.rawTypes);
    copy(this.sourceFiles, batch.sourceFiles);
    // One column for all, or one per record (the line scanner's first-line formats; each under COLUMN_ELSEWHERE).
    if (typeof column === 'number') this.columns.fill(column, first, end);
    else this.columns.set(column.subarray(0, count), first);
    this.formats.fill(format === 'cmtrace' ? CMTRACE : FORMAT_ID.get(format)!, first, end);
    if (heapMessage) {
      for (let i = first; i < end; i++) {
        const bytes = heapMessage(i - first);
        this.reserve(0, bytes.length);
        this.heap.set(bytes, this.heapUsed);
        this.setHeapMessage(i, bytes.length);
      }
    } else {
      copy(this.messageAt, batch.fileStarts);
      copy(this.messageLengths, batch.fileLengths);
    }
    this.length = end;
  }

  /** Record i's local time as written, when it is not utc - bias (more than milliseconds, second 60). */
  setLocal(i: number, local: string): void {
    this.locals.set(i, local);
  }

  /**
   * The last `count` records' local times are written with more digits than milliseconds: tails[r] for record r
   * of them (see fractionTails; 0: none), their locals localOf(...) and those digits.
   */
  setFractionTails(count: number, tails: Uint16Array): void {
    this.fractionTails ??= new Uint16Array(this.capacity);
    this.fractionTails.set(tails.subarray(0, count), this.length - count);
  }

  /** `local` (made from the time columns) with record i's digits past the milliseconds, if it has any. */
  private withFractionTail(i: number, local: string | null): string | null {
    const tail = this.fractionTails?.[i];
    if (!tail || local === null) return local;
    const digits = ((tail - 1) & 3) + 1;
    return local + String((tail - 1) >> 2).padStart(digits, '0');
  }

  /** Adds a CMTrace record whose message stays in the file: `length` UTF-8 bytes at `offset` (see readFrom). */
  pushCmtraceInFile(c: RecordColumns, offset: number, length: number, multiLine: boolean, local: string | null): void {
    const i = this.reserve(1, 0);
    this.setNumbers(i, CMTRACE, c);
    if (local !== null) this.locals.set(i, local);
    this.messageAt[i] = offset;
    this.messageLengths[i] = multiLine ? ~length : length;
    this.length = i + 1;
  }

  /**
   * Adds a record of `format` a line fast path read (fastpath/lineBytes.ts): as pushCmtraceInFile, its message
   * `length` UTF-8 bytes at `offset` of the file, CRs dropped when it spans lines.
   */
  pushInFile(format: FormatId, c: RecordColumns, offset: number, length: number, multiLine: boolean): void {
    const i = this.reserve(1, 0);
    this.setNumbers(i, FORMAT_ID.get(format)!, c);
    this.messageAt[i] = offset;
    this.messageLengths[i] = multiLine ? ~length : length;
    this.length = i + 1;
  }

  /**
   * Adds a record of `format` whose message is `bytes` (UTF-8), copied in: a line fast path reading a file its
   * messages cannot be read back from as UTF-8 (fastpath/lineBytes.ts on UTF-16).
   */
  pushWithMessage(format: FormatId, c: RecordColumns, bytes: Uint8Array): void {
    const i = this.reserve(1, bytes.length);
    this.setNumbers(i, FORMAT_ID.get(format)!, c);
    this.heap.set(bytes, this.heapUsed);
    this.setHeapMessage(i, bytes.length);
    this.length = i + 1;
  }

  /** Adds a CMTrace record whose message is already UTF-8 bytes (the fast reader: no strings made). */
  pushCmtrace(c: RecordColumns, bytes: Uint8Array, from: number, to: number, local: string | null): void {
    const i = this.reserve(1, to - from);
    this.setNumbers(i, CMTRACE, c);
    if (local !== null) this.locals.set(i, local);
    this.heap.set(bytes.subarray(from, to), this.heapUsed);
    this.setHeapMessage(i, to - from);
    this.length = i + 1;
  }

  /** Record i's message is the `length` bytes just written at the end of the heap. */
  private setHeapMessage(i: number, length: number): void {
    this.messageAt[i] = -1 - this.heapUsed;
    this.messageLengths[i] = length;
    this.heapUsed += length;
  }

  private setNumbers(i: number, format: number, c: RecordColumns): void {
    this.lines[i] = c.line;
    this.endLines[i] = c.endLine;
    this.setColumn(i, c.column);
    this.utcs[i] = c.utc;
    this.biases[i] = c.biasMinutes ?? NO_BIAS;
    this.setThread(i, c.thread);
    this.severities[i] = c.severity;
    this.formats[i] = format;
    this.components[i] = c.componentId;
    this.contexts[i] = c.contextId;
    this.rawTypes[i] = c.rawTypeId;
    this.sourceFiles[i] = c.sourceFileId;
  }

  private setThread(i: number, thread: number | null): void {
    if (thread === null) this.threads[i] = NO_THREAD;
    else if (Number.isInteger(thread) && thread >= 0 && thread < THREAD_ELSEWHERE) this.threads[i] = thread;
    else {
      this.threads[i] = THREAD_ELSEWHERE;
      this.bigThreads.set(i, thread);
    }
  }

  /** Record i's component (the timeline filters on it without making the record). */
  component(i: number): string {
    return this.strings.values[this.components[i]];
  }
  /** Record i's severity as an index of error, warning, info, verbose, unknown (worst first). */
  severityIndex(i: number): number {
    return this.severities[i];
  }

  thread(i: number): number | null {
    const thread = this.threads[i];
    return thread === NO_THREAD ? null : thread === THREAD_ELSEWHERE ? this.bigThreads.get(i)! : thread;
  }

  private setColumn(i: number, column: number): void {
    if (column >= 0 && column < COLUMN_ELSEWHERE) this.columns[i] = column;
    else {
      this.columns[i] = COLUMN_ELSEWHERE;
      this.bigColumns.set(i, column);
    }
  }

  private column(i: number): number {
    const column = this.columns[i];
    return column === COLUMN_ELSEWHERE ? this.bigColumns.get(i)! : column;
  }

  /** Drops the records from `keep` on (the provisional tail of a growing log). */
  truncate(keep: number): void {
    if (keep >= this.length) return;
    this.truncations++;
    for (const map of [this.damaged, this.locals, this.bigThreads, this.bigColumns])
      for (const i of map.keys()) if (i >= keep) map.delete(i);
    this.fractionTails?.fill(0, Math.max(0, keep));
    this.length = Math.max(0, keep);
    this.localOnlyChecked = 0;
    this.localOnlyFound = false;
    // The heap ends after the last message of the records kept that is in it.
    let used = 0;
    for (let i = this.length - 1; i >= 0 && this.heapUsed > 0; i--) {
      if (this.messageAt[i] < 0) {
        used = -1 - this.messageAt[i] + this.messageLengths[i];
        break;
      }
    }
    this.heapUsed = used;
  }

  get(i: number): LogRecord {
    if (i < 0 || i >= this.length) throw new RangeError(`record ${i} of ${this.length}`);
    const utc = this.utc(i);
    const bias = this.biasMinutes(i);
    const written = this.utcs[i];
    const record: LogRecord = {
      file: this.file,
      line: this.lines[i],
      endLine: this.endLines[i],
      column: this.column(i),
      format: FORMATS[this.formats[i]],
      utc,
      local: this.locals.get(i) ?? this.withFractionTail(i, localOf(Number.isNaN(written) ? null : written, bias)),
      biasMinutes: bias,
      component: this.strings.values[this.components[i]],
      context: this.strings.values[this.contexts[i]],
      thread: this.thread(i),
      severity: this.severity(i),
      rawType: this.strings.value(this.rawTypes[i]),
      message: this.message(i),
      sourceFile: this.strings.values[this.sourceFiles[i]],
    };
    const damaged = this.damaged.get(i);
    if (damaged !== undefined) record.damaged = damaged;
    return record;
  }

  // ---- columns, for loops over many records --------------------------------------------------------

  /**
   * Record i's UTC time. The `utcs` column holds it for records with a bias; for the others (local time, zone
   * unknown) it holds the wall time, which only the machine's clock turns into UTC: null without one.
   */
  utc(i: number): number | null {
    const t = this.utcs[i];
    if (Number.isNaN(t)) return null;
    if (this.biases[i] !== NO_BIAS) return t;
    return this.clock ? this.clock.utcOf(t) : null;
  }
  /** Record i's local time as written, read as if it were UTC (what places a record whose zone is unknown), or null. */
  wallTime(i: number): number | null {
    const t = this.utcs[i];
    if (Number.isNaN(t)) return null;
    const bias = this.biases[i];
    return bias === NO_BIAS || bias === UTC_WITHOUT_BIAS ? t : t - bias * 60_000;
  }
  /** Where record i's UTC time comes from ('none' also for a record with no time at all). */
  utcSource(i: number): UtcSource {
    const t = this.utcs[i];
    if (Number.isNaN(t)) return NONE;
    if (this.biases[i] !== NO_BIAS) return FROM_LOG;
    return this.clock ? this.clock.sourceAt(t) : NONE;
  }
  /** True when a record of the table has a local time and no bias (the clock decides its UTC). */
  hasLocalOnlyTimes(): boolean {
    // Asked again whenever a log of the folder grows: only the records added since are looked at.
    // Locals, not fields, in the loop: it runs over every record of every log of a folder.
    const { biases, utcs, length } = this;
    let found = this.localOnlyFound;
    for (let i = this.localOnlyChecked; i < length && !found; i++)
      found = biases[i] === NO_BIAS && !Number.isNaN(utcs[i]);
    this.localOnlyFound = found;
    this.localOnlyChecked = length;
    return this.localOnlyFound;
  }
  private localOnlyChecked = 0;
  private localOnlyFound = false;

  /**
   * The first and last UTC of the records, how many records take their UTC from each source (in order of first
   * appearance; a record with neither a UTC nor a local time is not counted), and the span of the local times of
   * the records with no UTC. What `cmlogs stats` says of a file, as a loop over utc/localAt/utcSource would give
   * it, but records with a bias of their own (nearly all) are read straight from the columns.
   */
  timeSummary(): TimeSummary {
    const { utcs, biases, length } = this;
    const sources: Partial<Record<UtcSourceKind, number>> = {};
    let first = Infinity;
    let last = -Infinity;
    let fromLog = 0;
    let localOnly: { first: string; last: string } | null = null;
    for (let i = 0; i < length; i++) {
      const t = utcs[i];
      if (t === t && biases[i] !== NO_BIAS) {
        // The log's own bias (or a UTC a caller gave): utc(i) is the column, its source 'log'.
        if (fromLog++ === 0) sources.log ??= 0;
        if (t < first) first = t;
        if (t > last) last = t;
        continue;
      }
      const utc = this.utc(i);
      const local = utc === null ? this.localAt(i) : null;
      if (utc === null && local === null) continue;
      const kind = this.utcSource(i).kind;
      sources[kind] = (sources[kind] ?? 0) + 1;
      if (utc === null) {
        localOnly = spanWith(localOnly, local!);
        continue;
      }
      if (utc < first) first = utc;
      if (utc > last) last = utc;
    }
    if (fromLog) sources.log = (sources.log ?? 0) + fromLog;
    return {
      first: first === Infinity ? null : first,
      last: last === -Infinity ? null : last,
      sources,
      localOnly,
    };
  }
  format(i: number): FormatId {
    return FORMATS[this.formats[i]];
  }
  /** How many records have each severity (or format), in order of first appearance: one loop over the column. */
  countsOf(column: 'severity' | 'format'): Array<[string, number]> {
    const ids = column === 'severity' ? this.severities : this.formats;
    const names: readonly string[] = column === 'severity' ? SEVERITIES : FORMATS;
    const counts = new Float64Array(256);
    const order: number[] = [];
    for (let i = 0; i < this.length; i++) if (counts[ids[i]]++ === 0) order.push(ids[i]);
    return order.map((id) => [names[id], counts[id]]);
  }
  severity(i: number): Severity {
    return SEVERITIES[this.severities[i]];
  }
  /** Record i's first and last 1-based lines, and whether it is damaged: from the columns, no message read. */
  line(i: number): number {
    return this.lines[i];
  }
  endLine(i: number): number {
    return this.endLines[i];
  }
  isDamaged(i: number): boolean {
    return this.damaged.has(i);
  }
  /** Record i's component as a number (the same for the same component in this table), and the component of a number. */
  componentId(i: number): number {
    return this.components[i];
  }
  componentName(id: number): string {
    return this.strings.values[id];
  }
  biasMinutes(i: number): number | null {
    const bias = this.biases[i];
    return bias === NO_BIAS || bias === UTC_WITHOUT_BIAS ? null : bias;
  }
  message(i: number): string {
    const at = this.messageAt[i];
    if (at < 0) return this.heap.toString('utf8', -1 - at, -1 - at + this.messageLengths[i]);
    const bytes = this.messageBytes(i);
    return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8') : this.goneText();
  }

  /**
   * Calls `fn` with each message's UTF-8 bytes as (buffer, start, end), from record `from` on: no copies. A
   * message kept in the file is passed as read (a multi-line one with its CRs), from a buffer that is only
   * valid during the call; one no longer in the file is skipped.
   */
  scanMessages(from: number, fn: (bytes: Buffer, start: number, end: number, index: number) => void): void {
    // Only the bytes written: searches in them must not run on into the room reserved after them.
    const used = this.heap.subarray(0, this.heapUsed);
    for (let i = from; i < this.length; i++) {
      const where = this.messageAt[i];
      if (where < 0) fn(used, -1 - where, -1 - where + this.messageLengths[i], i);
      else {
        const length = this.fileLength(i);
        const at = this.source!.read(where, length);
        if (at >= 0) fn(this.source!.bytes, at, at + length, i);
      }
    }
  }

  /** The message's UTF-8 bytes (a view, valid until the next push or message read), or null when no longer in its file. */
  messageBytes(i: number): Uint8Array | null {
    const where = this.messageAt[i];
    if (where < 0) return this.heap.subarray(-1 - where, -1 - where + this.messageLengths[i]);
    const length = this.fileLength(i);
    const at = this.source!.read(where, length);
    if (at < 0) return null;
    const bytes = this.source!.bytes.subarray(at, at + length);
    return this.messageLengths[i] < 0 ? withoutCr(bytes) : bytes;
  }

  /** True when message i is read from its file and its text is those bytes without their CRs (see messageBytes). */
  messageDropsCr(i: number): boolean {
    return this.messageAt[i] >= 0 && this.messageLengths[i] < 0;
  }

  private fileLength(i: number): number {
    const n = this.messageLengths[i];
    return n < 0 ? ~n : n;
  }

  private goneText(): string {
    return `[ConfigMgr Logs: this message is no longer in ${this.file} as it was read: the file was replaced or truncated since. Reopen it.]`;
  }

  // ---- record i's fields one by one, for writers that stream records without making a LogRecord each ----
  // (core/output: cmlogs parse / timeline / stats). Each returns what `get(i)` puts in the same field.

  columnAt(i: number): number {
    return this.column(i);
  }
  /** The local time as written (`LogRecord.local`). */
  localAt(i: number): string | null {
    const kept = this.locals.get(i);
    if (kept !== undefined) return kept;
    const written = this.utcs[i];
    return this.withFractionTail(i, localOf(Number.isNaN(written) ? null : written, this.biasMinutes(i)));
  }
  /** True when `localAt(i)` is one the table kept as written (any text), not one made from the time columns. */
  hasKeptLocal(i: number): boolean {
    return this.locals.has(i) || !!this.fractionTails?.[i];
  }
  damageAt(i: number): string | undefined {
    return this.damaged.get(i);
  }
  formatIdAt(i: number): number {
    return this.formats[i];
  }
  /** Pool ids of context, rawType and sourceFile (their values: `strings.values[id]`, rawType: `strings.value(id)`; component: componentId). */
  contextIdAt(i: number): number {
    return this.contexts[i];
  }
  rawTypeIdAt(i: number): number {
    return this.rawTypes[i];
  }
  sourceFileIdAt(i: number): number {
    return this.sourceFiles[i];
  }

  /**
   * Calls `fn` with the message of each record in `indices` (ascending), as `message(i)` gives it. Messages kept in
   * the file are read with reads that cover the next ones up to 64 KB on (records picked here and there, such as
   * the errors of a log, would otherwise cost a read each).
   */
  messagesOf(indices: ArrayLike<number>, fn: (i: number, message: string) => void): void {
    let covered = -1;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      const at = this.messageAt[i];
      if (at >= 0 && this.source && at + this.fileLength(i) > covered) {
        let end = at + this.fileLength(i);
        for (let j = k + 1; j < indices.length; j++) {
          const next = this.messageAt[indices[j]];
          if (next < 0) continue;
          const nextEnd = next + this.fileLength(indices[j]);
          if (nextEnd - at > MESSAGE_SPAN_BYTES) break;
          end = nextEnd;
        }
        if (this.source.read(at, end - at) >= 0) covered = end;
      }
      fn(i, this.message(i));
    }
  }

  /**
   * Finds record i's message as stored, without a copy or a view: returns where it starts in `foundBytes` (it
   * ends at `foundEnd`; valid until the next message read), or -1 when it is no longer in its file. A message kept
   * in the file over several lines still has its CRs there (`message(i)` drops them).
   */
  findMessage(i: number): number {
    const where = this.messageAt[i];
    if (where < 0) {
      this.foundBytes = this.heap;
      this.foundEnd = -1 - where + this.messageLengths[i];
      return -1 - where;
    }
    const length = this.fileLength(i);
    const at = this.source!.read(where, length);
    if (at < 0) return -1;
    this.foundBytes = this.source!.bytes;
    this.foundEnd = at + length;
    return at;
  }
  foundBytes: Buffer = Buffer.alloc(0);
  foundEnd = 0;

  /** Index of the record covering a 1-based line, or -1. */
  indexAtLine(line: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (line < this.lines[mid]) hi = mid - 1;
      else if (line > this.endLines[mid]) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  // ---- the array methods callers use ---------------------------------------------------------------

  *[Symbol.iterator](): Iterator<LogRecord> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
  forEach(fn: (record: LogRecord, index: number) => void): void {
    for (let i = 0; i < this.length; i++) fn(this.get(i), i);
  }
  filter(fn: (record: LogRecord, index: number) => unknown): LogRecord[] {
    const out: LogRecord[] = [];
    this.forEach((r, i) => fn(r, i) && out.push(r));
    return out;
  }
  map<T>(fn: (record: LogRecord, index: number) => T): T[] {
    const out: T[] = [];
    this.forEach((r, i) => out.push(fn(r, i)));
    return out;
  }
  find(fn: (record: LogRecord, index: number) => unknown): LogRecord | undefined {
    for (let i = 0; i < this.length; i++) {
      const r = this.get(i);
      if (fn(r, i)) return r;
    }
    return undefined;
  }
  some(fn: (record: LogRecord, index: number) => unknown): boolean {
    return this.find(fn) !== undefined;
  }
  slice(from = 0, to = this.length): LogRecord[] {
    const out: LogRecord[] = [];
    for (
      let i = Math.max(0, from < 0 ? this.length + from : from);
      i < Math.min(this.length, to < 0 ? this.length + to : to);
      i++
    )
      out.push(this.get(i));
    return out;
  }
  at(i: number): LogRecord | undefined {
    const at = i < 0 ? this.length + i : i;
    return at >= 0 && at < this.length ? this.get(at) : undefined;
  }

  /**
   * The table as plain data for another thread: its typed arrays are listed in `transfer` (moved, not
   * copied), so this table must not be used afterwards.
   */
  detach(): { data: DetachedTable; transfer: ArrayBuffer[] } {
    // Whole buffers, room to spare included: moving them is free, and memory never written is never paged in.
    const columns = this.numberColumns();
    const heap = new Uint8Array(this.heap.buffer, this.heap.byteOffset, this.heap.length);
    const source = this.source && { path: this.source.path, head: this.source.head, size: this.source.size };
    this.source?.release();
    const data: DetachedTable = {
      file: this.file,
      length: this.length,
      columns,
      heap,
      heapUsed: this.heapUsed,
      source,
      damaged: [...this.damaged],
      locals: [...this.locals],
      fractionTails: this.fractionTails,
      bigThreads: [...this.bigThreads],
      bigColumns: [...this.bigColumns],
      strings: this.strings.values,
    };
    const tails = this.fractionTails ? [this.fractionTails.buffer as ArrayBuffer] : [];
    return { data, transfer: [...columns.map((c) => c.buffer as ArrayBuffer), heap.buffer as ArrayBuffer, ...tails] };
  }

  /** A table made from `detach()`'s data, in the receiving thread. */
  static attach(data: DetachedTable): RecordTable {
    const table = new RecordTable(data.file);
    table.setNumberColumns(data.columns);
    table.heap = Buffer.from(data.heap.buffer, data.heap.byteOffset, data.heap.length) as Buffer<ArrayBuffer>;
    table.heapUsed = data.heapUsed;
    if (data.source) table.source = new FileBytes(data.source.path, data.source.head, data.source.size);
    table.capacity = data.columns[0].length;
    table.length = data.length;
    for (const [i, v] of data.damaged) table.damaged.set(i, v);
    for (const [i, v] of data.locals) table.locals.set(i, v);
    table.fractionTails = data.fractionTails;
    for (const [i, v] of data.bigThreads) table.bigThreads.set(i, v);
    for (const [i, v] of data.bigColumns) table.bigColumns.set(i, v);
    for (const v of data.strings) table.strings.id(v);
    return table;
  }

  /** Room for `records` more records (from `length` on) and `messageBytes` more bytes of message; returns `length`. */
  private reserve(records: number, messageBytes: number): number {
    if (this.expectedBytes) this.reserveExpected();
    const i = this.length;
    if (i + records > this.capacity) this.growColumns(Math.max(1024, this.capacity * 2, i + records));
    const need = this.heapUsed + messageBytes;
    if (need > this.heap.length) {
      const heap = Buffer.allocUnsafe(Math.max(need, this.heap.length * 2, 64 * 1024));
      this.heap.copy(heap, 0, 0, this.heapUsed);
      this.heap = heap;
    }
    return i;
  }

  private growColumns(capacity: number): void {
    // Not zero-filled: every slot below `length` is written by push. A zeroed array (calloc) writes all of its
    // pages when malloc hands out recycled memory, which made the spare room of `expect` resident (+30 MB on
    // the bench corpus); uninitialised memory is only paged in where records land.
    const grow = <T extends NumberColumn>(old: T, size = capacity): T => {
      const Column = old.constructor as {
        new (buffer: ArrayBuffer, offset: number, length: number): T;
        BYTES_PER_ELEMENT: number;
      };
      const next = new Column(Buffer.allocUnsafeSlow(size * Column.BYTES_PER_ELEMENT).buffer as ArrayBuffer, 0, size);
      next.set(old);
      return next;
    };
    this.setNumberColumns(this.numberColumns().map((c) => grow(c)));
    if (this.fractionTails) {
      const tails = new Uint16Array(capacity); // zeros: no tail until set
      tails.set(this.fractionTails.subarray(0, Math.min(this.fractionTails.length, capacity)));
      this.fractionTails = tails;
    }
    this.capacity = capacity;
  }

  /** The per-record number columns, always in this order (growing, detaching and attaching rely on it). */
  private numberColumns(): NumberColumn[] {
    return [
      this.lines,
      this.endLines,
      this.columns,
      this.utcs,
      this.biases,
      this.threads,
      this.severities,
      this.formats,
      this.components,
      this.contexts,
      this.rawTypes,
      this.sourceFiles,
      this.messageAt,
      this.messageLengths,
    ];
  }

  private setNumberColumns(columns: NumberColumn[]): void {
    const c = columns as never[];
    [
      this.lines,
      this.endLines,
      this.columns,
      this.utcs,
      this.biases,
      this.threads,
      this.severities,
      this.formats,
      this.components,
      this.contexts,
      this.rawTypes,
      this.sourceFiles,
      this.messageAt,
      this.messageLengths,
    ] = c;
  }
}

/**
 * "YYYY-MM-DDTHH:MM:SS.mmm" of the wall clock the log wrote (UTC = local + bias), or null without a time. Made for
 * every record the general parser adds (to know whether its local time needs keeping) and every record shown: the
 * date and minute are formatted once per minute, the rest by hand (toISOString for each took a tenth of a parse).
 */
export function localOf(utc: number | null, biasMinutes: number | null): string | null {
  if (utc === null) return null;
  const t = Math.trunc(utc - (biasMinutes ?? 0) * 60_000); // as Date keeps a time: whole milliseconds
  if (!(t >= FOUR_DIGIT_YEARS[0] && t < FOUR_DIGIT_YEARS[1])) return new Date(t).toISOString().slice(0, 23);
  const minute = Math.floor(t / 60_000);
  if (minute !== lastMinute) {
    lastMinute = minute;
    lastMinutePrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const inMinute = t - minute * 60_000;
  const second = Math.floor(inMinute / 1000);
  const millis = inMinute % 1000;
  return `${lastMinutePrefix}${second < 10 ? '0' : ''}${second}.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}`;
}

/** The span of local times (ISO text, compared as text) with `local` in it. */
function spanWith(span: { first: string; last: string } | null, local: string): { first: string; last: string } {
  if (!span) return { first: local, last: local };
  return { first: local < span.first ? local : span.first, last: local > span.last ? local : span.last };
}

/** The times whose ISO form has a four-digit year (others are left to toISOString). */
const FOUR_DIGIT_YEARS = [Date.UTC(1000, 0, 1), Date.UTC(10000, 0, 1)];
let lastMinute = NaN;
let lastMinutePrefix = '';

const CR = 13;

/** A multi-line message with its CRs dropped (the general parser joins lines with "\n"). */
export function withoutCr(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== CR) out[n++] = bytes[i];
  return out.subarray(0, n);
}
