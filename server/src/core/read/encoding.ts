import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
// Which text encoding a log file uses, decided from its first bytes.
// ConfigMgr writes UTF-8 (usually with BOM) and some components UTF-16LE with BOM; logs copied off old
// machines can be in a legacy code page, which we read as Windows-1252 so no byte is ever lost.

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface SniffResult {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bomLength: number;
}

const SNIFF_BYTES = 4096;

export function sniffEncoding(head: Uint8Array): SniffResult {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const utf16 = sniffUtf16WithoutBom(head);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  return { encoding: isValidUtf8(head) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

/** ASCII text in UTF-16 has a zero in every other byte; which half tells the byte order. */
function sniffUtf16WithoutBom(head: Uint8Array): Encoding | null {
  const n = Math.min(head.length, SNIFF_BYTES) & ~1;
  if (n < 8) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) zeroEven++;
    if (head[i + 1] === 0) zeroOdd++;
  }
  const pairs = n / 2;
  if (zeroOdd > pairs * 0.4 && zeroEven < pairs * 0.05) return 'utf-16le';
  if (zeroEven > pairs * 0.4 && zeroOdd < pairs * 0.05) return 'utf-16be';
  return null;
}

function isValidUtf8(head: Uint8Array): boolean {
  // A multi-byte character may be cut at the end of the sniffed window: ignore an incomplete tail.
  let end = Math.min(head.length, SNIFF_BYTES * 16);
  let back = 0;
  while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1] & 0xc0) === 0x80) back++;
  if (end - back - 1 >= 0 && head[end - back - 1] >= 0xc0) end = end - back - 1;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** What the parsers need of a decoder: TextDecoder's decode, streaming or not. */
export interface StreamDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * A streaming decoder for the sniffed encoding (invalid sequences become U+FFFD, never an exception). UTF-8 goes
 * through Node's StringDecoder, which decodes as TextDecoder does (WHATWG replacement of invalid sequences, also
 * across chunk boundaries: tested on random bytes in random chunks) at about twice its streaming speed.
 */
export function createDecoder(encoding: Encoding): StreamDecoder {
  return encoding === 'utf-8' ? new Utf8Decoder() : new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
}

class Utf8Decoder implements StreamDecoder {
  private decoder = new StringDecoder('utf8');

  decode(input?: Uint8Array, options?: { stream?: boolean }): string {
    const text = input && input.length ? this.decoder.write(input as Buffer) : '';
    if (options?.stream) return text;
    const rest = this.decoder.end();
    this.decoder = new StringDecoder('utf8');
    return text + rest;
  }
}
