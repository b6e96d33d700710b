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
   * Record i of `table`, known in the tables as `file`: its message as UTF-8 bytes (what `message(i)` says; valid
   * during the call) and its failure code (or null).
   */
  record(file: string, table: RecordTable, i: number, message: Buffer, code: FailureCode | null): void;
  close(): void;
  readonly rows: number;
}

export class RecordCsvWriter implements RecordSink {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private used = 0;
  rows = 0;
  /** Quoted text of the values that repeat (file names, components, code names). */
  private readonly quoted = new Map<string, string>();

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  start(): void {}

  record(file: string, table: RecordTable, i: number, message: Buffer, code: FailureCode | null): void {
    const utc = table.utc(i);
    const local = table.localAt(i);
    const bias = table.biasMinutes(i);
    const thread = table.thread(i);
    const head =
      `${this.quote(file)},${table.line(i)},${utc === null ? '' : Math.trunc(utc)},${local === null ? '' : quoteIfNeeded(local)},` +
      `${bias === null ? '' : bias},${table.severity(i)},${this.quote(table.component(i))},` +
      `${thread === null ? '' : thread},${code ? code.code : ''},${code?.name ? this.quote(code.name) : ''},`;
    this.room(head.length * 3);
    this.used += this.buffer.write(head, this.used, 'utf8');
    this.quoteBytes(message);
    this.buffer[this.used++] = 0x0a;
    this.rows++;
    if (this.used >= FLUSH_AT) this.flush();
  }

  /** A message's bytes between quotes, quotes doubled (a message is UTF-8 and may hold line breaks and commas). */
  private quoteBytes(view: Buffer): void {
    this.room(view.length * 2 + 2);
    const out = this.buffer;
    out[this.used++] = QUOTE;
    let from = 0;
    for (let q = view.indexOf(QUOTE); q >= 0; q = view.indexOf(QUOTE, from)) {
      out.set(view.subarray(from, q + 1), this.used);
      this.used += q + 1 - from;
      out[this.used++] = QUOTE;
      from = q + 1;
    }
    out.set(view.subarray(from), this.used);
    this.used += view.length - from;
    out[this.used++] = QUOTE;
  }

  private quote(text: string): string {
    let q = this.quoted.get(text);
    if (q === undefined) {
      q = `"${text.replace(/"/g, '""')}"`;
      if (this.quoted.size < 10_000) this.quoted.set(text, q);
    }
    return q;
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

/**
 * A local time as written: "YYYY-MM-DDTHH:MM:SS.mmm" as a rule, but a format may keep its own text (more digits, a
 * second 60): quoted when it holds what CSV reads as structure, so that no log text can shift a column.
 */
function quoteIfNeeded(text: string): string {
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
