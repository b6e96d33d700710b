import type { ScannedColumns } from './formats/cmtraceScan';
import type { LogRecord, Severity } from './record';
export declare const severityId: (severity: Severity) => number;
type NumberColumn = Int32Array | Float64Array | Int16Array | Uint8Array | Uint32Array;
/** Component, context, type and source-file values repeat: each distinct value is kept once per table. */
declare class StringPool {
    private readonly ids;
    readonly values: string[];
    id(value: string | null): number;
    value(id: number): string | null;
}
/** A RecordTable in transit between threads (see detach/attach). */
export interface DetachedTable {
    file: string;
    length: number;
    columns: NumberColumn[];
    heap: Uint8Array;
    heapUsed: number;
    bigThreads: Array<[number, number]>;
    bigColumns: Array<[number, number]>;
    source: {
        path: string;
        head: Uint8Array;
        size: number;
    } | null;
    damaged: Array<[number, string]>;
    locals: Array<[number, string]>;
    strings: string[];
}
/** The numbers of one record the fast CMTrace reader writes without building a LogRecord. */
export interface RecordColumns {
    line: number;
    endLine: number;
    column: number;
    /** NaN when the record has no time. */
    utc: number;
    biasMinutes: number | null;
    thread: number | null;
    severity: number;
    componentId: number;
    contextId: number;
    rawTypeId: number;
    sourceFileId: number;
}
export declare class RecordTable implements Iterable<LogRecord> {
    readonly file: string;
    length: number;
    private capacity;
    private lines;
    private endLines;
    private columns;
    private utcs;
    private biases;
    private threads;
    private severities;
    private formats;
    private components;
    private contexts;
    private rawTypes;
    private sourceFiles;
    /**
     * Where message i is: at messageAt[i] in `source` (its file), or, when messageAt[i] is negative, in the heap at
     * -1 - messageAt[i]; messageLengths[i] bytes long. The length of a message in the file is stored complemented
     * (~length) when it spans several lines: its CRs are dropped when it is read.
     */
    private messageAt;
    private messageLengths;
    /** The file messages are read back from (set by the fast path), or null when all are in the heap. */
    private source;
    /** Set by `expect` until the first record reserves room for this many bytes of file. */
    private expectedBytes;
    /** Messages not kept in the file, one after the other: heap[0, heapUsed). */
    private heap;
    private heapUsed;
    /**
     * The rare values that do not fit the columns: damage notes, times written with more than milliseconds,
     * threads beyond 32 bits, message columns past 254.
     */
    private readonly damaged;
    private readonly locals;
    private readonly bigThreads;
    private readonly bigColumns;
    readonly strings: StringPool;
    constructor(file: string);
    /**
     * Reserves room for the records of a file of `fileBytes` bytes, so that reading it does not grow the table
     * by copying: on this kind of machine a fresh page costs more than the parse of its bytes, and doubling
     * touches every byte two or three times. Memory reserved but never written is never paged in (it stays
     * out of the resident set), so a generous guess costs nothing. A hint: the table still grows when needed.
     */
    expect(fileBytes: number): void;
    /** About how many CMTrace records the file `expect` was told of holds (0 when it was not). */
    get expectedRecords(): number;
    /**
     * The room `expect` asked for, made when the first record comes, once it is known whether messages stay in
     * the file: then the heap only takes the odd record the general parser reads, and records are longer. Room
     * reserved counts as external memory for V8, which collects garbage sooner the more there is of it.
     */
    private reserveExpected;
    /** Adds a record made by a format parser. */
    push(record: LogRecord): void;
    /**
     * From now on messages may be left in `path` (the fast reader's records): `head` identifies the file (its
     * first bytes, see FileBytes), `size` is how far it has been read (raised as reading goes on).
     */
    readFrom(path: string, head: Uint8Array): void;
    /** The file's bytes read so far: messages up to here can be read back. */
    set sourceSize(size: number);
    /** Lets go of the open file behind this table's messages, if any (they are read again when asked for). */
    release(): void;
    /**
     * Adds the `count` CMTrace records the WebAssembly scanner read, from its columns (one copy per column),
     * their messages `column` characters into their first line. Their messages stay in the file (see readFrom),
     * or, with `heapMessage`, are copied in from the bytes it gives for record r of the batch.
     */
    pushScanned(batch: ScannedColumns, count: number, column: number, heapMessage?: (r: number) => Uint8Array): void;
    /** Record i's local time as written, when it is not utc - bias (more than milliseconds, second 60). */
    setLocal(i: number, local: string): void;
    /** Adds a CMTrace record whose message stays in the file: `length` UTF-8 bytes at `offset` (see readFrom). */
    pushCmtraceInFile(c: RecordColumns, offset: number, length: number, multiLine: boolean, local: string | null): void;
    /** Adds a CMTrace record whose message is already UTF-8 bytes (the fast reader: no strings made). */
    pushCmtrace(c: RecordColumns, bytes: Uint8Array, from: number, to: number, local: string | null): void;
    /** Record i's message is the `length` bytes just written at the end of the heap. */
    private setHeapMessage;
    private setNumbers;
    private setThread;
    private thread;
    private setColumn;
    private column;
    /** Drops the records from `keep` on (the provisional tail of a growing log). */
    truncate(keep: number): void;
    get(i: number): LogRecord;
    utc(i: number): number | null;
    severity(i: number): Severity;
    biasMinutes(i: number): number | null;
    message(i: number): string;
    /**
     * Calls `fn` with each message's UTF-8 bytes as (buffer, start, end), from record `from` on: no copies. A
     * message kept in the file is passed as read (a multi-line one with its CRs), from a buffer that is only
     * valid during the call; one no longer in the file is skipped.
     */
    scanMessages(from: number, fn: (bytes: Buffer, start: number, end: number, index: number) => void): void;
    /** The message's UTF-8 bytes (a view, valid until the next push or message read), or null when no longer in its file. */
    messageBytes(i: number): Uint8Array | null;
    private fileLength;
    private goneText;
    /** Index of the record covering a 1-based line, or -1. */
    indexAtLine(line: number): number;
    [Symbol.iterator](): Iterator<LogRecord>;
    forEach(fn: (record: LogRecord, index: number) => void): void;
    filter(fn: (record: LogRecord, index: number) => unknown): LogRecord[];
    map<T>(fn: (record: LogRecord, index: number) => T): T[];
    find(fn: (record: LogRecord, index: number) => unknown): LogRecord | undefined;
    some(fn: (record: LogRecord, index: number) => unknown): boolean;
    slice(from?: number, to?: number): LogRecord[];
    at(i: number): LogRecord | undefined;
    /**
     * The table as plain data for another thread: its typed arrays are listed in `transfer` (moved, not
     * copied), so this table must not be used afterwards.
     */
    detach(): {
        data: DetachedTable;
        transfer: ArrayBuffer[];
    };
    /** A table made from `detach()`'s data, in the receiving thread. */
    static attach(data: DetachedTable): RecordTable;
    /** Room for `records` more records (from `length` on) and `messageBytes` more bytes of message; returns `length`. */
    private reserve;
    private growColumns;
    /** The per-record number columns, always in this order (growing, detaching and attaching rely on it). */
    private numberColumns;
    private setNumberColumns;
}
/**
 * "YYYY-MM-DDTHH:MM:SS.mmm" of the wall clock the log wrote (UTC = local + bias), or null without a time. Made for
 * every record the general parser adds (to know whether its local time needs keeping) and every record shown: the
 * date and minute are formatted once per minute, the rest by hand (toISOString for each took a tenth of a parse).
 */
export declare function localOf(utc: number | null, biasMinutes: number | null): string | null;
/** A multi-line message with its CRs dropped (the general parser joins lines with "\n"). */
export declare function withoutCr(bytes: Uint8Array): Uint8Array;
export {};
