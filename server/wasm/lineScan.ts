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
const INPUT: usize = (SEVERITY_IDS + 64 + 15) & ~15;
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
  return column == 19 ? T_SEVERITY : SEVERITY_IDS;
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
  let i = at;
  while (i < n) {
    const v = v128.load(INPUT + <usize>i);
    let hits = v128.or(i8x16.eq(v, i8x16.splat(10)), i8x16.eq(v, i8x16.splat(13)));
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
      if (c == 76) {
        if (p + 3 < n && load<u8>(INPUT + <usize>(p + 1)) == 79 && load<u8>(INPUT + <usize>(p + 2)) == 71) {
          const after = <i32>load<u8>(INPUT + <usize>(p + 3));
          if (after == 91 || after == 93) return -1;
        }
        continue;
      }
      return -1; // NUL or >= 0x80
    }
    i += 16;
  }
  return -1;
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
