// Bytes of a log file read back from disk on demand, for records whose message is not kept in memory: the
// CMTrace fast path notes where each message lies in the file instead of copying it (on the bench corpus that
// copy was 84 MB of fresh pages, a third of the parse time and of the peak RSS). lnav keeps only line offsets
// too. Logs only grow, so what was read stays where it was; a file that was replaced (a rollover renames
// X.log to X.lo_ and starts a new X.log) or truncated is noticed by its first bytes and its size, and then
// reads fail (-1) rather than give someone else's text.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** What identifies the file as parsed: its first bytes (at most this many) and the size read. */
const HEAD_BYTES = 1024;
/**
 * A read that carries on where the last one ended (a walk over the records) fills a window this big, so the
 * file is read in blocks; any other read fills a small one (a hover, or a sample of records across files,
 * would otherwise read 256 KB for each message it wants).
 */
const WINDOW_BYTES = 256 * 1024;
const SMALL_WINDOW_BYTES = 4 * 1024;
/** Files kept open (with their windows) at once, across all FileBytes; the least recently used is let go first. */
const MAX_OPEN = 16;

const open = new Map<FileBytes, number>();

export class FileBytes {
  private window: Buffer | null = null;
  /**
   * The bytes read last: window[0, windowLength) from file offset windowStart. A new view object at each read,
   * so that code which keeps state per buffer (a KeyScanner) sees that the bytes changed.
   */
  private view: Buffer | null = null;
  private windowStart = 0;
  private windowLength = 0;
  private stale = false;

  /**
   * @param path the file
   * @param head its first bytes as read when parsed (up to 1 KB; more is ignored)
   * @param size how many bytes were parsed: reads beyond are refused
   */
  constructor(
    readonly path: string,
    readonly head: Uint8Array,
    public size: number,
  ) {
    if (head.length > HEAD_BYTES) this.head = head.subarray(0, HEAD_BYTES);
  }

  /** The first bytes of a file, to identify it later (a copy: the caller's buffer is reused). */
  static headOf(bytes: Uint8Array): Uint8Array {
    return Uint8Array.prototype.slice.call(bytes, 0, HEAD_BYTES); // Buffer's own slice would be a view
  }

  /** The bytes of the last read (see `read`). */
  get bytes(): Buffer {
    return this.view!;
  }

  /**
   * Reads `length` bytes at `offset`: returns where they start in `bytes` (valid until the next read of this
   * file; no object is made per call, a walk over a million messages calls this a million times), or -1 when
   * the file is no longer the one parsed (replaced, truncated, deleted) or cannot be read now.
   */
  read(offset: number, length: number): number {
    if (this.view && offset >= this.windowStart && offset + length <= this.windowStart + this.windowLength)
      return offset - this.windowStart;
    if (this.stale || offset + length > this.size) return -1;
    const fd = this.fd();
    if (fd < 0) return -1;
    const sequential =
      this.view !== null &&
      offset >= this.windowStart + this.windowLength &&
      offset < this.windowStart + this.windowLength + SMALL_WINDOW_BYTES;
    const want = Math.min(Math.max(length, sequential ? WINDOW_BYTES : SMALL_WINDOW_BYTES), this.size - offset);
    if (!this.window || this.window.length < want)
      this.window = Buffer.allocUnsafeSlow(Math.max(want, sequential ? WINDOW_BYTES : SMALL_WINDOW_BYTES));
    let got = 0;
    try {
      got = readFully(fd, this.window, want, offset);
    } catch {
      got = 0;
    }
    this.windowStart = offset;
    this.windowLength = got;
    this.view = this.window.subarray(0, got);
    if (got < length) {
      this.markStale();
      return -1;
    }
    return 0;
  }

  /**
   * Reads of [offset, offset + bytes.length) are served from `bytes` until `endLoan` (the parser lends the chunk it
   * has just read, so that messages wanted at once are not read back from disk). Any other read goes to the file.
   */
  lend(bytes: Buffer, offset: number): void {
    this.view = bytes;
    this.windowStart = offset;
    this.windowLength = bytes.length;
  }

  /** The bytes lent are the lender's again: the next read goes to the file. */
  endLoan(): void {
    this.view = null;
    this.windowLength = 0;
  }

  /** Lets go of the file and of the window (the records stay; a later read opens the file again). */
  release(): void {
    const fd = open.get(this);
    if (fd !== undefined) {
      open.delete(this);
      safeClose(fd);
    }
    this.window = null;
    this.view = null;
    this.windowLength = 0;
  }

  private fd(): number {
    const known = open.get(this);
    if (known !== undefined) {
      open.delete(this); // re-inserted: the Map's order is the LRU order
      open.set(this, known);
      return known;
    }
    let fd = -1;
    try {
      fd = openSync(this.path, 'r');
      if (!this.isSameFile(fd)) {
        safeClose(fd);
        this.markStale();
        return -1;
      }
    } catch {
      if (fd >= 0) safeClose(fd);
      return -1; // unreadable for now (locked, permissions): not stale, a later read may succeed
    }
    open.set(this, fd);
    if (open.size > MAX_OPEN) (open.keys().next().value as FileBytes).release(); // its window goes too: memory stays bounded
    return fd;
  }

  private isSameFile(fd: number): boolean {
    if (fstatSync(fd).size < this.size) return false;
    const bytes = Buffer.allocUnsafe(this.head.length);
    return readFully(fd, bytes, bytes.length, 0) === this.head.length && bytes.equals(this.head);
  }

  private markStale(): void {
    this.stale = true;
    this.release();
  }
}

/** Reads `length` bytes at `position` into buffer[0..]: fewer only at the end of the file. Returns how many. */
function readFully(fd: number, buffer: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function safeClose(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed or gone: nothing to release
  }
}
