/** Bytes as Latin-1 text: for ASCII tokens (header values, GUIDs, KB numbers). */
export declare function latin1(bytes: Buffer, from: number, to: number): string;
/**
 * The next position of a byte (or byte string) in one buffer, found with Buffer.indexOf (memchr speed) and
 * kept while it is still ahead: a scan that only moves forward reads the buffer about once, where a search
 * from every record would re-read the same bytes (or, for a byte that never comes, the whole rest of them).
 */
export declare class NextMatch {
    private readonly bytes;
    private readonly needle;
    private at;
    private none;
    constructor(bytes: Buffer, needle: number | Uint8Array);
    /** The first position >= `from`, or Infinity when there is none. */
    from(from: number): number;
}
/**
 * Buffers kept for the next file instead of freed: fresh memory costs a page fault per 4 KB on first touch
 * (more than parsing the bytes in it, on the machines measured), and a freed block of a megabyte or more raises
 * malloc's mmap threshold, after which the tables' spare room came from recycled, resident memory. A few
 * at most: one set per parse running at once.
 */
export declare class SpareBuffers {
    private readonly max;
    private readonly spare;
    constructor(max: number);
    /** A kept buffer of at least `length` bytes (the last one given back, if it is that big), else a new one of `size`. */
    take(length: number, size?: number): Buffer<ArrayBuffer>;
    give(buffer: Buffer<ArrayBuffer>): void;
}
