// The byte fast path for the line formats of site servers and Windows Update (SMS trace, classic
// WindowsUpdate.log, WSUS SoftwareDistribution.log): UTF-8 bytes, pushed in chunks, straight into a RecordTable,
// as fastpath/cmtraceBytes.ts does for CMTrace. Lines are found with indexOf, each read by its format's grammar
// (fastpath/lineGrammars.ts) from the bytes, and messages stay in the file (read back when asked for): no string
// and no regular expression per line.
//
// The records must be those the general parser (LineSplitter + RecordAssembler) makes, field by field. So:
// - a line of an unusual shape is decoded and read by the format's own parser (SLOW), with the assembler's rules
//   for what a line is (blank, a record of another format, a continuation);
// - anything that changes what the assembler holds from line to line (a record of another format, CMTrace text,
//   a blank line inside a record, a bare CR, NUL padding, bytes that are not UTF-8, a record too long to keep)
//   hands the rest of the file, from the start of the record it is in, to the general parser (handOff), told
//   the time zone the file declared so far.
// SMS trace records of the usual shape (most of a site server's log) are read by the WebAssembly line scanner
// (fastpath/lineScan.ts) by the grammar's and this reader's rules, many at a time; it stops at any other record,
// which is read here as before.
// A record is written to the table once it is closed (the next record starts), so at the end of a chunk the
// open record is carried into the next one and read again there.
import { isUtf8 } from 'node:buffer';
import { RecordAssembler } from '../assemble';
import { CMTRACE_HEADER, CMTRACE_OPEN } from '../formats/cmtrace';
import type { RecordFields } from '../formats/fields';
import { withBias } from '../formats/prefixed';
import { SHARED_FIRST_LINE_FORMATS } from '../formats/registry';
import { SMS_MARK, smsFields } from '../formats/sms';
import { C2R_HEADER } from '../formats/clickToRun';
import { NextMatch } from '../read/bytes';
import { MixedUtf8Decoder } from '../read/encoding';
import { LineSplitter } from '../read/lines';
import type { PostingsBuilder } from '../postings';
import type { LogRecord, ParseWarning } from '../record';
import { withoutCr, type RecordColumns, type RecordTable } from '../table';
import { CR, ERROR, INFO, LF, WARNING, isInlineBlank } from './byteText';
import {
  LineScanKernel,
  MAX_VALUES,
  SCAN_FORMATS,
  SCAN_NO_BIAS,
  SCAN_SAME_COMPONENT,
  VALUE_COMPONENT,
  VALUE_CONTEXT,
  VALUE_TYPE,
} from './lineScan';
import {
  FAST,
  SLOW,
  lineGrammar,
  newLineRecord,
  type LineFormatId,
  type LineGrammar,
  type LineRecord,
} from './lineGrammars';

/** Bytes kept for a record still open at the end of a chunk: past this, the general parser reads on. */
const MAX_CARRY_BYTES = 8 * 1024 * 1024;
/** Lines of one record (well under the assembler's MAX_PENDING_LINES, which then never applies here). */
const MAX_RECORD_LINES = 10_000;
const MAX_WARNINGS = 1_000;

// Searched without its "<": a search for a needle starting with a byte as frequent as "<" runs several times
// slower (the first byte is looked for first). Any "![LOG[" hands the file over, which is always exact.
const OPEN_BYTES = Buffer.from(CMTRACE_OPEN.slice(1));
const HEADER_BYTES = Buffer.from(CMTRACE_HEADER);
const MARK_BYTES = Buffer.from(SMS_MARK);
const C2R_BYTES = Buffer.from(C2R_HEADER);
const OTHER_FORMATS_START = new Uint8Array(256);
// Lines another shared format may read start with a digit, "<", "[" or the Click-to-Run header (format.ts).
for (const c of '0123456789<[') OTHER_FORMATS_START[c.charCodeAt(0)] = 1;

/** The scanner's severities (0, 1, 2) as table ids. */
const SCANNED_SEVERITY = [INFO, WARNING, ERROR];
/** Lines read here, at most, after the scanner read none, before it is asked again (it doubles up to this). */
const MAX_SCAN_PAUSE = 64;

const NONE = 0;
const FAST_RECORD = 1;
const SLOW_RECORD = 2;

/** The record the last start line opened (first-line formats): written once the next one starts. */
interface OpenRecord {
  kind: number;
  /** FAST: what the grammar read. */
  record: LineRecord;
  /** SLOW: what the format's parser read, and where its message starts in its line (characters). */
  fields: RecordFields | null;
  column: number;
  line: number;
  endLine: number;
  /** Where its first line starts in the data (where the general parser would start again). */
  start: number;
  /** Where its continuation lines start and where the last one ends. */
  more: number;
  end: number;
  lines: number;
  /** A blank line came after it: a continuation line now would not be next to it in the file. */
  gap: boolean;
}

/** Reads UTF-8 bytes of one of the line formats (lineGrammar), pushed in chunks, into a table. */
export class LineByteReader {
  readonly warnings: ParseWarning[] = [];
  warningCount = 0;
  lineCount = 0;
  /** Records read from the bytes (FAST) and by the format's parser on a decoded line (SLOW) before any hand-off. */
  fastRecords = 0;
  slowRecords = 0;
  /** Line where the general parser took over, or 0. */
  handedOffAt = 0;
  /** Of fastRecords, those the WebAssembly line scanner read. */
  scannedRecords = 0;

  private readonly grammar: LineGrammar;
  /** Line number of data[0]. */
  private line = 1;
  /** File offset of the next byte pushed, and of data[0]. */
  private fed: number;
  private dataOffset = 0;
  private buffer: Buffer = Buffer.allocUnsafe(0);
  private carryLength = 0;
  /** The time zone the file declared (classic WindowsUpdate.log), for the records after the declaration. */
  private fileBias: number | null = null;
  private rest: { splitter: LineSplitter; assembler: RecordAssembler; decoder: MixedUtf8Decoder } | null = null;

  private open: OpenRecord = {
    kind: NONE,
    record: newLineRecord(),
    fields: null,
    column: 0,
    line: 0,
    endLine: 0,
    start: 0,
    more: -1,
    end: 0,
    lines: 0,
    gap: false,
  };
  /** Where the grammar reads the next line (swapped with the open record's when that line starts a record). */
  private spare: LineRecord = newLineRecord();
  /** Lines held for an SMS trailer: how many, where the first starts (and its number), where the last ends. */
  private heldCount = 0;
  private heldStart = 0;
  private heldLine = 0;
  private heldEnd = 0;
  private heldGap = false;

  /**
   * @param format a format lineGrammar knows (see hasLineFastPath)
   * @param startOffset file offset of the first byte pushed (after a BOM): messages are read back from the file
   * @param keys collects the keys of every record as it is read (the bytes are at hand: no second read)
   * @param encoding 'utf-16le': the bytes pushed are UTF-16LE (after any BOM), made UTF-8 by the WebAssembly
   *   transcoder as they come; the messages are then copied into the table (they cannot be read back as UTF-8)
   */
  constructor(
    private readonly file: string,
    private readonly table: RecordTable,
    readonly format: string,
    startOffset = 0,
    private readonly keys: PostingsBuilder | null = null,
    readonly encoding: 'utf-8' | 'utf-16le' = 'utf-8',
  ) {
    this.grammar = lineGrammar(format, table.strings)!;
    this.fed = startOffset;
    if (encoding === 'utf-16le') this.transcoder = LineScanKernel.take(SCANNED_SEVERITY);
    this.inHeap = encoding !== 'utf-8';
    if (this.grammar.scannedColumns || SCAN_FORMATS[format]) this.scanner = LineScanKernel.take(SCANNED_SEVERITY);
    this.grammar.sparse = this.scanner !== null;
  }

  /** The pool ids of the line scanner's local value ids (first-line formats; set as it reports new ones). */
  private readonly valueIds = new Uint32Array(MAX_VALUES);

  /** The WebAssembly line scanner (SMS trace), until the end or a hand-off. */
  private scanner: LineScanKernel | null = null;
  /** Lines to read here before the scanner is asked again, and how many after its next miss. */
  private scanPause = 0;
  private missPause = 0;

  /** Some line of the file was not UTF-8 and was read as Windows-1252 (by the general parser). */
  get mixedEncoding(): boolean {
    return this.rest?.decoder.mixed ?? false;
  }

  /** UTF-16: the transcoder, and the bytes of a unit or pair cut by the end of the last chunk. */
  private transcoder: LineScanKernel | null = null;
  private unitCarry: Uint8Array = new Uint8Array(0);
  /** Messages are copied into the table (UTF-16 files), not left in the file. */
  private readonly inHeap: boolean;

  push(input: Uint8Array): void {
    const chunk = this.transcoder ? this.utf8Of(input) : input;
    if (this.rest) return this.rest.splitter.push(this.rest.decoder.decode(chunk, { stream: true }));
    this.dataOffset = this.fed - this.carryLength;
    this.fed += chunk.length;
    this.table.sourceSize = this.fed;
    const data = this.withCarry(chunk);
    const used = this.consume(data, false);
    if (this.rest) return;
    this.buffer.copyWithin(0, used, data.length);
    this.carryLength = data.length - used;
    if (this.carryLength > MAX_CARRY_BYTES) this.handOff(this.buffer.subarray(0, this.carryLength), 0, false);
  }

  end(): void {
    if (this.transcoder) {
      // A unit cut short or a lone high surrogate at the very end: as TextDecoder ends (U+FFFD).
      const rest = this.unitCarry;
      this.transcoder.give();
      this.transcoder = null;
      if (rest.length) this.push(Buffer.from(new TextDecoder('utf-16le', { ignoreBOM: true }).decode(rest), 'utf8'));
    }
    if (!this.rest) {
      this.dataOffset = this.fed - this.carryLength;
      this.consume(this.buffer.subarray(0, this.carryLength), true);
      this.carryLength = 0;
    }
    this.releaseScanner();
    const rest = this.rest;
    if (!rest) return;
    rest.splitter.push(rest.decoder.decode());
    rest.splitter.end();
    rest.assembler.end();
    this.releaseScanner();
    this.lineCount = rest.splitter.count;
    this.keys?.catchUp(this.table);
    this.warningCount += rest.assembler.warningCount;
    for (const w of rest.assembler.warnings) if (this.warnings.length < MAX_WARNINGS) this.warnings.push(w);
  }

  /** UTF-16LE bytes as UTF-8 (a view, used before the next chunk); up to 3 bytes wait for the next chunk. */
  private utf8Of(chunk: Uint8Array): Uint8Array {
    let bytes = chunk;
    if (this.unitCarry.length) {
      bytes = new Uint8Array(this.unitCarry.length + chunk.length);
      bytes.set(this.unitCarry, 0);
      bytes.set(chunk, this.unitCarry.length);
    }
    const { utf8, read } = this.transcoder!.utf8Of(bytes.subarray(0, bytes.length & ~1));
    this.unitCarry = Uint8Array.prototype.slice.call(bytes, read);
    return utf8;
  }

  private withCarry(chunk: Uint8Array): Buffer {
    const length = this.carryLength + chunk.length;
    // With the line scanner, the data lives in its memory (the carry at its start): no second copy to scan it.
    if (this.scanner) this.buffer = this.scanner.inputFor(length);
    else if (length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.carryLength);
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.carryLength);
    return this.buffer.subarray(0, length);
  }

  // ---- lines ------------------------------------------------------------------------------------------

  /** The data `consume` reads. */
  private data: Buffer = this.buffer;
  private nextCr!: NextMatch;
  private nextNul!: NextMatch;
  private nextOpen!: NextMatch;
  private nextHeader!: NextMatch;
  private nextMark!: NextMatch;
  /** The next NUL, "<![LOG[" or "]LOG]!><" (any of them sends the file to the general parser). */
  private oddAt = -1;

  /**
   * Reads the lines of `data` (whose first line is number `this.line`); returns where the bytes to keep for the
   * next chunk start (the open record's first line, or the line without its break yet), or data.length.
   */
  private consume(data: Buffer, atEnd: boolean): number {
    // Lines another writer put in Windows-1252 are the general parser's (it decodes them line by line).
    const judged = atEnd ? data.length : data.lastIndexOf(LF) + 1;
    if (judged > 0 && !isUtf8(data.subarray(0, judged))) return this.handOff(data, 0, atEnd);
    this.data = data;
    [this.nextCr, this.nextNul, this.nextOpen, this.nextHeader, this.nextMark] = [
      CR,
      0,
      OPEN_BYTES,
      HEADER_BYTES,
      MARK_BYTES,
    ].map((needle) => new NextMatch(data, needle));
    this.oddAt = -1;
    this.open.kind = NONE;
    this.heldCount = 0;
    this.heldGap = false;
    let at = 0;
    let n = this.line;
    if (this.scanner && data.buffer !== this.scanner.input.buffer) this.scanner.load(data);
    while (at < data.length) {
      if (this.scanner && this.heldCount === 0 && this.scanPause-- <= 0) {
        const read = this.grammar.shape === 'sms' ? this.scanned(data, at, n) : this.scannedFirstLines(data, at, n);
        if (read) {
          n += read;
          at = this.scanner.stopped();
          continue;
        }
      }
      const lf = data.indexOf(LF, at);
      if (lf < 0 && !atEnd) break;
      let end = lf < 0 ? data.length : lf;
      const cr = this.nextCr.from(at);
      if (cr < end) {
        if (cr !== end - 1 || lf < 0) return this.handOffHere(data, at, n, atEnd); // a bare CR breaks a line too
        end--;
      }
      if (!this.readLine(data, at, end, n)) return this.handOffHere(data, at, n, atEnd);
      n++;
      at = lf < 0 ? data.length : lf + 1;
    }
    if (atEnd) {
      if (this.heldCount) return this.handOffHere(data, at, n, atEnd); // lines no trailer closed: damaged records
      this.closeOpen(data);
      this.lineCount = n - 1;
      return data.length;
    }
    const keep = this.keepFrom(at, n);
    this.line = keep.line;
    this.lineCount = keep.line - 1;
    return keep.at;
  }

  /**
   * The records the line scanner reads from line `n` at data[at] on (the data is in its input); how many lines. When it
   * reads none, that line and the next 0, 1, 3, 7... (up to MAX_SCAN_PAUSE, while it keeps missing) are read here.
   */
  private scanned(data: Buffer, at: number, n: number): number {
    const scanner = this.scanner!;
    const grammar = this.grammar;
    scanner.dayOf = (start) => grammar.dayAt!(data, start);
    const count = scanner.scan(at, data.length, n, this.dataOffset);
    if (!this.scanHit(count)) return 0;
    const { starts, messageEnds, componentStarts, componentEnds, severities } = scanner.columns;
    const { components, contexts, rawTypes, sourceFiles } = scanner.batch;
    // The ids: the component's (the scanner tells when it is the record before's), and those no line sets.
    const c = this.spare.columns;
    for (let k = 0; k < count; k++) {
      if (k === 0 || !(severities[k] & SCAN_SAME_COMPONENT))
        grammar.scannedColumns!(data, componentStarts[k], componentEnds[k], c);
      components[k] = c.componentId;
    }
    contexts.fill(c.contextId, 0, count);
    rawTypes.fill(c.rawTypeId, 0, count);
    sourceFiles.fill(c.sourceFileId, 0, count);
    const first = this.table.length;
    this.table.pushScanned(scanner.batch, count, c.column, this.heapMessages(data), 'sms');
    if (this.keys) for (let k = 0; k < count; k++) this.keys.add(first + k, data, starts[k], messageEnds[k]);
    this.fastRecords += count;
    this.scannedRecords += count;
    return scanner.line() - n;
  }

  /** Whether the scanner read records; when it read none, the next lines are read here (see scanned). */
  private scanHit(count: number): boolean {
    if (!count) {
      this.scanPause = this.missPause;
      this.missPause = Math.min(MAX_SCAN_PAUSE, this.missPause * 2 + 1);
      return false;
    }
    this.missPause = 0;
    return true;
  }

  /**
   * The records of a first-line format the line scanner reads from line `n` at data[at] on (each closed: the line
   * after it starts a record too); how many lines. Their values come as local ids, new ones listed.
   */
  private scannedFirstLines(data: Buffer, at: number, n: number): number {
    const scanner = this.scanner!;
    const grammar = this.grammar;
    scanner.dayOf = (start) => grammar.dayAt!(data, start);
    const bias = this.fileBias ?? SCAN_NO_BIAS;
    const count = scanner.scanFirstLines(SCAN_FORMATS[grammar.format], at, data.length, n, this.dataOffset, bias);
    this.learnValues(data, scanner);
    // A classic "tz: -0500)" the scanner read sets the zone of the records after it, here as in startFast.
    const zone = scanner.declaredZone();
    if (zone !== SCAN_NO_BIAS) this.fileBias = zone;
    // A record the scanner leaves to JavaScript (a classic "tz: " of another shape) is no sign of lines it cannot
    // read.
    if (!count && scanner.atStart()) return 0;
    if (!this.scanHit(count)) return 0;
    // The record this reader holds open ends where the first scanned one starts.
    this.closeOpen(data);
    const { starts, messageEnds, messageColumns, fractionTails } = scanner.columns;
    const { components, contexts, rawTypes, sourceFiles } = scanner.batch;
    const ids = this.valueIds;
    const strings = this.table.strings;
    for (let k = 0; k < count; k++) components[k] = ids[components[k]];
    if (grammar.format === 'wsus') {
      for (let k = 0; k < count; k++) rawTypes[k] = ids[rawTypes[k]];
      contexts.fill(strings.id(''), 0, count);
    } else {
      for (let k = 0; k < count; k++) contexts[k] = ids[contexts[k]];
      rawTypes.fill(strings.id(null), 0, count);
    }
    sourceFiles.fill(strings.id(''), 0, count);
    const first = this.table.length;
    this.table.pushScanned(scanner.batch, count, messageColumns, this.heapMessages(data), grammar.format);
    // The ETW form writes 7 digits of fraction: the table keeps those past the milliseconds.
    if (grammar.format === 'wuetw') this.table.setFractionTails(count, fractionTails);
    if (this.keys) for (let k = 0; k < count; k++) this.keys.add(first + k, data, starts[k], messageEnds[k]);
    this.fastRecords += count;
    this.scannedRecords += count;
    return scanner.line() - n;
  }

  /** Pool ids for the values the last scan met first (ASCII: the bytes are the text). */
  private learnValues(data: Buffer, scanner: LineScanKernel): void {
    const news = scanner.columns.newValues;
    const strings = this.table.strings;
    for (let v = 0, count = scanner.newValueCount(); v < count; v++) {
      const [id, kind, start, end] = [news[v * 4], news[v * 4 + 1], news[v * 4 + 2], news[v * 4 + 3]];
      const text = data.toString('latin1', start, end);
      this.valueIds[id] = strings.id(kind === VALUE_CONTEXT ? 'pid ' + text : text);
      if (kind !== VALUE_COMPONENT && kind !== VALUE_CONTEXT && kind !== VALUE_TYPE)
        throw new Error('unknown value kind');
    }
  }

  private releaseScanner(): void {
    if (this.scanner && this.buffer.buffer === this.scanner.input.buffer) this.buffer = Buffer.allocUnsafe(0);
    this.scanner?.give();
    this.scanner = null;
    this.grammar.sparse = false;
  }

  /** Where reading must start again for what is not written yet: the open record, the held lines, or `at`. */
  private keepFrom(at: number, n: number): { at: number; line: number } {
    if (this.open.kind !== NONE) return { at: this.open.start, line: this.open.line };
    if (this.heldCount) return { at: this.heldStart, line: this.heldLine };
    return { at, line: n };
  }

  /** Reads line `n`, data[at, end); false when the general parser must read on from the record it is in. */
  private readLine(data: Buffer, at: number, end: number, n: number): boolean {
    // NUL padding and a BOM are dropped from lines by the general parser; CMTrace text is its to read. While the
    // line scanner reads most lines, those read here are few: each is searched alone (a search of the whole data
    // per needle, for a line here and there, cost more than the scanner's work).
    let marked: boolean;
    if (this.scanner) {
      const odd = oddInLine(data, at, end);
      if (odd === ODD_LINE) return false;
      marked = odd === MARKED_LINE;
    } else {
      if (this.oddAt < at)
        this.oddAt = Math.min(this.nextNul.from(at), this.nextOpen.from(at), this.nextHeader.from(at));
      if (this.oddAt < end) return false;
      marked = this.grammar.shape !== 'sms' && this.nextMark.from(at) < end;
    }
    if (data[at] === 0xef && data[at + 1] === 0xbb && data[at + 2] === 0xbf) return false;
    let first = at;
    while (first < end && isInlineBlank(data[first])) first++;
    if (first === end) return this.blankLine();
    const sms = this.grammar.shape === 'sms';
    // Any other format's line with an SMS trailer is an SMS record: the parser of the line's text decides.
    const messageFrom = sms && this.heldCount ? this.heldStart : at;
    const result = !sms && marked ? SLOW : this.grammar.readLine(data, at, end, this.spare, messageFrom);
    if (result === FAST) return sms ? this.smsRecord(data, n, null) : this.startFast(at, n);
    if (result === SLOW || mayBeOtherFormat(data, at, first, end)) return this.slowLine(data, at, end, n);
    return this.continuation(at, end, n);
  }

  private blankLine(): boolean {
    if (this.open.kind !== NONE) this.open.gap = true;
    if (this.heldCount) this.heldGap = true;
    return true;
  }

  /** A line that starts no record: it continues the open one (first-line formats) or waits for a trailer (SMS). */
  private continuation(at: number, end: number, n: number): boolean {
    if (this.grammar.shape === 'sms') {
      if (this.heldGap || this.heldCount >= MAX_RECORD_LINES) return false;
      if (!this.heldCount++) {
        this.heldStart = at;
        this.heldLine = n;
      }
      this.heldEnd = end;
      return true;
    }
    const open = this.open;
    // Text before any record is a plain record of its own; a blank line inside a record is left out of it.
    if (open.kind === NONE || open.gap || open.lines >= MAX_RECORD_LINES) return false;
    if (open.more < 0) open.more = at;
    open.end = end;
    open.endLine = n;
    open.lines++;
    return true;
  }

  /** The line is decoded and judged as the general parser does (RecordAssembler.line). */
  private slowLine(data: Buffer, at: number, end: number, n: number): boolean {
    const text = data.toString('utf8', at, end);
    if (!text.trim()) return this.blankLine();
    const sms = this.grammar.shape === 'sms';
    if (text.includes(SMS_MARK)) {
      // Held lines follow each other (a blank line between them hands the file over): one decode.
      const held =
        sms && this.heldCount ? data.toString('utf8', this.heldStart, this.heldEnd).replace(/\r/g, '').split('\n') : [];
      const fields = smsFields(text, held);
      if (fields) return sms && this.smsRecord(data, n, fields);
    }
    const fields = sms ? null : this.grammar.fieldsOf(text, []);
    if (fields) return this.startSlow(data, at, n, text, fields);
    for (const format of SHARED_FIRST_LINE_FORMATS)
      if (format.id !== this.grammar.format && format.parseStart(text, undefined)) return false;
    return this.continuation(at, end, n);
  }

  // ---- records ----------------------------------------------------------------------------------------

  /** An SMS trailer line: the record of the held lines and this one (`fields` when its parser read it). */
  private smsRecord(data: Buffer, n: number, fields: RecordFields | null): boolean {
    if (this.heldGap) return false;
    const line = this.heldCount ? this.heldLine : n;
    const multiLine = this.heldCount > 0;
    this.heldCount = 0;
    this.heldGap = false;
    if (fields) {
      this.emit(fields, line, n, 0);
      return true;
    }
    const record = this.spare;
    record.columns.line = line;
    record.columns.endLine = n;
    this.pushRecord('sms', record.columns, data, record.messageStart, record.messageEnd, multiLine);
    this.keys?.add(this.table.length - 1, data, record.messageStart, record.messageEnd);
    this.fastRecords++;
    return true;
  }

  private startFast(at: number, n: number): boolean {
    this.closeOpen(this.data);
    const open = this.open;
    const record = this.spare;
    this.spare = open.record;
    open.record = record;
    const c = record.columns;
    if (record.declares !== null) this.fileBias = record.declares;
    if (this.fileBias !== null && c.biasMinutes === null && !Number.isNaN(c.utc)) {
      c.utc += this.fileBias * 60_000;
      c.biasMinutes = this.fileBias;
    }
    this.opened(FAST_RECORD, at, record.messageEnd, n);
    open.fields = null;
    open.column = c.column;
    return true;
  }

  private startSlow(data: Buffer, at: number, n: number, text: string, parsed: RecordFields): boolean {
    this.closeOpen(data);
    const declared = this.grammar.declaredBias?.(parsed) ?? null;
    if (declared !== null) this.fileBias = declared;
    const fields = this.fileBias !== null ? withBias(parsed, this.fileBias) : parsed;
    const message = fields.message;
    const open = this.open;
    this.opened(SLOW_RECORD, at, at + Buffer.byteLength(text), n);
    open.fields = fields;
    open.column = text.endsWith(message) ? text.length - message.length : Math.max(0, text.indexOf(message));
    return true;
  }

  private opened(kind: number, at: number, end: number, n: number): void {
    const open = this.open;
    open.kind = kind;
    open.line = n;
    open.endLine = n;
    open.start = at;
    open.more = -1;
    open.end = end;
    open.lines = 1;
    open.gap = false;
  }

  /** Writes the open record to the table. */
  private closeOpen(data: Buffer): void {
    const open = this.open;
    if (open.kind === NONE) return;
    const kind = open.kind;
    open.kind = NONE;
    if (kind === SLOW_RECORD) {
      const fields = open.fields!;
      open.fields = null;
      // The general parser joins continuation lines with "\n" (a CRLF file's CRs are line breaks, never text).
      if (open.more >= 0) fields.message += '\n' + data.toString('utf8', open.more, open.end).replace(/\r/g, '');
      this.emit(fields, open.line, open.endLine, open.column);
      return;
    }
    const record = open.record;
    const c = record.columns;
    c.line = open.line;
    c.endLine = open.endLine;
    const end = open.more >= 0 ? open.end : record.messageEnd;
    this.pushRecord(this.grammar.format, c, data, record.messageStart, end, open.more >= 0);
    this.keys?.add(this.table.length - 1, data, record.messageStart, end);
    this.fastRecords++;
  }

  /** A record read here whose message is data[start, end) (over several lines: their CRs are no text). */
  private pushRecord(
    format: LineFormatId,
    c: RecordColumns,
    data: Buffer,
    start: number,
    end: number,
    multiLine: boolean,
  ) {
    if (this.inHeap) this.table.pushWithMessage(format, c, messageBytes(data, start, end, multiLine));
    else this.table.pushInFile(format, c, this.dataOffset + start, end - start, multiLine);
  }

  /** The scanned records' messages, copied into the table (inHeap), or undefined: they stay in the file. */
  private heapMessages(data: Buffer): ((r: number) => Uint8Array) | undefined {
    if (!this.inHeap) return undefined;
    const { starts, messageEnds } = this.scanner!.columns;
    const lengths = this.scanner!.batch.fileLengths;
    return (r) => messageBytes(data, starts[r], messageEnds[r], lengths[r] < 0);
  }

  /** A record a format's parser read: completed as RecordAssembler.emit does. */
  private emit(fields: RecordFields, line: number, endLine: number, column: number): void {
    const record = fields as LogRecord;
    record.file = this.file;
    record.line = line;
    record.endLine = endLine;
    record.column = column;
    if (record.damaged !== undefined) {
      this.warningCount++;
      if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ file: this.file, line, message: record.damaged });
    }
    this.table.push(record);
    this.keys?.catchUp(this.table);
    this.slowRecords++;
  }

  // ---- the general parser -----------------------------------------------------------------------------

  /** Hands the rest of the file to the general parser from the record line `at` (number `n`) is part of. */
  private handOffHere(data: Buffer, at: number, n: number, atEnd: boolean): number {
    const keep = this.keepFrom(at, n);
    this.line = keep.line;
    return this.handOff(data, keep.at, atEnd);
  }

  /** The general parser reads data[from..] (starting at line `this.line`) and every chunk after it. */
  private handOff(data: Buffer, from: number, atEnd: boolean): number {
    this.open.kind = NONE;
    this.heldCount = 0;
    this.heldGap = false;
    this.handedOffAt = this.line;
    const assembler = new RecordAssembler(this.file, this.grammar.format, (r) => this.table.push(r));
    assembler.continueWithBias(this.fileBias);
    const splitter = new LineSplitter((text, n) => assembler.line(text, n), this.line);
    const decoder = new MixedUtf8Decoder();
    this.rest = { splitter, assembler, decoder };
    const text = decoder.decode(data.subarray(from), { stream: !atEnd });
    // The data may be the scanner's memory: read before the scanner is given back.
    this.releaseScanner();
    this.buffer = Buffer.allocUnsafe(0);
    splitter.push(text);
    this.carryLength = 0;
    return data.length;
  }
}

/**
 * Whether a line that starts no record of the file's format may still be read by the general parser as
 * something else: a record of another shared format (they start with a digit, "<", "[" or the Click-to-Run
 * header, see formats/format.ts), or a blank line of Unicode blanks.
 */
function mayBeOtherFormat(data: Uint8Array, at: number, first: number, end: number): boolean {
  if (data[first] >= 0x80) return true;
  const c = data[at];
  if (c === 84 /* T */) return startsWithBytes(data, at, end, C2R_BYTES);
  return OTHER_FORMATS_START[c] === 1;
}

/** data[start, end) as a message: without CRs when it spans lines (RecordTable.messageBytes does so for the file's). */
function messageBytes(data: Buffer, start: number, end: number, multiLine: boolean): Uint8Array {
  const bytes = data.subarray(start, end);
  return multiLine && bytes.includes(CR) ? withoutCr(bytes) : bytes;
}

const ODD_LINE = 1;
const MARKED_LINE = 2;

/** In data[at, end): NUL, "![LOG[" or "]LOG]!><" (ODD_LINE: the general parser's), else "$$<" (MARKED_LINE), else 0. */
function oddInLine(data: Uint8Array, at: number, end: number): number {
  let found = 0;
  for (let i = at; i < end; i++) {
    const c = data[i];
    if (c === 0) return ODD_LINE;
    if (c === 33 /* ! */ && startsWithBytes(data, i, end, OPEN_BYTES)) return ODD_LINE;
    if (c === 93 /* ] */ && startsWithBytes(data, i, end, HEADER_BYTES)) return ODD_LINE;
    if (c === 36 /* $ */ && startsWithBytes(data, i, end, MARK_BYTES)) found = MARKED_LINE;
  }
  return found;
}

function startsWithBytes(data: Uint8Array, at: number, end: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > end) return false;
  for (let k = 0; k < prefix.length; k++) if (data[at + k] !== prefix[k]) return false;
  return true;
}

/** Whether the line fast path reads files of this format. */
export function hasLineFastPath(format: string): boolean {
  return format === 'sms' || format === 'wulog' || format === 'wsus' || format === 'wuetw';
}
