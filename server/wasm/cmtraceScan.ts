// The CMTrace record scanner, in AssemblyScript, compiled to WebAssembly (scripts/build-wasm.mjs writes the
// binary into server/src/core/fastpath/cmtraceScanWasm.ts). It does the byte work of the fast path in
// fastpath/cmtraceBytes.ts, which calls it: for each record of the usual shape, one after the other, it finds
// the message and the header, counts the message's line breaks, reads the seven attributes' bounds, the clock
// and the thread, finds the message's keys (GUIDs and KB numbers, as core/keys.ts defines them), and writes
// the record's columns as RecordTable keeps them (batch columns below), which JavaScript appends to the table
// with one copy per column: no JavaScript runs per record. It stops at the first record it cannot read whole
// (blank line, odd header, bare CR, a date JavaScript rejects, data ending): JavaScript reads that one as before.
// JavaScript was slower at this than the reading itself (a fresh worker also needs ~250 ms to optimise it);
// compiled ahead of time it runs at memory speed from the first byte.
//
// Memory: fixed regions (key table, record fields, key pairs, batch columns), then the input, which grows
// (`reserve`).

/** JavaScript's midnight (UTC ms, as if the log's local time were UTC) of a date value; NaN when it rejects it. */
@external("env", "dayOf")
declare function dayOf(start: i32, end: i32): f64;
/** JavaScript's string pool id of a value's bytes (decoded as UTF-8). */
@external("env", "valueId")
declare function valueId(start: i32, end: i32): i32;

import {
  COLUMN_BIAS, COLUMN_COMPONENT, COLUMN_CONTEXT, COLUMN_END_LINE, COLUMN_FILE_LENGTH, COLUMN_FILE_START, COLUMN_INEXACT, COLUMN_LINE,
  COLUMN_SEVERITY, COLUMN_SOURCE_FILE, COLUMN_THREAD, COLUMN_TYPE, COLUMN_UTC, F_BIAS, F_BOUNDS, F_BREAKS, F_CLOCK_END, F_FLAGS, F_HEADER,
  F_MESSAGE, F_MILLIS, INPUT_SLACK_BYTES, F_NEXT, F_PAIRS_END, F_THREAD, F_VALUES, FIELDS, KEY_BYTES, MAX_RECORDS, SEVERITY_TABLE,
} from '../src/core/fastpath/scanLayout';
// The record fields and batch columns (scanLayout.ts, which JavaScript reads too): F_BOUNDS holds 7 attributes x
// (start, end): time, date, component, context, type, thread, file; F_VALUES 7 attributes: the key table's index of
// the value (component, context, type, file), or -1.

/** Flags: attribute a's value equals the previous record's (bit a); the local time follows from utc and bias. */
const FLAG_EXACT: i32 = 1 << 8;
const NO_BIAS: i32 = 0x7fffffff;
const NO_THREAD: i32 = -1;

const MAX_PAIRS = 65536;
const KEY_SLOTS = 65536;
/** The key table starts over when it is half full (JavaScript maps kernel key ids by `keyEpoch`). */
const MAX_KEYS = 32768;
const MAX_KBS_PER_MESSAGE = 256;

// After the static data (the attribute names, at 1024: AssemblyScript's default). A fixed address, not one
// computed from __heap_base: every region below is then a constant the compiler folds into each load and store,
// where one computed at start is a global read from the instance on every access (the byte loads' critical path).
// reset() checks that the static data ends before it.
const CLASSES: usize = 4096; // 256 bytes: what a byte means to the message scan (C_ values)
// KEY_SLOTS u32: the key's hash's upper 16 bits, then its index + 1 (0 = free). The hash bits in the slot spare a
// lookup most of the time a read of the key's own hash (one cache miss fewer: the tables are larger than L1/L2).
const SLOTS: usize = CLASSES + 256;
const KEY_LENGTHS: usize = SLOTS + KEY_SLOTS * 4; // MAX_KEYS u8
const KEYS: usize = KEY_LENGTHS + MAX_KEYS; // MAX_KEYS x 36 bytes: GUIDs in lower case, "KB" + digits
const RECORDS: usize = KEYS + MAX_KEYS * KEY_BYTES; // MAX_RECORDS x FIELDS i32
const PAIRS: usize = RECORDS + MAX_RECORDS * FIELDS * 4; // MAX_PAIRS x (key, record) i32
const KBS: usize = PAIRS + MAX_PAIRS * 8; // MAX_KBS_PER_MESSAGE x (start, end) i32
const VALUE_IDS: usize = KBS + MAX_KBS_PER_MESSAGE * 8; // MAX_KEYS i32: pool id of the value that is key k, or -1
// MAX_KEYS u32: key k's FNV-1a hash, as keyTable.ts's hashOf hashes its stored (folded) bytes: JavaScript's key
// table takes it instead of hashing each new key again (a cold JavaScript loop in every parse thread).
const KEY_HASHES: usize = VALUE_IDS + MAX_KEYS * 4;
const SEVERITIES: usize = KEY_HASHES + MAX_KEYS * 4; // 8 u8: severity id of type "0".."6", then of any other type
// The batch: one column per RecordTable column, MAX_RECORDS each (f64 columns first: 8-byte aligned).
const B_UTC: usize = SEVERITIES + 16; // f64
const B_FILE_START: usize = B_UTC + MAX_RECORDS * 8; // f64: the message's offset in the file
const B_THREAD: usize = B_FILE_START + MAX_RECORDS * 8; // u32, TABLE_NO_THREAD: none
const B_LINE: usize = B_THREAD + MAX_RECORDS * 4; // i32
const B_END_LINE: usize = B_LINE + MAX_RECORDS * 4; // i32
const B_FILE_LENGTH: usize = B_END_LINE + MAX_RECORDS * 4; // i32: the message's length, ~length when it has line breaks
const B_COMPONENT: usize = B_FILE_LENGTH + MAX_RECORDS * 4; // u32 pool ids
const B_CONTEXT: usize = B_COMPONENT + MAX_RECORDS * 4;
const B_TYPE: usize = B_CONTEXT + MAX_RECORDS * 4;
const B_SOURCE_FILE: usize = B_TYPE + MAX_RECORDS * 4;
const B_INEXACT: usize = B_SOURCE_FILE + MAX_RECORDS * 4; // i32: the records whose local time is not utc - bias
const B_BIAS: usize = B_INEXACT + MAX_RECORDS * 4; // i16, TABLE_NO_BIAS: none
const B_SEVERITY: usize = B_BIAS + MAX_RECORDS * 2; // u8
const INPUT: usize = (B_SEVERITY + MAX_RECORDS + 65535) & ~65535;
/** RecordTable's "no bias" (an i16) and "no thread" (a u32). */
const TABLE_NO_BIAS: i16 = -32768;
const TABLE_NO_THREAD: u32 = 0xffffffff;

const C_LF: u8 = 1;
const C_CR: u8 = 2;
const C_NUL: u8 = 3;
const C_LT: u8 = 4;
const C_DASH: u8 = 5;
const C_B: u8 = 6;
const C_BRACKET: u8 = 7;

let keyCount: i32 = 0;
let epoch: i32 = 0;
let pairCount: i32 = 0;
let stoppedAt: i32 = 0;
/** The line the next record starts on (1-based), and the file offset of input[0] (for B_FILE_START). */
let nextLine: i32 = 1;
let dataOffset: f64 = 0;
let inexactCount: i32 = 0;
/** The midnight of the last date read (records mostly repeat the previous one's date). */
let midnight: f64 = NaN;
/** A message had more keys than the tables hold: the record is left to JavaScript. */
let overflow = false;

export function inputOffset(): usize {
  return INPUT;
}
export function recordsOffset(): usize {
  return RECORDS;
}
export function pairsOffset(): usize {
  return PAIRS;
}
export function keysOffset(): usize {
  return KEYS;
}
export function keyHashesOffset(): usize {
  return KEY_HASHES;
}
export function keyLengthsOffset(): usize {
  return KEY_LENGTHS;
}
/** Where each batch column is (see B_ above), and the severity table (13). */
export function batchOffsets(column: i32): usize {
  switch (column) {
    case COLUMN_UTC: return B_UTC;
    case COLUMN_THREAD: return B_THREAD;
    case COLUMN_FILE_START: return B_FILE_START;
    case COLUMN_LINE: return B_LINE;
    case COLUMN_END_LINE: return B_END_LINE;
    case COLUMN_FILE_LENGTH: return B_FILE_LENGTH;
    case COLUMN_COMPONENT: return B_COMPONENT;
    case COLUMN_CONTEXT: return B_CONTEXT;
    case COLUMN_TYPE: return B_TYPE;
    case COLUMN_SOURCE_FILE: return B_SOURCE_FILE;
    case COLUMN_INEXACT: return B_INEXACT;
    case COLUMN_BIAS: return B_BIAS;
    case COLUMN_SEVERITY: return B_SEVERITY;
    case SEVERITY_TABLE: return SEVERITIES;
    default: return 0;
  }
}
/** The line after the last record scanned. */
export function line(): i32 {
  return nextLine;
}
/** How many records of the last scan have a local time that is not utc - bias (listed at B_INEXACT). */
export function inexact(): i32 {
  return inexactCount;
}
export function keys(): i32 {
  return keyCount;
}
export function keyEpoch(): i32 {
  return epoch;
}
/** Where the last scan stopped: the start of the first record it did not read. */
export function stopped(): i32 {
  return stoppedAt;
}

/**
 * Bytes of memory kept after the input's end (JavaScript's view of the input leaves them out): 16-byte loads near
 * the data's end (the message scan looks 5 bytes ahead, value compares and hashes load whole words) stay inside
 * memory without a bounds test per load.
 */
const INPUT_SLACK: usize = INPUT_SLACK_BYTES;

/** Room for `bytes` of input; false when memory cannot grow. The input's contents are kept. */
export function reserve(bytes: i32): bool {
  const needed = (INPUT + <usize>bytes + INPUT_SLACK + 65535) >> 16;
  const pages = <usize>memory.size();
  return needed <= pages || memory.grow(<i32>(needed - pages)) >= 0;
}

/** A new file: keys start over. */
export function reset(): void {
  if (__heap_base > CLASSES) unreachable(); // the static data grew into the regions: move CLASSES
  clearKeys();
  setClasses();
}

function clearKeys(): void {
  memory.fill(SLOTS, 0, KEY_SLOTS * 4);
  memory.fill(VALUE_IDS, 0xff, MAX_KEYS * 4);
  keyCount = 0;
  epoch++;
}

function setClasses(): void {
  memory.fill(CLASSES, 0, 256);
  store<u8>(CLASSES + 10, C_LF);
  store<u8>(CLASSES + 13, C_CR);
  store<u8>(CLASSES + 0, C_NUL);
  store<u8>(CLASSES + 60, C_LT);
  store<u8>(CLASSES + 45, C_DASH);
  store<u8>(CLASSES + 66, C_B);
  store<u8>(CLASSES + 98, C_B);
  store<u8>(CLASSES + 93, C_BRACKET);
}

@inline function at(i: i32): i32 {
  return <i32>load<u8>(INPUT + <usize>i);
}

@inline function isDigit(c: i32): bool {
  return <u32>(c - 48) < 10;
}

@inline function isHex(c: i32): bool {
  return <u32>(c - 48) < 10 || <u32>((c | 32) - 97) < 6;
}

@inline function isHexOrDash(c: i32): bool {
  return c == 45 || isHex(c);
}

@inline function isWord(c: i32): bool {
  return <u32>(c - 48) < 10 || <u32>((c | 32) - 97) < 26 || c == 95;
}

/** "<![LOG[" at i, inside [0, n). */
function isOpen(i: i32, n: i32): bool {
  return i + 7 <= n && load<u32>(INPUT + <usize>i) == 0x4c5b213c && load<u16>(INPUT + <usize>i + 4) == 0x474f && at(i + 6) == 91;
}

/** "]LOG]!><" at i, inside [0, n). */
function isHeader(i: i32, n: i32): bool {
  return i + 8 <= n && load<u32>(INPUT + <usize>i) == 0x474f4c5d && load<u32>(INPUT + <usize>i + 4) == 0x3c3e215d;
}

/**
 * Scans records from `from` while they have the usual shape and end before `n` (or at `n` when `atEnd`).
 * Returns how many; `stopped()` is where the next one starts. With `withKeys`, each record's keys are pairs
 * (key index, record number in this scan), its last pair's end in F_PAIRS_END.
 */
export function scan(from: i32, n: i32, atEnd: bool, withKeys: bool, firstLine: i32, offset: f64): i32 {
  if (keyCount >= MAX_KEYS) clearKeys();
  nextLine = firstLine;
  dataOffset = offset;
  inexactCount = 0;
  store<u8>(CLASSES + 45, withKeys ? C_DASH : 0);
  store<u8>(CLASSES + 66, withKeys ? C_B : 0);
  store<u8>(CLASSES + 98, withKeys ? C_B : 0);
  keysWanted = withKeys;
  pairCount = 0;
  let p = from;
  let count = 0;
  while (count < MAX_RECORDS && keyCount < MAX_KEYS) {
    const next = record(p, n, atEnd, count);
    if (next < 0) break;
    p = next;
    count++;
  }
  stoppedAt = p;
  return count;
}

/** One record at p: the offset after it, or -1 (nothing written that counts). */
function record(p: i32, n: i32, atEnd: bool, index: i32): i32 {
  if (!isOpen(p, n)) return -1;
  const o = RECORDS + <usize>(index * FIELDS * 4);
  const messageStart = p + 7;
  const pairsBefore = pairCount;
  overflow = false;
  const header = message(messageStart, n, index, o);
  if (header < 0 || overflow) {
    pairCount = pairsBefore;
    return -1;
  }
  const gt = attributes(header + 8, n, o);
  if (gt < 0 || !clock(o) || !thread(o)) {
    pairCount = pairsBefore;
    return -1;
  }
  let after = gt + 1;
  if (after < n && at(after) == 13) after++;
  if ((after < n && at(after) != 10) || (after >= n && !atEnd)) {
    pairCount = pairsBefore;
    return -1;
  }
  store<i32>(o + F_MESSAGE * 4, messageStart);
  store<i32>(o + F_HEADER * 4, header);
  store<i32>(o + F_PAIRS_END * 4, pairCount);
  values(o, index);
  if (!columns(o, index)) {
    pairCount = pairsBefore;
    return -1;
  }
  const next = min(after + 1, n);
  store<i32>(o + F_NEXT * 4, next);
  return next;
}

/**
 * The message from `from` up to its header ("]LOG]!><"): returns the header's offset, or -1 when the data ends
 * first or the message holds a bare CR, a NUL or "<![LOG[" (JavaScript hands such a record to the general
 * parser). Counts line breaks and finds keys on the way.
 *
 * 16 bytes at a time (SIMD): a mask of the bytes that may matter (plainBytes), then each of its bits in turn, so
 * a block is loaded once however many bytes in it matter; most message bytes are plain text.
 */
function message(from: i32, n: i32, index: i32, o: usize): i32 {
  breaksSeen = 0;
  kbsSeen = 0;
  for (let block = from; block < n; block += 16) {
    // Bytes past the data (the last block) are not the message's: their bits are dropped.
    let mask = candidates(block);
    if (block + 16 > n) mask &= (1 << (n - block)) - 1;
    while (mask != 0) {
      const i = block + ctz(mask);
      mask &= mask - 1;
      const next = messageByte(i, from, n, index);
      if (next == HEADER_FOUND) {
        for (let k = 0; k < kbsSeen; k++) addPair(bytesKeyOf(load<i32>(KBS + <usize>(k * 8)), load<i32>(KBS + <usize>(k * 8 + 4)), FOLD_KB), index);
        store<i32>(o + F_BREAKS * 4, breaksSeen);
        return i;
      }
      if (next == NOT_USUAL) return -1;
      if (next > i + 1) {
        // A GUID was read: go on after it (its bits in this block, and maybe blocks, are behind).
        if (next - block >= 16) {
          block = next - 16;
          break;
        }
        mask &= ~((1 << (next - block)) - 1);
      }
    }
  }
  return -1;
}

let breaksSeen = 0;
let kbsSeen = 0;
const HEADER_FOUND = -2;
const NOT_USUAL = -1;

/**
 * What byte i of a message means: HEADER_FOUND at the header, NOT_USUAL for a bare CR, a NUL or "<![LOG[", else
 * where the scan goes on (after a GUID read whole, i + 1 otherwise).
 */
@inline function messageByte(i: i32, from: i32, n: i32, index: i32): i32 {
  const kind = load<u8>(CLASSES + <usize>at(i));
  if (kind == C_BRACKET) return isHeader(i, n) ? HEADER_FOUND : i + 1;
  if (kind == C_DASH) {
    const start = i - 8;
    if (start >= from && isGuid(start, from, n)) {
      addPair(guidKeyOf(start), index);
      return start + KEY_BYTES;
    }
  } else if (kind == C_B) {
    const end = kbEnd(i, from, n);
    if (end > 0 && kbsSeen >= MAX_KBS_PER_MESSAGE) overflow = true;
    else if (end > 0) {
      store<i32>(KBS + <usize>(kbsSeen * 8), i - 1);
      store<i32>(KBS + <usize>(kbsSeen * 8 + 4), end);
      kbsSeen++;
    }
  } else if (kind == C_LF) breaksSeen++;
  else if (kind == C_CR) {
    if (i + 1 >= n || at(i + 1) != 10) return NOT_USUAL;
  } else if (kind == C_NUL || (kind == C_LT && isOpen(i, n))) return NOT_USUAL;
  return i + 1;
}

/** Keys are looked for in this scan (`scan`'s withKeys). */
let keysWanted = true;
/** A GUID's second dash is 5 bytes after its first (8-4-4-4-12). */
const GUID_DASH_GAP = 5;

/**
 * A bit for each of the 16 bytes from i that may matter: LF, CR, NUL, "<", "]" and, with keys, a byte that could
 * start a key: a "-" with another "-" 5 bytes on (a GUID's first two dashes, which isGuid requires) or a "B"/"b"
 * after a "K"/"k" (kbEnd requires it). Any other "-", "B" or "b" would be rejected by those checks at once, so it
 * is left out with the plain text (a "b" is one letter in 70 of English text). Loads reach i - 1 and i + 21:
 * inside the record's "<![LOG[" and the memory slack.
 */
@inline function candidates(i: i32): i32 {
  const v = v128.load(INPUT + <usize>i);
  let hits = v128.or(i8x16.eq(v, i8x16.splat(10)), i8x16.eq(v, i8x16.splat(13)));
  hits = v128.or(hits, v128.or(i8x16.eq(v, i8x16.splat(0)), i8x16.eq(v, i8x16.splat(60))));
  hits = v128.or(hits, i8x16.eq(v, i8x16.splat(93)));
  if (keysWanted) {
    const ahead = v128.load(INPUT + <usize>(i + GUID_DASH_GAP));
    const before = v128.load(INPUT + <usize>(i - 1));
    const dashes = v128.and(i8x16.eq(v, i8x16.splat(45)), i8x16.eq(ahead, i8x16.splat(45)));
    const lower = i8x16.splat(32);
    const kb = v128.and(
      i8x16.eq(v128.or(v, lower), i8x16.splat(98)),
      i8x16.eq(v128.or(before, lower), i8x16.splat(107)),
    );
    hits = v128.or(hits, v128.or(dashes, kb));
  }
  return i8x16.bitmask(hits);
}

/**
 * A GUID at `start` (its first dash seen at start + 8) that ends before the message's header: keys.ts's rule
 * (hex runs of 8-4-4-4-12, no hex digit or dash right before or after). The header is not known yet, but a GUID that
 * ran into it would hold "]", which is not hex: so [start, start + 36) inside the data is enough.
 */
function isGuid(start: i32, from: i32, n: i32): bool {
  if (start + KEY_BYTES > n) return false;
  if (at(start + 13) != 45 || at(start + 18) != 45 || at(start + 23) != 45) return false;
  // Not part of a longer run of hex digits and dashes ("ID-84D2866B-…" holds no GUID for keys.ts either).
  if (start > from && isHexOrDash(at(start - 1))) return false;
  // Hex digits everywhere but the dashes: bytes 0-15, 16-31 and 20-35 (loads within the data or the slack).
  const p = INPUT + <usize>start;
  if (hexBits(v128.load(p)) != (0xffff & ~((1 << 8) | (1 << 13)))) return false;
  if (hexBits(v128.load(p, 16)) != (0xffff & ~((1 << 2) | (1 << 7)))) return false;
  if ((hexBits(v128.load(p, 20)) | (1 << 3)) != 0xffff) return false;
  // The byte after: inside the message, or the header's "]" (neither hex nor a dash).
  return start + KEY_BYTES >= n || !isHexOrDash(at(start + KEY_BYTES));
}

/** A bit for each of the 16 bytes that is a hex digit (either case). */
@inline function hexBits(v: v128): i32 {
  const digit = i8x16.lt_u(i8x16.sub(v, i8x16.splat(48)), i8x16.splat(10));
  const letter = i8x16.lt_u(i8x16.sub(v128.or(v, i8x16.splat(32)), i8x16.splat(97)), i8x16.splat(6));
  return i8x16.bitmask(v128.or(digit, letter));
}

/** "KB" + 6 to 8 digits with "B"/"b" at b, word boundaries around: the end of the digits, else -1. */
function kbEnd(b: i32, from: i32, n: i32): i32 {
  const k = b - 1;
  if (k < from || (at(k) | 32) != 107 || (k > from && isWord(at(k - 1)))) return -1;
  let end = b + 1;
  while (end < n && isDigit(at(end))) end++;
  const digits = end - b - 1;
  // The byte after the digits may be the header's "]" (not a word byte), so the data's end is the bound.
  if (digits < 6 || digits > 8 || (end < n && isWord(at(end)))) return -1;
  return end;
}

function addPair(key: i32, index: i32): void {
  if (key < 0 || pairCount >= MAX_PAIRS) {
    overflow = true;
    return;
  }
  store<i32>(PAIRS + <usize>(pairCount * 8), key);
  store<i32>(PAIRS + <usize>(pairCount * 8 + 4), index);
  pairCount++;
}

/** OR-ing 0x20 into each byte folds hex letters to lower case and keeps digits and "-" as they are. */
const LOWER: u64 = 0x2020202020202020;

/** A GUID's key: hashed and compared as five words (36 bytes), not byte by byte (one in four records has one). */
function guidKeyOf(start: i32): i32 {
  const p = INPUT + <usize>start;
  const w0 = load<u64>(p) | LOWER;
  const w1 = load<u64>(p, 8) | LOWER;
  const w2 = load<u64>(p, 16) | LOWER;
  const w3 = load<u64>(p, 24) | LOWER;
  const w4 = load<u32>(p, 32) | <u32>LOWER;
  let x = w0 ^ rotl(w1, 13) ^ rotl(w2, 29) ^ rotl(w3, 43) ^ (<u64>w4 * 0x9e3779b97f4a7c15);
  x = (x ^ (x >> 32)) * 0xff51afd7ed558ccd;
  const h = <u32>(x ^ (x >> 29));
  const mask = KEY_SLOTS - 1;
  for (let slot = <i32>(h & mask); ; slot = (slot + 1) & mask) {
    const entry = load<u32>(SLOTS + <usize>(slot * 4));
    if (entry == 0) return keyCount < MAX_KEYS ? addKey(start, start + KEY_BYTES, FOLD_LOWER, h, slot) : -1;
    if (entry >> 16 != h >> 16) continue;
    const key = <i32>(entry & 0xffff) - 1;
    if (load<u8>(KEY_LENGTHS + <usize>key) != <u8>KEY_BYTES) continue;
    const q = KEYS + <usize>(key * KEY_BYTES);
    if (load<u64>(q) == w0 && load<u64>(q, 8) == w1 && load<u64>(q, 16) == w2 && load<u64>(q, 24) == w3 && load<u32>(q, 32) == w4) return key;
  }
  return -1;
}

/** The table's index of input[start, end), its bytes folded as `fold` says, added if new. */
function bytesKeyOf(start: i32, end: i32, fold: i32): i32 {
  const length = end - start;
  let h: u32 = 0x811c9dc5;
  if (fold == FOLD_NONE) h = wordHash(start, length);
  else for (let i = start; i < end; i++) h = (h ^ <u32>keyByte(i, start, fold)) * 16777619;
  const mask = KEY_SLOTS - 1;
  for (let slot = <i32>(h & mask); ; slot = (slot + 1) & mask) {
    const entry = load<u32>(SLOTS + <usize>(slot * 4));
    if (entry == 0) return keyCount < MAX_KEYS ? addKey(start, end, fold, h, slot) : -1;
    if (entry >> 16 != h >> 16) continue;
    const key = <i32>(entry & 0xffff) - 1;
    if (<i32>load<u8>(KEY_LENGTHS + <usize>key) != length) continue;
    const same = fold == FOLD_NONE ? sameBytes(KEYS + <usize>(key * KEY_BYTES), INPUT + <usize>start, length) : sameKey(key, start, end, fold);
    if (same) return key;
  }
  return -1;
}

/**
 * A hash of input[start, start + length) eight bytes at a time (attribute values: a file attribute such as
 * "updatesdeployment.cpp:1234" changes from record to record). The table's hashes stay inside the scanner
 * (JavaScript hashes keys itself), so values need not hash as keys do.
 */
function wordHash(start: i32, length: i32): u32 {
  const p = INPUT + <usize>start;
  let x: u64 = <u64>length * 0x9e3779b97f4a7c15;
  let k = 0;
  for (; k + 8 <= length; k += 8) x = (x ^ load<u64>(p + <usize>k)) * 0xff51afd7ed558ccd;
  if (k < length) x = (x ^ (load<u64>(p + <usize>k) & ((<u64>1 << (<u64>(length - k) * 8)) - 1))) * 0xff51afd7ed558ccd;
  return <u32>(x ^ (x >> 29) ^ (x >> 32));
}

/** GUIDs fold to lower case; a KB number's "KB" is upper case (core/keys.ts); attribute values stay as they are. */
const FOLD_NONE = 0;
const FOLD_KB = 1;
const FOLD_LOWER = 2;
@inline function keyByte(i: i32, start: i32, fold: i32): i32 {
  const c = at(i);
  return fold == FOLD_KB ? (i - start < 2 ? c & ~32 : c) : fold == FOLD_LOWER ? c | 32 : c;
}

function sameKey(key: i32, start: i32, end: i32, fold: i32): bool {
  const stored = KEYS + <usize>(key * KEY_BYTES);
  for (let i = start; i < end; i++) if (<i32>load<u8>(stored + <usize>(i - start)) != keyByte(i, start, fold)) return false;
  return true;
}

function addKey(start: i32, end: i32, fold: i32, h: u32, slot: i32): i32 {
  const key = keyCount++;
  store<u8>(KEY_LENGTHS + <usize>key, <u8>(end - start));
  const stored = KEYS + <usize>(key * KEY_BYTES);
  let fnv: u32 = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = keyByte(i, start, fold);
    store<u8>(stored + <usize>(i - start), <u8>c);
    fnv = (fnv ^ <u32>c) * 16777619;
  }
  store<u32>(KEY_HASHES + <usize>(key * 4), fnv);
  store<u32>(SLOTS + <usize>(slot * 4), (h & 0xffff0000) | <u32>(key + 1));
  return key;
}

/**
 * time="…" date="…" component="…" context="…" type="…" thread="…" file="…" from `from` (after "]LOG]!><"),
 * in that order: their bounds into the record's fields; returns where the closing ">" is, or -1.
 */
function attributes(from: i32, n: i32, o: usize): i32 {
  let p = from;
  for (let a = 0; a < 7; a++) {
    const start = p + nameLength(a);
    if (start > n || !isName(a, p)) return -1;
    let end = start;
    // To the first quote, ">" or line break, 16 bytes at a time while the data lasts.
    for (; end + 16 <= n; end += 16) {
      const v = v128.load(INPUT + <usize>end);
      const hits = v128.or(v128.or(i8x16.eq(v, i8x16.splat(34)), i8x16.eq(v, i8x16.splat(62))), v128.or(i8x16.eq(v, i8x16.splat(10)), i8x16.eq(v, i8x16.splat(13))));
      const mask = i8x16.bitmask(hits);
      if (mask != 0) {
        end += ctz(mask);
        break;
      }
    }
    for (; end < n; end++) {
      const c = at(end);
      if (c == 34) break;
      if (c == 62 || c == 10 || c == 13) return -1;
    }
    if (end >= n) return -1;
    store<i32>(o + <usize>((F_BOUNDS + a * 2) * 4), start);
    store<i32>(o + <usize>((F_BOUNDS + a * 2 + 1) * 4), end);
    p = end;
  }
  return p + 1 < n && at(p + 1) == 62 ? p + 1 : -1;
}

// 'time="', '" date="', '" component="', '" context="', '" type="', '" thread="', '" file="'
const NAMES = memory.data<u8>([
  116, 105, 109, 101, 61, 34, //
  34, 32, 100, 97, 116, 101, 61, 34, //
  34, 32, 99, 111, 109, 112, 111, 110, 101, 110, 116, 61, 34, //
  34, 32, 99, 111, 110, 116, 101, 120, 116, 61, 34, //
  34, 32, 116, 121, 112, 101, 61, 34, //
  34, 32, 116, 104, 114, 101, 97, 100, 61, 34, //
  34, 32, 102, 105, 108, 101, 61, 34,
]);
const NAME_STARTS = memory.data<u8>([0, 6, 14, 27, 38, 46, 56, 64]);

@inline function nameLength(a: i32): i32 {
  return <i32>load<u8>(NAME_STARTS + <usize>(a + 1)) - <i32>load<u8>(NAME_STARTS + <usize>a);
}

/** Attribute a's name at p: one 16-byte compare (names are at most 13 bytes; p + 16 stays in the slack). */
function isName(a: i32, p: i32): bool {
  const name = NAMES + <usize>load<u8>(NAME_STARTS + <usize>a);
  const wanted = (1 << nameLength(a)) - 1;
  const equal = i8x16.bitmask(i8x16.eq(v128.load(name), v128.load(INPUT + <usize>p)));
  return (equal & wanted) == wanted;
}

@inline function digit(i: i32): i32 {
  const c = at(i);
  return isDigit(c) ? c - 48 : -100;
}

/** "HH:MM:SS.f{3,9}[+|-B]" exactly as cmtraceBytes.ts's readClock reads it; false for any other shape. */
function clock(o: usize): bool {
  const from = load<i32>(o + F_BOUNDS * 4);
  const to = load<i32>(o + (F_BOUNDS + 1) * 4);
  if (to - from < 12 || at(from + 2) != 58 || at(from + 5) != 58 || at(from + 8) != 46) return false;
  const hour = digit(from) * 10 + digit(from + 1);
  const minute = digit(from + 3) * 10 + digit(from + 4);
  const second = digit(from + 6) * 10 + digit(from + 7);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return false;
  let i = from + 9;
  let millis = 0;
  while (i < to && isDigit(at(i))) {
    if (i < from + 12) millis = millis * 10 + at(i) - 48;
    i++;
  }
  const fractionDigits = i - from - 9;
  if (fractionDigits < 3 || fractionDigits > 9) return false;
  const clockEnd = i;
  let bias = NO_BIAS;
  if (i < to) {
    const sign = at(i++);
    if (sign != 43 && sign != 45) return false;
    const digitsFrom = i;
    let minutes = 0;
    while (i < to && isDigit(at(i)) && i - digitsFrom < 5) minutes = minutes * 10 + at(i++) - 48;
    if (i != to || i == digitsFrom || i - digitsFrom > 4 || minutes > 24 * 60) return false;
    bias = sign == 45 ? -minutes : minutes;
  }
  store<i32>(o + F_MILLIS * 4, ((hour * 60 + minute) * 60 + second) * 1000 + millis);
  store<i32>(o + F_BIAS * 4, bias);
  store<i32>(o + F_CLOCK_END * 4, clockEnd);
  store<i32>(o + F_FLAGS * 4, fractionDigits == 3 && second < 60 ? FLAG_EXACT : 0);
  return true;
}

/** The thread's decimal digits (empty: none); false for anything else or more than 9 digits (JavaScript reads those). */
function thread(o: usize): bool {
  const from = load<i32>(o + (F_BOUNDS + 10) * 4);
  const to = load<i32>(o + (F_BOUNDS + 11) * 4);
  if (from == to) {
    store<i32>(o + F_THREAD * 4, NO_THREAD);
    return true;
  }
  if (to - from > 9) return false;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = at(i);
    if (!isDigit(c)) return false;
    value = value * 10 + c - 48;
  }
  store<i32>(o + F_THREAD * 4, value);
  return true;
}

/**
 * For attributes date, component, context, type and file: bit a of the flags when the value repeats the
 * previous record's, and (but the date) the value's index in the key table, so JavaScript makes a string for
 * each distinct value once per table, not for every record where it changes. Values over 36 bytes: -1.
 */
function values(o: usize, index: i32): void {
  const before = o - FIELDS * 4;
  let flags = load<i32>(o + F_FLAGS * 4);
  for (let a = 1; a < 7; a++) {
    if (a == 5) continue; // the thread is a number
    const start = load<i32>(o + <usize>((F_BOUNDS + a * 2) * 4));
    const end = load<i32>(o + <usize>((F_BOUNDS + a * 2 + 1) * 4));
    let same = false;
    if (index > 0) {
      const start0 = load<i32>(before + <usize>((F_BOUNDS + a * 2) * 4));
      const end0 = load<i32>(before + <usize>((F_BOUNDS + a * 2 + 1) * 4));
      same = end - start == end0 - start0 && sameBytes(INPUT + <usize>start, INPUT + <usize>start0, end - start);
    }
    if (same) flags |= 1 << a;
    if (a == 1) continue;
    const value = same ? load<i32>(before + <usize>((F_VALUES + a) * 4)) : end - start <= KEY_BYTES ? bytesKeyOf(start, end, FOLD_NONE) : -1;
    store<i32>(o + <usize>((F_VALUES + a) * 4), value);
  }
  store<i32>(o + F_FLAGS * 4, flags);
}

/** `length` bytes at a and at b are equal: 16 at a time (the loads may pass the end by 15: memory slack). */
function sameBytes(a: usize, b: usize, length: i32): bool {
  let k = 0;
  for (; k + 16 <= length; k += 16)
    if (!i8x16.all_true(i8x16.eq(v128.load(a + <usize>k), v128.load(b + <usize>k)))) return false;
  if (k == length) return true;
  const wanted = (1 << (length - k)) - 1;
  return (i8x16.bitmask(i8x16.eq(v128.load(a + <usize>k), v128.load(b + <usize>k))) & wanted) == wanted;
}

/**
 * The record's batch columns, from its fields: what RecordTable keeps of it. False when JavaScript must read it
 * (its date is rejected, its type is not plain ASCII): then nothing is written that counts.
 */
function columns(o: usize, index: i32): bool {
  const flags = load<i32>(o + F_FLAGS * 4);
  const i = <usize>index;
  let severity: i32;
  if (flags & (1 << 4)) severity = <i32>load<u8>(B_SEVERITY + i - 1);
  else {
    severity = severityOf(load<i32>(o + (F_BOUNDS + 8) * 4), load<i32>(o + (F_BOUNDS + 9) * 4));
    if (severity < 0) return false;
  }
  if (!(flags & (1 << 1))) midnight = dayOf(load<i32>(o + (F_BOUNDS + 2) * 4), load<i32>(o + (F_BOUNDS + 3) * 4));
  if (isNaN(midnight)) return false;
  const bias = load<i32>(o + F_BIAS * 4);
  store<f64>(B_UTC + i * 8, midnight + <f64>load<i32>(o + F_MILLIS * 4) + (bias == NO_BIAS ? 0 : <f64>bias * 60000));
  store<i16>(B_BIAS + i * 2, bias == NO_BIAS ? TABLE_NO_BIAS : <i16>bias);
  const thread = load<i32>(o + F_THREAD * 4);
  store<u32>(B_THREAD + i * 4, thread == NO_THREAD ? TABLE_NO_THREAD : <u32>thread);
  store<u8>(B_SEVERITY + i, <u8>severity);
  store<u32>(B_COMPONENT + i * 4, poolId(o, flags, 2, B_COMPONENT + i * 4));
  store<u32>(B_CONTEXT + i * 4, poolId(o, flags, 3, B_CONTEXT + i * 4));
  store<u32>(B_TYPE + i * 4, poolId(o, flags, 4, B_TYPE + i * 4));
  store<u32>(B_SOURCE_FILE + i * 4, poolId(o, flags, 6, B_SOURCE_FILE + i * 4));
  const messageStart = load<i32>(o + F_MESSAGE * 4);
  const length = load<i32>(o + F_HEADER * 4) - messageStart;
  const breaks = load<i32>(o + F_BREAKS * 4);
  store<f64>(B_FILE_START + i * 8, dataOffset + <f64>messageStart);
  store<i32>(B_FILE_LENGTH + i * 4, breaks > 0 ? ~length : length);
  store<i32>(B_LINE + i * 4, nextLine);
  store<i32>(B_END_LINE + i * 4, nextLine + breaks);
  nextLine += breaks + 1;
  if (!(flags & FLAG_EXACT)) store<i32>(B_INEXACT + <usize>(inexactCount++ * 4), index);
  return true;
}

/**
 * Attribute a's pool id, for its place `column` in the batch: the previous record's when the value repeats,
 * else by the value's key, asked of JavaScript once per key (every time for a value too long to be a key).
 */
function poolId(o: usize, flags: i32, a: i32, column: usize): u32 {
  if (flags & (1 << a)) return load<u32>(column - 4);
  const k = load<i32>(o + <usize>((F_VALUES + a) * 4));
  const start = load<i32>(o + <usize>((F_BOUNDS + a * 2) * 4));
  const end = load<i32>(o + <usize>((F_BOUNDS + a * 2 + 1) * 4));
  if (k < 0) return <u32>valueId(start, end);
  let id = load<i32>(VALUE_IDS + <usize>(k * 4));
  if (id < 0) {
    id = valueId(start, end);
    store<i32>(VALUE_IDS + <usize>(k * 4), id);
  }
  return <u32>id;
}

/**
 * The severity of a type value as severityFromType (formats/cmtrace.ts) decides it: "0" to "6" after trimming
 * white space, anything else unknown. -1 when it holds a byte over 0x7f (white space trim() knows beyond ASCII).
 */
function severityOf(start: i32, end: i32): i32 {
  for (let i = start; i < end; i++) if (at(i) > 0x7f) return -1;
  while (start < end && isSpace(at(start))) start++;
  while (end > start && isSpace(at(end - 1))) end--;
  const c = at(start);
  const known = end - start == 1 && c >= 48 && c <= 54;
  return <i32>load<u8>(SEVERITIES + <usize>(known ? c - 48 : 7));
}

@inline function isSpace(c: i32): bool {
  return c == 32 || (c >= 9 && c <= 13);
}
