export type LineSink = (text: string, lineNumber: number) => void;
/** Longer lines are passed on in pieces of this size (V8 strings end near 512 M characters). */
export declare const MAX_LINE_CHARS: number;
export declare class LineSplitter {
    private readonly sink;
    private carry;
    private lineNumber;
    private pendingCr;
    /** Only chunks that hold a NUL need each line searched for NUL padding. */
    private chunkHasNul;
    /** `firstLine`: the number of the first line pushed (a part of a file that does not start at its top). */
    constructor(sink: LineSink, firstLine?: number);
    push(chunk: string): void;
    /** Flushes the last line (a file need not end with a line break). */
    end(): void;
    /** The last line while it has no line break yet (a log still being written). */
    get partialLine(): {
        text: string;
        line: number;
    } | undefined;
    /** Number of lines emitted so far. */
    get count(): number;
    private emit;
    private clean;
}
export declare function cleanLine(raw: string): string;
