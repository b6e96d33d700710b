import { type PackedKeys } from './keyTable';
import type { RecordTable } from './table';
export interface FilePostings {
    /** The distinct keys, in the order they were first met (strings: packedKey in keyTable.ts). */
    keys: PackedKeys;
    /** The records holding keys[k] are records[starts[k] .. starts[k + 1]), ascending, each once. */
    starts: Int32Array;
    records: Int32Array;
}
/** The postings of records `from`.. of a table (its messages scanned once, in order). */
export declare function collectPostings(table: RecordTable, from?: number): FilePostings;
/**
 * Postings built as records come: the CMTrace fast path hands each message's bytes over while they are still in
 * the chunk just read (`add`), so the file is not read a second time for its keys; records it left to the general
 * parser are scanned from the table (`catchUp`).
 */
export declare class PostingsBuilder {
    private next;
    private readonly keys;
    private lastRecord;
    private pairs;
    private count;
    private record;
    private scanner;
    private bytes;
    private readonly onGuid;
    private readonly onKb;
    /**
     * @param expectedRecords about one key per record in ConfigMgr logs: room for that up front
     * @param next the first record to be scanned
     */
    constructor(expectedRecords: number, next?: number);
    /** Record `index`'s message is bytes[start, end): `index` must be the next record not scanned yet. */
    add(index: number, bytes: Buffer, start: number, end: number): void;
    /** The id of the GUID at bytes[start..start + 36) (any case), made when new. */
    guidId(bytes: Uint8Array, start: number): number;
    /** The id of a "KB" number, made when new. */
    kbId(key: string): number;
    /** The id of the key bytes[start, end), already folded as keys.ts folds keys (the WebAssembly scanner's key table), made when new. */
    keyId(bytes: Uint8Array, start: number, end: number): number;
    /** Record `index` holds key `id` (found by the WebAssembly scanner): records must come in order. */
    addKey(index: number, id: number): void;
    /** Records below `next` are scanned (the scanner read them and gave their keys to addKey). */
    scannedUpTo(next: number): void;
    /** Scans the table's records not scanned yet. */
    catchUp(table: RecordTable): void;
    /** The postings (copied out: the builder's memory goes to the next builder of this thread, so it is done). */
    finish(): FilePostings;
    private onId;
}
/** The typed arrays of postings, for postMessage's transfer list. */
export declare function postingsTransfer(postings: FilePostings): ArrayBuffer[];
