// The open documents as the server keeps them. VS Code sends the whole text of a log when it opens it; a log opened
// as it is on disk (nearly always: a log is read, not edited) is parsed from its file (workspace.ts), and keeping
// the text too would be a second full copy of the log on the heap (a 48 MB log with one non-Latin-1 character: a
// 96 MB string). Such a document keeps only where its lines start in the file, and reads the lines a request
// needs (a hover, the visible range's tokens) back from the file. Any other buffer (edited, untitled, not UTF-8
// on disk) keeps its text, as vscode-languageserver's TextDocument.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DISK_TEXT_PREFIX, type DiskTextClaim } from './protocol';

export interface LogDocument {
  readonly uri: string;
  readonly languageId: string;
  readonly version: number;
  readonly lineCount: number;
  /** The text's length in UTF-16 code units, as VS Code counts it. */
  readonly length: number;
  /** True when the text is exactly the file's (UTF-8, after a BOM): it is then read from the file, not kept. */
  readonly mirrorsDisk: boolean;
  /**
   * The client sent a claim that this log is its file (DISK_TEXT_PREFIX) and the file no longer held that text: the
   * document is empty until the client sends the text (RESEND_TEXT_NOTIFICATION).
   */
  readonly awaitingText?: boolean;
  /** 0-based line `line`'s text, without its line break. */
  lineText(line: number): string;
  /** The whole text (a copy read from the file for a document that mirrors it: for the rare request that needs it). */
  getText(): string;
}

/** For vscode-languageserver's TextDocuments: creates and updates LogDocuments. */
export const LogDocuments: TextDocumentsConfiguration<LogDocument> = {
  create(uri, languageId, version, content) {
    if (content.startsWith(DISK_TEXT_PREFIX)) {
      const claim = claimOf(content.slice(DISK_TEXT_PREFIX.length));
      const disk = claim && DiskDocument.ofClaim(uri, languageId, version, claim);
      return disk ?? new TextLogDocument(TextDocument.create(uri, languageId, version, ''), true);
    }
    return (
      DiskDocument.of(uri, languageId, version, content) ??
      new TextLogDocument(TextDocument.create(uri, languageId, version, content))
    );
  },
  update(document, changes, version) {
    return document instanceof DiskDocument
      ? document.update(changes, version)
      : (document as TextLogDocument).update(changes, version);
  },
};

/** The claim of a didOpen's text (DISK_TEXT_PREFIX), or null when it is not one (then nothing is read from disk). */
function claimOf(json: string): DiskTextClaim | null {
  try {
    const c = JSON.parse(json) as Partial<DiskTextClaim>;
    const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
    return count(c.bytes) &&
      count(c.lineCount) &&
      count(c.length) &&
      typeof c.bom === 'boolean' &&
      typeof c.sha1 === 'string' &&
      /^[0-9a-f]{40}$/.test(c.sha1)
      ? (c as DiskTextClaim)
      : null;
  } catch {
    return null;
  }
}

class TextLogDocument implements LogDocument {
  readonly mirrorsDisk = false;
  constructor(
    private readonly doc: TextDocument,
    readonly awaitingText = false,
  ) {}
  get uri() {
    return this.doc.uri;
  }
  get languageId() {
    return this.doc.languageId;
  }
  get version() {
    return this.doc.version;
  }
  get lineCount() {
    return this.doc.lineCount;
  }
  get length() {
    return this.doc.getText().length;
  }
  lineText(line: number): string {
    return this.doc
      .getText({ start: { line, character: 0 }, end: { line, character: Number.MAX_SAFE_INTEGER } })
      .replace(/\r?\n$|\r$/, '');
  }
  getText(): string {
    return this.doc.getText();
  }
  update(changes: TextDocumentContentChangeEvent[], version: number): LogDocument {
    const next = TextDocument.update(this.doc, changes, version);
    return DiskDocument.of(next.uri, next.languageId, version, next.getText()) ?? new TextLogDocument(next);
  }
}

const CR = 0x0d;
const LF = 0x0a;
/** Bytes compared (and scanned for line breaks) at a time: no second full copy of the text is made. */
const SLICE = 1 << 20;
const HEAD_BYTES = 1024;
const WINDOW_BYTES = 64 * 1024;

/** A document whose text is its file's: line starts (byte offsets) kept, lines read from the file on demand. */
export class DiskDocument implements LogDocument {
  readonly mirrorsDisk = true;

  private constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly length: number,
    private readonly path: string,
    /** Byte offset of each line's start, then the file's end (after the last line): lineCount + 1 entries. */
    private readonly starts: Float64Array,
    readonly lineCount: number,
    /** The file's first bytes when the document was made: a file replaced since (a rollover) is noticed. */
    private readonly head: Buffer | null = null,
  ) {
    this.head = head ?? this.read(0, Math.min(HEAD_BYTES, starts[lineCount]));
  }

  private sameHead(): boolean {
    const now = this.head && this.read(0, this.head.length);
    return !!now && now.equals(this.head!);
  }

  /** A DiskDocument when `text` is exactly the file of `uri` (after a UTF-8 BOM), else null. */
  static of(uri: string, languageId: string, version: number, text: string): DiskDocument | null {
    const path = filePathOf(uri);
    if (path === null) return null;
    const starts = lineStartsIfMirrors(path, text);
    return starts ? new DiskDocument(uri, languageId, version, text.length, path, starts.starts, starts.count) : null;
  }

  /**
   * The document a client claims is the file at `uri` (DISK_TEXT_PREFIX): when the file (after the claimed BOM)
   * starts with exactly the claimed bytes (their SHA-1, line count and UTF-16 length), the document is those bytes;
   * else null. Bytes written after them (a log growing) are not the document's: the editor sends them as an edit.
   */
  static ofClaim(uri: string, languageId: string, version: number, claim: DiskTextClaim): DiskDocument | null {
    const path = filePathOf(uri);
    if (path === null) return null;
    const file = lineStartsOfFile(path, claim);
    return file && file.count === claim.lineCount && file.length === claim.length
      ? new DiskDocument(uri, languageId, version, file.length, path, file.starts, file.count)
      : null;
  }

  /**
   * The file at `uri` as a document, read from the file alone: for a request about a log the client has not opened
   * (it overtook the didOpen, or comes from a client that never opens it). Null when it is no readable file.
   */
  static ofFile(uri: string, languageId: string): DiskDocument | null {
    const path = filePathOf(uri);
    if (path === null) return null;
    const file = lineStartsOfFile(path);
    return file ? new DiskDocument(uri, languageId, 0, file.length, path, file.starts, file.count) : null;
  }

  lineText(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    const bytes = this.read(this.starts[line], this.starts[line + 1]);
    if (!bytes) return '';
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === LF) end--;
    if (end > 0 && bytes[end - 1] === CR) end--;
    return bytes.toString('utf8', 0, end);
  }

  getText(): string {
    return this.read(this.starts[0], this.starts[this.lineCount])?.toString('utf8') ?? '';
  }

  /**
   * The text after `changes`. VS Code reloads a log that grows on disk and sends what was added as an edit at its
   * end: when the file now holds exactly the new text, the document goes on reading from it. Any other edit makes
   * a text document (the old text read back from the file first, which still holds it as long as only the
   * editor changed it).
   */
  update(changes: TextDocumentContentChangeEvent[], version: number): LogDocument {
    const appended = changes.length === 1 ? this.appended(changes[0], version) : null;
    if (appended) return appended;
    const doc = TextDocument.create(this.uri, this.languageId, this.version, this.getText());
    const next = TextDocument.update(doc, changes, version);
    return DiskDocument.of(this.uri, this.languageId, version, next.getText()) ?? new TextLogDocument(next);
  }

  /**
   * The document after an edit that replaces its end (from `range.start` on) with `text`, when the file now
   * holds exactly that: the lines before the edit are kept, the rest are read from the file. Null otherwise.
   */
  private appended(change: TextDocumentContentChangeEvent, version: number): DiskDocument | null {
    if (!('range' in change)) return null;
    const { start, end } = change.range;
    const lastLine = this.lineCount - 1;
    if (end.line < lastLine || (end.line === lastLine && end.character < this.lineText(lastLine).length)) return null;
    if (start.line > lastLine) return null;
    const lineStart = this.starts[start.line];
    const startByte = lineStart + Buffer.byteLength(this.lineText(start.line).slice(0, start.character), 'utf8');
    const added = Buffer.from(change.text, 'utf8');
    let size: number;
    try {
      size = statSizeOf(this.path);
    } catch {
      return null;
    }
    if (size !== startByte + added.length || !this.sameHead()) return null;
    const onDisk = this.read(startByte, size);
    if (!onDisk || !onDisk.equals(added)) return null;
    const tail = this.read(lineStart, size)!;
    const replacedChars = this.charsAfter(startByte);
    const breaks = lineBreaks(tail, false);
    const starts = new Float64Array(start.line + 1 + breaks.length + 1);
    starts.set(this.starts.subarray(0, start.line + 1));
    breaks.forEach((offset, i) => (starts[start.line + 1 + i] = lineStart + offset));
    starts[starts.length - 1] = size;
    const length = this.length - replacedChars + change.text.length;
    return new DiskDocument(
      this.uri,
      this.languageId,
      version,
      length,
      this.path,
      starts,
      starts.length - 1,
      this.head,
    );
  }

  /** Characters of the old text from byte `from` to its end (the bytes there before the edit are the file's still). */
  private charsAfter(from: number): number {
    return this.read(from, this.starts[this.lineCount])?.toString('utf8').length ?? 0;
  }

  /** Bytes [from, to) of the file (a copy), or null when it can no longer be read. */
  private read(from: number, to: number): Buffer | null {
    const window = this.window;
    if (window && from >= this.windowStart && to <= this.windowStart + window.length)
      return Buffer.from(window.subarray(from - this.windowStart, to - this.windowStart));
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return null;
    }
    try {
      // A line is read with the lines after it: a request reads the lines of a screen, or the problems' lines, in order.
      const buffer = Buffer.allocUnsafe(
        Math.max(to - from, Math.min(WINDOW_BYTES, this.starts[this.lineCount] - from)),
      );
      let got = 0;
      while (got < buffer.length) {
        const n = readSync(fd, buffer, got, buffer.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
      if (got < to - from) return null;
      if (buffer.length <= WINDOW_BYTES) {
        this.window = buffer.subarray(0, got); // a whole text read (getText) is not kept
        this.windowStart = from;
      }
      return Buffer.from(buffer.subarray(0, to - from));
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  private window: Buffer | null = null;
  private windowStart = 0;
}

/**
 * The offsets just after each line break in `bytes` (CRLF, LF or a lone CR, as VS Code counts lines), in order;
 * `lfFollows`: the byte after `bytes` is an LF (a CR at the end is then half of a CRLF).
 */
export function lineBreaks(bytes: Uint8Array, lfFollows: boolean): number[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: number[] = [];
  for (let i = buffer.indexOf(LF); i >= 0; i = buffer.indexOf(LF, i + 1)) out.push(i + 1);
  let loneCr = false;
  for (let i = buffer.indexOf(CR); i >= 0; i = buffer.indexOf(CR, i + 1)) {
    const next = i + 1 < buffer.length ? buffer[i + 1] === LF : lfFollows;
    if (!next) {
      out.push(i + 1);
      loneCr = true;
    }
  }
  return loneCr ? out.sort((a, b) => a - b) : out;
}

/**
 * Where the lines of `text` start in the file at `path` (byte offsets, then the end), when `text` is exactly that
 * file's content after an optional UTF-8 BOM; null otherwise. Line breaks as VS Code counts them: CRLF, LF or CR.
 * Compared slice by slice, so no second full copy of the text is made.
 */
export function lineStartsIfMirrors(path: string, text: string): { starts: Float64Array; count: number } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // untitled, virtual or gone
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return null;
    const bom = bomLength(fd);
    if (Buffer.byteLength(text, 'utf8') + bom !== info.size) return null;
    const starts = new LineStarts(bom);
    const disk = Buffer.allocUnsafe(SLICE * 3 + 4);
    let position = bom;
    for (let at = 0; at < text.length;) {
      let end = Math.min(text.length, at + SLICE);
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++; // keep a surrogate pair together
      const mine = Buffer.from(text.slice(at, end), 'utf8');
      if (readSync(fd, disk, 0, mine.length, position) !== mine.length || !mine.equals(disk.subarray(0, mine.length)))
        return null;
      for (const offset of lineBreaks(mine, text.charCodeAt(end) === LF)) starts.push(position + offset);
      position += mine.length;
      at = end;
    }
    return starts.end(position);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Where the lines of the file at `path` start (byte offsets, then the end) and its length in UTF-16 code units
 * (after a UTF-8 BOM), as VS Code would count them had it opened the file; null when it cannot be read. With a
 * `claim`: only the claimed bytes after the BOM, and null unless the BOM and their SHA-1 are the claimed ones.
 */
export function lineStartsOfFile(
  path: string,
  claim?: DiskTextClaim,
): { starts: Float64Array; count: number; length: number } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return null;
    const bom = bomLength(fd);
    if (claim && (claim.bom !== bom > 0 || bom + claim.bytes > info.size)) return null;
    const end = claim ? bom + claim.bytes : info.size;
    const hash = claim ? createHash('sha1') : null;
    const starts = new LineStarts(bom);
    const decoder = new StringDecoder('utf8');
    const slice = Buffer.allocUnsafe(SLICE + 1); // one byte more: is the byte after the slice an LF?
    let length = 0;
    let position = bom;
    while (position < end) {
      const got = readSync(fd, slice, 0, Math.min(slice.length, end - position + 1), position);
      if (got === 0) break;
      const used = Math.min(got, SLICE, end - position);
      const bytes = slice.subarray(0, used);
      // The byte after the claimed ones is not the document's: a CR at its end is a line break of its own.
      const lfFollows = got > used && slice[used] === LF && position + used < end;
      for (const offset of lineBreaks(bytes, lfFollows)) starts.push(position + offset);
      hash?.update(bytes);
      length += decoder.write(bytes).length;
      position += used;
    }
    length += decoder.end().length;
    if (claim && (position !== end || hash!.digest('hex') !== claim.sha1)) return null;
    return { ...starts.end(position), length };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** 3 when the file starts with a UTF-8 BOM (which VS Code does not show), else 0. */
function bomLength(fd: number): number {
  const head = Buffer.alloc(3);
  return readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
}

/** Line starts (byte offsets) in a growing array: the first line's, then one after each line break. */
class LineStarts {
  private starts = new Float64Array(1024);
  private count = 0;
  constructor(first: number) {
    this.push(first);
  }
  push(offset: number): void {
    if (this.count === this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count++] = offset;
  }
  /** The starts of every line, then `end` (the file's end): the line count is the number of starts. */
  end(end: number): { starts: Float64Array; count: number } {
    const count = this.count;
    this.push(end);
    return { starts: this.starts, count };
  }
}

function statSizeOf(path: string): number {
  return statSync(path).size;
}

/** The path of a `file:` URI, or null for any other URI or one that names no file. */
function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
