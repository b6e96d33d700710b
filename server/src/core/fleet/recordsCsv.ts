// A machine's records as CSV written from the table's columns, for DuckDB to turn into Parquet in one COPY.
//
// Why CSV from bytes: the first writer made every record a LogRecord (its message decoded into a string), then a
// row object, then JSON text that DuckDB parsed again: 17 µs a record, a third of a fleet run beside diagnosis.
// Here the numbers are read from the columns, the message is copied as the UTF-8 bytes the table holds (quotes
// doubled), and nothing per record outlives the record. The machine and the UTC day are not written: the COPY adds
// them (the machine is one value per file; the day is the UTC date of utc_ms).
//
// The format DuckDB is told to read (see RECORD_CSV_OPTIONS): comma-separated, no header, every text field
// quoted ("" inside is a quote), an empty unquoted field is NULL, a quoted empty field is the empty string.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RecordTable } from '../table';
import { NextByte } from './nextByte';
import type { FailureCode } from './rows';

/** CSV columns in the order written (all but machine and day of the records table). */
export const RECORD_CSV_COLUMNS = [
  'file',
  'line',
  'utc_ms',
  'local',
  'bias',
  'severity',
  'component',
  'thread',
  'code',
  'code_name',
  'message',
] as const;

const FLUSH_AT = 1 << 20;
const QUOTE = 0x22;

/** The sink readMachine hands each record to (this CSV writer, or JSON lines for ClickHouse). */
export interface RecordSink {
  /** Called once, before the first record, with the machine's name (the CSV leaves it to the COPY). */
  start(machine: string): void;
  /**
   * Record i of `table`, known in the tables as `file`: its message as UTF-8 bytes, message[start, end) (what
   * `message(i)` says; valid during the call), and its failure code (or null).
   */
  record(
    file: string,
    table: RecordTable,
    i: number,
    message: Buffer,
    start: number,
    end: number,
    code: FailureCode | null,
  ): void;
  close(): void;
  readonly rows: number;
}

export class RecordCsvWriter implements RecordSink {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private used = 0;
  rows = 0;
  /** The quoted bytes of the file being written (records come file by file). */
  private file: string | null = null;
  private fileBytes: Buffer = Buffer.alloc(0);
  /** The table whose components are in `components` (quoted bytes by component id, made once per table). */
  private table: RecordTable | null = null;
  private components: Array<Buffer | undefined> = [];
  /** Quoted bytes of code names, by name (few: a machine repeats the same codes). */
  private readonly codeNames = new Map<string, Buffer>();
  /** "YYYY-MM-DDTHH:MM:" of the minute of the last local time written (local times come in order). */
  private minute = NaN;
  private readonly minutePrefix = Buffer.alloc(17);
  private readonly quotes = new NextByte(QUOTE);

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  start(): void {}

  record(
    file: string,
    table: RecordTable,
    i: number,
    message: Buffer,
    start: number,
    end: number,
    code: FailureCode | null,
  ): void {
    // Everything but the message is at most a few hundred bytes: the buffer is made room for once, then each field
    // is written into it as bytes (digits, and quoted text made once per file, component or code name).
    if (file !== this.file) [this.file, this.fileBytes] = [file, quotedBytes(file)];
    if (table !== this.table) [this.table, this.components] = [table, []];
    const component = this.componentBytes(table, i);
    const codeName = code?.name ? this.codeNameBytes(code.name) : null;
    const kept = table.hasKeptLocal(i) ? table.localAt(i) : null;
    this.room(this.fileBytes.length + component.length + (codeName?.length ?? 0) + (kept?.length ?? 0) * 6 + 200);
    const out = this.buffer;
    this.put(this.fileBytes);
    out[this.used++] = COMMA;
    this.int(table.line(i));
    out[this.used++] = COMMA;
    const utc = table.utc(i);
    if (utc !== null) this.int(Math.trunc(utc));
    out[this.used++] = COMMA;
    if (kept !== null) this.used += out.write(quoteIfNeeded(kept), this.used, 'utf8');
    else this.local(table, i);
    out[this.used++] = COMMA;
    const bias = table.biasMinutes(i);
    if (bias !== null) this.int(bias);
    out[this.used++] = COMMA;
    this.put(SEVERITY_BYTES[table.severityIndex(i)]);
    out[this.used++] = COMMA;
    this.put(component);
    out[this.used++] = COMMA;
    const thread = table.thread(i);
    if (thread !== null) this.int(thread);
    out[this.used++] = COMMA;
    if (code) this.used += out.write(code.code, this.used, 'latin1'); // "0x80244021", "HTTP 404": ASCII
    out[this.used++] = COMMA;
    if (codeName) this.put(codeName);
    out[this.used++] = COMMA;
    this.quoteBytes(message, start, end);
    this.buffer[this.used++] = NEWLINE;
    this.rows++;
    if (this.used >= FLUSH_AT) this.flush();
  }

  private componentBytes(table: RecordTable, i: number): Buffer {
    const id = table.componentId(i);
    return (this.components[id] ??= quotedBytes(table.componentName(id)));
  }

  private codeNameBytes(name: string): Buffer {
    let bytes = this.codeNames.get(name);
    if (bytes === undefined) {
      bytes = quotedBytes(name);
      if (this.codeNames.size < 10_000) this.codeNames.set(name, bytes);
    }
    return bytes;
  }

  private put(bytes: Buffer): void {
    bytes.copy(this.buffer, this.used);
    this.used += bytes.length;
  }

  /** An integer's decimal digits (a line, a thread, a bias, milliseconds since 1970: all below 2^53). */
  private int(value: number): void {
    const out = this.buffer;
    if (value < 0) {
      out[this.used++] = MINUS;
      value = -value;
    }
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    let at = this.used + digits;
    this.used = at;
    do {
      const next = Math.floor(value / 10);
      out[--at] = ZERO + value - next * 10;
      value = next;
    } while (value > 0);
  }

  /**
   * Record i's local time as `localAt(i)` makes it (a table keeps only the local times it could not make): its wall
   * time as "YYYY-MM-DDTHH:MM:SS.mmm", written as bytes; nothing when it has no time. A year outside 1000-9999
   * (which toISOString writes otherwise) takes localAt's own text.
   */
  private local(table: RecordTable, i: number): void {
    const wall = table.wallTime(i);
    if (wall === null) return;
    const t = Math.trunc(wall);
    if (!(t >= FOUR_DIGIT_YEARS[0] && t < FOUR_DIGIT_YEARS[1])) {
      this.used += this.buffer.write(quoteIfNeeded(table.localAt(i)!), this.used, 'latin1');
      return;
    }
    const minute = Math.floor(t / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.minutePrefix.write(new Date(minute * 60_000).toISOString().slice(0, 17), 'latin1');
    }
    this.put(this.minutePrefix);
    const inMinute = t - minute * 60_000;
    const second = Math.floor(inMinute / 1000);
    const millis = inMinute - second * 1000;
    const out = this.buffer;
    out[this.used++] = ZERO + Math.floor(second / 10);
    out[this.used++] = ZERO + (second % 10);
    out[this.used++] = DOT;
    out[this.used++] = ZERO + Math.floor(millis / 100);
    out[this.used++] = ZERO + (Math.floor(millis / 10) % 10);
    out[this.used++] = ZERO + (millis % 10);
  }

  /**
   * A message's bytes, bytes[start, end), between quotes, quotes doubled (a message is UTF-8 and may hold line
   * breaks and commas). Copied with Buffer#copy (no view made per message); the next quote is looked for once per
   * buffer of messages (NextByte), most messages have none.
   */
  private quoteBytes(bytes: Buffer, start: number, end: number): void {
    this.room((end - start) * 2 + 2);
    const out = this.buffer;
    out[this.used++] = QUOTE;
    let from = start;
    for (let q = this.quotes.find(bytes, from); q >= 0 && q < end; q = this.quotes.find(bytes, from)) {
      this.used += bytes.copy(out, this.used, from, q + 1);
      out[this.used++] = QUOTE;
      from = q + 1;
    }
    this.used += bytes.copy(out, this.used, from, end);
    out[this.used++] = QUOTE;
  }

  /** At least `bytes` free in the buffer (flushing, and growing it for a giant message). */
  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    this.flush();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  flush(): void {
    for (let at = 0; at < this.used;) at += writeSync(this.fd, this.buffer, at, this.used - at);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** The severities in RecordTable's order (severityIndex), as written. */
const SEVERITY_BYTES = ['error', 'warning', 'info', 'verbose', 'unknown'].map((s) => Buffer.from(s, 'latin1'));

/** The times whose ISO form has a four-digit year (as localOf: others keep toISOString's text). */
const FOUR_DIGIT_YEARS = [Date.UTC(1000, 0, 1), Date.UTC(10000, 0, 1)];

/** Text as a quoted CSV field, in UTF-8: between quotes, quotes doubled. */
function quotedBytes(text: string): Buffer {
  return Buffer.from(`"${text.replace(/"/g, '""')}"`, 'utf8');
}

/**
 * A local time as written: "YYYY-MM-DDTHH:MM:SS.mmm" as a rule, but a format may keep its own text (more digits, a
 * second 60): quoted when it holds what CSV reads as structure, so that no log text can shift a column.
 */
function quoteIfNeeded(text: string): string {
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
