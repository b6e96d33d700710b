// How the line fast path (fastpath/lineBytes.ts) reads one line of each format it serves, from the bytes:
// - SMS trace (site server logs): message  $$<Component><MM-DD-YYYY HH:MM:SS.fff+BIAS><thread=N (0xN)>
// - classic WindowsUpdate.log: 2021-08-28<TAB>03:07:48:216<TAB> 648<TAB>13bc<TAB>Report<TAB>text
// - WSUS SoftwareDistribution.log: 2014-01-16 18:53:54.231 UTC<TAB>Info<TAB>w3wp.58<TAB>text
// Each reads only the usual shape of its line, exactly as the format's own parser (formats/sms.ts,
// formats/prefixed.ts) would; any other shape is SLOW: the reader then decodes that one line and asks the
// format's parser, so an odd line costs a string, never a wrong field.
import { cmtraceDay } from '../formats/cmtrace';
import type { RecordFields } from '../formats/fields';
import { declaredBias, wsus, wuClassic, wuEtw } from '../formats/prefixed';
import { smsFields } from '../formats/sms';
import { NextMatch, latin1 } from '../read/bytes';
import type { RecordColumns } from '../table';
import { makeLogTime } from '../time';
import {
  ByteIds,
  ERROR,
  ERROR_WORDS,
  WARNING_WORDS,
  WordFinder,
  WordsAhead,
  isWordByte,
  severityOfFound,
  INFO,
  LastKey,
  SPACE,
  TAB,
  WARNING,
  digitsValue,
  isAsciiNonSpace,
  isDigit,
  isInlineBlank,
  twoDigits,
} from './byteText';
import { outcomeOf } from '../decode/outcome';

/** The line starts no record of the format (it continues one, or waits for an SMS trailer). */
export const NOT_START = 0;
/** The line starts a record, read into the LineRecord. */
export const FAST = 1;
/** Not the usual shape: the format's parser reads the decoded line. */
export const SLOW = 2;

/** A record as a grammar reads it from its line: columns but lines, and where its message is in the data. */
export interface LineRecord {
  columns: RecordColumns;
  messageStart: number;
  messageEnd: number;
  /** The time zone the line declares for the records after it (classic WindowsUpdate.log "tz: -0500)"), or null. */
  declares: number | null;
}

export function newLineRecord(): LineRecord {
  return {
    columns: {
      line: 0,
      endLine: 0,
      column: 0,
      utc: 0,
      biasMinutes: null,
      thread: null,
      severity: 0,
      componentId: 0,
      contextId: 0,
      rawTypeId: 0,
      sourceFileId: 0,
    },
    messageStart: 0,
    messageEnd: 0,
    declares: null,
  };
}

/** The string pool the ids refer to (the table's). */
export interface Pool {
  id(value: string | null): number;
  value(id: number): string | null;
}

export type LineFormatId = 'sms' | 'wulog' | 'wsus' | 'wuetw';

export interface LineGrammar {
  readonly format: LineFormatId;
  /** 'sms': a record ends with its trailer line; 'first-line': a record starts with its line. */
  readonly shape: 'sms' | 'first-line';
  /**
   * Reads line data[from, to) (without its line break). `messageFrom` is where an SMS message starts (the first
   * line held before the trailer line, or `from`).
   */
  readLine(data: Buffer, from: number, to: number, out: LineRecord, messageFrom: number): number;
  /**
   * Lines are read here a few at a time (the line scanner reads the others): searches stay within the line
   * instead of looking ahead through the data once for many lines.
   */
  sparse?: boolean;
  /** What the format's own parser reads in a line's text (`held`: the lines an SMS trailer closes). */
  fieldsOf(text: string, held: string[]): RecordFields | null;
  /** A time zone the record declares for the records after it (classic WindowsUpdate.log), or null. */
  declaredBias?(fields: RecordFields): number | null;
  /**
   * SMS trace: the columns readLine sets from no field of the line, and the component's id, for a record the
   * WebAssembly line scanner (fastpath/lineScan.ts) read: its component is data[componentStart, componentEnd).
   */
  scannedColumns?(data: Buffer, componentStart: number, componentEnd: number, c: RecordColumns): void;
  /**
   * For the WebAssembly line scanner: the midnight of the date at data[from] ("MM-DD-YYYY" in SMS trace,
   * "YYYY-MM-DD" or "YYYY/MM/DD" in the others), NaN when the format's parser rejects it.
   */
  dayAt?(data: Buffer, from: number): number;
}

export function lineGrammar(format: string, pool: Pool): LineGrammar | null {
  if (format === 'sms') return new SmsGrammar(pool);
  if (format === 'wulog') return new WuClassicGrammar(pool);
  if (format === 'wsus') return new WsusGrammar(pool);
  if (format === 'wuetw') return new WuEtwGrammar();
  return null;
}

const bytesOf = (text: string) => Buffer.from(text, 'latin1');
const THREAD = bytesOf('<thread=');
const STATMSG = bytesOf('STATMSG: ID=');
const SEV = bytesOf(' SEV=');

function startsWith(data: Uint8Array, at: number, prefix: Uint8Array, to: number): boolean {
  if (at + prefix.length > to) return false;
  for (let k = 0; k < prefix.length; k++) if (data[at + k] !== prefix[k]) return false;
  return true;
}

/** Milliseconds into the day of "HH:MM:SS" at `at` followed by `separator`-free 3 digits at at + 9, or -1. */
function clockMillis(data: Uint8Array, at: number): number {
  const hour = twoDigits(data, at);
  const minute = twoDigits(data, at + 3);
  const second = twoDigits(data, at + 6);
  // makeLogTime takes hours past 23 and seconds of 60 as written (a local time no UTC time gives back): slow.
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return -1;
  const millis = digitsValue(data, at + 9, at + 12);
  if (millis < 0) return -1;
  return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** UTC midnight of dates written in one way, remembered for the last date seen (a log's records share it). */
class Days {
  private readonly last = new LastKey();
  private lastMidnight = NaN;

  constructor(private readonly read: (data: Buffer, from: number, to: number) => number) {}

  /** NaN when the date is no real date (the format's parser calls the time unreadable or leaves it out). */
  midnight(data: Buffer, from: number, to: number): number {
    if (this.last.same(data, from, to)) return this.lastMidnight;
    this.last.set(data, from, to);
    this.lastMidnight = this.read(data, from, to);
    return this.lastMidnight;
  }
}

/** "YYYY-MM-DD" as makeLogTime judges it. */
const isoDays = () =>
  new Days((data, from) => {
    const year = digitsValue(data, from, from + 4);
    const month = twoDigits(data, from + 5);
    const day = twoDigits(data, from + 8);
    const time = makeLogTime(year, month, day, { hour: 0, minute: 0, second: 0, fraction: '' }, null);
    return time ? time.utc : NaN;
  });

class SmsGrammar implements LineGrammar {
  readonly format = 'sms' as const;
  readonly shape = 'sms' as const;
  private readonly components: ByteIds;
  private readonly empty: number;
  private readonly noType: number;
  private readonly days = new Days((data, from, to) => cmtraceDay(latin1(data, from, to))?.utcMidnight ?? NaN);

  constructor(pool: Pool) {
    this.components = new ByteIds((v) => pool.id(v));
    this.empty = pool.id('');
    this.noType = pool.id(null);
  }

  fieldsOf(text: string, held: string[]): RecordFields | null {
    return smsFields(text, held);
  }

  scannedColumns(data: Buffer, componentStart: number, componentEnd: number, c: RecordColumns): void {
    c.componentId = this.components.id(data, componentStart, componentEnd);
    c.contextId = this.empty;
    c.rawTypeId = this.noType;
    c.sourceFileId = this.empty;
    c.column = 0;
  }

  dayAt(data: Buffer, from: number): number {
    return this.days.midnight(data, from, from + 10);
  }

  readLine(data: Buffer, from: number, to: number, out: LineRecord, messageFrom: number): number {
    // The trailer ends the line: read from its end, $$<component><time><thread=...> then blanks. None of its
    // values holds a ">" (the parser's [^>]*), and the "$$<" it starts with is the line's last one.
    let last = to;
    while (last > from && isInlineBlank(data[last - 1])) last--;
    if (data[last - 1] !== GT) return data[last - 1] >= 0x80 ? SLOW : NOT_START;
    const threadEnd = last - 1;
    const timeEnd = previousGt(data, threadEnd, from);
    if (timeEnd < 0 || !startsWith(data, timeEnd + 1, THREAD, threadEnd)) return SLOW;
    const threadStart = timeEnd + 1 + THREAD.length;
    const componentEnd = previousGt(data, timeEnd, from);
    if (componentEnd < 0 || data[componentEnd + 1] !== LT) return SLOW;
    const at = markBefore(data, componentEnd, from);
    if (at < 0) return SLOW;
    const c = out.columns;
    if (!this.readTime(data, componentEnd + 2, timeEnd, c)) return SLOW;
    const thread = threadOf(data, threadStart, threadEnd);
    if (thread === undefined) return SLOW;
    // The message is the text before the trailer, its end trimmed (a Unicode blank there is left to the parser).
    let end = at;
    while (end > from && isInlineBlank(data[end - 1])) end--;
    if (end > from && data[end - 1] >= 0x80) return SLOW;
    c.thread = thread;
    c.componentId = this.components.id(data, at + 3, componentEnd);
    c.contextId = this.empty;
    c.rawTypeId = this.noType;
    c.sourceFileId = this.empty;
    c.column = 0;
    const severity = this.severity(data, messageFrom, end);
    if (severity < 0) return SLOW;
    c.severity = severity;
    out.messageStart = messageFrom;
    out.messageEnd = end;
    return FAST;
  }

  /** "MM-DD-YYYY HH:MM:SS.fff" and an optional bias "+300" / "-60" (the shapes ConfigMgr writes). */
  private readTime(data: Buffer, from: number, to: number, c: RecordColumns): boolean {
    if (to - from < 23 || data[from + 2] !== 45 || data[from + 5] !== 45 || data[from + 10] !== SPACE) return false;
    if (data[from + 13] !== 58 || data[from + 16] !== 58 || data[from + 19] !== 46) return false;
    if (twoDigits(data, from) < 0 || twoDigits(data, from + 3) < 0) return false;
    if (twoDigits(data, from + 6) < 0 || twoDigits(data, from + 8) < 0) return false;
    const midnight = this.days.midnight(data, from, from + 10);
    const millis = clockMillis(data, from + 11);
    if (Number.isNaN(midnight) || millis < 0) return false;
    let bias: number | null = null;
    if (from + 23 < to) {
      const sign = data[from + 23];
      if (sign !== 43 && sign !== 45) return false;
      if (to - from - 24 > 4) return false;
      const minutes = digitsValue(data, from + 24, to);
      if (minutes < 0 || minutes > 24 * 60) return false;
      bias = sign === 45 ? -minutes : minutes;
    }
    c.utc = midnight + millis + (bias ?? 0) * 60_000;
    c.biasMinutes = bias;
    return true;
  }

  /**
   * A STATMSG carries its own severity (SEV=E/W/I); other messages are judged by their words. -1 (slow) when a
   * "statmsg" in some case is not the usual "STATMSG: ID=n SEV=x" (a later one could still be).
   */
  private severity(data: Buffer, from: number, to: number): number {
    const found = SMS_WORDS.find(data, from, to);
    if (!(found & STATMSG_BIT)) return severityOfFound(found);
    let i = SMS_WORDS.firstAt[STATMSG_INDEX];
    if (!startsWith(data, i, STATMSG, to)) return -1;
    i += STATMSG.length;
    const digits = i;
    while (i < to && isDigit(data[i])) i++;
    if (i === digits || !startsWith(data, i, SEV, to)) return -1;
    i += SEV.length;
    const sev = data[i];
    if (i >= to || (sev !== 73 && sev !== 87 && sev !== 69) || (i + 1 < to && isWordByte(data[i + 1]))) return -1;
    return sev === 69 ? ERROR : sev === 87 ? WARNING : INFO;
  }
}

const SMS_WORDS = new WordFinder([...ERROR_WORDS, ...WARNING_WORDS, 'STATMSG'], true);
const STATMSG_INDEX = ERROR_WORDS.length + WARNING_WORDS.length;
const STATMSG_BIT = 1 << STATMSG_INDEX;

const GT = 62;
const LT = 60;
const DOLLAR = 36;

/** The ">" before `at` (no "$" between: a "$$<" after the trailer's would be the last one), or -1. */
function previousGt(data: Uint8Array, at: number, from: number): number {
  for (let i = at - 1; i >= from; i--) {
    const c = data[i];
    if (c === GT) return i;
    if (c === DOLLAR) return -1;
  }
  return -1;
}

/** The "$$<" nearest before `at` with no ">" between (the component's start), or -1. */
function markBefore(data: Uint8Array, at: number, from: number): number {
  for (let i = at - 1; i >= from + 2; i--) {
    const c = data[i];
    if (c === LT && data[i - 1] === DOLLAR && data[i - 2] === DOLLAR) return i - 2;
    if (c === GT) return -1;
  }
  return -1;
}

/**
 * parseThread (formats/fields.ts) on data[from, to): parseInt of the trimmed text, so "4672 (0x1240)" is 4672
 * and no digits is null; undefined for what this does not decide (blanks, signs, more than 9 digits).
 */
function threadOf(data: Uint8Array, from: number, to: number): number | null | undefined {
  if (from === to) return null;
  const first = data[from];
  if (!isDigit(first)) return isInlineBlank(first) || first >= 0x80 || first === 43 || first === 45 ? undefined : null;
  let n = 0;
  let i = from;
  for (; i < to && isDigit(data[i]); i++) n = n * 10 + data[i] - 48;
  // What follows the digits (" (0x1240)") is where parseInt stops.
  return i - from > 9 ? undefined : n;
}

const FAILED = bytesOf('FAILED');
/** What wuSeverity looks for, in this order of precedence after a "tz: " declaration. */
const WU_WORDS = new WordsAhead(['FATAL', 'FAILED', 'WARNING']);
/** The same words, found within a line (sparse lines). */
const WU_WORDS_IN_LINE = new WordFinder(['FATAL', 'FAILED', 'WARNING'], false);
const [WU_FATAL, WU_FAILED, WU_WARNING] = [1, 2, 4];
/** "tz: " is looked for apart (its ": " is too common a block for the WordFinder's skips). */
const TZ = bytesOf('tz: ');

/** Classic WindowsUpdate.log: tab-separated, local time (the file declares its zone at each service start). */
class WuClassicGrammar implements LineGrammar {
  readonly format = 'wulog' as const;
  readonly shape = 'first-line' as const;
  private readonly components: ByteIds;
  private readonly contexts: ByteIds;
  private readonly empty: number;
  private readonly noType: number;
  private readonly days = isoDays();

  constructor(pool: Pool) {
    this.components = new ByteIds((v) => pool.id(v));
    this.contexts = new ByteIds((v) => pool.id(v), 'pid ');
    this.empty = pool.id('');
    this.noType = pool.id(null);
  }

  fieldsOf(text: string): RecordFields | null {
    return wuClassic.parseStart!(text, undefined);
  }

  dayAt(data: Buffer, from: number): number {
    return this.days.midnight(data, from, from + 10);
  }

  declaredBias(fields: RecordFields): number | null {
    return declaredBias(fields.message);
  }

  readLine(data: Buffer, from: number, to: number, out: LineRecord): number {
    if (!isDigit(data[from])) return NOT_START;
    // YYYY-MM-DD<TAB>HH:MM:SS:mmm<TAB>
    if (to - from < 25 || data[from + 4] !== 45 || data[from + 7] !== 45 || data[from + 10] !== TAB) return SLOW;
    if (data[from + 13] !== 58 || data[from + 16] !== 58 || data[from + 23] !== TAB) return SLOW;
    if (data[from + 19] !== 58 && data[from + 19] !== 46) return SLOW;
    if (digitsValue(data, from, from + 4) < 0) return SLOW;
    const midnight = this.days.midnight(data, from, from + 10);
    const millis = clockMillis(data, from + 11);
    if (Number.isNaN(midnight) || millis < 0) return SLOW;
    // <spaces>pid<TAB><spaces>hex thread<TAB>
    let i = from + 24;
    while (data[i] === SPACE && i < to) i++;
    const pid = i;
    while (i < to && isDigit(data[i])) i++;
    if (i === pid || data[i] !== TAB || i >= to) return SLOW;
    const pidEnd = i++;
    while (data[i] === SPACE && i < to) i++;
    const thread = i;
    let threadId = 0;
    for (; i < to; i++) {
      const h = hexValue(data[i]);
      if (h < 0) break;
      threadId = threadId * 16 + h;
    }
    if (i === thread || i - thread > 8 || data[i] !== TAB || i >= to) return SLOW;
    // component<TAB>message (the component trimmed; ASCII only, so columns count bytes as characters)
    const componentStart = ++i;
    while (i < to && data[i] !== TAB) {
      if (data[i] >= 0x80) return SLOW;
      i++;
    }
    const messageStart = i < to ? i + 1 : to;
    let componentEnd = i;
    let start = componentStart;
    while (start < componentEnd && isInlineBlank(data[start])) start++;
    while (componentEnd > start && isInlineBlank(data[componentEnd - 1])) componentEnd--;
    const severity = this.severity(data, messageStart, to, out);
    if (severity < 0) return SLOW;
    const c = out.columns;
    c.utc = midnight + millis;
    c.biasMinutes = null;
    c.thread = threadId;
    c.componentId = this.components.id(data, start, componentEnd);
    c.contextId = this.contexts.id(data, pid, pidEnd);
    c.rawTypeId = this.noType;
    c.sourceFileId = this.empty;
    c.severity = severity;
    c.column = messageStart - from;
    out.messageStart = messageStart;
    out.messageEnd = to;
    return FAST;
  }

  /** wuSeverity (formats/prefixed.ts): FATAL, else FAILED (unless its code is no failure), else WARNING; -1: slow. */
  sparse = false;

  private severity(data: Buffer, from: number, to: number, out: LineRecord): number {
    const words = this.sparse ? WU_WORDS_IN_LINE : WU_WORDS;
    const found = words.find(data, from, to);
    out.declares = null;
    const tz = this.sparse ? tzInLine(data, from, to) : this.tzAt(data, from, to);
    if (tz >= 0) {
      // "tz: -0500)" sets the file's zone (declaredBias); a first "tz: " of another shape is left to the parser.
      const at = tz + TZ.length;
      const sign = data[at];
      const hours = twoDigits(data, at + 1);
      const minutes = twoDigits(data, at + 3);
      if ((sign !== 43 && sign !== 45) || hours < 0 || minutes < 0 || at + 5 >= to || data[at + 5] !== 41) return -1;
      const offset = (hours * 60 + minutes) * (sign === 45 ? -1 : 1);
      out.declares = -offset;
    }
    if (found & WU_FATAL) return ERROR;
    if (found & WU_FAILED) return failedSeverity(data, words.firstAt[1], to);
    return found & WU_WARNING ? WARNING : INFO;
  }

  private tzData: Buffer | null = null;
  private nextTz: NextMatch | null = null;

  /** Where `\btz: ` first is in data[from, to), or -1 (lines are read in order: one search per chunk and match). */
  private tzAt(data: Buffer, from: number, to: number): number {
    if (data !== this.tzData) {
      this.tzData = data;
      this.nextTz = new NextMatch(data, TZ);
    }
    const next = this.nextTz!;
    for (let at = next.from(from); at < to; at = next.from(at + 1))
      if (at === from || !isWordByte(data[at - 1])) return at;
    return -1;
  }
}

/** Where `\btz: ` first is in data[from, to), or -1 (tzAt, searching the line alone). */
function tzInLine(data: Buffer, from: number, to: number): number {
  for (let at = from; at + TZ.length <= to; at++)
    if (data[at] === 116 && data[at + 1] === 122 && data[at + 2] === 58 && data[at + 3] === SPACE)
      if (at === from || !isWordByte(data[at - 1])) return at;
  return -1;
}

/**
 * "FAILED [8024000C]" is no error when its code is no failure (outcomeOf): the first FAILED followed by
 * "*"? " [" and eight hex digits "]" tells (failedBracketCode); without one, FAILED is an error.
 */
function failedSeverity(data: Buffer, first: number, to: number): number {
  for (let at = first; at >= 0; at = indexIn(data, FAILED, at + 1, to)) {
    if (at + FAILED.length > to || (at > first && isWordByte(data[at - 1]))) continue;
    let i = at + FAILED.length;
    if (data[i] === 42 /* * */) i++;
    // " [" + 8 + "]": the "]" at i + 10 is the last byte it needs (a line may end there).
    if (i + 11 > to || data[i] !== SPACE || data[i + 1] !== 91 /* [ */ || data[i + 10] !== 93 /* ] */) continue;
    let code = 0;
    for (let k = i + 2; k < i + 10 && code >= 0; k++) code = hexValue(data[k]) < 0 ? -1 : code * 16 + hexValue(data[k]);
    if (code < 0) continue;
    return outcomeOf(code) !== 'failure' ? INFO : ERROR;
  }
  return ERROR;
}

/** Where `needle` is first in data[from, to), or -1 (a loop: a native search would run on past `to`). */
function indexIn(data: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  for (let at = from; at + needle.length <= to; at++) if (startsWith(data, at, needle, to)) return at;
  return -1;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

const UTC = bytesOf('UTC');

/** WSUS SoftwareDistribution.log: UTC times, a level column, process.thread. */
class WsusGrammar implements LineGrammar {
  readonly format = 'wsus' as const;
  readonly shape = 'first-line' as const;
  private readonly components: ByteIds;
  private readonly types: ByteIds;
  private readonly empty: number;
  private readonly days = isoDays();
  private readonly typeSeverity = new Map<number, number>();

  constructor(private readonly pool: Pool) {
    this.components = new ByteIds((v) => pool.id(v));
    this.types = new ByteIds((v) => pool.id(v));
    this.empty = pool.id('');
  }

  fieldsOf(text: string): RecordFields | null {
    return wsus.parseStart!(text, undefined);
  }

  dayAt(data: Buffer, from: number): number {
    return this.days.midnight(data, from, from + 10);
  }

  readLine(data: Buffer, from: number, to: number, out: LineRecord): number {
    if (!isDigit(data[from])) return NOT_START;
    // YYYY-MM-DD HH:MM:SS.mmm[ \t]+UTC[ \t]+
    if (to - from < 30 || data[from + 4] !== 45 || data[from + 7] !== 45 || data[from + 10] !== SPACE) return SLOW;
    if (data[from + 13] !== 58 || data[from + 16] !== 58 || data[from + 19] !== 46) return SLOW;
    if (digitsValue(data, from, from + 4) < 0) return SLOW;
    const midnight = this.days.midnight(data, from, from + 10);
    const millis = clockMillis(data, from + 11);
    if (Number.isNaN(midnight) || millis < 0) return SLOW;
    let i = skipSpaceTab(data, from + 23, to);
    if (i === from + 23 || !startsWith(data, i, UTC, to)) return SLOW;
    const afterUtc = i + UTC.length;
    i = skipSpaceTab(data, afterUtc, to);
    if (i === afterUtc) return SLOW;
    // level, then process.thread: runs of non-blanks separated by spaces or tabs
    const type = i;
    i = nonSpaceEnd(data, i, to);
    if (i <= type || i >= to || (data[i] !== SPACE && data[i] !== TAB)) return SLOW;
    const typeEnd = i;
    const process = (i = skipSpaceTab(data, i, to));
    i = nonSpaceEnd(data, i, to);
    if (i <= process) return SLOW;
    const processEnd = i;
    if (i < to && data[i] !== SPACE && data[i] !== TAB) return SLOW;
    const messageStart = i < to ? i + 1 : to;
    const c = out.columns;
    let dot = processEnd - 1;
    while (dot >= process && data[dot] !== 46) dot--;
    if (dot < process) {
      c.thread = null;
      c.componentId = this.components.id(data, process, processEnd);
    } else {
      const thread = dot + 1 === processEnd ? null : digitsValue(data, dot + 1, processEnd);
      if (thread !== null && (thread < 0 || processEnd - dot - 1 > 9)) return SLOW;
      c.thread = thread;
      c.componentId = this.components.id(data, process, dot);
    }
    c.rawTypeId = this.types.id(data, type, typeEnd);
    c.severity = this.severityOfType(c.rawTypeId);
    c.utc = midnight + millis;
    c.biasMinutes = 0;
    c.contextId = this.empty;
    c.sourceFileId = this.empty;
    c.column = messageStart - from;
    out.messageStart = messageStart;
    out.messageEnd = to;
    return FAST;
  }

  /** wsusSeverity: Error and Fatal are errors, Warning a warning, any other level information. */
  private severityOfType(id: number): number {
    let severity = this.typeSeverity.get(id);
    if (severity === undefined) {
      const l = (this.pool.value(id) ?? '').toLowerCase();
      severity = l === 'error' || l === 'fatal' ? ERROR : l === 'warning' ? WARNING : INFO;
      this.typeSeverity.set(id, severity);
    }
    return severity;
  }
}

function skipSpaceTab(data: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && (data[i] === SPACE || data[i] === TAB)) i++;
  return i;
}

/** Where a run of ASCII non-blanks from `from` ends; -1 at a byte >= 0x80 (a Unicode blank is `\s`). */
function nonSpaceEnd(data: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && isAsciiNonSpace(data[i])) i++;
  return i < to && data[i] >= 0x80 ? -1 : i;
}

/**
 * The Get-WindowsUpdateLog (ETW) form of WindowsUpdate.log: 2020/11/19 15:25:46.9997442 3304  9020  Agent  text.
 * Its records of the usual shape are the WebAssembly line scanner's (fastpath/lineScan.ts); any line it leaves
 * (a FAILED, whose code decides its severity; an unusual shape) is read by the format's parser (SLOW).
 */
class WuEtwGrammar implements LineGrammar {
  readonly format = 'wuetw' as const;
  readonly shape = 'first-line' as const;
  private readonly days = isoDays();

  fieldsOf(text: string): RecordFields | null {
    return wuEtw.parseStart!(text, undefined);
  }

  dayAt(data: Buffer, from: number): number {
    return this.days.midnight(data, from, from + 10);
  }

  readLine(data: Buffer, from: number): number {
    return isDigit(data[from]) ? SLOW : NOT_START;
  }
}
