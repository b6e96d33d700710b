import { type Encoding } from './read/encoding';
import type { FormatId, LogRecord, ParseWarning } from './record';
import { type FilePostings } from './postings';
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
}
export interface ParseOptions {
    /** Force a format instead of detecting it. */
    format?: FormatId;
    /** parseFile also collects the postings of the keys (for LogIndex.setFile), while the bytes are at hand. */
    keys?: boolean;
}
/**
 * A parser fed with chunks of bytes (push) that calls back with each record as soon as it is complete.
 * The first chunk decides the encoding and the file's format.
 */
export declare class StreamingParser {
    readonly file: string;
    private readonly onRecord;
    private readonly options;
    private decoder;
    private splitter;
    private assembler;
    private readonly head;
    encoding: Encoding;
    format: FormatId;
    constructor(file: string, onRecord: (record: LogRecord) => void, options?: ParseOptions);
    push(bytes: Uint8Array): void;
    /** Text that is already decoded (an editor buffer). */
    pushText(text: string): void;
    end(): void;
    /** Records not closed yet, as they would be if the input ended now (for logs that are still growing). */
    pendingRecords(): LogRecord[];
    get warnings(): ParseWarning[];
    get warningCount(): number;
    get lineCount(): number;
    private start;
    private startWithText;
}
export declare function resultOf(parser: StreamingParser, records: RecordTable): ParseResult;
export declare function parseText(text: string, file?: string, options?: ParseOptions): ParseResult;
export declare function parseBytes(bytes: Uint8Array, file?: string, options?: ParseOptions): ParseResult;
/**
 * Streams a file from disk into a RecordTable. UTF-8 CMTrace logs (nearly all ConfigMgr logs) take the byte
 * fast path (formats/cmtraceBytes.ts); everything else, and callers that consume records one by one
 * (`onRecord`, nothing kept), take the general StreamingParser. Both give the same records.
 */
export declare function parseFile(path: string, options?: ParseOptions & {
    onRecord?: (r: LogRecord) => void;
}): Promise<ParseResult>;
