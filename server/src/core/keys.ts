// The values that tie records together across components and machines: GUIDs (scan jobs, update sources,
// assignments, CI/update ids, CTM/DTS/BITS jobs, content ids, location requests, message ids) and KB numbers.
import { NextMatch, latin1 } from './read/bytes';
export type KeyKind = 'guid' | 'kb';

export interface KeyMatch {
  kind: KeyKind;
  /** Normalised value: GUIDs lower-case without braces, KB numbers upper-case ("KB2461484"). */
  key: string;
  /** Offsets of the match in the searched text (braces included when present). */
  start: number;
  end: number;
}

const KB = /\bKB\d{6,8}\b/gi;
const KB_HINT = /[Kk][Bb]\d/;

export function findKeys(text: string): KeyMatch[] {
  const found: KeyMatch[] = [];
  if (text.indexOf('-') >= 0) findGuids(text, found);
  if (KB_HINT.test(text)) {
    KB.lastIndex = 0;
    for (let m = KB.exec(text); m; m = KB.exec(text))
      found.push({ kind: 'kb', key: m[0].toUpperCase(), start: m.index, end: m.index + m[0].length });
  }
  return found;
}

// GUIDs are found from their first dash (8 hex digits after the start) rather than with a regular
// expression tried at every character: indexing runs this over every record of every log. A GUID glued
// to a word ("Content_b2475630-…", "SUM_…") counts; one inside a longer hex-and-dash run does not.
const GUID_LENGTH = 36;
const DASHES = [8, 13, 18, 23];

function findGuids(text: string, found: KeyMatch[]): void {
  let from = 0;
  for (let dash = text.indexOf('-'); dash >= 0; dash = text.indexOf('-', from)) {
    const start = dash - 8;
    // Cheap rejections first: most dashes in logs are not followed by a second one 5 characters on.
    if (start >= 0 && text.charCodeAt(dash + 5) === 45 && text.charCodeAt(dash + 10) === 45 && isGuidAt(text, start)) {
      const open = text.charCodeAt(start - 1) === 123 /* { */ ? start - 1 : start;
      const end = text.charCodeAt(start + GUID_LENGTH) === 125 /* } */ ? start + GUID_LENGTH + 1 : start + GUID_LENGTH;
      found.push({ kind: 'guid', key: text.slice(start, start + GUID_LENGTH).toLowerCase(), start: open, end });
      from = start + GUID_LENGTH;
    } else {
      from = dash + 1;
    }
  }
}

function isGuidAt(text: string, start: number): boolean {
  if (start + GUID_LENGTH > text.length) return false;
  if (isHexOrDash(text.charCodeAt(start - 1)) || isHexOrDash(text.charCodeAt(start + GUID_LENGTH))) return false;
  for (let i = 0, d = 0; i < GUID_LENGTH; i++) {
    const c = text.charCodeAt(start + i);
    if (i === DASHES[d]) {
      if (c !== 45) return false;
      d++;
    } else if (!isHex(c)) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

function isHexOrDash(c: number): boolean {
  return c === 45 || isHex(c);
}

export function normaliseGuid(text: string): string {
  return text.replace(/[{}]/g, '').toLowerCase();
}

/** The key under a cursor position in a line of text, if any. */
export function keyAt(text: string, offset: number): KeyMatch | undefined {
  return findKeys(text).find((k) => offset >= k.start && offset <= k.end);
}

// What a GUID is, judged by the words just before it. Order matters: the more specific phrase first.
// The names are what the hover says the GUID is ("update source", "assignment", "scan job"...).
const KIND_HINTS: Array<[RegExp, string]> = [
  [/scan ?job(?: ?id)?\W*$/i, 'ScanJob'],
  // CCM_UpdateSource.UniqueID="{…}", "WSUS Update Source type ({…})", "UpdateSourceID = {…}"
  [/update ?source(?:\.|_| )?(?:type|unique ?id|id)?\W*$/i, 'UpdateSource'],
  [/(?:assignment|deployment)(?: ?id)?\W*$/i, 'assignment'],
  [/\bCTM job\W*$|\bCTMJob\W*$/i, 'ContentTransferManager job'],
  [/\bDTS job\W*$|\bDTSJob\W*$|DataTransferService job\W*$/i, 'DataTransferService job'],
  [/\bBITS job\W*$/i, 'BITS job'],
  [/content ?(?:id)?\W*$|Content_$/i, 'content'],
  [/(?:location )?request\W*(?:id\W*)?$/i, 'location request'],
  [/message ?(?:id)?\W*$/i, 'message id'],
  [/\bCI_?UniqueID\W*$|\bCI ?(?:id|version)?\W*(?:ScopeId_)?$|\bScopeId_$/i, 'update / CI'],
  [/\b(?:update|UpdateID|ciid)\W*(?:id\W*)?$|SUM_$/i, 'update / CI'],
  [/\b(?:Application|DeploymentType)_$/, 'application / deployment type CI'],
  [/\bpolic(?:y|ies)(?: ?id)?\W*$|\.sms_pol\?$/i, 'policy'],
  [/\bjob(?: ?id)?\W*$/i, 'job'],
];

/** Names the GUID kind from the text that precedes it in a message (up to 40 characters). */
export function guessKeyKind(before: string): string | undefined {
  const tail = before.slice(-40);
  for (const [pattern, kind] of KIND_HINTS) if (pattern.test(tail)) return kind;
  return undefined;
}

/**
 * The keys of messages stored one after the other as UTF-8 bytes (a RecordTable's buffer): the same keys
 * `findKeys` finds in the decoded text, as GUIDs and KB numbers are ASCII and a multi-byte character is
 * neither a hex digit nor a word character in either form. Messages must be scanned in buffer order: the
 * next "-", "B" and "b" are found once (memchr) and reused, so the whole buffer is read about once.
 */
export class KeyScanner {
  private readonly dashes: NextMatch;
  private readonly upperB: NextMatch;
  private readonly lowerB: NextMatch;
  private scanned = -1;

  constructor(private readonly bytes: Buffer) {
    this.dashes = new NextMatch(bytes, 45);
    this.upperB = new NextMatch(bytes, 66);
    this.lowerB = new NextMatch(bytes, 98);
  }

  /** Calls `onKey` for every key in bytes[from, to). */
  scan(from: number, to: number, onKey: (key: string) => void): void {
    this.scanPositions(from, to, (start) => onKey(asciiLower(this.bytes, start, start + GUID_LENGTH)), onKey);
  }

  /** Like scan, with GUIDs given by their start in the bytes (no string made: the index hashes the bytes). */
  scanPositions(from: number, to: number, onGuid: (start: number) => void, onKb: (key: string) => void): void {
    const bytes = this.bytes;
    if (from < this.scanned) throw new Error('KeyScanner: messages must be scanned in order');
    this.scanned = from;
    for (let dash = this.dashes.from(from); dash < to; dash = this.dashes.from(dash + 1)) {
      const start = dash - 8;
      if (start >= from && bytes[dash + 5] === 45 && bytes[dash + 10] === 45 && isGuidBytesAt(bytes, start, from, to)) {
        onGuid(start);
        dash = start + GUID_LENGTH - 1;
      }
    }
    for (let b = this.bFrom(from + 1); b < to; b = this.bFrom(b + 1)) {
      // \bKB\d{6,8}\b: a non-word character (or nothing) before, 6 to 8 digits, a non-word character after.
      const k = b - 1;
      if ((bytes[k] | 32) !== 107 || (k > from && isWordByte(bytes[k - 1]))) continue;
      let end = b + 1;
      while (end < to && bytes[end] >= 48 && bytes[end] <= 57) end++;
      const digits = end - b - 1;
      if (digits < 6 || digits > 8 || (end < to && isWordByte(bytes[end]))) continue;
      onKb('KB' + latin1(bytes, b + 1, end));
    }
  }

  /** The next "B" or "b" (the second letter of "KB"). */
  private bFrom(at: number): number {
    return Math.min(this.upperB.from(at), this.lowerB.from(at));
  }
}

/** The keys of one message's UTF-8 bytes (tests compare them with `findKeys`). */
export function keysInBytes(bytes: Uint8Array): string[] {
  const keys: string[] = [];
  new KeyScanner(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)).scan(0, bytes.length, (k) => keys.push(k));
  return keys;
}

/** 1 for the bytes of hex digits, 2 for "-". */
const HEX_BYTE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_BYTE[c.charCodeAt(0)] = 1;
HEX_BYTE[45] = 2;

/** A GUID at `start` whose dashes at 8, 13 and 18 the caller has seen; inside [from, to), not in a longer run. */
function isGuidBytesAt(bytes: Uint8Array, start: number, from: number, to: number): boolean {
  if (start + GUID_LENGTH > to || bytes[start + 23] !== 45) return false;
  if (
    (start > from && HEX_BYTE[bytes[start - 1]]) ||
    (start + GUID_LENGTH < to && HEX_BYTE[bytes[start + GUID_LENGTH]])
  )
    return false;
  return (
    hexRun(bytes, start, 8) &&
    hexRun(bytes, start + 9, 4) &&
    hexRun(bytes, start + 14, 4) &&
    hexRun(bytes, start + 19, 4) &&
    hexRun(bytes, start + 24, 12)
  );
}

function hexRun(bytes: Uint8Array, from: number, length: number): boolean {
  for (let i = from; i < from + length; i++) if (HEX_BYTE[bytes[i]] !== 1) return false;
  return true;
}

function isWordByte(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}

function asciiLower(bytes: Buffer, from: number, to: number): string {
  return latin1(bytes, from, to).toLowerCase();
}
