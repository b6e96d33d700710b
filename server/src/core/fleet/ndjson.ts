// JSON lines written through a buffer: one write per megabyte, not per row.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RecordTable } from '../table';
import type { RecordSink } from './recordsCsv';
import type { FailureCode, RecordRow } from './rows';

const FLUSH_AT = 1 << 20;

export class NdjsonWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  rows = 0;

  constructor(
    readonly path: string,
    append = false,
  ) {
    this.fd = openSync(path, append ? 'a' : 'w');
  }

  write(row: object): void {
    const line = JSON.stringify(row) + '\n';
    this.parts.push(line);
    this.pending += line.length;
    this.rows++;
    if (this.pending >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (!this.parts.length) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * A machine's records as JSON lines with every column of the records table (for ClickHouse's JSONEachRow, with
 * --jsoneachrow). Slower than the CSV the Parquet path uses (a row object and its JSON text per record).
 */
export class RecordJsonWriter implements RecordSink {
  private readonly out: NdjsonWriter;
  private machine = '';
  private readonly days = new UtcDays();

  constructor(readonly path: string) {
    this.out = new NdjsonWriter(path);
  }

  get rows(): number {
    return this.out.rows;
  }

  start(machine: string): void {
    this.machine = machine;
  }

  record(
    file: string,
    table: RecordTable,
    i: number,
    message: Buffer,
    start: number,
    end: number,
    code: FailureCode | null,
  ): void {
    const utc = table.utc(i);
    this.out.write({
      machine: this.machine,
      day: utc === null ? null : this.days.of(utc),
      file,
      line: table.line(i),
      utc_ms: utc === null ? null : Math.trunc(utc),
      local: table.localAt(i),
      bias: table.biasMinutes(i),
      severity: table.severity(i),
      component: table.component(i),
      thread: table.thread(i),
      code: code?.code ?? null,
      code_name: code?.name ?? null,
      message: message.toString('utf8', start, end),
    } satisfies RecordRow);
  }

  close(): void {
    this.out.close();
  }
}

/** "YYYY-MM-DD" of a UTC time, made once per day rather than a Date and its ISO text per record. */
class UtcDays {
  private day = NaN;
  private text = '';

  of(utc: number): string {
    const day = Math.floor(utc / 86_400_000);
    if (day !== this.day) [this.day, this.text] = [day, new Date(day * 86_400_000).toISOString().slice(0, 10)];
    return this.text;
  }
}
