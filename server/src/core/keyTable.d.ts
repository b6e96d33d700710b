/** Keys as plain data: key k is the Latin-1 bytes bytes[ends[k - 1] (or 0), ends[k]), its hash hashes[k]. */
export interface PackedKeys {
    bytes: Uint8Array;
    ends: Int32Array;
    hashes: Int32Array;
}
export declare class KeyTable {
    private bytes;
    private ends;
    private hashes;
    private slots;
    private readonly names;
    count: number;
    /**
     * The number of the key data[start, end), added when new. `lower` folds it to lower case as it is read (for
     * GUIDs: OR-ing 0x20 turns hex letters to lower case and keeps digits and "-").
     */
    idOf(data: Uint8Array, start: number, end: number, lower?: boolean): number;
    /** The number of a key given as a string, added when new. */
    idOfString(key: string): number;
    /** The number of a key given as a string, or -1 when it is not in the table. */
    find(key: string): number;
    /** The slot that holds the key, or the free one where it would go. */
    private slotOf;
    /** Empties the table, keeping its memory for the next keys. */
    clear(): void;
    /** Key k as a string (made once, when first asked for). */
    name(k: number): string;
    /** The keys as plain data, copied to their exact size. */
    packed(): PackedKeys;
    /** A table of packed keys (their arrays taken over, not copied; a key added later copies them). */
    static from(keys: PackedKeys): KeyTable;
    private start;
    private same;
    private add;
    /** Lays the keys out in new slots: twice as many, or the ones given (`from`: as many as the keys need). */
    private rehash;
}
/** Key k of packed keys, as a string. */
export declare function packedKey(keys: PackedKeys, k: number): string;
/** All packed keys as strings, in their order. */
export declare function packedKeyList(keys: PackedKeys): string[];
