// Linking keys (GUIDs, KB numbers) numbered in the order they are first met, kept as bytes in one buffer: a key
// found in a message's bytes is numbered without making a string for it, and a string is made only when a key
// is shown. A parse numbers its own file's keys in one table (see postings.ts) and hands them over packed (plain
// typed arrays with their hashes, which a worker thread can transfer); the index keeps them per file and makes
// them a table again when it first looks a key up there (index.ts). Keys as strings in a Map cost a fifth of the
// parse: V8 hashes and stores anew every string that comes from a worker.

/** Keys as plain data: key k is the Latin-1 bytes bytes[ends[k - 1] (or 0), ends[k]), its hash hashes[k]. */
export interface PackedKeys {
  bytes: Uint8Array;
  ends: Int32Array;
  hashes: Int32Array;
}

const EMPTY = -1;

export class KeyTable {
  private bytes: Uint8Array = new Uint8Array(16 * 1024);
  private ends: Int32Array = new Int32Array(512);
  private hashes: Int32Array = new Int32Array(512);
  private slots = new Int32Array(1024).fill(EMPTY);
  private readonly names: Array<string | undefined> = [];
  count = 0;
  /** Keys were appended (`append`) without a slot: the slots are laid out again before the next look-up. */
  private slotsStale = false;

  /**
   * The number of the key data[start, end), added when new. `lower` folds it to lower case as it is read (for
   * GUIDs: OR-ing 0x20 turns hex letters to lower case and keeps digits and "-").
   */
  idOf(data: Uint8Array, start: number, end: number, lower = false): number {
    if (this.slotsStale) this.layOutSlots();
    const fold = lower ? 32 : 0;
    const hash = hashOf(data, start, end, fold);
    const slot = this.slotOf(data, start, end, fold, hash);
    const k = this.slots[slot];
    return k !== EMPTY ? k : this.add(data, start, end, fold, hash, slot);
  }

  /** The number of a key given as a string, added when new. */
  idOfString(key: string): number {
    const bytes = Buffer.from(key, 'latin1');
    return this.idOf(bytes, 0, bytes.length);
  }

  /** The number of a key given as a string, or -1 when it is not in the table. */
  find(key: string): number {
    if (this.slotsStale) this.layOutSlots();
    const bytes = Buffer.from(key, 'latin1');
    return this.slots[this.slotOf(bytes, 0, bytes.length, 0, hashOf(bytes, 0, bytes.length, 0))];
  }

  /** The slot that holds the key, or the free one where it would go. */
  private slotOf(data: Uint8Array, start: number, end: number, fold: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const k = this.slots[slot];
      if (k === EMPTY || (this.hashes[k] === hash && this.same(k, data, start, end, fold))) return slot;
    }
  }

  /**
   * Adds data[start, end) (folded already), which the caller knows is not in the table, with its hash (as hashOf
   * gives it): the key's number. No look-up and no slot: the WebAssembly scanner numbers a file's keys itself, and
   * while they are the only keys of the table each one it hands over is new (fastpath/cmtraceBytes.ts).
   */
  append(data: Uint8Array, start: number, end: number, hash: number): number {
    const k = this.count++;
    const at = this.start(k);
    const length = end - start;
    if (at + length > this.bytes.length) this.bytes = grown(this.bytes, Math.max(at + length, this.bytes.length * 2));
    if (k >= this.ends.length) {
      this.ends = grown(this.ends, this.ends.length * 2);
      this.hashes = grown(this.hashes, this.hashes.length * 2);
    }
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) bytes[at + i] = data[start + i];
    this.ends[k] = at + length;
    this.hashes[k] = hash;
    this.slotsStale = true;
    return k;
  }

  /** Slots for every key, as many as keep them at most half full. */
  private layOutSlots(): void {
    let slots = this.slots.length;
    while (slots < this.count * 2 + 2) slots *= 2;
    this.rehash(new Int32Array(slots));
    this.slotsStale = false;
  }

  /** Empties the table, keeping its memory for the next keys. */
  clear(): void {
    this.count = 0;
    this.slotsStale = false;
    this.slots.fill(EMPTY);
    this.names.length = 0;
  }

  /** Key k as a string (made once, when first asked for). */
  name(k: number): string {
    return (this.names[k] ??= Buffer.from(
      this.bytes.buffer,
      this.bytes.byteOffset + this.start(k),
      this.ends[k] - this.start(k),
    ).toString('latin1'));
  }

  /** The keys as plain data, copied to their exact size. */
  packed(): PackedKeys {
    return {
      bytes: this.bytes.slice(0, this.start(this.count)),
      ends: this.ends.slice(0, this.count),
      hashes: this.hashes.slice(0, this.count),
    };
  }

  /** A table of packed keys (their arrays taken over, not copied; a key added later copies them). */
  static from(keys: PackedKeys): KeyTable {
    const table = new KeyTable();
    table.bytes = keys.bytes;
    table.ends = keys.ends;
    table.hashes = keys.hashes;
    table.count = keys.ends.length;
    let slots = 1024;
    while (slots < table.count * 2) slots *= 2;
    table.rehash(new Int32Array(slots));
    return table;
  }

  private start(k: number): number {
    return k > 0 ? this.ends[k - 1] : 0;
  }

  private same(k: number, data: Uint8Array, start: number, end: number, fold: number): boolean {
    const at = this.start(k);
    if (this.ends[k] - at !== end - start) return false;
    for (let i = 0; i < end - start; i++) if (this.bytes[at + i] !== (data[start + i] | fold)) return false;
    return true;
  }

  private add(data: Uint8Array, start: number, end: number, fold: number, hash: number, slot: number): number {
    const k = this.count++;
    const at = this.start(k);
    if (at + end - start > this.bytes.length)
      this.bytes = grown(this.bytes, Math.max(at + end - start, this.bytes.length * 2));
    if (k >= this.ends.length) {
      this.ends = grown(this.ends, this.ends.length * 2);
      this.hashes = grown(this.hashes, this.hashes.length * 2);
    }
    // A loop, not set(subarray): keys are short, and a subarray is an object made per key.
    for (let i = 0; i < end - start; i++) this.bytes[at + i] = data[start + i] | fold;
    this.ends[k] = at + end - start;
    this.hashes[k] = hash;
    this.slots[slot] = k;
    if (this.count * 2 > this.slots.length) this.rehash();
    return k;
  }

  /** Lays the keys out in new slots: twice as many, or the ones given (`from`: as many as the keys need). */
  private rehash(slots = new Int32Array(this.slots.length * 2)): void {
    slots.fill(EMPTY);
    const mask = slots.length - 1;
    for (let k = 0; k < this.count; k++) {
      let slot = this.hashes[k] & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = k;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the bytes, folded as `idOf` folds them. */
function hashOf(data: Uint8Array, start: number, end: number, fold: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (data[i] | fold), 16777619);
  return hash;
}

/** Key k of packed keys, as a string. */
export function packedKey(keys: PackedKeys, k: number): string {
  const start = k > 0 ? keys.ends[k - 1] : 0;
  return Buffer.from(keys.bytes.buffer, keys.bytes.byteOffset + start, keys.ends[k] - start).toString('latin1');
}

/** All packed keys as strings, in their order. */
export function packedKeyList(keys: PackedKeys): string[] {
  return Array.from(keys.ends, (_, k) => packedKey(keys, k));
}

function grown<T extends Uint8Array | Int32Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
