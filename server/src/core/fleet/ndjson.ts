// JSON lines written through a buffer: one write per megabyte, not per row.
import { closeSync, openSync, writeSync } from 'node:fs';

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
