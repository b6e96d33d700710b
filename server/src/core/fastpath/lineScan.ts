// The WebAssembly SMS trace line scanner (server/wasm/lineScan.ts) as the line fast path uses it
// (fastpath/lineBytes.ts): one instance per file being read, taken from a few kept per thread (fresh memory costs
// page faults). The reader copies its data (carry and chunk) into the instance's memory and asks for the records
// of the usual shape from a line on; the columns it gets back are views of that memory.
import type { ScannedColumns } from './cmtraceScan';
import { LINE_SCAN_WASM } from './lineScanWasm';

/** The part of the WebAssembly API used here (Node has it; this project's TypeScript libs do not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  inputOffset(): number;
  columnOffset(column: number): number;
  maxRecords(): number;
  stopped(): number;
  line(): number;
  reserve(bytes: number): number;
  reset(): void;
  scan(from: number, n: number, firstLine: number, dataOffset: number): number;
  scanFirstLines(
    format: number,
    from: number,
    n: number,
    firstLine: number,
    dataOffset: number,
    fileBias: number,
  ): number;
  newValues(): number;
  transcodeUtf16(n: number, out: number): number;
  atStart(): number;
  declaredZone(): number;
}

/** The first-line formats' numbers in the scanner (scanFirstLines). */
export const SCAN_FORMATS: Record<string, number> = { wulog: 1, wsus: 2, wuetw: 3 };
/** scanFirstLines' fileBias when the file declared none. */
export const SCAN_NO_BIAS = 0x7fffffff;
/** Kinds of the values the scanner gives local ids (component, context "pid N", level). */
export const VALUE_COMPONENT = 0;
export const VALUE_CONTEXT = 1;
export const VALUE_TYPE = 2;

/** Added to a severity: the record's component is the record before's, byte for byte (in the same scan). */
export const SCAN_SAME_COMPONENT = 4;

/** The columns of the records the last scan read (views of the scanner's memory), by record number in the scan. */
export interface LineScanColumns {
  /** Where the line (and its message) starts in the input, where the message ends. */
  starts: Int32Array;
  messageEnds: Int32Array;
  componentStarts: Int32Array;
  componentEnds: Int32Array;
  /** -1: no thread (the trailer's "thread=" holds no digits). */
  threads: Int32Array;
  /** 0x7fffffff: no bias written. */
  biases: Int32Array;
  /** 0 information, 1 warning, 2 error, + SCAN_SAME_COMPONENT. */
  severities: Int32Array;
  /** Lines of the record: its trailer's and the lines held before it. */
  lines: Int32Array;
  utcs: Float64Array;
  /** First-line formats: where the message starts in its line, where the line starts, the digits past milliseconds (RecordTable.setFractionTails). */
  messageColumns: Uint8Array;
  lineStarts: Int32Array;
  fractionTails: Uint16Array;
  /** First-line formats: the values the last scan met first, 4 numbers each: local id, kind, start, end. */
  newValues: Int32Array;
}

let compiled: object | null = null;
const spare: LineScanKernel[] = [];
const MAX_SPARE = 4;
/** Instances whose input grew past this are not kept: their memory cannot shrink. */
const MAX_SPARE_INPUT = 4 << 20;
const FIRST_INPUT = 2 << 20;
const INPUT_SLACK = 64;
/** Local value ids the scanner gives at most (MAX_VALUES in server/wasm/lineScan.ts). */
export const MAX_VALUES = 4096;

export class LineScanKernel {
  private readonly exports: Exports;
  /** The input (a view of the instance's memory, renewed when it grows). */
  input!: Buffer;
  columns!: LineScanColumns;
  /** The same records' columns as RecordTable keeps them (RecordTable.pushScanned); the ids are the reader's to fill. */
  batch!: ScannedColumns;
  /** Midnight (UTC ms of the local day) of the date "MM-DD-YYYY" at input[start]; NaN when it is rejected. */
  dayOf: (start: number) => number = () => NaN;

  /** A kernel for a new file; `severityIds`: the table's ids of information, warning and error. */
  static take(severityIds: ArrayLike<number>): LineScanKernel {
    const kernel = spare.pop() ?? new LineScanKernel();
    kernel.exports.reset();
    new Uint8Array(kernel.exports.memory.buffer, kernel.exports.columnOffset(20), 3).set(severityIds);
    return kernel;
  }

  private constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(LINE_SCAN_WASM, 'base64'));
    const env = { abort: scannerAbort, dayOf: (start: number) => this.dayOf(start) };
    this.exports = new WebAssembly.Instance(compiled, { env }).exports as unknown as Exports;
    this.reserve(FIRST_INPUT);
  }

  /** Back to the spare ones, for the next file. */
  give(): void {
    this.dayOf = () => NaN;
    if (spare.length < MAX_SPARE && this.input.length <= MAX_SPARE_INPUT && !spare.includes(this)) spare.push(this);
  }

  /** The input, with room for `bytes` (grown when needed: its bytes are kept, earlier views of it are not). */
  inputFor(bytes: number): Buffer {
    this.reserve(bytes);
    return this.input;
  }

  /** Copies `data` to the start of the input (growing it when needed). */
  load(data: Uint8Array): void {
    this.reserve(data.length);
    this.input.set(data, 0);
  }

  /**
   * Reads records of the usual shape from input[from, n) (the first on line `firstLine`; input[0] is at `dataOffset`
   * in the file); returns how many (their columns in `columns` and `batch`).
   */
  scan(from: number, n: number, firstLine: number, dataOffset: number): number {
    return this.exports.scan(from, n, firstLine, dataOffset);
  }

  /** The line after the last record of the last scan. */
  line(): number {
    return this.exports.line();
  }

  /**
   * Reads one-line records of a first-line format (SCAN_FORMATS) from input[from, n): returns how many; their
   * component, context and type columns hold local value ids (newValueCount() new ones in columns.newValues).
   */
  scanFirstLines(
    format: number,
    from: number,
    n: number,
    firstLine: number,
    dataOffset: number,
    fileBias: number,
  ): number {
    return this.exports.scanFirstLines(format, from, n, firstLine, dataOffset, fileBias);
  }

  /** The last scanFirstLines stopped at a line starting a record the reader must read (its severity), not an odd line. */
  atStart(): boolean {
    return this.exports.atStart() !== 0;
  }

  /**
   * The zone the file declared as of the last record the last scanFirstLines returned (a classic WindowsUpdate.log
   * "tz: -0500)" it read), or the fileBias it was given; SCAN_NO_BIAS: none.
   */
  declaredZone(): number {
    return this.exports.declaredZone();
  }

  newValueCount(): number {
    return this.exports.newValues();
  }

  /**
   * UTF-16LE `bytes` (an even number) as UTF-8, as TextDecoder decodes them; `read`: the bytes read (a high
   * surrogate at the end waits for its other half). The UTF-8 is a view of this instance's memory, valid until
   * its next use.
   */
  utf8Of(bytes: Uint8Array): { utf8: Buffer; read: number } {
    const out = (bytes.length + 15) & ~15;
    this.reserve(out + bytes.length + (bytes.length >> 1) + 16);
    this.input.set(bytes, 0);
    const length = this.exports.transcodeUtf16(bytes.length, out);
    return { utf8: this.input.subarray(out, out + length), read: this.exports.stopped() };
  }

  /** Where the last scan stopped: the start of the first line it did not read. */
  stopped(): number {
    return this.exports.stopped();
  }

  private reserve(bytes: number): void {
    if (this.input && bytes <= this.input.length) return;
    if (!this.exports.reserve(bytes)) throw new RangeError(`the line scanner cannot have ${bytes} bytes of memory`);
    const { buffer } = this.exports.memory;
    const input = this.exports.inputOffset();
    this.input = Buffer.from(buffer, input, buffer.byteLength - input - INPUT_SLACK);
    const max = this.exports.maxRecords();
    const int32 = (column: number) => new Int32Array(buffer, this.exports.columnOffset(column), max);
    this.columns = {
      starts: int32(0),
      messageEnds: int32(1),
      componentStarts: int32(2),
      componentEnds: int32(3),
      threads: int32(4),
      biases: int32(5),
      severities: int32(6),
      lines: int32(7),
      utcs: new Float64Array(buffer, this.exports.columnOffset(8), max),
      messageColumns: new Uint8Array(buffer, this.exports.columnOffset(21), max),
      lineStarts: int32(22),
      fractionTails: new Uint16Array(buffer, this.exports.columnOffset(23), max),
      newValues: new Int32Array(buffer, this.exports.columnOffset(24), MAX_VALUES * 4),
    };
    const uint32 = (column: number) => new Uint32Array(buffer, this.exports.columnOffset(column), max);
    this.batch = {
      utcs: this.columns.utcs,
      fileStarts: new Float64Array(buffer, this.exports.columnOffset(9), max),
      lines: int32(10),
      endLines: int32(11),
      fileLengths: int32(12),
      threads: uint32(13),
      components: uint32(14),
      contexts: uint32(15),
      rawTypes: uint32(16),
      sourceFiles: uint32(17),
      biases: new Int16Array(buffer, this.exports.columnOffset(18), max),
      severities: new Uint8Array(buffer, this.exports.columnOffset(19), max),
    };
  }
}

function scannerAbort(): never {
  throw new Error('the line scanner stopped on an internal error');
}
