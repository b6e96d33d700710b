// Helpers for reading text straight from bytes (the CMTrace fast path and the index's key scan).

// Buffer's own latin1Slice (undocumented but long-standing) skips toString's argument checks, which matters
// when it runs several times per record; toString is the fallback should it ever go away.
const latin1Slice = (Buffer.prototype as Buffer & { latin1Slice?: (this: Buffer, from: number, to: number) => string }).latin1Slice;

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
