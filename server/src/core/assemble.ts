// Lines → records. Each format knows its own syntax (formats/); this module only decides which lines
// belong together: CMTrace collects text until its header, SMS trace until its trailer, timestamp-first
// formats collect continuation lines after their first line. No line is ever dropped except blank ones
// between records: damaged text becomes a record marked `damaged`.
import { CMTRACE_HEADER, CMTRACE_OPEN, cmtraceFields } from './formats/cmtrace';
import { fieldsFrom, type RecordFields } from './formats/fields';
import { isFirstLine, type FirstLineFormat, type LogFormat } from './formats/format';
import { plainFields } from './formats/plain';
import { withBias } from './formats/prefixed';
import { formatById, SHARED_FIRST_LINE_FORMATS } from './formats/registry';
import { SMS_MARK, smsFields } from './formats/sms';
import type { FormatId, LogRecord, ParseWarning } from './record';

/** `damaged` reasons of records made from text that had no CMTrace header (so they add to the header count). */
export const ORPHAN_TEXT = 'text outside any CMTrace record (an earlier record was cut off)';
export const NO_HEADER = 'no ]LOG]!> header';

/** A record that never closes must not swallow the rest of the file. */
export const MAX_PENDING_LINES = 20_000;
/** ... nor grow past what one string can hold when its lines are joined. */
export const MAX_PENDING_CHARS = 64 * 1024 * 1024;
const MAX_WARNINGS = 1_000;

interface Piece {
  text: string;
  line: number;
  /** Where the piece starts in its line (a line can hold the end of one record and the start of the next). */
  column: number;
}

interface OpenPrefixed {
  fields: RecordFields;
  line: number;
  column: number;
  chars: number;
  endLine: number;
  more: string[];
}

/** Where a header's attributes end: at its ">", or where a concurrent writer cut it (the next header). */
function headerEnd(text: string, start: number): number {
  const close = text.indexOf('>', start);
  const next = text.indexOf(CMTRACE_HEADER, start);
  if (next >= 0 && (close < 0 || next < close)) return next;
  return close < 0 ? text.length : close;
}

export type RecordSink = (record: LogRecord) => void;

export class RecordAssembler {
  private cmPieces: Piece[] = [];
  private cmChars = 0;
  private cmOpen = false;
  private smsHeld: Piece[] = [];
  private smsChars = 0;
  private prefixed: OpenPrefixed | null = null;
  /** A time zone the file itself declared (classic WindowsUpdate.log "tz: -0500"), applied to later records. */
  private fileBias: number | null = null;
  /** What first-line formats remember from line to line (an MSI log's date, an IIS log's #Fields), per format. */
  private states = new Map<LogFormat, unknown>();
  /** The file's format when only it may read the file's lines (see LogFormat.ownFilesOnly). */
  private readonly ownFormat: FirstLineFormat | null;
  private readonly fileFormatDef: LogFormat;
  private lastPrefixed: FirstLineFormat | null = null;
  readonly warnings: ParseWarning[] = [];
  warningCount = 0;

  constructor(
    private readonly file: string,
    private readonly fileFormat: FormatId,
    private readonly sink: RecordSink,
  ) {
    this.fileFormatDef = formatById(fileFormat);
    this.ownFormat = isFirstLine(this.fileFormatDef) && this.fileFormatDef.ownFilesOnly ? this.fileFormatDef : null;
  }

  line(text: string, n: number): void {
    if (this.cmOpen || text.includes(CMTRACE_HEADER) || text.includes(CMTRACE_OPEN)) return this.cmtraceLine(text, n);
    if (!text.trim()) return;
    if (text.includes(SMS_MARK) && this.smsLine(text, n)) return;
    const fields = this.prefixedStart(text);
    if (fields) return this.openPrefixed(fields, text, n);
    this.orphanLine(text, n);
  }

  /**
   * The records still open at the end of what was read so far (a log that is still being written), as
   * they would be if the input ended now; the assembler itself is left untouched.
   */
  pendingRecords(lastPartialLine?: { text: string; line: number }): LogRecord[] {
    const out: LogRecord[] = [];
    const probe = new RecordAssembler(this.file, this.fileFormat, (r) => out.push(r));
    probe.cmPieces = [...this.cmPieces];
    probe.cmOpen = this.cmOpen;
    probe.smsHeld = [...this.smsHeld];
    probe.prefixed = this.prefixed && {
      ...this.prefixed,
      fields: { ...this.prefixed.fields },
      more: [...this.prefixed.more],
    };
    probe.fileBias = this.fileBias;
    for (const [format, state] of this.states)
      probe.states.set(format, format.copyState ? format.copyState(state) : state);
    probe.lastPrefixed = this.lastPrefixed;
    if (lastPartialLine) probe.line(lastPartialLine.text, lastPartialLine.line);
    probe.end();
    return out;
  }

  /**
   * Reading starts in the middle of a file (the line fast path hands the rest to this parser): the time zone the
   * file declared before that point (classic WindowsUpdate.log "tz: -0500"), as if its lines had been read here.
   */
  continueWithBias(bias: number | null): void {
    this.fileBias = bias;
  }

  /** Flushes whatever is still open at the end of the input. */
  end(): void {
    this.flushPrefixed();
    this.flushSmsHeld();
    this.flushCmPending(`${NO_HEADER}: the file ends inside this record`);
  }

  // ---- CMTrace ------------------------------------------------------------------------------------

  private cmtraceLine(text: string, n: number): void {
    this.flushPrefixed();
    this.flushSmsHeld();
    let pos = 0;
    for (;;) {
      const header = text.indexOf(CMTRACE_HEADER, pos);
      if (header < 0) {
        const rest = pos === 0 ? text : text.slice(pos);
        if (pos === 0 || rest.trim()) this.addCmPiece(rest, n, pos);
        break;
      }
      this.addCmPiece(text.slice(pos, header), n, pos);
      const start = header + CMTRACE_HEADER.length;
      const end = headerEnd(text, start);
      this.emitCmtrace(text.slice(start, end), n, text.charCodeAt(end) !== 62 /* > */);
      pos = text.charCodeAt(end) === 62 ? end + 1 : end;
      if (pos >= text.length) break;
    }
    if (this.cmPieces.length > MAX_PENDING_LINES || this.cmChars > MAX_PENDING_CHARS)
      this.flushCmPending(`${NO_HEADER} within ${MAX_PENDING_LINES} lines or ${MAX_PENDING_CHARS} characters`);
  }

  private addCmPiece(text: string, line: number, column: number): void {
    this.cmPieces.push({ text, line, column });
    this.cmChars += text.length + 1;
    if (!this.cmOpen && text.includes(CMTRACE_OPEN)) this.cmOpen = true;
  }

  private emitCmtrace(attributes: string, endLine: number, headerCut: boolean): void {
    const { message, line, column, damaged } = this.takeCmMessage(endLine);
    const fields = cmtraceFields(message, attributes);
    if (damaged || headerCut) {
      const reasons = [damaged, headerCut ? 'header is cut off (no closing >)' : undefined, fields.damaged].filter(
        Boolean,
      );
      fields.damaged = reasons.join('; ');
    }
    this.emit(fields, line, endLine, column);
  }

  /** Takes the pending text as one message: from the last <![LOG[ on; text before it is emitted as orphan. */
  private takeCmMessage(endLine: number): { message: string; line: number; column: number; damaged?: string } {
    const pieces = this.cmPieces;
    this.cmPieces = [];
    this.cmChars = 0;
    this.cmOpen = false;
    // The usual record: one line that starts with "<![LOG[" and holds no other opening.
    if (
      pieces.length === 1 &&
      pieces[0].text.startsWith(CMTRACE_OPEN) &&
      pieces[0].text.lastIndexOf(CMTRACE_OPEN) === 0
    ) {
      return {
        message: pieces[0].text.slice(CMTRACE_OPEN.length),
        line: pieces[0].line,
        column: pieces[0].column + CMTRACE_OPEN.length,
      };
    }
    for (let i = pieces.length - 1; i >= 0; i--) {
      const at = pieces[i].text.lastIndexOf(CMTRACE_OPEN);
      if (at < 0) continue;
      const orphan = [...pieces.slice(0, i).map((p) => p.text), pieces[i].text.slice(0, at)];
      this.emitOrphanText(orphan, pieces[0].line, pieces[i].line, pieces[0].column);
      const body = [pieces[i].text.slice(at + CMTRACE_OPEN.length), ...pieces.slice(i + 1).map((p) => p.text)];
      return { message: body.join('\n'), line: pieces[i].line, column: pieces[i].column + at + CMTRACE_OPEN.length };
    }
    const first = pieces.findIndex((p) => p.text.trim());
    const body = first < 0 ? [] : pieces.slice(first).map((p) => p.text);
    return {
      message: body.join('\n'),
      line: first < 0 ? endLine : pieces[first].line,
      column: first < 0 ? 0 : pieces[first].column,
      damaged: 'no <![LOG[ opening: the start of this record was cut off or overwritten by another writer',
    };
  }

  private emitOrphanText(texts: string[], line: number, endLine: number, column: number): void {
    const text = texts.join('\n').trim();
    if (!text) return;
    const fields = fieldsFrom('cmtrace', text, null, { severity: 'unknown', damaged: ORPHAN_TEXT });
    this.emit(fields, line, endLine, column);
  }

  private flushCmPending(reason: string): void {
    if (!this.cmPieces.length) return;
    const pieces = this.cmPieces;
    this.cmPieces = [];
    this.cmChars = 0;
    this.cmOpen = false;
    const first = pieces.findIndex((p) => p.text.trim());
    if (first < 0) return;
    let text = pieces
      .slice(first)
      .map((p) => p.text)
      .join('\n');
    if (text.startsWith(CMTRACE_OPEN)) text = text.slice(CMTRACE_OPEN.length);
    const fields = fieldsFrom('cmtrace', text, null, { severity: 'unknown', damaged: reason });
    this.emit(fields, pieces[first].line, pieces[pieces.length - 1].line, pieces[first].column);
  }

  // ---- SMS trace ----------------------------------------------------------------------------------

  private smsLine(text: string, n: number): boolean {
    const fields = smsFields(
      text,
      this.smsHeld.map((p) => p.text),
    );
    if (!fields) return false;
    this.flushPrefixed();
    this.flushCmPending(`${NO_HEADER} before an SMS trace line`);
    const line = this.smsHeld.length ? this.smsHeld[0].line : n;
    this.smsHeld = [];
    this.smsChars = 0;
    this.emit(fields, line, n);
    return true;
  }

  private flushSmsHeld(): void {
    for (const piece of this.smsHeld) {
      const fields = plainFields(piece.text);
      fields.damaged = 'no $$<component><time><thread> trailer follows this line';
      this.emit(fields, piece.line, piece.line);
    }
    this.smsHeld = [];
    this.smsChars = 0;
  }

  // ---- Timestamp-first formats --------------------------------------------------------------------

  private stateOf(format: LogFormat): unknown {
    if (!format.newState) return undefined;
    let state = this.states.get(format);
    if (state === undefined) this.states.set(format, (state = format.newState()));
    return state;
  }

  private prefixedStart(text: string): RecordFields | null {
    const own = this.ownFormat;
    if (own) return own.parseStart(text, this.stateOf(own));
    // A file's lines are nearly all of one format: try the one that matched last first.
    const last = this.lastPrefixed;
    if (last) {
      const fields = last.parseStart(text, this.stateOf(last));
      if (fields) return fields;
    }
    for (const format of SHARED_FIRST_LINE_FORMATS) {
      if (format === last) continue;
      const fields = format.parseStart(text, this.stateOf(format));
      if (fields) {
        this.lastPrefixed = format;
        return fields;
      }
    }
    return null;
  }

  private openPrefixed(fields: RecordFields, text: string, n: number): void {
    this.flushPrefixed();
    const declares = (this.ownFormat ?? this.lastPrefixed)?.declaredBias;
    if (declares) this.fileBias = declares(fields) ?? this.fileBias;
    if (this.fileBias !== null) fields = withBias(fields, this.fileBias);
    this.flushSmsHeld();
    this.flushCmPending(`${NO_HEADER} before the next record`);
    // The message ends the line in most formats; Click-to-Run writes a column after it.
    const message = fields.message;
    const column = text.endsWith(message) ? text.length - message.length : Math.max(0, text.indexOf(message));
    this.prefixed = { fields, line: n, column, endLine: n, more: [], chars: text.length };
  }

  private flushPrefixed(): void {
    const open = this.prefixed;
    if (!open) return;
    this.prefixed = null;
    if (open.more.length) open.fields.message += '\n' + open.more.join('\n');
    this.emit(open.fields, open.line, open.endLine, open.column);
  }

  // ---- Lines no format claims ---------------------------------------------------------------------

  private orphanLine(text: string, n: number): void {
    // Some formats continue a record only on some lines (MSI: indented ones); the file's format decides.
    const continues = this.fileFormatDef.continues?.(text, this.stateOf(this.fileFormatDef)) ?? true;
    if (
      this.prefixed &&
      continues &&
      this.prefixed.more.length < MAX_PENDING_LINES &&
      this.prefixed.chars < MAX_PENDING_CHARS
    ) {
      this.prefixed.more.push(text);
      this.prefixed.chars += text.length + 1;
      this.prefixed.endLine = n;
      return;
    }
    if (this.fileFormat === 'cmtrace') return this.cmtraceLine(text, n);
    // Text left after a CMTrace header on an earlier line closes before this line's record, keeping line order.
    this.flushCmPending(`${NO_HEADER} before the next record`);
    if (this.fileFormat === 'sms' && this.smsHeld.length < MAX_PENDING_LINES && this.smsChars < MAX_PENDING_CHARS) {
      this.smsHeld.push({ text, line: n, column: 0 });
      this.smsChars += text.length + 1;
      return;
    }
    this.flushPrefixed();
    const fields = plainFields(text);
    if (this.ownFormat) fields.format = this.fileFormat;
    this.emit(fields, n, n);
  }

  /** Completes the fields into a record in place: one object per record, no copies. */
  private emit(fields: RecordFields, line: number, endLine: number, column = 0): void {
    const record = fields as LogRecord;
    record.file = this.file;
    record.line = line;
    record.endLine = endLine;
    record.column = column;
    if (record.damaged !== undefined) this.warn(line, record.damaged);
    this.sink(record);
  }

  warn(line: number, message: string): void {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ file: this.file, line, message });
  }
}
