// The WebAssembly record scanner (server/wasm/cmtraceScan.ts) as the fast path uses it: one instance per file
// being read, taken from a few kept per thread (instantiating is cheap, but fresh memory costs page faults).
// The input lives in the instance's memory: the reader copies each chunk there, after the carry.
import { CMTRACE_SCAN_WASM } from './cmtraceScanWasm';

/** i32 fields per record, as server/wasm/cmtraceScan.ts writes them (the two lists must agree). */
export const FIELDS = 32;
export const F_MESSAGE = 0;
export const F_HEADER = 1;
export const F_BREAKS = 2;
export const F_BOUNDS = 4;
export const F_MILLIS = 18;
export const F_BIAS = 19;
export const F_FLAGS = 20;
export const F_THREAD = 21;
export const F_CLOCK_END = 22;
export const F_PAIRS_END = 23;
/** 7 attributes: the key table's index of the value (component, context, type, file), or -1. */
export const F_VALUES = 24;
/** In F_FLAGS: bit a set when attribute a repeats the previous record's; FLAG_EXACT: millisecond clock, second < 60. */
export const FLAG_EXACT = 1 << 8;
export const NO_BIAS = 0x7fffffff;
export const NO_THREAD = -1;
/** Bytes a kernel key takes in its table (a GUID; a KB number takes fewer). */
const KEY_BYTES = 36;

/** The part of the WebAssembly API used here (Node has it; this project's TypeScript libs do not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  inputOffset(): number;
  recordsOffset(): number;
  pairsOffset(): number;
  keysOffset(): number;
  keyLengthsOffset(): number;
  keyEpoch(): number;
  stopped(): number;
  reserve(bytes: number): number;
  reset(): void;
  scan(from: number, n: number, atEnd: number, withKeys: number): number;
}

let compiled: object | null = null;
const spare: ScanKernel[] = [];
const MAX_SPARE = 4;
/** Instances whose input grew past this (a long region) are not kept: their memory cannot shrink. */
const MAX_SPARE_INPUT = 4 << 20;
const FIRST_INPUT = 2 << 20;

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

  /** A kernel for a new file: from the spare ones, or a new instance. */
  static take(): ScanKernel {
    const kernel = spare.pop() ?? new ScanKernel();
    kernel.exports.reset();
    return kernel;
  }

  private constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(CMTRACE_SCAN_WASM, 'base64'));
    this.exports = new WebAssembly.Instance(compiled, { env: { abort: scannerAbort } }).exports as unknown as Exports;
    this.reserve(FIRST_INPUT);
  }

  /** Back to the spare ones, for the next file. */
  give(): void {
    if (spare.length < MAX_SPARE && this.input.length <= MAX_SPARE_INPUT && !spare.includes(this)) spare.push(this);
  }

  /** Room for `bytes` of input, its contents kept (the views are renewed when memory grows). */
  reserve(bytes: number): void {
    if (this.input && bytes <= this.input.length) return;
    if (!this.exports.reserve(bytes)) throw new RangeError(`the CMTrace scanner cannot have ${bytes} bytes of memory`);
    const { buffer } = this.exports.memory;
    const input = this.exports.inputOffset();
    this.input = Buffer.from(buffer, input, buffer.byteLength - input);
    this.fields = new Int32Array(buffer, this.exports.recordsOffset(), (this.exports.pairsOffset() - this.exports.recordsOffset()) >> 2);
    this.pairs = new Int32Array(buffer, this.exports.pairsOffset(), (input - this.exports.pairsOffset()) >> 2);
    this.keyBytes = Buffer.from(buffer, this.exports.keysOffset(), this.exports.recordsOffset() - this.exports.keysOffset());
    this.keyLengths = new Uint8Array(buffer, this.exports.keyLengthsOffset(), this.exports.keysOffset() - this.exports.keyLengthsOffset());
  }

  /** Reads records of the usual shape from input[from..n); returns how many (their fields in `fields`). */
  scan(from: number, n: number, atEnd: boolean, withKeys: boolean): number {
    return this.exports.scan(from, n, atEnd ? 1 : 0, withKeys ? 1 : 0);
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
