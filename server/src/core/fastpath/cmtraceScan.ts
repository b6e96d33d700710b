// The WebAssembly record scanner (server/wasm/cmtraceScan.ts) as the fast path uses it: one instance per file
// being read, taken from a few kept per thread (instantiating is cheap, but fresh memory costs page faults).
// The input lives in the instance's memory: parseFile reads chunks straight into it (CmtraceByteReader.readBuffer).
import { CMTRACE_SCAN_WASM } from './cmtraceScanWasm';
import {
  COLUMN_BIAS,
  COLUMN_COMPONENT,
  COLUMN_CONTEXT,
  COLUMN_END_LINE,
  COLUMN_FILE_LENGTH,
  COLUMN_FILE_START,
  COLUMN_INEXACT,
  COLUMN_LINE,
  COLUMN_SEVERITY,
  COLUMN_SOURCE_FILE,
  COLUMN_THREAD,
  COLUMN_TYPE,
  COLUMN_UTC,
  INPUT_SLACK_BYTES,
  KEY_BYTES,
  MAX_RECORDS,
  SEVERITY_TABLE,
} from './scanLayout';

/** The part of the WebAssembly API used here (Node has it; this project's TypeScript libs do not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** The columns of the records the last scan read, as RecordTable keeps them (views of the scanner's memory). */
export interface ScannedColumns {
  utcs: Float64Array;
  threads: Uint32Array;
  fileStarts: Float64Array;
  lines: Int32Array;
  endLines: Int32Array;
  fileLengths: Int32Array;
  components: Uint32Array;
  contexts: Uint32Array;
  rawTypes: Uint32Array;
  sourceFiles: Uint32Array;
  biases: Int16Array;
  severities: Uint8Array;
}

/** What the scanner asks of JavaScript while it scans (offsets are into `input`). */
export interface ScanCallbacks {
  /** Midnight of a date value (UTC ms of the local day), NaN when the date is rejected. */
  dayOf(start: number, end: number): number;
  /** The string pool id of an attribute value. */
  valueId(start: number, end: number): number;
}

interface Exports {
  memory: { buffer: ArrayBuffer };
  inputOffset(): number;
  recordsOffset(): number;
  pairsOffset(): number;
  keysOffset(): number;
  keyLengthsOffset(): number;
  keyHashesOffset(): number;
  keyEpoch(): number;
  stopped(): number;
  reserve(bytes: number): number;
  reset(): void;
  scan(from: number, n: number, atEnd: number, withKeys: number, firstLine: number, dataOffset: number): number;
  batchOffsets(column: number): number;
  line(): number;
  inexact(): number;
}

let compiled: object | null = null;
const spare: ScanKernel[] = [];
const MAX_SPARE = 4;
/** Instances whose input grew past this (a long region) are not kept: their memory cannot shrink. */
const MAX_SPARE_INPUT = 8 << 20;
const FIRST_INPUT = 2 << 20;
/** Records a scan reads at most. */
const BATCH = MAX_RECORDS;

export class ScanKernel {
  private readonly exports: Exports;
  /** The input (a view of the instance's memory, renewed when it grows). */
  input!: Buffer;
  /** The fields of the records the last scan read (FIELDS each). */
  fields!: Int32Array;
  /** (key, record in the last scan) pairs of the last scan. */
  pairs!: Int32Array;
  /** The key table: key k's bytes are at k * 36 of `keyBytes`, `keyLengths[k]` long. */
  keyBytes!: Buffer;
  keyLengths!: Uint8Array;
  /** Key k's hash as KeyTable hashes its bytes (FNV-1a): `keyHashes[k]`. */
  keyHashes!: Int32Array;
  /** The columns of the records the last scan read. */
  columns!: ScannedColumns;
  /** The records of the last scan (by number in it) whose local time is not utc - bias: `inexact()` of them. */
  inexactRecords!: Int32Array;
  /** Answers the scanner's questions about the file being read (set by its reader). */
  callbacks: ScanCallbacks = { dayOf: () => NaN, valueId: () => 0 };

  /** A kernel for a new file: from the spare ones, or a new instance. */
  static take(severityIds: ArrayLike<number>): ScanKernel {
    const kernel = spare.pop() ?? new ScanKernel();
    kernel.exports.reset();
    new Uint8Array(kernel.exports.memory.buffer, kernel.exports.batchOffsets(SEVERITY_TABLE), 8).set(severityIds);
    return kernel;
  }

  private constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(CMTRACE_SCAN_WASM, 'base64'));
    const env = {
      abort: scannerAbort,
      dayOf: (start: number, end: number) => this.callbacks.dayOf(start, end),
      valueId: (start: number, end: number) => this.callbacks.valueId(start, end),
    };
    this.exports = new WebAssembly.Instance(compiled, { env }).exports as unknown as Exports;
    this.reserve(FIRST_INPUT);
  }

  /** Back to the spare ones, for the next file. */
  give(): void {
    this.callbacks = { dayOf: () => NaN, valueId: () => 0 };
    if (spare.length < MAX_SPARE && this.input.length <= MAX_SPARE_INPUT && !spare.includes(this)) spare.push(this);
  }

  /** Room for `bytes` of input, its contents kept (the views are renewed when memory grows). */
  reserve(bytes: number): void {
    if (this.input && bytes <= this.input.length) return;
    if (!this.exports.reserve(bytes)) throw new RangeError(`the CMTrace scanner cannot have ${bytes} bytes of memory`);
    const { buffer } = this.exports.memory;
    const input = this.exports.inputOffset();
    this.input = Buffer.from(buffer, input, buffer.byteLength - input - INPUT_SLACK_BYTES);
    this.fields = new Int32Array(
      buffer,
      this.exports.recordsOffset(),
      (this.exports.pairsOffset() - this.exports.recordsOffset()) >> 2,
    );
    this.pairs = new Int32Array(buffer, this.exports.pairsOffset(), (input - this.exports.pairsOffset()) >> 2);
    this.keyBytes = Buffer.from(
      buffer,
      this.exports.keysOffset(),
      this.exports.recordsOffset() - this.exports.keysOffset(),
    );
    this.keyLengths = new Uint8Array(
      buffer,
      this.exports.keyLengthsOffset(),
      this.exports.keysOffset() - this.exports.keyLengthsOffset(),
    );
    this.keyHashes = new Int32Array(buffer, this.exports.keyHashesOffset(), this.keyLengths.length);
    const at = (column: number) => this.exports.batchOffsets(column);
    this.columns = {
      utcs: new Float64Array(buffer, at(COLUMN_UTC), BATCH),
      threads: new Uint32Array(buffer, at(COLUMN_THREAD), BATCH),
      fileStarts: new Float64Array(buffer, at(COLUMN_FILE_START), BATCH),
      lines: new Int32Array(buffer, at(COLUMN_LINE), BATCH),
      endLines: new Int32Array(buffer, at(COLUMN_END_LINE), BATCH),
      fileLengths: new Int32Array(buffer, at(COLUMN_FILE_LENGTH), BATCH),
      components: new Uint32Array(buffer, at(COLUMN_COMPONENT), BATCH),
      contexts: new Uint32Array(buffer, at(COLUMN_CONTEXT), BATCH),
      rawTypes: new Uint32Array(buffer, at(COLUMN_TYPE), BATCH),
      sourceFiles: new Uint32Array(buffer, at(COLUMN_SOURCE_FILE), BATCH),
      biases: new Int16Array(buffer, at(COLUMN_BIAS), BATCH),
      severities: new Uint8Array(buffer, at(COLUMN_SEVERITY), BATCH),
    };
    this.inexactRecords = new Int32Array(buffer, at(COLUMN_INEXACT), BATCH);
  }

  /**
   * Reads records of the usual shape from input[from..n); returns how many (their fields in `fields`, their
   * columns in `columns`). The first starts on line `firstLine`; input[0] is at `dataOffset` in the file.
   */
  scan(from: number, n: number, atEnd: boolean, withKeys: boolean, firstLine: number, dataOffset: number): number {
    return this.exports.scan(from, n, atEnd ? 1 : 0, withKeys ? 1 : 0, firstLine, dataOffset);
  }

  /** The line after the last record of the last scan. */
  line(): number {
    return this.exports.line();
  }

  /** How many records of the last scan are in `inexactRecords`. */
  inexact(): number {
    return this.exports.inexact();
  }

  /** Where the last scan stopped: the start of the first record it did not read. */
  stopped(): number {
    return this.exports.stopped();
  }

  /** Changes whenever the key table starts over (each file, and when it is full): key numbers are then new. */
  keyEpoch(): number {
    return this.exports.keyEpoch();
  }

  /** Where key k's bytes are in `keyBytes`. */
  keyStart(k: number): number {
    return k * KEY_BYTES;
  }
}

function scannerAbort(): never {
  throw new Error('the CMTrace scanner stopped on an internal error');
}
