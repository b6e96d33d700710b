// Helpers for reading text straight from bytes (the CMTrace fast path and the index's key scan).

// Buffer's own latin1Slice (undocumented but long-standing) skips toString's argument checks, which matters
// when it runs several times per record; toString is the fallback should it ever go away.
const latin1Slice = (Buffer.prototype as Buffer & { latin1Slice?: (this: Buffer, from: number, to: number) => string })
  .latin1Slice;

/** Bytes as Latin-1 text: for ASCII tokens (header values, GUIDs, KB numbers). */
export function latin1(bytes: Buffer, from: number, to: number): string {
  return latin1Slice ? latin1Slice.call(bytes, from, to) : bytes.toString('latin1', from, to);
}

/**
 * The next position of a byte (or byte string) in one buffer, found with Buffer.indexOf (memchr speed) and
 * kept while it is still ahead: a scan that only moves forward reads the buffer about once, where a search
 * from every record would re-read the same bytes (or, for a byte that never comes, the whole rest of them).
 */
export class NextMatch {
  private at = -1;
  private none = false;

  constructor(
    private readonly bytes: Buffer,
    private readonly needle: number | Uint8Array,
  ) {}

  /** The first position >= `from`, or Infinity when there is none. */
  from(from: number): number {
    if (this.none) return Infinity;
    if (this.at < from) {
      this.at = this.bytes.indexOf(this.needle, from);
      if (this.at < 0) this.none = true;
    }
    return this.none ? Infinity : this.at;
  }
}

/**
 * Buffers kept for the next file instead of freed: fresh memory costs a page fault per 4 KB on first touch
 * (more than parsing the bytes in it, on the machines measured), and a freed block of a megabyte or more raises
 * malloc's mmap threshold, after which the tables' spare room came from recycled, resident memory. A few
 * at most: one set per parse running at once.
 */
export class SpareBuffers {
  private readonly spare: Array<Buffer<ArrayBuffer>> = [];

  constructor(private readonly max: number) {}

  /** A kept buffer of at least `length` bytes (the last one given back, if it is that big), else a new one of `size`. */
  take(length: number, size = length): Buffer<ArrayBuffer> {
    const last = this.spare[this.spare.length - 1];
    return last && last.length >= length ? this.spare.pop()! : Buffer.allocUnsafeSlow(Math.max(length, size));
  }

  give(buffer: Buffer<ArrayBuffer>): void {
    if (buffer.length && this.spare.length < this.max) this.spare.push(buffer);
  }
}
