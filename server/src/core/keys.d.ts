export type KeyKind = 'guid' | 'kb';
export interface KeyMatch {
    kind: KeyKind;
    /** Normalised value: GUIDs lower-case without braces, KB numbers upper-case ("KB2461484"). */
    key: string;
    /** Offsets of the match in the searched text (braces included when present). */
    start: number;
    end: number;
}
export declare function findKeys(text: string): KeyMatch[];
export declare function normaliseGuid(text: string): string;
/** The key under a cursor position in a line of text, if any. */
export declare function keyAt(text: string, offset: number): KeyMatch | undefined;
/** Names the GUID kind from the text that precedes it in a message (up to 40 characters). */
export declare function guessKeyKind(before: string): string | undefined;
/**
 * The keys of messages stored one after the other as UTF-8 bytes (a RecordTable's buffer): the same keys
 * `findKeys` finds in the decoded text, as GUIDs and KB numbers are ASCII and a multi-byte character is
 * neither a hex digit nor a word character in either form. Messages must be scanned in buffer order: the
 * next "-", "B" and "b" are found once (memchr) and reused, so the whole buffer is read about once.
 */
export declare class KeyScanner {
    private readonly bytes;
    private readonly dashes;
    private readonly upperB;
    private readonly lowerB;
    private scanned;
    constructor(bytes: Buffer);
    /** Calls `onKey` for every key in bytes[from, to). */
    scan(from: number, to: number, onKey: (key: string) => void): void;
    /** Like scan, with GUIDs given by their start in the bytes (no string made: the index hashes the bytes). */
    scanPositions(from: number, to: number, onGuid: (start: number) => void, onKb: (key: string) => void): void;
    /** The next "B" or "b" (the second letter of "KB"). */
    private bFrom;
}
/** The keys of one message's UTF-8 bytes (tests compare them with `findKeys`). */
export declare function keysInBytes(bytes: Uint8Array): string[];
