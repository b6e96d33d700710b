import type { FormatId, LogRecord, ParseWarning } from './record';
/** `damaged` reasons of records made from text that had no CMTrace header (so they add to the header count). */
export declare const ORPHAN_TEXT = "text outside any CMTrace record (an earlier record was cut off)";
export declare const NO_HEADER = "no ]LOG]!> header";
/** A record that never closes must not swallow the rest of the file. */
export declare const MAX_PENDING_LINES = 20000;
/** ... nor grow past what one string can hold when its lines are joined. */
export declare const MAX_PENDING_CHARS: number;
export type RecordSink = (record: LogRecord) => void;
export declare class RecordAssembler {
    private readonly file;
    private readonly fileFormat;
    private readonly sink;
    private cmPieces;
    private cmChars;
    private cmOpen;
    private smsHeld;
    private smsChars;
    private prefixed;
    /** A time zone the file itself declared (classic WindowsUpdate.log "tz: -0500"), applied to later records. */
    private fileBias;
    /** The date an MSI log's "Logging started" line gave, for its time-of-day-only lines. */
    private msiDay;
    private lastPrefixed;
    readonly warnings: ParseWarning[];
    warningCount: number;
    constructor(file: string, fileFormat: FormatId, sink: RecordSink);
    line(text: string, n: number): void;
    /**
     * The records still open at the end of what was read so far (a log that is still being written), as
     * they would be if the input ended now; the assembler itself is left untouched.
     */
    pendingRecords(lastPartialLine?: {
        text: string;
        line: number;
    }): LogRecord[];
    /** Flushes whatever is still open at the end of the input. */
    end(): void;
    private cmtraceLine;
    private addCmPiece;
    private emitCmtrace;
    /** Takes the pending text as one message: from the last <![LOG[ on; text before it is emitted as orphan. */
    private takeCmMessage;
    private emitOrphanText;
    private flushCmPending;
    private smsLine;
    private flushSmsHeld;
    private prefixedStart;
    private openPrefixed;
    private flushPrefixed;
    private orphanLine;
    /** Completes the fields into a record in place: one object per record, no copies. */
    private emit;
    private warn;
}
