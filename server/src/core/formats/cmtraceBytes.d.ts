import type { PostingsBuilder } from '../postings';
import type { ParseWarning } from '../record';
import { type RecordTable } from '../table';
/** Reads UTF-8 CMTrace bytes, pushed in chunks, into a table. */
export declare class CmtraceByteReader {
    private readonly file;
    private readonly table;
    private readonly inFile;
    private readonly keys;
    /** Line number of the first line of the carry (see withCarry). */
    private line;
    /** Once a region never ends, the general parser reads the rest of the file. */
    private rest;
    readonly warnings: ParseWarning[];
    warningCount: number;
    lineCount: number;
    /** Records read by the fast path (the rest came from the general parser). */
    fastRecords: number;
    /** Of those, the ones the WebAssembly scanner read (the rest, fastRecord). */
    recordsScanned: number;
    private readonly columns;
    private readonly idCache;
    /** The local time string when it cannot be derived from utc and bias (more than milliseconds, second 60). */
    private exactLocal;
    /** File offset of the next byte pushed, and of data[0] in `consume`: where messages left in the file are. */
    private fed;
    private dataOffset;
    /**
     * @param inFile the bytes pushed are the file's from `startOffset` on (after a BOM), and the table reads
     *   messages back from it (RecordTable.readFrom): the fast path then copies no message at all
     * @param keys collects the keys of every record as it is read (the bytes are at hand: no second read)
     */
    constructor(file: string, table: RecordTable, inFile?: boolean, startOffset?: number, keys?: PostingsBuilder | null);
    push(chunk: Uint8Array): void;
    end(): void;
    private readonly kernel;
    private carryLength;
    private carry;
    private withCarry;
    /** Keeps data[used..] as the carry. */
    private keepTail;
    /** Reads whole records and regions from `data`; returns how many bytes were used. */
    private consume;
    /**
     * One record at `at` (a line start) if it has the usual shape: returns the offset after it, `at` when the
     * record is unusual (a region for the general parser), -1 when the data ends before the record does.
     */
    private fastRecord;
    /** Adds the record whose columns (but the lines) are read, its message data[messageStart, header). */
    private pushRecord;
    /**
     * The records the WebAssembly scanner reads whole from `at` on (it stops at the first unusual one, which
     * fastRecord then reads), appended to the table from its columns. Returns where the next record starts.
     */
    private scannedRecords;
    /** Record r of the last scan's message, as the table keeps it in its heap (without CRs when it has line breaks). */
    private heapMessage;
    /** The local time of record r of the last scan as written (more than milliseconds, or second 60). */
    private keepLocalTime;
    /** The scanner's key numbers → the postings' ids (its key table starts over with each file and when full). */
    private keyIds;
    private keyEpoch;
    /** Gives the keys of the last scan's records (its pairs: key, record in the scan) to the postings. */
    private scannedKeys;
    private scanData;
    private nextLf;
    private nextCr;
    private nextNul;
    private nextOpen;
    /** lineBreaksIn, with the byte-by-byte loop only for messages that hold a line break or something odd. */
    private messageLineBreaks;
    private skipLine;
    /** Start and end of each attribute value of the header being read (reused: no allocation per record). */
    private readonly bounds;
    /**
     * Reads time, date, component, context, type, thread and file in that order, then ">": returns where the
     * ">" is, UNUSUAL for any other header, INCOMPLETE when the data ends inside it.
     */
    private readHeader;
    private readTime;
    /** utc, bias and (when `exact` is false: more than milliseconds, second 60) the local time as written. */
    private setTime;
    private severityOfType;
    private readRest;
    /** The last value of each attribute and its pool id: consecutive records mostly repeat them. */
    private readonly lastValue;
    /** Pool id of attribute `a`'s value: the last one again, or looked up by its bytes read as Latin-1. */
    private stringId;
    /** Pool id of the value data[start, end), found by its bytes read as Latin-1 (cheaper than decoding UTF-8). */
    private valueId;
    private readonly lastDate;
    private lastDay;
    private dayOf;
    /** Text the fast path does not read, parsed as the whole file would be, from line `this.line` on. */
    private generalRegion;
    private handRestToGeneralParser;
    /** The general parser, writing to the same table, numbering lines from where the fast path stopped. */
    private generalParser;
    private collectWarnings;
}
