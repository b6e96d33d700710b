// Output written through one reused buffer: the CLI's record commands print hundreds of megabytes of lines, and a
// `process.stdout.write` per line (a string, a write request and a callback each) cost more than making the lines.
// Lines are encoded into a 1 MB buffer; a full buffer goes to the stream while the other one is filled, and is
// reused only once the stream says it was written (a stream may hold a chunk until the reader takes it).

/** What the sink writes to: process.stdout, or any Writable (tests collect the bytes). */
export interface ByteStream {
  write(chunk: Uint8Array, done: (error?: Error | null) => void): boolean;
}

const BUFFER_BYTES = 1 << 20;
/** Room kept free so that most lines fit without a check of their own (UTF-8: at most 3 bytes per UTF-16 unit). */
const SLACK_BYTES = 64 * 1024;

/** What record writers put lines into: the output sink, or a block of lines put in order before they go out. */
export interface LineTarget {
  /** The buffer being filled, from `used` on (room for a record of 48 KB: see each target). */
  readonly buffer: Buffer;
  used: number;
  /** Adds `text` and a line feed. */
  line(text: string): void;
}

export class OutputSink implements LineTarget {
  private readonly buffers: [Buffer, Buffer];
  private readonly written: [Promise<void> | null, Promise<void> | null] = [null, null];
  private current = 0;
  /** Bytes of `buffer` filled: writers that put bytes into `buffer` themselves (jsonBytes.ts) move it on. */
  used = 0;
  private error: Error | null = null;

  constructor(
    private readonly stream: ByteStream,
    private readonly size = BUFFER_BYTES,
  ) {
    this.buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  }

  /** True when the buffer should be flushed (`await flush()`) before more lines are written. */
  get full(): boolean {
    return this.used > this.size - SLACK_BYTES;
  }

  /** The buffer being filled, from `used` on; at least 64 KB are free there while not `full`. */
  get buffer(): Buffer {
    return this.buffers[this.current];
  }

  /** Adds `text` and a line feed. A line longer than the room left goes out on its own (in order). */
  line(text: string): void {
    const buffer = this.buffers[this.current];
    if (text.length * 3 + 1 <= this.size - this.used) {
      this.used += buffer.write(text, this.used);
      buffer[this.used++] = 10;
      return;
    }
    // Rare (a message of hundreds of KB): copies, so the reused buffers are never handed out twice.
    if (this.used) this.send(Buffer.from(buffer.subarray(0, this.used)));
    this.used = 0;
    this.send(Buffer.from(text + '\n', 'utf8'));
  }

  /** Adds bytes[start, end) (whole lines) as they are. */
  bytes(bytes: Buffer, start: number, end: number): void {
    const buffer = this.buffers[this.current];
    if (end - start <= this.size - this.used) {
      this.used += bytes.copy(buffer, this.used, start, end);
      return;
    }
    if (this.used) this.send(Buffer.from(buffer.subarray(0, this.used)));
    this.used = 0;
    this.send(Buffer.from(bytes.subarray(start, end)));
  }

  /** Hands the filled buffer to the stream and waits until the other one may be reused. */
  async flush(): Promise<void> {
    if (this.used) {
      this.written[this.current] = this.send(this.buffers[this.current].subarray(0, this.used));
      this.current ^= 1;
      this.used = 0;
    }
    await this.settle(this.current);
  }

  /** Everything written, and written out. */
  async end(): Promise<void> {
    await this.flush();
    await this.settle(this.current ^ 1);
  }

  private async settle(k: number): Promise<void> {
    const pending = this.written[k];
    this.written[k] = null;
    if (pending) await pending;
    if (this.error) throw this.error;
  }

  /** Never rejects (an error is kept and thrown by the next flush), so a chunk nobody awaits yet cannot go unhandled. */
  private send(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve) =>
      this.stream.write(chunk, (error) => {
        if (error) this.error ??= error;
        resolve();
      }),
    );
  }
}

/** Lines made in one order and printed in another (cmlogs timeline: made file by file, printed by time). */
export class LineBlock implements LineTarget {
  buffer = Buffer.allocUnsafeSlow(16 << 20);
  used = 0;

  /** Room for `bytes` more (a RecordJsonBytes record needs 64 KB). */
  reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }

  line(text: string): void {
    this.reserve(text.length * 3 + 1);
    this.used += this.buffer.write(text, this.used);
    this.buffer[this.used++] = 10;
  }

  clear(): void {
    this.used = 0;
  }
}
