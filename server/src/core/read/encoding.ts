import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
// Which text encoding a log file uses, decided from its first bytes.
// ConfigMgr writes UTF-8 (usually with BOM) and some components UTF-16LE with BOM; logs copied off old
// machines can be in a legacy code page, which we read as Windows-1252 so no byte is ever lost.

/** 'utf-8+windows-1252': a UTF-8 log with lines another writer wrote in Windows-1252 (see MixedUtf8Decoder). */
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'utf-8+windows-1252';

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

/**
 * The share of control bytes (other than tab, line feed, form feed, carriage return and escape) among the
 * non-zero bytes of a file's head: text, in any single-byte or UTF-8 encoding, has next to none; random or
 * compressed data about a tenth. Zero bytes are left out: a log that lost power has runs of them and is still
 * a log.
 */
export function controlByteShare(head: Uint8Array): number {
  const n = Math.min(head.length, SNIFF_BYTES * 4);
  let control = 0;
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) continue;
    nonZero++;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) control++;
  }
  return nonZero === 0 ? 0 : control / nonZero;
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
  if (encoding === 'utf-8') return new Utf8Decoder();
  if (encoding === 'utf-8+windows-1252') return new MixedUtf8Decoder();
  // One byte, one character: no state between chunks.
  if (encoding === 'windows-1252') return { decode: (input) => (input ? windows1252(input) : '') };
  return new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
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

const LF = 10;
const CR = 13;
/** A line longer than this without a break is decoded in parts (cut between characters). */
const MAX_CARRY = 4 << 20;
const EMPTY = new Uint8Array(0);

/**
 * UTF-8 with a per-line fallback: a line that is not valid UTF-8 (a Windows-1252 "é" written into a UTF-8 log
 * by another writer, a setup tool, a script) is decoded as Windows-1252, so no byte becomes U+FFFD; `mixed`
 * tells that it happened. Valid text takes one native check per chunk and decodes as UTF-8 as before. Bytes
 * after the last line break of a chunk wait for the next one, so a line is always judged whole.
 */
export class MixedUtf8Decoder implements StreamDecoder {
  private carry: Uint8Array = EMPTY;
  /** Some line was not UTF-8 and was read as Windows-1252. */
  mixed = false;

  decode(input?: Uint8Array, options?: { stream?: boolean }): string {
    const bytes = this.carry.length ? concatBytes(this.carry, input ?? EMPTY) : (input ?? EMPTY);
    let end = bytes.length;
    if (options?.stream) {
      end = lastBreak(bytes) + 1;
      if (end === 0 && bytes.length > MAX_CARRY) end = characterBoundary(bytes, bytes.length);
      this.carry = end < bytes.length ? Uint8Array.prototype.slice.call(bytes, end) : EMPTY; // a copy: callers reuse their buffers
    } else this.carry = EMPTY;
    return this.decodeLines(bytes.subarray(0, end));
  }

  private decodeLines(bytes: Uint8Array): string {
    if (!bytes.length) return '';
    if (isUtf8(bytes)) return utf8(bytes);
    let text = '';
    let from = 0;
    while (from < bytes.length) {
      let to = from;
      while (to < bytes.length && bytes[to] !== LF && bytes[to] !== CR) to++;
      if (to < bytes.length) to++; // the break goes with its line
      const line = bytes.subarray(from, to);
      if (isUtf8(line)) text += utf8(line);
      else {
        this.mixed = true;
        text += utf8OrWindows1252(line);
      }
      from = to;
    }
    return text;
  }
}

// Windows-1252 0x80-0x9F (https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT; the five
// undefined bytes are kept as their C1 controls, as WHATWG does). Decoded here because Node's TextDecoder reads the
// label 'windows-1252' as ISO-8859-1 in some versions (0x80 stays U+0080 instead of becoming "€").
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : text;
}

/**
 * A line that is not UTF-8 as a whole: its valid UTF-8 sequences as UTF-8, each other byte as Windows-1252. One
 * line can hold both writers' text (a CMTrace message in UTF-8 with component="Prüfung" in Windows-1252).
 */
function utf8OrWindows1252(line: Uint8Array): string {
  let text = '';
  let from = 0;
  for (let i = 0; i < line.length;) {
    const b = line[i];
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 1 || (length && i + length <= line.length && isUtf8(line.subarray(i, i + length)))) {
      i += length;
      continue;
    }
    text += utf8(line.subarray(from, i)) + windows1252(line.subarray(i, i + 1));
    from = ++i;
  }
  return text + utf8(line.subarray(from));
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');

function lastBreak(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (bytes[i] === LF || bytes[i] === CR) return i;
  return -1;
}

/** Where a UTF-8 character starts at or before `end` (never inside one). */
function characterBoundary(bytes: Uint8Array, end: number): number {
  let at = end;
  for (let back = 0; back < 3 && at > 0 && (bytes[at - 1] & 0xc0) === 0x80; back++) at--;
  return at > 0 && bytes[at - 1] >= 0xc0 ? at - 1 : end;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  return all;
}
