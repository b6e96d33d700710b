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

export class OutputSink {
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
