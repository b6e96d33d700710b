/**
 * The next position of one byte in the buffers a walk over messages passes (scanMessages' file windows of 256 KB):
 * searched natively once and kept while the messages asked about lie before it, instead of one search per message
 * (a search bounded by the message would be a JavaScript loop; an unbounded one from each message would read the
 * rest of the window again and again).
 */
export class NextByte {
  private buffer: Uint8Array | null = null;
  /** The position searched from, and what was found there: the first `needle` at or after `from`, or -1. */
  private from = 0;
  private at = -1;

  constructor(private readonly needle: number) {}

  /** The first position >= start of the byte in `bytes`, or -1 (valid for any start, in any order). */
  find(bytes: Uint8Array, start: number): number {
    if (bytes !== this.buffer || start < this.from || (this.at >= 0 && this.at < start)) {
      this.buffer = bytes;
      this.from = start;
      this.at = bytes.indexOf(this.needle, start);
    }
    return this.at;
  }
}
