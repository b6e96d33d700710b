// Small byte-level readers the line fast paths share (fastpath/lineBytes.ts, fastpath/lineGrammars.ts): what the
// general parser finds with a regular expression on a line's text, found here in its UTF-8 bytes with the same
// answer. ASCII decides every one of them: a byte >= 0x80 is part of a character that is no word character for
// `\b` and matches no ASCII letter under the `i` flag (without `u`, case folding never maps such a character to
// ASCII), so a test on the bytes gives what the test on the text gives.
import { severityId } from '../table';

export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Characters of `\w`: what `\b` sees as a word. */
const WORD = new Uint8Array(256);
for (let c = 0; c < 256; c++)
  WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;

export const isWordByte = (c: number): boolean => WORD[c] === 1;

/** The ASCII blanks of `\s` and trim() that can sit inside a line (LF and CR end it). */
export const isInlineBlank = (c: number): boolean => c === SPACE || c === TAB || c === 11 || c === 12;

/** Bytes of `\S` in ASCII (anything but `\s`); bytes >= 0x80 are not judged here. */
export const isAsciiNonSpace = (c: number): boolean => c < 0x80 && c !== SPACE && !(c >= 9 && c <= 13);

export const ERROR = severityId('error');
export const WARNING = severityId('warning');
export const INFO = severityId('info');

/** The shortest word a WordFinder finds: a match lies in a window of this many bytes from its start. */
const MIN_WORD = 4;

/**
 * Finds words in bytes as `\b(?:word|...)` (and `\b` after those that end on a word character) finds them in
 * text, in any case with `foldCase` (the `i` flag): the words are ASCII and at least MIN_WORD long. Most bytes
 * are skipped (Wu-Manber, blocks of two bytes): only where a word's first MIN_WORD letters may end is the text
 * compared, so a message is read at a fraction of a byte-by-byte loop's cost.
 */
export class WordFinder {
  /** How far the window [pos - 3, pos] may move on when its last two bytes are a block; 0: compare there. */
  private readonly shift = new Uint8Array(65536).fill(MIN_WORD - 1);
  /** Per block that ends some words' first MIN_WORD letters: their indexes. */
  private readonly ending: Array<number[] | undefined> = [];
  private readonly letters: Uint8Array[];
  private readonly wordEnd: boolean[];
  /** Where each word was first found by the last `find`. */
  readonly firstAt: Int32Array;

  constructor(
    words: readonly string[],
    private readonly foldCase: boolean,
  ) {
    const fold = (c: number) => (foldCase ? c | 0x20 : c);
    this.letters = words.map((w) => Buffer.from(foldCase ? w.toLowerCase() : w, 'latin1'));
    this.wordEnd = words.map((w) => WORD[w.charCodeAt(w.length - 1)] === 1);
    this.firstAt = new Int32Array(words.length);
    this.letters.forEach((word, k) => {
      if (word.length < MIN_WORD) throw new Error(`WordFinder: "${words[k]}" is shorter than ${MIN_WORD}`);
      for (let q = 1; q < MIN_WORD; q++) {
        const block = (fold(word[q - 1]) << 8) | fold(word[q]);
        this.shift[block] = Math.min(this.shift[block], MIN_WORD - 1 - q);
      }
      const last = (word[MIN_WORD - 2] << 8) | word[MIN_WORD - 1];
      (this.ending[last] ??= []).push(k);
    });
  }

  /**
   * Bit k set when words[k] is in data[from, to) as a word (what is around the range counts as no word); the
   * search stops at the first word of `stop`. firstAt[k] is where it was first found.
   */
  find(data: Uint8Array, from: number, to: number, stop = 0): number {
    const shift = this.shift;
    const fold = this.foldCase ? 0x20 : 0;
    let found = 0;
    let pos = from + MIN_WORD - 1;
    while (pos < to) {
      // | 0x20 makes ASCII letters lower case; no other byte becomes a letter.
      const block = ((data[pos - 1] | fold) << 8) | (data[pos] | fold);
      const skip = shift[block];
      if (skip) {
        pos += skip;
        continue;
      }
      const start = pos - (MIN_WORD - 1);
      if (start === from || WORD[data[start - 1]] === 0) {
        const ending = this.ending[block]!;
        for (let e = 0; e < ending.length; e++) {
          const k = ending[e];
          if (found & (1 << k) || !this.wordAt(data, start, to, k)) continue;
          found |= 1 << k;
          this.firstAt[k] = start;
          if (found & stop) return found;
        }
      }
      pos++;
    }
    return found;
  }

  private wordAt(data: Uint8Array, start: number, to: number, k: number): boolean {
    const word = this.letters[k];
    const end = start + word.length;
    if (end > to || (this.wordEnd[k] && end < to && WORD[data[end]] === 1)) return false;
    const fold = this.foldCase ? 0x20 : 0;
    for (let i = 0; i < word.length; i++) if ((data[start + i] | fold) !== word[i]) return false;
    return true;
  }
}

/**
 * Finds case-sensitive words as a WordFinder without `foldCase` does (the same bits, the same firstAt), with one
 * native search (indexOf) per word over the whole data instead of a walk over each line: for words most lines do
 * not hold ("FATAL", "FAILED", "WARNING" in WindowsUpdate.log), a line then costs a comparison per word. Made for
 * lines read in order in one buffer: the next occurrence of each word is kept, and searched again only when a
 * line starts past it, when the data changes, or when a line starts before the last one did.
 */
export class WordsAhead {
  private readonly letters: Uint8Array[];
  /** The first occurrence of each word at or after `lastFrom` (not judged as a word yet), or -1 for none. */
  private readonly next: Int32Array;
  private data: Uint8Array | null = null;
  private lastFrom = 0;
  /** Where each word was first found by the last `find`. */
  readonly firstAt: Int32Array;

  constructor(words: readonly string[]) {
    this.letters = words.map((w) => Buffer.from(w, 'latin1'));
    if (words.some((w) => WORD[w.charCodeAt(0)] !== 1 || WORD[w.charCodeAt(w.length - 1)] !== 1))
      throw new Error('WordsAhead: words start and end with a word character');
    this.next = new Int32Array(words.length);
    this.firstAt = new Int32Array(words.length);
  }

  /** Bit k set when words[k] is in data[from, to) as a word (what is around the range counts as no word). */
  find(data: Buffer, from: number, to: number): number {
    if (data !== this.data || from < this.lastFrom) {
      this.data = data;
      this.next.fill(-2); // not searched yet
    }
    this.lastFrom = from;
    let found = 0;
    for (let k = 0; k < this.letters.length; k++) {
      let at = this.next[k];
      if (at === -1) continue;
      if (at < from) this.next[k] = at = data.indexOf(this.letters[k], from);
      for (; at >= 0 && at < to; at = data.indexOf(this.letters[k], at + 1)) {
        const end = at + this.letters[k].length;
        if (end > to) break;
        if ((at === from || WORD[data[at - 1]] === 0) && (end === to || WORD[data[end]] === 0)) {
          found |= 1 << k;
          this.firstAt[k] = at;
          break;
        }
      }
    }
    return found;
  }
}

/** The words of severityFromWords (formats/fields.ts): six make an error, two a warning. */
export const ERROR_WORDS = ['error', 'errors', 'failed', 'failure', 'fatal', 'exception'];
export const WARNING_WORDS = ['warning', 'warn'];
export const ERROR_BITS = (1 << ERROR_WORDS.length) - 1;
export const WARNING_BITS = ((1 << WARNING_WORDS.length) - 1) << ERROR_WORDS.length;
const SEVERITY_WORDS = new WordFinder([...ERROR_WORDS, ...WARNING_WORDS], true);

/** severityFromWords (formats/fields.ts) on the text data[from, to). */
export function severityOfWords(data: Uint8Array, from: number, to: number): number {
  return severityOfFound(SEVERITY_WORDS.find(data, from, to, ERROR_BITS));
}

/** The severity of what a WordFinder whose first words are ERROR_WORDS then WARNING_WORDS found. */
export function severityOfFound(found: number): number {
  return found & ERROR_BITS ? ERROR : found & WARNING_BITS ? WARNING : INFO;
}

/** data[at, at + word.length) is `word` exactly, with `\b` on both sides within [from, to). */
export function wholeWordAt(data: Uint8Array, at: number, word: Uint8Array, from: number, to: number): boolean {
  const end = at + word.length;
  if (at < from || end > to) return false;
  for (let k = 0; k < word.length; k++) if (data[at + k] !== word[k]) return false;
  return (at === from || WORD[data[at - 1]] === 0) && (end === to || WORD[data[end]] === 0);
}

/** Two decimal digits at `at`, or -1. */
export function twoDigits(data: Uint8Array, at: number): number {
  const a = data[at] - 48;
  const b = data[at + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Decimal digits data[from, to) as a number; -1 when empty or anything else is there. */
export function digitsValue(data: Uint8Array, from: number, to: number): number {
  if (from >= to) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = data[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const SLOTS = 4096;
const MAX_KEY = 256;

/**
 * Pool ids of values read from bytes (components, types, contexts), without making a string per record: the
 * bytes are hashed and compared with those of the value last seen in their slot; only a new value is decoded.
 */
export class ByteIds {
  private keys = new Uint8Array(64 * 1024);
  private keysUsed = 0;
  private readonly slotStart = new Int32Array(SLOTS).fill(-1);
  private readonly slotLength = new Int32Array(SLOTS);
  private readonly slotId = new Float64Array(SLOTS);

  /** @param idOf the pool id of a value's text; `prefix` goes before it ("pid " + digits). */
  constructor(
    private readonly idOf: (value: string) => number,
    private readonly prefix = '',
  ) {}

  /** The value read last (a log's lines mostly repeat their neighbour's): where it is in `lastData`, and its id. */
  private lastData: Uint8Array | null = null;
  private lastStart = 0;
  private lastLength = -1;
  private lastId = 0;

  id(data: Buffer, start: number, end: number): number {
    const n = end - start;
    if (n === this.lastLength && data === this.lastData && this.sameAsLast(data, start, n)) return this.lastId;
    const id = this.lookUp(data, start, end);
    this.lastData = data;
    this.lastStart = start;
    this.lastLength = n;
    this.lastId = id;
    return id;
  }

  private sameAsLast(data: Uint8Array, start: number, n: number): boolean {
    const last = this.lastStart;
    for (let k = 0; k < n; k++) if (data[last + k] !== data[start + k]) return false;
    return true;
  }

  private lookUp(data: Buffer, start: number, end: number): number {
    const n = end - start;
    let h = 0x811c9dc5 ^ n;
    for (let i = start; i < end; i++) h = Math.imul(h ^ data[i], 16777619);
    const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
    const at = this.slotStart[slot];
    if (at >= 0 && this.slotLength[slot] === n && this.sameBytes(at, data, start, n)) return this.slotId[slot];
    const id = this.idOf(this.prefix + data.toString('utf8', start, end));
    if (n <= MAX_KEY) this.remember(slot, data, start, n, id);
    return id;
  }

  private sameBytes(at: number, data: Uint8Array, start: number, n: number): boolean {
    const keys = this.keys;
    for (let k = 0; k < n; k++) if (keys[at + k] !== data[start + k]) return false;
    return true;
  }

  private remember(slot: number, data: Uint8Array, start: number, n: number, id: number): void {
    if (this.keysUsed + n > this.keys.length) {
      // Full: start over (the values of a file repeat; the ones still in use come back at once).
      this.keysUsed = 0;
      this.slotStart.fill(-1);
    }
    this.keys.set(data.subarray(start, start + n), this.keysUsed);
    this.slotStart[slot] = this.keysUsed;
    this.slotLength[slot] = n;
    this.slotId[slot] = id;
    this.keysUsed += n;
  }
}

/** Remembers the last few bytes it was given (a date), to tell when the next ones are the same. */
export class LastKey {
  private bytes = new Uint8Array(32);
  private length = -1;

  same(data: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (n !== this.length) return false;
    for (let k = 0; k < n; k++) if (data[start + k] !== this.bytes[k]) return false;
    return true;
  }

  set(data: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n > this.bytes.length) this.bytes = new Uint8Array(n);
    this.bytes.set(data.subarray(start, end));
    this.length = n;
  }
}
