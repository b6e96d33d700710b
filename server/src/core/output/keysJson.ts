// A record's keys (GUIDs and KB numbers, core/keys.ts) as the JSON array `recordKeys` gives (distinct keys, GUIDs
// first, in order of appearance), written straight from the message's bytes into an output buffer. `cmlogs
// timeline --json` writes one per record: decoding each message to a string, findKeys on it and JSON.stringify of
// each key were a fifth of the command's time on the bench corpus. The bytes hold the same keys as the text
// (KeyScanner: GUIDs and KB numbers are ASCII), and the scanner finds them with one memchr per key character.
import { KeyScanner } from '../keys';

/** A scanner bound to one buffer: it must be given that buffer's messages in order (a new one when they are not). */
interface BoundScanner {
  bytes: Buffer | null;
  scanner: KeyScanner | null;
  from: number;
}

const GUID_LENGTH = 36;

export class KeysJsonBytes {
  /**
   * Two buffers' scanners, as a table's messages live in two (the file's window and the table's own copies for
   * the rest): records alternating between them do not rescan from the start each time.
   */
  private readonly bound: [BoundScanner, BoundScanner] = [
    { bytes: null, scanner: null, from: 0 },
    { bytes: null, scanner: null, from: 0 },
  ];
  private out: Buffer = Buffer.alloc(0);
  private at = 0;
  private bytes: Buffer = Buffer.alloc(0);
  /** Where each key written for the current message starts in `out` (at its opening quote), and its length. */
  private keyStarts = new Int32Array(64);
  private keyLengths = new Int32Array(64);
  /** How many keys are written for the current message (typed arrays and a count: emptying an array per record cost). */
  private keyCount = 0;
  private readonly onGuid = (start: number): void => this.putGuid(start);
  private readonly onKb = (key: string): void => this.putKb(key);

  /**
   * Writes `[…]` for the message bytes[start, end) at out[at…] and returns where it ends. At most
   * `maxBytes(end - start)` bytes are written.
   */
  put(out: Buffer, at: number, bytes: Buffer, start: number, end: number): number {
    this.out = out;
    this.bytes = bytes;
    out[at++] = 91; // [
    this.at = at;
    this.keyCount = 0;
    this.scannerFor(bytes, start).scanPositions(start, end, this.onGuid, this.onKb);
    this.out[this.at++] = 93; // ]
    return this.at;
  }

  /** The most bytes `put` writes for a message of `messageBytes` bytes (a key's JSON is under twice its text). */
  static maxBytes(messageBytes: number): number {
    return 2 * messageBytes + 2;
  }

  private scannerFor(bytes: Buffer, from: number): KeyScanner {
    const [a, b] = this.bound;
    let slot = a.bytes === bytes ? a : b.bytes === bytes ? b : null;
    if (!slot) {
      // The least recently used of the two gives way: keep the other in front.
      slot = b;
      this.bound[0] = b;
      this.bound[1] = a;
      slot.bytes = bytes;
      slot.scanner = null;
    } else if (slot === b) {
      this.bound[0] = b;
      this.bound[1] = a;
    }
    if (!slot.scanner || from < slot.from) slot.scanner = new KeyScanner(bytes);
    slot.from = from;
    return slot.scanner;
  }

  /** A GUID at bytes[start…], lower-cased, unless the message had it already. */
  private putGuid(start: number): void {
    const { out, bytes } = this;
    if (this.writtenGuid(bytes, start)) return;
    let at = this.openKey(GUID_LENGTH);
    // Hex digits and "-" lower-case with bit 5 set ("-" and digits have it already).
    for (let k = 0; k < GUID_LENGTH; k++) out[at++] = bytes[start + k] | 32;
    out[at++] = 34;
    this.at = at;
  }

  /** "KB" and its digits. */
  private putKb(key: string): void {
    const { out } = this;
    if (this.writtenText(key)) return;
    let at = this.openKey(key.length);
    for (let k = 0; k < key.length; k++) out[at++] = key.charCodeAt(k);
    out[at++] = 34;
    this.at = at;
  }

  /** Whether `key` (ASCII) is among those written for this message. */
  private writtenText(key: string): boolean {
    const out = this.out;
    for (let j = 0; j < this.keyCount; j++) {
      if (this.keyLengths[j] !== key.length) continue;
      const at = this.keyStarts[j];
      let k = 0;
      while (k < key.length && out[at + k] === key.charCodeAt(k)) k++;
      if (k === key.length) return true;
    }
    return false;
  }

  /** Writes the separator and the opening quote of a key of `length` characters; returns where its text goes. */
  private openKey(length: number): number {
    const out = this.out;
    if (this.keyCount) out[this.at++] = 44; // ,
    if (this.keyCount === this.keyStarts.length) this.growKeys();
    this.keyStarts[this.keyCount] = this.at + 1;
    this.keyLengths[this.keyCount++] = length;
    out[this.at++] = 34;
    return this.at;
  }

  private growKeys(): void {
    const starts = new Int32Array(this.keyStarts.length * 2);
    const lengths = new Int32Array(this.keyLengths.length * 2);
    starts.set(this.keyStarts);
    lengths.set(this.keyLengths);
    this.keyStarts = starts;
    this.keyLengths = lengths;
  }

  /** Whether the GUID at bytes[start…] (lower-cased) is among the keys written for this message. */
  private writtenGuid(bytes: Buffer, start: number): boolean {
    const out = this.out;
    for (let j = 0; j < this.keyCount; j++) {
      if (this.keyLengths[j] !== GUID_LENGTH) continue;
      const at = this.keyStarts[j];
      let k = 0;
      while (k < GUID_LENGTH && out[at + k] === (bytes[start + k] | 32)) k++;
      if (k === GUID_LENGTH) return true;
    }
    return false;
  }
}
