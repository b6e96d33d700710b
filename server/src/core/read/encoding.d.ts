export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export interface SniffResult {
    encoding: Encoding;
    /** Bytes of byte-order mark to skip. */
    bomLength: number;
}
export declare function sniffEncoding(head: Uint8Array): SniffResult;
/** What the parsers need of a decoder: TextDecoder's decode, streaming or not. */
export interface StreamDecoder {
    decode(input?: Uint8Array, options?: {
        stream?: boolean;
    }): string;
}
/**
 * A streaming decoder for the sniffed encoding (invalid sequences become U+FFFD, never an exception). UTF-8 goes
 * through Node's StringDecoder, which decodes as TextDecoder does (WHATWG replacement of invalid sequences, also
 * across chunk boundaries: tested on random bytes in random chunks) at about twice its streaming speed.
 */
export declare function createDecoder(encoding: Encoding): StreamDecoder;
