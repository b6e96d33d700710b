// The SMS trace line scanner, in AssemblyScript, compiled to WebAssembly (scripts/build-wasm.mjs writes the
// binary into server/src/core/fastpath/lineScanWasm.ts). It does the byte work of the line fast path
// (fastpath/lineBytes.ts) for the records most site server logs are made of: ASCII lines, the last one ending
// with the trailer "  $$<Component><MM-DD-YYYY HH:MM:SS.fff+BIAS><thread=N (0xN)>" of the usual shape, the ones
// before it (a status message's first line) plain text. For each such record, one after the other, it reads
// what LineByteReader and SmsGrammar.readLine (fastpath/lineGrammars.ts) read, by the same rules, and writes it
// to the record columns below; JavaScript then gives the component its pool id and appends the record. It stops
// at the first record it does not read whole (a line starting like another format's record, a blank line, any
// byte >= 0x80, a NUL, a CR not before its LF, text of a CMTrace record, a trailer of another shape, a STATMSG
// not of the usual shape, a date JavaScript rejects, data ending before the trailer): JavaScript reads it as
// before, so an unusual record costs what it cost before, never a different field.
//
// Memory: the record columns (fixed regions), then the input, which grows (`reserve`).

/** JavaScript's midnight (UTC ms, as if local time were UTC) of the date "MM-DD-YYYY" at `start`; NaN when it rejects it. */
@external("env", "dayOf")
declare function dayOf(start: i32): f64;

/** Records a scan reads at most (the length of each column). */
const MAX_RECORDS: i32 = 8192;
/** Record columns: i32 each but UTC (f64). */
const R_START: usize = 0; // the line's (and message's) start in the input
const R_MESSAGE_END: usize = R_START + MAX_RECORDS * 4; // the message's end (before the trailer, blanks trimmed)
const R_COMPONENT_START: usize = R_MESSAGE_END + MAX_RECORDS * 4;
const R_COMPONENT_END: usize = R_COMPONENT_START + MAX_RECORDS * 4;
const R_THREAD: usize = R_COMPONENT_END + MAX_RECORDS * 4; // -1: no thread
const R_BIAS: usize = R_THREAD + MAX_RECORDS * 4; // NO_BIAS: none written
const R_SEVERITY: usize = R_BIAS + MAX_RECORDS * 4; // 0 info, 1 warning, 2 error; + SAME_COMPONENT
const R_LINES: usize = R_SEVERITY + MAX_RECORDS * 4; // lines of the record (the trailer's and those before it)
const R_UTC: usize = R_LINES + MAX_RECORDS * 4;
// The columns as RecordTable keeps them (its pushScanned copies them in; JavaScript fills the ids).
const T_FILE_START: usize = R_UTC + MAX_RECORDS * 8; // f64: the message's offset in the file
const T_LINE: usize = T_FILE_START + MAX_RECORDS * 8; // i32
const T_END_LINE: usize = T_LINE + MAX_RECORDS * 4; // i32
const T_FILE_LENGTH: usize = T_END_LINE + MAX_RECORDS * 4; // i32: the message's bytes, ~bytes when multi-line
const T_THREAD: usize = T_FILE_LENGTH + MAX_RECORDS * 4; // u32, NO_THREAD
const T_COMPONENT: usize = T_THREAD + MAX_RECORDS * 4; // u32 (ids: JavaScript)
const T_CONTEXT: usize = T_COMPONENT + MAX_RECORDS * 4;
const T_TYPE: usize = T_CONTEXT + MAX_RECORDS * 4;
const T_SOURCE_FILE: usize = T_TYPE + MAX_RECORDS * 4;
const T_BIAS: usize = T_SOURCE_FILE + MAX_RECORDS * 4; // i16, TABLE_NO_BIAS
const T_SEVERITY: usize = T_BIAS + MAX_RECORDS * 2; // u8: the table's severity id
const SEVERITY_IDS: usize = T_SEVERITY + MAX_RECORDS; // 3 u8: the table's ids of information, warning, error
// First-line formats (scanFirstLines) only:
const T_COLUMN: usize = SEVERITY_IDS + 64; // u8: where the message starts in its line (characters = bytes: ASCII)
const R_LINE_START: usize = (T_COLUMN + MAX_RECORDS + 15) & ~15; // i32: where the record's line starts
// u16: the digits of a fraction past its milliseconds (RecordTable.setFractionTails: tail * 4 + digits - 1 + 1), else 0
const R_FRACTION: usize = R_LINE_START + MAX_RECORDS * 4;
/** Values met for the first time in the last scan: (local id, kind, start, end) each, i32. */
const NEW_VALUES: usize = R_FRACTION + MAX_RECORDS * 4;
const MAX_VALUES: i32 = 4096;
const VALUE_SLOTS: i32 = 8192; // open addressing, a power of two above MAX_VALUES
const VALUE_SLOT: usize = NEW_VALUES + <usize>MAX_VALUES * 16; // i32 per slot: local id + 1, 0 empty
const VALUE_HASH: usize = VALUE_SLOT + <usize>VALUE_SLOTS * 4; // u32 per local id
const VALUE_AT: usize = VALUE_HASH + <usize>MAX_VALUES * 4; // i32 per local id: its bytes in VALUE_BYTES
const VALUE_LENGTH: usize = VALUE_AT + <usize>MAX_VALUES * 4; // i32 per local id: length | kind << 16
/** Per kind, the last value interned in this scan: 3 x (local id or -1, start in the input, length) i32. */
const LAST_VALUE: usize = VALUE_LENGTH + <usize>MAX_VALUES * 4;
const VALUE_BYTES: usize = LAST_VALUE + 64;
const VALUE_BYTES_SIZE: i32 = 64 * 1024;
const MAX_VALUE_LENGTH: i32 = 128;
/**
 * Values of up to 16 bytes by their bytes (a direct-mapped cache in front of internHashed: a log's components and
 * pids are few and short, and alternate too often for LAST_VALUE): per slot the two words (zero-padded), length |
 * kind << 16, local id + 1 (0: empty). Emptied with the values.
 */
const SHORT_SLOTS: i32 = 256;
const SHORT_VALUES: usize = (VALUE_BYTES + <usize>VALUE_BYTES_SIZE + 15) & ~15;
const INPUT: usize = (SHORT_VALUES + <usize>SHORT_SLOTS * 32 + 64 + 15) & ~15;
const TABLE_NO_THREAD: u32 = 0xffffffff;
const TABLE_NO_BIAS: i16 = -32768;
/** Bytes after the input that SIMD loads may read (JavaScript leaves them out of its view of the input). */
const INPUT_SLACK: usize = 64;
const NO_BIAS: i32 = 0x7fffffff;
/** Lines before a trailer a record may have here (JavaScript reads longer ones, up to its MAX_RECORD_LINES). */
const MAX_HELD_LINES: i32 = 64;
/** In the severity column: the component's bytes are the record before's (in this scan): JavaScript keeps its id. */
const SAME_COMPONENT: i32 = 4;

const LF: i32 = 10;
const CR: i32 = 13;
const GT: i32 = 62;
const LT: i32 = 60;
const DOLLAR: i32 = 36;

/** Where the last scan stopped: the start of the first line it did not read. */
let stoppedAt: i32 = 0;
/** The line number of the next record's first line, and the file offset of input[0]. */
let nextLine: i32 = 0;
let dataOffset: f64 = 0;
/** The last date read and its midnight (a log's records share their date). */
let lastDateLow: u64 = 0;
let lastDateHigh: u16 = 0;
let lastMidnight: f64 = NaN;
let hasLastDate: bool = false;

export function inputOffset(): usize {
  return INPUT;
}
/**
 * Where each column is: 0-7 the i32 columns above (R_START...R_LINES), 8 R_UTC, then the table's: 9 file start,
 * 10 line, 11 end line, 12 file length, 13 thread, 14 component, 15 context, 16 type, 17 source file, 18 bias,
 * 19 severity, 20 the severity ids.
 */
export function columnOffset(column: i32): usize {
  if (column < 8) return R_START + <usize>column * MAX_RECORDS * 4;
  if (column == 8) return R_UTC;
  if (column == 9) return T_FILE_START;
  if (column < 18) return T_LINE + <usize>(column - 10) * MAX_RECORDS * 4;
  if (column == 18) return T_BIAS;
  if (column == 19) return T_SEVERITY;
  if (column == 20) return SEVERITY_IDS;
  if (column == 21) return T_COLUMN;
  if (column == 22) return R_LINE_START;
  if (column == 23) return R_FRACTION;
  return NEW_VALUES;
}
/** Values the last scan met first (their entries at columnOffset(24)). */
export function newValues(): i32 {
  return newValueCount;
}
/** The line after the last record the last scan read. */
export function line(): i32 {
  return nextLine;
}
export function maxRecords(): i32 {
  return MAX_RECORDS;
}
export function stopped(): i32 {
  return stoppedAt;
}

/** Room for `bytes` of input; false when memory cannot grow. The input's contents are kept. */
export function reserve(bytes: i32): bool {
  const needed = (INPUT + <usize>bytes + INPUT_SLACK + 65535) >> 16;
  const pages = <usize>memory.size();
  return needed <= pages || memory.grow(<i32>(needed - pages)) >= 0;
}

/** A new file: the remembered date is forgotten (JavaScript's answer may differ by file, never within one). */
export function reset(): void {
  hasLastDate = false;
  forgetValues();
}

/**
 * Reads the records of input[from, n) while each is of the usual shape; returns how many (their columns above).
 * stopped() is where the first record not read starts (n when all were).
 */
export function scan(from: i32, n: i32, firstLine: i32, offset: f64): i32 {
  nextLine = firstLine;
  dataOffset = offset;
  let at = from;
  let count = 0;
  while (count < MAX_RECORDS && at < n) {
    const next = readRecord(at, n, count);
    if (next < 0) break;
    count++;
    at = next;
  }
  stoppedAt = at;
  return count;
}

/** Reads record `k` from its first line at `start`: where the next one starts, or -1. */
function readRecord(start: i32, n: i32, k: i32): i32 {
  let at = start;
  for (let lines = 1; lines <= MAX_HELD_LINES + 1; lines++) {
    const lf = lineEnd(at, n);
    if (lf < 0) return -1;
    const end = lf > at && load<u8>(INPUT + <usize>(lf - 1)) == CR ? lf - 1 : lf;
    const read = readLine(at, end, k, start);
    if (read == TRAILER) {
      store<i32>(R_LINES + <usize>k * 4, lines);
      tableColumns(k, lines);
      return lf + 1;
    }
    if (read == STOP) return -1;
    at = lf + 1;
  }
  return -1;
}

/**
 * The LF that ends the line starting at `at`, or -1 when the line holds what JavaScript must judge: no LF before
 * `n`, a NUL, a byte >= 0x80, a CR other than the one before the LF, or "LOG[" / "LOG]" (CMTrace text, which
 * hands the file to the general parser).
 */
function lineEnd(at: i32, n: i32): i32 {
  return lineEndWith(at, n, 10);
}

/**
 * lineEnd, stopping also at "$$<" when `dollar` is "$" (the first-line formats: a line with an SMS trailer is
 * the format's parser's to judge); 10 (LF) looks for nothing more.
 */
function lineEndWith(at: i32, n: i32, dollar: i32): i32 {
  let i = at;
  const dollars = i8x16.splat(<i8>dollar);
  while (i < n) {
    const v = v128.load(INPUT + <usize>i);
    let hits = v128.or(i8x16.eq(v, i8x16.splat(10)), i8x16.eq(v, i8x16.splat(13)));
    hits = v128.or(hits, i8x16.eq(v, dollars));
    hits = v128.or(hits, v128.or(i8x16.eq(v, i8x16.splat(0)), i8x16.eq(v, i8x16.splat(76)))); // NUL, "L"
    hits = v128.or(hits, i8x16.lt_s(v, i8x16.splat(0))); // >= 0x80
    let bits = i8x16.bitmask(hits);
    if (i + 16 > n) bits &= (1 << (n - i)) - 1;
    while (bits) {
      const p = i + ctz(bits);
      bits &= bits - 1;
      const c = <i32>load<u8>(INPUT + <usize>p);
      if (c == LF) return p;
      if (c == CR) {
        if (p + 1 >= n || load<u8>(INPUT + <usize>(p + 1)) != LF) return -1;
        continue;
      }
      if (c == DOLLAR) {
        if (p + 2 < n && load<u8>(INPUT + <usize>(p + 1)) == DOLLAR && load<u8>(INPUT + <usize>(p + 2)) == LT) return -1;
        continue;
      }
      if (c == 76) {
        if (isCmtraceMark(p, at)) return -1;
        continue;
      }
      return -1; // NUL or >= 0x80
    }
    i += 16;
  }
  return -1;
}

/**
 * The "L" at `p` is that of "![LOG[" or "]LOG]!><" in the line starting at `at` (what LineByteReader hands to
 * the general parser). The bytes after it may run past the data only into the slack: a line without its LF there
 * is left to JavaScript anyway.
 */
function isCmtraceMark(p: i32, at: i32): bool {
  if (p - 1 < at || load<u32>(INPUT + <usize>(p - 1)) != 0x474f4c5d) {
    // not "]LOG": "![LOG["?
    return p - 2 >= at && load<u32>(INPUT + <usize>(p - 2)) == 0x4f4c5b21 && load<u16>(INPUT + <usize>(p + 2)) == 0x5b47;
  }
  return load<u32>(INPUT + <usize>(p + 3)) == 0x3c3e215d; // "]!><"
}

@inline function byteAt(i: i32): i32 {
  return <i32>load<u8>(INPUT + <usize>i);
}
@inline function isDigit(c: i32): bool {
  return <u32>(c - 48) < 10;
}
@inline function isInlineBlank(c: i32): bool {
  return c == 32 || c == 9 || c == 11 || c == 12;
}
@inline function isWord(c: i32): bool {
  return isDigit(c) || <u32>((c | 32) - 97) < 26 || c == 95;
}
@inline function twoDigits(i: i32): i32 {
  const a = byteAt(i) - 48;
  const b = byteAt(i + 1) - 48;
  return <u32>a < 10 && <u32>b < 10 ? a * 10 + b : -1;
}
/** Decimal digits [from, to) as a number; -1 when empty or anything else is there. */
function digitsValue(from: i32, to: i32): i32 {
  if (from >= to) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = byteAt(i) - 48;
    if (<u32>d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Record k's columns as the table keeps them, from the ones readTrailer wrote. */
function tableColumns(k: i32, lines: i32): void {
  const o = <usize>k;
  const start = load<i32>(R_START + o * 4);
  const length = load<i32>(R_MESSAGE_END + o * 4) - start;
  store<f64>(T_FILE_START + o * 8, dataOffset + <f64>start);
  store<i32>(T_LINE + o * 4, nextLine);
  nextLine += lines;
  store<i32>(T_END_LINE + o * 4, nextLine - 1);
  store<i32>(T_FILE_LENGTH + o * 4, lines > 1 ? ~length : length);
  const thread = load<i32>(R_THREAD + o * 4);
  store<u32>(T_THREAD + o * 4, thread == -1 ? TABLE_NO_THREAD : <u32>thread);
  const bias = load<i32>(R_BIAS + o * 4);
  store<i16>(T_BIAS + o * 2, bias == NO_BIAS ? TABLE_NO_BIAS : <i16>bias);
  store<u8>(T_SEVERITY + o, load<u8>(SEVERITY_IDS + <usize>(load<i32>(R_SEVERITY + o * 4) & 3)));
}

/** readLine: the line ends a record (written), waits for a trailer, or is JavaScript's to read. */
const TRAILER = 1;
const HELD = 0;
const STOP = -1;

/**
 * SmsGrammar.readLine on [from, to) (ASCII, no line break), whose record starts at `messageFrom`: writes record
 * `k` and returns TRAILER when FAST; HELD for a plain line LineByteReader holds for a trailer (no trailer, and
 * not a line another format or the general parser may read: blank, starting with a digit, "<", "[" or "T").
 */
function readLine(from: i32, to: i32, k: i32, messageFrom: i32): i32 {
  let last = to;
  while (last > from && isInlineBlank(byteAt(last - 1))) last--;
  if (last == from) return STOP;
  if (byteAt(last - 1) != GT) {
    const first = byteAt(from);
    return isDigit(first) || first == LT || first == 91 || first == 84 ? STOP : HELD;
  }
  return readTrailer(from, to, last, k, messageFrom) ? TRAILER : STOP;
}

function readTrailer(from: i32, to: i32, last: i32, k: i32, messageFrom: i32): bool {
  const threadEnd = last - 1;
  const timeEnd = previousGt(threadEnd, from);
  if (timeEnd < 0 || !startsWithThread(timeEnd + 1, threadEnd)) return false;
  const threadStart = timeEnd + 9;
  const componentEnd = previousGt(timeEnd, from);
  if (componentEnd < 0 || byteAt(componentEnd + 1) != LT) return false;
  const mark = markBefore(componentEnd, from);
  if (mark < 0) return false;
  if (!readTime(componentEnd + 2, timeEnd, k)) return false;
  const thread = threadOf(threadStart, threadEnd);
  if (thread == -2) return false;
  let end = mark;
  while (end > from && isInlineBlank(byteAt(end - 1))) end--;
  const severity = severityOf(messageFrom, end);
  if (severity < 0) return false;
  const o = <usize>k * 4;
  const same = k > 0 && sameBytes(load<i32>(R_COMPONENT_START + o - 4), load<i32>(R_COMPONENT_END + o - 4), mark + 3, componentEnd);
  store<i32>(R_START + o, messageFrom);
  store<i32>(R_MESSAGE_END + o, end);
  store<i32>(R_COMPONENT_START + o, mark + 3);
  store<i32>(R_COMPONENT_END + o, componentEnd);
  store<i32>(R_THREAD + o, thread);
  store<i32>(R_SEVERITY + o, same ? severity | SAME_COMPONENT : severity);
  return true;
}

/** input[a, aEnd) holds the bytes of input[b, bEnd). */
function sameBytes(a: i32, aEnd: i32, b: i32, bEnd: i32): bool {
  const n = aEnd - a;
  if (n != bEnd - b) return false;
  let i = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(INPUT + <usize>(a + i)) != load<u64>(INPUT + <usize>(b + i))) return false;
  for (; i < n; i++) if (byteAt(a + i) != byteAt(b + i)) return false;
  return true;
}

/** "<thread=" at `at`, wholly before `to`. */
function startsWithThread(at: i32, to: i32): bool {
  if (at + 8 > to) return false;
  return load<u64>(INPUT + <usize>at) == 0x3d6461657268743c; // "<thread=" little-endian
}

/** The ">" before `at` (no "$" between), or -1. */
function previousGt(at: i32, from: i32): i32 {
  for (let i = at - 1; i >= from; i--) {
    const c = byteAt(i);
    if (c == GT) return i;
    if (c == DOLLAR) return -1;
  }
  return -1;
}

/** The "$$<" nearest before `at` with no ">" between, or -1. */
function markBefore(at: i32, from: i32): i32 {
  for (let i = at - 1; i >= from + 2; i--) {
    const c = byteAt(i);
    if (c == LT && byteAt(i - 1) == DOLLAR && byteAt(i - 2) == DOLLAR) return i - 2;
    if (c == GT) return -1;
  }
  return -1;
}

/** threadOf (lineGrammars.ts): the leading digits' value, -1 for no thread, -2 for what JavaScript decides. */
function threadOf(from: i32, to: i32): i32 {
  if (from == to) return -1;
  const first = byteAt(from);
  if (!isDigit(first)) return isInlineBlank(first) || first == 43 || first == 45 ? -2 : -1;
  let v = 0;
  let i = from;
  for (; i < to && isDigit(byteAt(i)); i++) v = v * 10 + byteAt(i) - 48;
  return i - from > 9 ? -2 : v;
}

/** SmsGrammar.readTime: "MM-DD-YYYY HH:MM:SS.fff" and an optional bias; writes UTC and bias of record `k`. */
function readTime(from: i32, to: i32, k: i32): bool {
  if (to - from < 23 || byteAt(from + 2) != 45 || byteAt(from + 5) != 45 || byteAt(from + 10) != 32) return false;
  if (byteAt(from + 13) != 58 || byteAt(from + 16) != 58 || byteAt(from + 19) != 46) return false;
  if (twoDigits(from) < 0 || twoDigits(from + 3) < 0 || twoDigits(from + 6) < 0 || twoDigits(from + 8) < 0) return false;
  const midnight = midnightOf(from);
  const hour = twoDigits(from + 11);
  const minute = twoDigits(from + 14);
  const second = twoDigits(from + 17);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return false;
  const millis = digitsValue(from + 20, from + 23);
  if (millis < 0 || isNaN(midnight)) return false;
  let bias = NO_BIAS;
  if (from + 23 < to) {
    const sign = byteAt(from + 23);
    if (sign != 43 && sign != 45) return false;
    if (to - from - 24 > 4) return false;
    const minutes = digitsValue(from + 24, to);
    if (minutes < 0 || minutes > 24 * 60) return false;
    bias = sign == 45 ? -minutes : minutes;
  }
  const clock = <f64>(((hour * 60 + minute) * 60 + second) * 1000 + millis);
  const o = <usize>k;
  store<f64>(R_UTC + o * 8, midnight + clock + (bias == NO_BIAS ? 0.0 : <f64>(bias * 60000)));
  store<i32>(R_BIAS + o * 4, bias);
  return true;
}

function midnightOf(from: i32): f64 {
  const low = load<u64>(INPUT + <usize>from);
  const high = load<u16>(INPUT + <usize>from + 8);
  if (hasLastDate && low == lastDateLow && high == lastDateHigh) return lastMidnight;
  lastMidnight = dayOf(from);
  lastDateLow = low;
  lastDateHigh = high;
  hasLastDate = true;
  return lastMidnight;
}

// The words of severityFromWords (formats/fields.ts), found as SmsGrammar.severity finds them (a WordFinder with
// foldCase: `\b(?:word)\b` under the `i` flag, a byte | 0x20 compared with the lower-case word), and STATMSG:
// a status message's severity is its SEV=.
const W_ERROR: u64 = 0x726f727265; // "error"
const W_ERRORS: u64 = 0x73726f727265;
const W_FAILED: u64 = 0x64656c696166;
const W_FAILURE: u64 = 0x6572756c696166;
const W_FATAL: u64 = 0x6c61746166;
const W_EXCEPTION: u64 = 0x6f69747065637865; // "exceptio" then "n"
const W_WARNING: u64 = 0x676e696e726177;
const W_WARN: u64 = 0x6e726177;
const W_STATMSG: u64 = 0x67736d74617473;

/** 2 error, 1 warning, 0 info; -1 when the first "statmsg" word is not the usual "STATMSG: ID=n SEV=x". */
function severityOf(from: i32, to: i32): i32 {
  let error = false;
  let warning = false;
  let i = from;
  while (i < to) {
    const v = v128.or(v128.load(INPUT + <usize>i), i8x16.splat(32));
    let hits = v128.or(i8x16.eq(v, i8x16.splat(101)), i8x16.eq(v, i8x16.splat(102))); // e f
    hits = v128.or(hits, v128.or(i8x16.eq(v, i8x16.splat(119)), i8x16.eq(v, i8x16.splat(115)))); // w s
    // Only where no word character comes before (`\b`): the byte before the range counts as none.
    let bits = i8x16.bitmask(v128.andnot(hits, wordBytes(v128.load(INPUT + <usize>i - 1))));
    if (i == from) bits |= i8x16.bitmask(hits) & 1;
    if (i + 16 > to) bits &= (1 << (to - i)) - 1;
    while (bits) {
      const p = i + ctz(bits);
      bits &= bits - 1;
      const w = wordAt(p, to);
      if (w == 3) return statusSeverity(p, to);
      if (w == 2) error = true;
      else if (w == 1) warning = true;
    }
    i += 16;
  }
  return error ? 2 : warning ? 1 : 0;
}

/** SmsGrammar.severity of a STATMSG word at `p`: "STATMSG: ID=" digits " SEV=" then I, W or E alone; -1 otherwise. */
function statusSeverity(p: i32, to: i32): i32 {
  // "STATMSG: ID=" little-endian: "STATMSG:" then " ID="
  if (p + 12 > to || load<u64>(INPUT + <usize>p) != 0x3a47534d54415453 || load<u32>(INPUT + <usize>p + 8) != 0x3d444920)
    return -1;
  let i = p + 12;
  const digits = i;
  while (i < to && isDigit(byteAt(i))) i++;
  // " SEV=" is " SEV" then "="
  if (i == digits || i + 5 > to || load<u32>(INPUT + <usize>i) != 0x56455320 || byteAt(i + 4) != 61) return -1;
  i += 5;
  if (i >= to) return -1;
  const sev = byteAt(i);
  if ((sev != 73 && sev != 87 && sev != 69) || (i + 1 < to && isWord(byteAt(i + 1)))) return -1;
  return sev == 69 ? 2 : sev == 87 ? 1 : 0;
}

/** Lanes holding a word character (`\w`: letters, digits, "_"). */
@inline function wordBytes(v: v128): v128 {
  const letter = i8x16.lt_u(i8x16.sub(v128.or(v, i8x16.splat(32)), i8x16.splat(97)), i8x16.splat(26));
  const digit = i8x16.lt_u(i8x16.sub(v, i8x16.splat(48)), i8x16.splat(10));
  return v128.or(v128.or(letter, digit), i8x16.eq(v, i8x16.splat(95)));
}

/** Which word starts at `p` (with `\b` after it within [.., to)): 3 statmsg, 2 an error word, 1 a warning word, 0 none. */
function wordAt(p: i32, to: i32): i32 {
  if (wordIs(p, to, W_ERROR, 5) || wordIs(p, to, W_ERRORS, 6) || wordIs(p, to, W_FAILED, 6)) return 2;
  if (wordIs(p, to, W_FAILURE, 7) || wordIs(p, to, W_FATAL, 5)) return 2;
  if (wordIs(p, to, W_EXCEPTION, 8) && p + 9 <= to && (byteAt(p + 8) | 32) == 110 && (p + 9 == to || !isWord(byteAt(p + 9))))
    return 2;
  if (wordIs(p, to, W_STATMSG, 7)) return 3;
  if (wordIs(p, to, W_WARNING, 7) || wordIs(p, to, W_WARN, 4)) return 1;
  return 0;
}

/** The `length` (<= 8) lower-case letters `word` at `p`, in any case, with `\b` after them (the word ends at `to` or before a non-word byte). */
@inline function wordIs(p: i32, to: i32, word: u64, length: i32): bool {
  if (p + length > to) return false;
  const mask: u64 = length == 8 ? <u64>-1 : ((<u64>1 << (<u64>length * 8)) - 1);
  const got = (load<u64>(INPUT + <usize>p) | 0x2020202020202020) & mask;
  if (got != word) return false;
  return length == 8 || p + length == to || !isWord(byteAt(p + length));
}

// ---- first-line formats ------------------------------------------------------------------------------
// Classic WindowsUpdate.log, WSUS SoftwareDistribution.log and the Get-WindowsUpdateLog (ETW) form: a record is
// a line starting with its time; lines that do not continue it. The scanner reads the lines of the usual shape
// as WuClassicGrammar / WsusGrammar.readLine (fastpath/lineGrammars.ts) read them, and the ETW form as its
// regular expression (formats/prefixed.ts WU_ETW) and makeLogTime read it; a record is written once the next line
// starts a record too (then no continuation line belongs to it): the last one read is left to JavaScript, which
// reads on from its line. Values (components, pids, levels) get a local id here (the same bytes, the same id);
// JavaScript gives each new one its pool id.

const WULOG = 1;
const WSUS = 2;
const WUETW = 3;
/** readFirst: the line is read (its record written to its slot), or starts a record JavaScript must read. */
const READ = 1;
const START = 2;
const TAB: i32 = 9;
const SPACE: i32 = 32;
const KIND_COMPONENT = 0;
const KIND_CONTEXT = 1;
const KIND_TYPE = 2;

let valueCount: i32 = 0;
let valueBytesUsed: i32 = 0;
let newValueCount: i32 = 0;
let scanBias: i32 = NO_BIAS;
/** The last scan stopped at a line starting a record JavaScript reads (not at one it could not read). */
let stoppedAtStart: bool = false;

export function atStart(): bool {
  return stoppedAtStart;
}

/**
 * The zone the file declared as of the last record the last scanFirstLines returned (a classic "tz: " line it
 * read), or the fileBias it was given; NO_BIAS: none.
 */
let committedBias: i32 = NO_BIAS;
export function declaredZone(): i32 {
  return committedBias;
}

function forgetValues(): void {
  valueCount = 0;
  valueBytesUsed = 0;
  memory.fill(VALUE_SLOT, 0, <usize>VALUE_SLOTS * 4);
  memory.fill(SHORT_VALUES, 0, <usize>SHORT_SLOTS * 32);
}

/**
 * Reads the records of input[from, n) of format `format` (1 classic WindowsUpdate.log, 2 WSUS, 3 ETW form) while
 * each is of the usual shape; returns how many (their columns above; local value ids in the component, context
 * and type columns, new values at columnOffset(24)). `fileBias`: the zone the file declared (classic), or NO_BIAS.
 */
export function scanFirstLines(format: i32, from: i32, n: i32, firstLine: i32, offset: f64, fileBias: i32): i32 {
  nextLine = firstLine;
  dataOffset = offset;
  scanBias = fileBias;
  stoppedAtStart = false;
  for (let kind = 0; kind < 3; kind++) store<i32>(LAST_VALUE + <usize>kind * 12, -1);
  newValueCount = 0;
  // Room for every value of a full scan is not needed: a value that finds none stops the scan.
  if (valueCount > MAX_VALUES - 64 || valueBytesUsed > VALUE_BYTES_SIZE - 64 * MAX_VALUE_LENGTH) forgetValues();
  let at = from;
  let line = firstLine;
  let read = 0;
  let committed = 0;
  let stop = from;
  let stopLine = firstLine;
  committedBias = fileBias;
  while (read < MAX_RECORDS && at < n) {
    const lf = lineEndWith(at, n, DOLLAR);
    if (lf < 0) break;
    const end = lf > at && byteAt(lf - 1) == CR ? lf - 1 : lf;
    if (isContinuation(at, end)) {
      // It goes with the record before it (read here: JavaScript reads one it holds, or one of many lines).
      if (read == 0 || !continued(read - 1, end, line)) break;
    } else {
      const biasBefore = scanBias;
      const got = format == WSUS ? readWsus(at, end, read, line) : format == WULOG ? readClassic(at, end, read, line) : readEtw(at, end, read, line);
      if (got == STOP) break;
      // The line starts a record: the one before it is whole.
      committed = read;
      committedBias = biasBefore;
      stop = at;
      stopLine = line;
      if (got == START) {
        stoppedAtStart = true;
        break;
      }
      read++;
    }
    line++;
    at = lf + 1;
  }
  stoppedAt = stop;
  nextLine = stopLine;
  return committed;
}

/**
 * A line that continues the record before it (LineByteReader.readLine): not blank, and not starting as another
 * format's record may (a digit, "<", "[", the Click-to-Run header's "T": mayBeOtherFormat) or this one's.
 */
function isContinuation(from: i32, to: i32): bool {
  const c = byteAt(from);
  if (isDigit(c) || c == LT || c == 91 || c == 84) return false;
  for (let i = from; i < to; i++) if (!isInlineBlank(byteAt(i))) return true;
  return false;
}

/** Record k goes on to `to`, on line `line`; false when it would have more lines than are read here. */
function continued(k: i32, to: i32, line: i32): bool {
  const o = <usize>k * 4;
  const lines = load<i32>(R_LINES + o) + 1;
  if (lines > MAX_HELD_LINES) return false;
  store<i32>(R_LINES + o, lines);
  store<i32>(R_MESSAGE_END + o, to);
  store<i32>(T_END_LINE + o, line);
  store<i32>(T_FILE_LENGTH + o, ~(to - load<i32>(R_START + o)));
  return true;
}

/** "HH:MM:SS" at `at` and three digits at at + 9: milliseconds into the day (clockMillis), or -1. */
function clockAt(at: i32): i32 {
  const hour = twoDigits(at);
  const minute = twoDigits(at + 3);
  const second = twoDigits(at + 6);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return -1;
  const millis = digitsValue(at + 9, at + 12);
  if (millis < 0) return -1;
  return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

@inline function hexValue(c: i32): i32 {
  if (isDigit(c)) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Not `\s` (the input here is ASCII). */
@inline function isNonSpace(c: i32): bool {
  return c != SPACE && <u32>(c - 9) > 4;
}

/** WuClassicGrammar.readLine: 2021-08-28<TAB>03:07:48:216<TAB> 648<TAB>13bc<TAB>Report<TAB>text */
function readClassic(from: i32, to: i32, k: i32, line: i32): i32 {
  if (to - from < 25 || !isDigit(byteAt(from))) return STOP;
  if (byteAt(from + 4) != 45 || byteAt(from + 7) != 45 || byteAt(from + 10) != TAB) return STOP;
  if (byteAt(from + 13) != 58 || byteAt(from + 16) != 58 || byteAt(from + 23) != TAB) return STOP;
  const separator = byteAt(from + 19);
  if ((separator != 58 && separator != 46) || digitsValue(from, from + 4) < 0) return STOP;
  const midnight = midnightOf(from);
  const clock = clockAt(from + 11);
  if (clock < 0 || isNaN(midnight)) return STOP;
  let i = from + 24;
  while (i < to && byteAt(i) == SPACE) i++;
  const pid = i;
  while (i < to && isDigit(byteAt(i))) i++;
  if (i == pid || i >= to || byteAt(i) != TAB) return STOP;
  const pidEnd = i++;
  while (i < to && byteAt(i) == SPACE) i++;
  const threadStart = i;
  let thread: u32 = 0;
  for (; i < to; i++) {
    const h = hexValue(byteAt(i));
    if (h < 0) break;
    thread = thread * 16 + <u32>h;
  }
  if (i == threadStart || i - threadStart > 8 || i >= to || byteAt(i) != TAB) return STOP;
  const componentStart = ++i;
  while (i < to && byteAt(i) != TAB) i++;
  const messageStart = i < to ? i + 1 : to;
  let componentEnd = i;
  let start = componentStart;
  while (start < componentEnd && isInlineBlank(byteAt(start))) start++;
  while (componentEnd > start && isInlineBlank(byteAt(componentEnd - 1))) componentEnd--;
  const severity = wuSeverity(messageStart, to, true);
  // "tz: -0500)" sets the file's zone from this record on (WuClassicGrammar.severity); another shape: JavaScript's.
  const declared = tzFound < 0 ? NO_BIAS : declaredBias(tzFound, to);
  if (tzFound >= 0 && declared == NO_BIAS) return START;
  if (thread >= 0xfffffffe || messageStart - from > 254) return STOP;
  const component = intern(KIND_COMPONENT, start, componentEnd);
  const context = intern(KIND_CONTEXT, pid, pidEnd);
  if (component < 0 || context < 0) return STOP;
  if (declared != NO_BIAS) scanBias = declared;
  const bias = scanBias;
  const utc = midnight + <f64>clock + (bias == NO_BIAS ? 0.0 : <f64>bias * 60000);
  writeFirstLine(k, line, from, messageStart, to, utc, bias, thread, severity, 0);
  store<u32>(T_COMPONENT + <usize>k * 4, component);
  store<u32>(T_CONTEXT + <usize>k * 4, context);
  return READ;
}

/** WU_ETW and makeLogTime: 2020/11/19 15:25:46.9997442 3304  9020  Agent           text */
function readEtw(from: i32, to: i32, k: i32, line: i32): i32 {
  if (to - from < 26 || !isDigit(byteAt(from)) || digitsValue(from, from + 4) < 0) return STOP;
  const dateSeparator = byteAt(from + 4);
  const daySeparator = byteAt(from + 7);
  if ((dateSeparator != 47 && dateSeparator != 45) || (daySeparator != 47 && daySeparator != 45)) return STOP;
  if (byteAt(from + 10) != SPACE || byteAt(from + 13) != 58 || byteAt(from + 16) != 58 || byteAt(from + 19) != 46) return STOP;
  if (twoDigits(from + 5) < 0 || twoDigits(from + 8) < 0) return STOP;
  const hour = twoDigits(from + 11);
  const minute = twoDigits(from + 14);
  const second = twoDigits(from + 17);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return STOP;
  // The fraction: 1 to 7 digits, then a blank (\.(\d{1,7}) +); milliseconds are its first three, padded.
  let i = from + 20;
  let millis = 0;
  let tail = 0;
  while (i < to && isDigit(byteAt(i))) {
    if (i < from + 23) millis = millis * 10 + byteAt(i) - 48;
    else tail = tail * 10 + byteAt(i) - 48;
    i++;
  }
  const digits = i - from - 20;
  if (digits < 1 || digits > 7 || i >= to || byteAt(i) != SPACE) return STOP;
  if (digits == 1) millis *= 100;
  else if (digits == 2) millis *= 10;
  const midnight = midnightOf(from);
  if (isNaN(midnight)) return STOP;
  while (i < to && byteAt(i) == SPACE) i++;
  const pid = i;
  while (i < to && isDigit(byteAt(i))) i++;
  if (i == pid || i >= to || byteAt(i) != SPACE) return STOP;
  const pidEnd = i;
  while (i < to && byteAt(i) == SPACE) i++;
  const threadStart = i;
  while (i < to && isDigit(byteAt(i))) i++;
  if (i == threadStart || i - threadStart > 9 || i >= to || byteAt(i) != SPACE) return STOP;
  const thread = <u32>digitsValue(threadStart, i);
  while (i < to && byteAt(i) == SPACE) i++;
  const componentStart = i;
  while (i < to && isNonSpace(byteAt(i))) i++;
  if (i == componentStart) return STOP;
  const componentEnd = i;
  while (i < to && byteAt(i) == SPACE) i++;
  const messageStart = i;
  const severity = wuSeverity(messageStart, to, false);
  if (messageStart - from > 254) return STOP;
  const component = intern(KIND_COMPONENT, componentStart, componentEnd);
  const context = intern(KIND_CONTEXT, pid, pidEnd);
  if (component < 0 || context < 0) return STOP;
  const clock = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const tailCode = digits > 3 ? tail * 4 + (digits - 4) + 1 : 0;
  writeFirstLine(k, line, from, messageStart, to, midnight + <f64>clock, NO_BIAS, thread, severity, tailCode);
  store<u32>(T_COMPONENT + <usize>k * 4, component);
  store<u32>(T_CONTEXT + <usize>k * 4, context);
  return READ;
}

/** WsusGrammar.readLine: 2014-01-16 18:53:54.231 UTC<TAB>Info<TAB>w3wp.58<TAB>text */
function readWsus(from: i32, to: i32, k: i32, line: i32): i32 {
  if (to - from < 30 || !isDigit(byteAt(from))) return STOP;
  if (byteAt(from + 4) != 45 || byteAt(from + 7) != 45 || byteAt(from + 10) != SPACE) return STOP;
  if (byteAt(from + 13) != 58 || byteAt(from + 16) != 58 || byteAt(from + 19) != 46) return STOP;
  if (digitsValue(from, from + 4) < 0) return STOP;
  const midnight = midnightOf(from);
  const clock = clockAt(from + 11);
  if (clock < 0 || isNaN(midnight)) return STOP;
  let i = skipSpaceTab(from + 23, to);
  // "UTC" little-endian, then a blank
  if (i == from + 23 || i + 3 > to || (load<u32>(INPUT + <usize>i) & 0xffffff) != 0x435455) return STOP;
  const afterUtc = i + 3;
  i = skipSpaceTab(afterUtc, to);
  if (i == afterUtc) return STOP;
  const type = i;
  while (i < to && isNonSpace(byteAt(i))) i++;
  if (i <= type || i >= to || (byteAt(i) != SPACE && byteAt(i) != TAB)) return STOP;
  const typeEnd = i;
  const process = (i = skipSpaceTab(i, to));
  while (i < to && isNonSpace(byteAt(i))) i++;
  if (i <= process) return STOP;
  const processEnd = i;
  if (i < to && byteAt(i) != SPACE && byteAt(i) != TAB) return STOP;
  const messageStart = i < to ? i + 1 : to;
  if (messageStart - from > 254) return STOP;
  let dot = processEnd - 1;
  while (dot >= process && byteAt(dot) != 46) dot--;
  let thread: u32 = TABLE_NO_THREAD;
  let componentEnd = processEnd;
  if (dot >= process) {
    componentEnd = dot;
    if (dot + 1 < processEnd) {
      if (processEnd - dot - 1 > 9) return STOP;
      const value = digitsValue(dot + 1, processEnd);
      if (value < 0) return STOP;
      thread = <u32>value;
    }
  }
  const component = intern(KIND_COMPONENT, process, componentEnd);
  const level = intern(KIND_TYPE, type, typeEnd);
  if (component < 0 || level < 0) return STOP;
  writeFirstLine(k, line, from, messageStart, to, midnight + <f64>clock, 0, thread, levelSeverity(type, typeEnd), 0);
  store<u32>(T_COMPONENT + <usize>k * 4, component);
  store<u32>(T_TYPE + <usize>k * 4, level);
  return READ;
}

function skipSpaceTab(from: i32, to: i32): i32 {
  let i = from;
  while (i < to && (byteAt(i) == SPACE || byteAt(i) == TAB)) i++;
  return i;
}

/** wsusSeverity: Error and Fatal (any case) are errors, Warning a warning, any other level information. */
function levelSeverity(from: i32, to: i32): i32 {
  const n = to - from;
  if (n != 5 && n != 7) return 0;
  let word: u64 = 0;
  for (let i = to - 1; i >= from; i--) {
    const c = byteAt(i);
    word = (word << 8) | <u64>(c >= 65 && c <= 90 ? c + 32 : c);
  }
  if (word == W_ERROR || word == W_FATAL) return 2;
  return word == W_WARNING ? 1 : 0;
}

/** Record k's columns, as RecordTable keeps them, of a one-line record whose line is input[from, to). */
function writeFirstLine(k: i32, line: i32, from: i32, messageStart: i32, to: i32, utc: f64, bias: i32, thread: u32, severity: i32, fraction: i32): void {
  const o = <usize>k;
  store<i32>(R_LINES + o * 4, 1);
  store<i32>(R_START + o * 4, messageStart);
  store<i32>(R_MESSAGE_END + o * 4, to);
  store<i32>(R_LINE_START + o * 4, from);
  store<u16>(R_FRACTION + o * 2, <u16>fraction);
  store<f64>(R_UTC + o * 8, utc);
  store<f64>(T_FILE_START + o * 8, dataOffset + <f64>messageStart);
  store<i32>(T_LINE + o * 4, line);
  store<i32>(T_END_LINE + o * 4, line);
  store<i32>(T_FILE_LENGTH + o * 4, to - messageStart);
  store<u32>(T_THREAD + o * 4, thread);
  store<i16>(T_BIAS + o * 2, bias == NO_BIAS ? TABLE_NO_BIAS : <i16>bias);
  store<u8>(T_SEVERITY + o, load<u8>(SEVERITY_IDS + <usize>severity));
  store<u8>(T_COLUMN + o, <u8>(messageStart - from));
}

const W_FATAL_UPPER: u64 = 0x4c41544146; // "FATAL"
const W_FAILED_UPPER: u64 = 0x44454c494146; // "FAILED"
const W_WARNING_UPPER: u64 = 0x474e494e524157; // "WARNING"
const W_TZ: u32 = 0x203a7a74; // "tz: "

/** Where the last wuSeverity (classic form) found the line's first "tz: " after a word's edge, or -1. */
let tzFound: i32 = -1;

/**
 * The zone "tz: " at `at` declares (declaredBias, formats/prefixed.ts: "tz: -0500)" is UTC+5 h, bias 300 minutes)
 * when it has the shape WuClassicGrammar.severity reads: sign, four digits, ")" before the line's end `to`;
 * NO_BIAS when it has not (JavaScript then leaves the line to the format's parser).
 */
function declaredBias(at: i32, to: i32): i32 {
  const p = at + 4;
  const sign = byteAt(p);
  const hours = twoDigits(p + 1);
  const minutes = twoDigits(p + 3);
  if ((sign != 43 && sign != 45) || hours < 0 || minutes < 0 || p + 5 >= to || byteAt(p + 5) != 41) return NO_BIAS;
  const offset = (hours * 60 + minutes) * (sign == 45 ? -1 : 1);
  return -offset;
}

/**
 * wuSeverity (formats/prefixed.ts) on input[from, to): FATAL an error, else FAILED an error unless the code it
 * writes is no failure (failedSeverity), else WARNING a warning, whole words in this case. In the classic form it
 * also notes where the first "tz: " after a word's edge is (tzFound), which may declare the file's zone.
 */
function wuSeverity(from: i32, to: i32, classic: bool): i32 {
  let fatal = false;
  let failed = false;
  let warning = false;
  let i = from;
  tzFound = -1;
  // "tz: " is found by its "z" (rarer than "t"), in the classic form only (elsewhere "F" again: no more hits).
  const z = i8x16.splat(classic ? 122 : 70);
  while (i < to) {
    const v = v128.load(INPUT + <usize>i);
    let hits = v128.or(i8x16.eq(v, i8x16.splat(70)), i8x16.eq(v, i8x16.splat(87))); // F W
    hits = v128.or(hits, i8x16.eq(v, z));
    let bits = i8x16.bitmask(hits);
    if (i + 16 > to) bits &= (1 << (to - i)) - 1;
    while (bits) {
      const p = i + ctz(bits);
      bits &= bits - 1;
      const c = byteAt(p);
      if (c == 122) {
        const t = p - 1;
        if (tzFound < 0 && t >= from && p + 3 <= to && load<u32>(INPUT + <usize>t) == W_TZ)
          if (t == from || !isWord(byteAt(t - 1))) tzFound = t;
        continue;
      }
      if (p > from && isWord(byteAt(p - 1))) continue;
      if (c == 70) {
        if (upperWordIs(p, to, W_FATAL_UPPER, 5)) fatal = true;
        else if (upperWordIs(p, to, W_FAILED_UPPER, 6)) failed = true;
      } else if (upperWordIs(p, to, W_WARNING_UPPER, 7)) warning = true;
    }
    i += 16;
  }
  if (fatal) return 2;
  if (failed) return failedSeverity(from, to);
  return warning ? 1 : 0;
}

/**
 * failedBracketCode and outcomeOf (core/decode/outcome.ts) on input[from, to): the first FAILED after a word's
 * edge followed by "*"? " [" eight hex digits "]" gives the code; an error unless that code is no failure
 * (success, WU_E_NOOP, 1641/3010/3011 as HRESULTs); an error when there is none. (These lines, ~2% of a classic
 * WindowsUpdate.log, went to JavaScript: each stopped the scan.)
 */
function failedSeverity(from: i32, to: i32): i32 {
  for (let p = from; p + 6 <= to; p++) {
    if (byteAt(p) != 70 || (load<u64>(INPUT + <usize>p) & 0xffffffffffff) != W_FAILED_UPPER) continue;
    if (p > from && isWord(byteAt(p - 1))) continue;
    let i = p + 6;
    if (i < to && byteAt(i) == 42) i++; // *
    if (i + 11 > to || byteAt(i) != SPACE || byteAt(i + 1) != 91 || byteAt(i + 10) != 93) continue; // " [" .. "]"
    let code: u32 = 0;
    let hex = true;
    for (let k = i + 2; k < i + 10 && hex; k++) {
      const h = hexValue(byteAt(k));
      if (h < 0) hex = false;
      else code = (code << 4) | <u32>h;
    }
    if (!hex) continue;
    return isFailureCode(code) ? 2 : 0;
  }
  return 2;
}

/** outcomeOf(code) === 'failure': the failure bit, but for WU_E_NOOP and HRESULT_FROM_WIN32 of 1641, 3010, 3011. */
function isFailureCode(code: u32): bool {
  return (code >>> 31) != 0 && code != 0x8024000c && code != 0x80070669 && code != 0x80070bc2 && code != 0x80070bc3;
}

/** The `length` (< 8) bytes `word` at `p`, exactly, with `\b` after them within [.., to). */
@inline function upperWordIs(p: i32, to: i32, word: u64, length: i32): bool {
  if (p + length > to) return false;
  const mask: u64 = (<u64>1 << (<u64>length * 8)) - 1;
  if ((load<u64>(INPUT + <usize>p) & mask) != word) return false;
  return p + length == to || !isWord(byteAt(p + length));
}

/** The local id of the value input[from, to) of `kind` (a new one is listed for JavaScript), or -1 when full. */
function intern(kind: i32, from: i32, to: i32): i32 {
  const n = to - from;
  // Neighbouring lines mostly repeat a value (a pid, a level): compared with the last one before hashing.
  const last = LAST_VALUE + <usize>kind * 12;
  const lastId = load<i32>(last);
  if (lastId >= 0 && load<i32>(last + 8) == n && sameInput(load<i32>(last + 4), from, n)) return lastId;
  const id = n <= 16 ? internShort(kind, from, n) : internHashed(kind, from, to);
  store<i32>(last, id);
  store<i32>(last + 4, from);
  store<i32>(last + 8, n);
  return id;
}

/** intern for a value of n <= 16 bytes: its id from SHORT_VALUES, else from internHashed (then cached there). */
function internShort(kind: i32, from: i32, n: i32): i32 {
  // The bytes past the value (input or its slack) are masked off.
  const low = n >= 8 ? load<u64>(INPUT + <usize>from) : load<u64>(INPUT + <usize>from) & ((<u64>1 << (<u64>n * 8)) - 1);
  const high = n <= 8 ? 0 : n == 16 ? load<u64>(INPUT + <usize>from + 8) : load<u64>(INPUT + <usize>from + 8) & ((<u64>1 << (<u64>(n - 8) * 8)) - 1);
  const key = n | (kind << 16);
  const mixed = (low ^ (high * 0x9e3779b97f4a7c15) ^ <u64>key) * 0xff51afd7ed558ccd;
  const slot = SHORT_VALUES + <usize>(<i32>(mixed >> 56) & (SHORT_SLOTS - 1)) * 32;
  const cached = load<i32>(slot + 20);
  if (cached != 0 && load<u64>(slot) == low && load<u64>(slot + 8) == high && load<i32>(slot + 16) == key) return cached - 1;
  const id = internHashed(kind, from, from + n);
  if (id >= 0) {
    store<u64>(slot, low);
    store<u64>(slot + 8, high);
    store<i32>(slot + 16, key);
    store<i32>(slot + 20, id + 1);
  }
  return id;
}

/** input[a, a + n) holds the bytes of input[b, b + n). */
function sameInput(a: i32, b: i32, n: i32): bool {
  let i = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(INPUT + <usize>(a + i)) != load<u64>(INPUT + <usize>(b + i))) return false;
  for (; i < n; i++) if (byteAt(a + i) != byteAt(b + i)) return false;
  return true;
}

function internHashed(kind: i32, from: i32, to: i32): i32 {
  const n = to - from;
  if (n > MAX_VALUE_LENGTH) return -1;
  let h: u32 = 0x811c9dc5 ^ <u32>(n | (kind << 16));
  for (let i = from; i < to; i++) h = (h ^ <u32>byteAt(i)) * 16777619;
  let slot = <i32>(h ^ (h >> 15)) & (VALUE_SLOTS - 1);
  const key = n | (kind << 16);
  while (true) {
    const entry = load<i32>(VALUE_SLOT + <usize>slot * 4);
    if (entry == 0) break;
    const id = entry - 1;
    if (load<u32>(VALUE_HASH + <usize>id * 4) == h && load<i32>(VALUE_LENGTH + <usize>id * 4) == key) {
      if (sameValue(load<i32>(VALUE_AT + <usize>id * 4), from, n)) return id;
    }
    slot = (slot + 1) & (VALUE_SLOTS - 1);
  }
  if (valueCount >= MAX_VALUES || valueBytesUsed + n > VALUE_BYTES_SIZE) return -1;
  const id = valueCount++;
  memory.copy(VALUE_BYTES + <usize>valueBytesUsed, INPUT + <usize>from, <usize>n);
  store<i32>(VALUE_AT + <usize>id * 4, valueBytesUsed);
  valueBytesUsed += n;
  store<u32>(VALUE_HASH + <usize>id * 4, h);
  store<i32>(VALUE_LENGTH + <usize>id * 4, key);
  store<i32>(VALUE_SLOT + <usize>slot * 4, id + 1);
  const o = NEW_VALUES + <usize>newValueCount * 16;
  store<i32>(o, id);
  store<i32>(o + 4, kind);
  store<i32>(o + 8, from);
  store<i32>(o + 12, to);
  newValueCount++;
  return id;
}

function sameValue(at: i32, from: i32, n: i32): bool {
  let i = 0;
  for (; i + 8 <= n; i += 8)
    if (load<u64>(VALUE_BYTES + <usize>(at + i)) != load<u64>(INPUT + <usize>(from + i))) return false;
  for (; i < n; i++) if (load<u8>(VALUE_BYTES + <usize>(at + i)) != load<u8>(INPUT + <usize>(from + i))) return false;
  return true;
}

// ---- UTF-16 ------------------------------------------------------------------------------------------

/**
 * UTF-16LE input[0, n) (n even) as UTF-8 at input[out...], as TextDecoder('utf-16le') decodes it: a surrogate
 * without its other half is U+FFFD, and a unit after a lone high surrogate is read as itself. A high surrogate
 * in the last unit is left for the next call (stopped(): the bytes read). Returns the UTF-8 length. Room: the
 * caller reserves n * 3 / 2 bytes after `out` (no unit takes more than 3 bytes per 2; a pair 4 per 4).
 */
export function transcodeUtf16(n: i32, out: i32): i32 {
  let i = 0;
  let o = out;
  const high = i16x8.splat(<i16>0xff80);
  while (i < n) {
    // Eight ASCII units at once (the usual log text): their low bytes.
    if (i + 16 <= n) {
      const v = v128.load(INPUT + <usize>i);
      if (!v128.any_true(v128.and(v, high))) {
        v128.store_lane<u64>(INPUT + <usize>o, i8x16.narrow_i16x8_u(v, v), 0);
        i += 16;
        o += 8;
        continue;
      }
    }
    const u = <i32>load<u16>(INPUT + <usize>i);
    if (u < 0x80) {
      store<u8>(INPUT + <usize>o, <u8>u);
      o += 1;
      i += 2;
    } else if (u < 0x800) {
      store<u8>(INPUT + <usize>o, <u8>(0xc0 | (u >> 6)));
      store<u8>(INPUT + <usize>o + 1, <u8>(0x80 | (u & 63)));
      o += 2;
      i += 2;
    } else if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 2 >= n) break; // its other half may come with the next bytes
      const next = <i32>load<u16>(INPUT + <usize>(i + 2));
      if (next >= 0xdc00 && next <= 0xdfff) {
        const c = 0x10000 + ((u - 0xd800) << 10) + (next - 0xdc00);
        store<u8>(INPUT + <usize>o, <u8>(0xf0 | (c >> 18)));
        store<u8>(INPUT + <usize>o + 1, <u8>(0x80 | ((c >> 12) & 63)));
        store<u8>(INPUT + <usize>o + 2, <u8>(0x80 | ((c >> 6) & 63)));
        store<u8>(INPUT + <usize>o + 3, <u8>(0x80 | (c & 63)));
        o += 4;
        i += 4;
      } else {
        o = replacement(o);
        i += 2;
      }
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      o = replacement(o);
      i += 2;
    } else {
      store<u8>(INPUT + <usize>o, <u8>(0xe0 | (u >> 12)));
      store<u8>(INPUT + <usize>o + 1, <u8>(0x80 | ((u >> 6) & 63)));
      store<u8>(INPUT + <usize>o + 2, <u8>(0x80 | (u & 63)));
      o += 3;
      i += 2;
    }
  }
  stoppedAt = i;
  return o - out;
}

/** U+FFFD at `o`; where the next byte goes. */
function replacement(o: i32): i32 {
  store<u8>(INPUT + <usize>o, 0xef);
  store<u8>(INPUT + <usize>o + 1, 0xbf);
  store<u8>(INPUT + <usize>o + 2, 0xbd);
  return o + 3;
}
