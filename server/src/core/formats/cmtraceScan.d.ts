/**
 * i32 fields per record, as server/wasm/cmtraceScan.ts writes them (the two lists must agree): the ones
 * JavaScript reads (a message copied into the heap, a local time kept as written, the keys of a scan).
 */
export declare const FIELDS = 32;
export declare const F_MESSAGE = 0;
export declare const F_HEADER = 1;
export declare const F_BREAKS = 2;
/** 7 attributes x (start, end): time, date, component, context, type, thread, file. */
export declare const F_BOUNDS = 4;
export declare const F_CLOCK_END = 22;
export declare const F_PAIRS_END = 23;
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
export declare class ScanKernel {
    private readonly exports;
    /** The input (a view of the instance's memory, renewed when it grows). */
    input: Buffer;
    /** The fields of the records the last scan read (FIELDS each). */
    fields: Int32Array;
    /** (key, record in the last scan) pairs of the last scan. */
    pairs: Int32Array;
    /** The key table: key k's bytes are at k * 36 of `keyBytes`, `keyLengths[k]` long. */
    keyBytes: Buffer;
    keyLengths: Uint8Array;
    /** The columns of the records the last scan read. */
    columns: ScannedColumns;
    /** The records of the last scan (by number in it) whose local time is not utc - bias: `inexact()` of them. */
    inexactRecords: Int32Array;
    /** Answers the scanner's questions about the file being read (set by its reader). */
    callbacks: ScanCallbacks;
    /** A kernel for a new file: from the spare ones, or a new instance. */
    static take(severityIds: ArrayLike<number>): ScanKernel;
    private constructor();
    /** Back to the spare ones, for the next file. */
    give(): void;
    /** Room for `bytes` of input, its contents kept (the views are renewed when memory grows). */
    reserve(bytes: number): void;
    /**
     * Reads records of the usual shape from input[from..n); returns how many (their fields in `fields`, their
     * columns in `columns`). The first starts on line `firstLine`; input[0] is at `dataOffset` in the file.
     */
    scan(from: number, n: number, atEnd: boolean, withKeys: boolean, firstLine: number, dataOffset: number): number;
    /** The line after the last record of the last scan. */
    line(): number;
    /** How many records of the last scan are in `inexactRecords`. */
    inexact(): number;
    /** Where the last scan stopped: the start of the first record it did not read. */
    stopped(): number;
    /** Changes whenever the key table starts over (each file, and when it is full): key numbers are then new. */
    keyEpoch(): number;
    /** Where key k's bytes are in `keyBytes`. */
    keyStart(k: number): number;
}
