// Bytes or text → records, streaming: a file is read in chunks and records are handed out as they close,
// so nothing but the records themselves is held in memory.
import { open, type FileHandle } from 'node:fs/promises';
import { RecordAssembler } from './assemble';
import { CmtraceByteReader, READ_REGION_BYTES } from './fastpath/cmtraceBytes';
import { hasLineFastPath, LineByteReader } from './fastpath/lineBytes';
import { FailureCodeCounter, fileCodes, type FileCodes } from './decode/fileCodes';
import { detectFormat } from './formats/detect';
import { SpareBuffers } from './read/bytes';
import {
  controlByteShare,
  createDecoder,
  MixedUtf8Decoder,
  sniffEncoding,
  type Encoding,
  type StreamDecoder,
} from './read/encoding';
import { LineSplitter } from './read/lines';
import type { FormatId, LogRecord, ParseWarning } from './record';
import { collectPostings, PostingsBuilder, type FilePostings } from './postings';
import { summarizeTable, type FileSummary } from './stats/fileSummary';
import { RecordTable } from './table';

export interface ParseResult {
  file: string;
  records: RecordTable;
  warnings: ParseWarning[];
  /** Damaged records and other problems, including those beyond the first 1,000 kept in `warnings`. */
  warningCount: number;
  encoding: Encoding;
  format: FormatId;
  lineCount: number;
  /** Which records hold which keys, when the parser collected them (worker threads do, for the index). */
  postings?: FilePostings;
  /** The failure codes of the error and warning records, when asked for (`failureCodes`: cmlogs stats). */
  failureCodes?: FileCodes;
  /** The file's counts and time span, when asked for (`summary`: cmlogs stats). */
  summary?: FileSummary;
}

export interface ParseOptions {
  /** Force a format instead of detecting it. */
  format?: FormatId;
  /** parseFile also collects the postings of the keys (for LogIndex.setFile), while the bytes are at hand. */
  keys?: boolean;
  /**
   * parseFile also counts the failure codes of the error and warning records (core/decode/fileCodes.ts): in a
   * parse worker, that decoding runs on the worker's core with the rest of the file's work.
   */
  failureCodes?: boolean;
  /** parseFile also summarizes the table (core/stats/fileSummary.ts), on the thread that parsed it. */
  summary?: boolean;
}

/**
 * A parser fed with chunks of bytes (push) that calls back with each record as soon as it is complete.
 * The first chunk decides the encoding and the file's format.
 */
export class StreamingParser {
  private decoder: StreamDecoder | null = null;
  private splitter: LineSplitter | null = null;
  private assembler: RecordAssembler | null = null;
  private readonly head = new FileHead();
  private sniffed: Encoding = 'utf-8';
  format: FormatId = 'plain';

  constructor(
    readonly file: string,
    private readonly onRecord: (record: LogRecord) => void,
    private readonly options: ParseOptions = {},
  ) {}

  push(bytes: Uint8Array): void {
    if (this.splitter && this.decoder) this.splitter.push(this.decoder.decode(bytes, { stream: true }));
    else if (this.head.add(bytes)) this.start();
  }

  /** Text that is already decoded (an editor buffer). */
  pushText(text: string): void {
    if (!this.splitter) this.startWithText(text, 'utf-8');
    else this.splitter.push(text);
  }

  end(): void {
    if (!this.splitter) this.start();
    if (this.decoder) this.splitter!.push(this.decoder.decode());
    this.splitter!.end();
    this.assembler!.end();
  }

  /** Records not closed yet, as they would be if the input ended now (for logs that are still growing). */
  pendingRecords(): LogRecord[] {
    if (!this.splitter) this.start();
    return this.assembler!.pendingRecords(this.splitter!.partialLine);
  }

  /** The file's encoding; a UTF-8 file with lines in Windows-1252 is reported as such once one is read. */
  get encoding(): Encoding {
    return this.decoder instanceof MixedUtf8Decoder && this.decoder.mixed ? 'utf-8+windows-1252' : this.sniffed;
  }

  get warnings(): ParseWarning[] {
    return this.assembler?.warnings ?? [];
  }
  get warningCount(): number {
    return this.assembler?.warningCount ?? 0;
  }
  get lineCount(): number {
    return this.splitter?.count ?? 0;
  }

  private start(): void {
    const head = this.head.take();
    const sniff = sniffEncoding(head);
    // UTF-8 logs are read line by line with a Windows-1252 fallback (another writer's lines); others as sniffed.
    this.decoder = sniff.encoding === 'utf-8' ? new MixedUtf8Decoder() : createDecoder(sniff.encoding);
    const text = this.decoder.decode(head.subarray(sniff.bomLength), { stream: true });
    this.startWithText(text, sniff.encoding);
    if (sniff.encoding === 'windows-1252' || sniff.encoding === 'utf-8') this.warnIfBinary(head);
  }

  /** Binary data is still read (nothing is dropped), but the file says it is no text log. */
  private warnIfBinary(head: Uint8Array): void {
    const share = controlByteShare(head);
    if (this.format !== 'plain' || share < BINARY_SHARE) return;
    this.assembler!.warn(
      1,
      `not a text log: ${Math.round(share * 100)}% of its first bytes are control characters (binary data, or a text encoding that cannot be recognised); its lines are shown as Windows-1252 text`,
    );
  }

  private startWithText(text: string, encoding: Encoding): void {
    this.sniffed = encoding;
    this.format = formatOf(text, this.options);
    this.assembler = new RecordAssembler(this.file, this.format, this.onRecord);
    this.splitter = new LineSplitter((line, n) => this.assembler!.line(line, n));
    this.splitter.push(text);
  }
}

const HEAD_BYTES = 16 * 1024;

/** Text has next to no control bytes; random and compressed data about a tenth (see controlByteShare). */
const BINARY_SHARE = 0.03;

/** The first bytes of a file, held until there are enough to sniff the encoding and the format reliably. */
class FileHead {
  private parts: Uint8Array[] = [];
  private size = 0;

  /** Adds bytes; true once there are enough. */
  add(bytes: Uint8Array): boolean {
    const enough = this.size + bytes.length >= HEAD_BYTES;
    // Held past this call only when not enough yet: then a copy, since the caller reuses its buffer. A first
    // chunk that is enough alone (the usual 1 MB read) is taken at once, before the buffer is refilled.
    this.parts.push(enough && !this.parts.length ? bytes : Uint8Array.prototype.slice.call(bytes)); // a Buffer's slice() would be a view
    this.size += bytes.length;
    return enough;
  }

  take(): Uint8Array {
    const all = concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return all;
  }
}

function formatOf(headText: string, options: ParseOptions): FormatId {
  return options.format ?? detectFormat(headText.slice(0, 64 * 1024));
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function collect(file: string, feed: (parser: StreamingParser) => void, options?: ParseOptions): ParseResult {
  const records = new RecordTable(file);
  const parser = new StreamingParser(file, (r) => records.push(r), options);
  feed(parser);
  parser.end();
  return resultOf(parser, records);
}

export function resultOf(parser: StreamingParser, records: RecordTable): ParseResult {
  return {
    file: parser.file,
    records,
    warnings: parser.warnings,
    warningCount: parser.warningCount,
    encoding: parser.encoding,
    format: parser.format,
    lineCount: parser.lineCount,
  };
}

export function parseText(text: string, file = '<text>', options?: ParseOptions): ParseResult {
  return collect(file, (p) => p.pushText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), options);
}

export function parseBytes(bytes: Uint8Array, file = '<bytes>', options?: ParseOptions): ParseResult {
  return collect(file, (p) => p.push(bytes), options);
}

/**
 * Streams a file from disk into a RecordTable. UTF-8 CMTrace logs (nearly all ConfigMgr logs) take the byte
 * fast path (fastpath/cmtraceBytes.ts), UTF-8 SMS trace, classic WindowsUpdate.log and WSUS logs the line fast
 * path (fastpath/lineBytes.ts); everything else, and callers that consume records one by one
 * (`onRecord`, nothing kept), take the general StreamingParser. Both give the same records.
 */
export async function parseFile(
  path: string,
  options: ParseOptions & { onRecord?: (r: LogRecord) => void } = {},
): Promise<ParseResult> {
  const result = await parseFileRecords(path, options);
  if (options.summary && !options.onRecord) result.summary = summarizeTable(result.records);
  return result;
}

async function parseFileRecords(
  path: string,
  options: ParseOptions & { onRecord?: (r: LogRecord) => void },
): Promise<ParseResult> {
  const records = new RecordTable(path);
  const target = options.onRecord
    ? new StreamingParser(path, options.onRecord, options)
    : new FileTarget(path, records, options);
  const handle = await open(path, 'r');
  try {
    if (!options.onRecord) records.expect((await handle.stat()).size);
    await readChunks(
      handle,
      (chunk) => target.push(chunk),
      target instanceof FileTarget ? () => target.readBuffer() : undefined,
    );
  } finally {
    await handle.close();
  }
  target.end();
  if (target instanceof FileTarget) return target.result();
  const result = resultOf(target, records);
  if (options.failureCodes) result.failureCodes = fileCodes(records);
  return result;
}

/** The CMTrace scanner's read regions take a whole chunk. */
const CHUNK_BYTES = READ_REGION_BYTES;

/**
 * Reads a file into one buffer, over and over: fresh 1 MB chunks (what a read stream hands out) cost a page
 * fault per 4 KB on first touch, which was a tenth of the parse. Readers copy what they keep of a chunk.
 * `readBuffer`: the reader's own memory to read the next chunk into, when it has some (the CMTrace scanner's: it
 * saves copying each chunk there), or null; it is asked before the chunk read last is handed on.
 */
async function readChunks(
  handle: FileHandle,
  onChunk: (chunk: Buffer) => void,
  readBuffer: () => Buffer | null = () => null,
): Promise<void> {
  // Two buffers: the next chunk is read (on libuv's thread pool) while this one is parsed, so this thread does
  // not sit idle for every read (a tenth of the parse time with one buffer).
  const buffers = [spareChunks.take(CHUNK_BYTES), spareChunks.take(CHUNK_BYTES)];
  let position = 0;
  const readInto = (buffer: Buffer) =>
    handle
      .read(buffer, 0, Math.min(CHUNK_BYTES, buffer.length), position)
      .then(({ bytesRead }) => ((position += bytesRead), bytesRead));
  let reading: Buffer = buffers[0];
  let next: Promise<number> | null = readInto(reading);
  try {
    for (let k = 0; ; k ^= 1) {
      const bytesRead: number = await next;
      next = null;
      if (bytesRead === 0) return;
      const chunk = reading.subarray(0, bytesRead);
      reading = readBuffer() ?? buffers[k ^ 1];
      next = readInto(reading);
      onChunk(chunk);
    }
  } finally {
    // A read still in flight (onChunk threw) must end before its buffer is reused or the file closed.
    if (next) await next.catch(() => 0);
    for (const buffer of buffers) spareChunks.give(buffer);
  }
}

/** Read buffers kept for the next file (two per parse running at once). */
const spareChunks = new SpareBuffers(4);

/** Chooses the fast path or the general parser once the first 16 KB are known. */
class FileTarget {
  private readonly head = new FileHead();
  private fast: CmtraceByteReader | null = null;
  private lines: LineByteReader | null = null;
  private general: StreamingParser | null = null;
  private keys: PostingsBuilder | null = null;
  private readonly codes: FailureCodeCounter | null;

  constructor(
    private readonly file: string,
    private readonly table: RecordTable,
    private readonly options: ParseOptions,
  ) {
    this.codes = options.failureCodes ? new FailureCodeCounter(table) : null;
  }

  push(bytes: Uint8Array): void {
    if (this.fast) return this.fast.push(bytes);
    if (this.lines) return this.lines.push(bytes);
    if (this.general) return this.general.push(bytes);
    if (this.head.add(bytes)) this.start();
  }

  /** Where the reader wants the next chunk read (CmtraceByteReader.readBuffer), or null. */
  readBuffer(): Buffer | null {
    return this.fast?.readBuffer() ?? null;
  }

  end(): void {
    if (!this.fast && !this.general && !this.lines) this.start();
    this.fast?.end();
    this.lines?.end();
    this.general?.end();
  }

  result(): ParseResult {
    const result = this.resultWithoutCodes();
    if (!this.codes) return result;
    this.codes.addNew(); // what no chunk counted: all of it but for the CMTrace fast path
    return { ...result, failureCodes: this.codes.codes };
  }

  private resultWithoutCodes(): ParseResult {
    if (this.general) {
      const result = resultOf(this.general, this.table);
      return this.options.keys ? { ...result, postings: collectPostings(this.table) } : result;
    }
    if (this.lines) return this.lineResult(this.lines);
    const fast = this.fast!;
    const postings = this.keys?.finish();
    return {
      file: this.file,
      records: this.table,
      warnings: fast.warnings,
      warningCount: fast.warningCount,
      encoding: fast.mixedEncoding ? 'utf-8+windows-1252' : 'utf-8',
      format: 'cmtrace',
      lineCount: fast.lineCount,
      ...(postings && { postings }),
    };
  }

  private lineResult(reader: LineByteReader): ParseResult {
    return {
      file: this.file,
      records: this.table,
      warnings: reader.warnings,
      warningCount: reader.warningCount,
      encoding: reader.encoding === 'utf-16le' ? 'utf-16le' : reader.mixedEncoding ? 'utf-8+windows-1252' : 'utf-8',
      format: reader.format as FormatId,
      lineCount: reader.lineCount,
      ...(this.keys && { postings: this.keys.finish() }),
    };
  }

  private start(): void {
    const head = this.head.take();
    const sniff = sniffEncoding(head);
    const format =
      sniff.encoding === 'utf-8'
        ? formatOf(createDecoder('utf-8').decode(head.subarray(sniff.bomLength, 64 * 1024)), this.options)
        : sniff.encoding === 'utf-16le' // the 64 K characters StreamingParser judges: 128 KB at most
          ? formatOf(
              createDecoder('utf-16le').decode(head.subarray(sniff.bomLength, sniff.bomLength + 128 * 1024), {
                stream: true,
              }),
              this.options,
            )
          : null;
    if (sniff.encoding === 'utf-8' && format === 'cmtrace') {
      this.table.readFrom(this.file, head);
      if (this.options.keys) this.keys = new PostingsBuilder(this.table.expectedRecords);
      this.fast = new CmtraceByteReader(this.file, this.table, true, sniff.bomLength, this.keys);
      const codes = this.codes;
      if (codes) this.fast.onRecords = (data, offset) => this.table.withSourceBytes(data, offset, () => codes.addNew());
      this.fast.push(head.subarray(sniff.bomLength));
    } else if (sniff.encoding === 'utf-8' && format && hasLineFastPath(format)) {
      // SMS trace, classic WindowsUpdate.log, WSUS SoftwareDistribution.log: the line fast path.
      this.table.readFrom(this.file, head);
      if (this.options.keys) this.keys = new PostingsBuilder(this.table.expectedRecords);
      this.lines = new LineByteReader(this.file, this.table, format, sniff.bomLength, this.keys);
      this.lines.push(head.subarray(sniff.bomLength));
    } else if (sniff.encoding === 'utf-16le' && format && hasLineFastPath(format)) {
      // UTF-16 (WindowsUpdate.log as Windows writes it): the line fast path on its UTF-8, messages in the table.
      if (this.options.keys) this.keys = new PostingsBuilder(this.table.expectedRecords);
      this.lines = new LineByteReader(this.file, this.table, format, 0, this.keys, 'utf-16le');
      this.lines.push(head.subarray(sniff.bomLength));
    } else {
      this.general = new StreamingParser(this.file, (r) => this.table.push(r), this.options);
      this.general.push(head);
    }
  }
}
