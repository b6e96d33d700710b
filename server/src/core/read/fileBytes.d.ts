export declare class FileBytes {
    readonly path: string;
    readonly head: Uint8Array;
    size: number;
    private window;
    /**
     * The bytes read last: window[0, windowLength) from file offset windowStart. A new view object at each read,
     * so that code which keeps state per buffer (a KeyScanner) sees that the bytes changed.
     */
    private view;
    private windowStart;
    private windowLength;
    private stale;
    /**
     * @param path the file
     * @param head its first bytes as read when parsed (up to 1 KB; more is ignored)
     * @param size how many bytes were parsed: reads beyond are refused
     */
    constructor(path: string, head: Uint8Array, size: number);
    /** The first bytes of a file, to identify it later (a copy: the caller's buffer is reused). */
    static headOf(bytes: Uint8Array): Uint8Array;
    /** The bytes of the last read (see `read`). */
    get bytes(): Buffer;
    /**
     * Reads `length` bytes at `offset`: returns where they start in `bytes` (valid until the next read of this
     * file; no object is made per call, a walk over a million messages calls this a million times), or -1 when
     * the file is no longer the one parsed (replaced, truncated, deleted) or cannot be read now.
     */
    read(offset: number, length: number): number;
    /** Lets go of the file and of the window (the records stay; a later read opens the file again). */
    release(): void;
    private fd;
    private isSameFile;
    private markStale;
}
