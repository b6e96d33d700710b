// Text chunks → lines. Line breaks are CRLF, LF or a bare CR, the same rule VS Code uses, so line numbers
// agree with the editor. Also drops what writers leave behind: NUL padding and a BOM at the start of a line.

export type LineSink = (text: string, lineNumber: number) => void;

/** Longer lines are passed on in pieces of this size (V8 strings end near 512 M characters). */
export const MAX_LINE_CHARS = 32 * 1024 * 1024;

export class LineSplitter {
  private carry = '';
  private lineNumber = 0;
  private pendingCr = false;
  /** Only chunks that hold a NUL need each line searched for NUL padding. */
  private chunkHasNul = true;

  /** `firstLine`: the number of the first line pushed (a part of a file that does not start at its top). */
  constructor(
    private readonly sink: LineSink,
    firstLine = 1,
  ) {
    this.lineNumber = firstLine - 1;
  }

  push(chunk: string): void {
    if (!chunk.length) return;
    let start = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (chunk.charCodeAt(0) === 10) start = 1; // the LF of a CRLF split across chunks
    }
    const text = this.carry.length ? this.carry + chunk.slice(start) : chunk.slice(start);
    this.carry = '';
    this.chunkHasNul = text.indexOf('\0') >= 0;
    // Next LF and CR positions are found once and reused: searching both from every line start would
    // rescan the whole chunk for a CR that an LF-only file never has.
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    let from = 0;
    for (;;) {
      if (lf >= 0 && lf < from) lf = text.indexOf('\n', from);
      if (cr >= 0 && cr < from) cr = text.indexOf('\r', from);
      const brk = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (brk < 0) break;
      this.emit(text.slice(from, brk));
      if (brk === cr) {
        if (brk + 1 >= text.length) {
          this.pendingCr = true;
          from = brk + 1;
          break;
        }
        from = text.charCodeAt(brk + 1) === 10 ? brk + 2 : brk + 1;
      } else {
        from = brk + 1;
      }
    }
    this.carry = text.slice(from);
    // A line without end (binary junk, a runaway writer) would outgrow what a string can hold: hand it on
    // in pieces that keep the line's number, so the rest of the file is still read.
    if (this.carry.length > MAX_LINE_CHARS) {
      this.sink(this.clean(this.carry), this.lineNumber + 1);
      this.carry = '';
    }
  }

  /** Flushes the last line (a file need not end with a line break). */
  end(): void {
    this.chunkHasNul = true;
    if (this.carry.length) this.emit(this.carry);
    this.carry = '';
  }

  /** The last line while it has no line break yet (a log still being written). */
  get partialLine(): { text: string; line: number } | undefined {
    return this.carry.length ? { text: cleanLine(this.carry), line: this.lineNumber + 1 } : undefined;
  }

  /** Number of lines emitted so far. */
  get count(): number {
    return this.lineNumber;
  }

  private emit(raw: string): void {
    this.lineNumber++;
    this.sink(this.clean(raw), this.lineNumber);
  }

  private clean(raw: string): string {
    return this.chunkHasNul ? cleanLine(raw) : raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  }
}

export function cleanLine(raw: string): string {
  let line = raw;
  if (line.indexOf('\0') >= 0) line = line.replace(/\0+/g, '');
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  return line;
}
