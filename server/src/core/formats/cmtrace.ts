// CMTrace: <![LOG[message]LOG]!><time="13:53:52.608+300" date="01-16-2014" component="WUAHandler" context=""
// type="1" thread="3404" file="cwuahandler.cpp:123">. The header comes at the END of a record, after a message
// that may span many lines, so the assembler collects text until it meets the header.
import type { Severity } from '../record';
import { makeLogTime, parseBias, parseClock, parseMonthDayYear, type LogTime } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';
import type { LogFormat } from './format';

export const CMTRACE_OPEN = '<![LOG[';
export const CMTRACE_HEADER = ']LOG]!><';

const ATTRIBUTE = /\b(\w+)\s*=\s*"([^"]*)"/g;

/** Parses the attribute text between "]LOG]!><" and ">" and combines it with the message. */
export function cmtraceFields(message: string, attributeText: string): RecordFields {
  const attrs = readAttributes(attributeText);
  const time = cmtraceTime(attrs.time ?? '', attrs.date ?? '');
  const rawType = attrs.type ?? null;
  return fieldsFrom('cmtrace', message, time, {
    component: attrs.component ?? '',
    context: attrs.context ?? '',
    thread: parseThread(attrs.thread ?? ''),
    severity: severityFromType(rawType),
    rawType,
    sourceFile: attrs.file ?? '',
    damaged: time ? undefined : `unreadable time="${attrs.time ?? ''}" date="${attrs.date ?? ''}"`,
  });
}

// Writers put the attributes in this order; one expression reads them all, the general loop is the fallback.
const IN_ORDER =
  /^time="([^"]*)" date="([^"]*)" component="([^"]*)" context="([^"]*)" type="([^"]*)" thread="([^"]*)" file="([^"]*)"/;

// A million records name a few dozen components and source files: keep one copy of each value, not a
// slice per record (a slice also keeps the whole chunk of text it was cut from alive).
const interned = new Map<string, string>();
const MAX_INTERNED = 100_000;

function intern(value: string): string {
  let kept = interned.get(value);
  if (kept === undefined) {
    if (interned.size >= MAX_INTERNED) interned.clear();
    kept = [...value].join('');
    interned.set(kept, kept);
  }
  return kept;
}

function readAttributes(text: string): Record<string, string> {
  const m = IN_ORDER.exec(text);
  if (m)
    return {
      time: m[1],
      date: m[2],
      component: intern(m[3]),
      context: intern(m[4]),
      type: intern(m[5]),
      thread: m[6],
      file: intern(m[7]),
    };
  const attrs: Record<string, string> = {};
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m; m = ATTRIBUTE.exec(text)) attrs[m[1].toLowerCase()] = m[2];
  return attrs;
}

/** The record's time; the common shape ("13:53:52.608+300") takes a fast path, anything else the general one. */
export function cmtraceTime(time: string, date: string): LogTime | null {
  const day = date === lastDate ? lastDay : rememberDay(date);
  const fast = day ? fastClock(time) : null;
  if (day && fast)
    return {
      utc: day.utcMidnight + fast.millis + (fast.bias ?? 0) * 60_000,
      local: `${day.iso}T${fast.local}`,
      biasMinutes: fast.bias,
    };
  return generalCmtraceTime(time, date);
}

// Most records of a file share their date: the last one is remembered (parsed and validated once).
interface Day {
  iso: string;
  utcMidnight: number;
}
let lastDate = '';
let lastDay: Day | null = null;

/** The day of a CMTrace date="..." (the last one is remembered: most records of a file share it). */
export function cmtraceDay(date: string): Day | null {
  return date === lastDate ? lastDay : rememberDay(date);
}

function rememberDay(date: string): Day | null {
  const parsed = parseMonthDayYear(date);
  const midnight =
    parsed && makeLogTime(parsed.year, parsed.month, parsed.day, { hour: 0, minute: 0, second: 0, fraction: '' }, null);
  lastDate = date;
  lastDay = midnight ? { iso: midnight.local.slice(0, 10), utcMidnight: midnight.utc } : null;
  return lastDay;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const twoDigits = (t: string, i: number) =>
  isDigit(t.charCodeAt(i)) && isDigit(t.charCodeAt(i + 1))
    ? (t.charCodeAt(i) - 48) * 10 + t.charCodeAt(i + 1) - 48
    : -1;

/** "HH:MM:SS[.f{3,9}][+|-B]" read by hand; null for any other shape (which the general path handles). */
function fastClock(t: string): { millis: number; local: string; bias: number | null } | null {
  if (t.charCodeAt(2) !== 58 || t.charCodeAt(5) !== 58 || t.charCodeAt(8) !== 46) return null;
  const hour = twoDigits(t, 0);
  const minute = twoDigits(t, 3);
  const second = twoDigits(t, 6);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return null;
  let i = 9;
  let millis = 0;
  while (i < t.length && isDigit(t.charCodeAt(i))) {
    if (i < 12) millis = millis * 10 + t.charCodeAt(i) - 48;
    i++;
  }
  if (i < 12 || i > 18) return null; // fewer than 3 fraction digits: the general path pads them
  const clockEnd = i;
  let bias: number | null = null;
  if (i < t.length) {
    const sign = t.charCodeAt(i++);
    if (sign !== 43 && sign !== 45) return null;
    let minutes = 0;
    const digitsFrom = i;
    while (i < t.length && isDigit(t.charCodeAt(i))) minutes = minutes * 10 + t.charCodeAt(i++) - 48;
    if (i !== t.length || i === digitsFrom || i - digitsFrom > 4 || minutes > 24 * 60) return null;
    bias = sign === 45 ? -minutes : minutes;
  }
  return { millis: ((hour * 60 + minute) * 60 + second) * 1000 + millis, local: t.slice(0, clockEnd), bias };
}

/** Every shape real writers produce: 1-digit hours, spaces, 7-digit fractions, "+-240", no bias. */
export function generalCmtraceTime(time: string, date: string): LogTime | null {
  const clock = parseClock(time);
  const day = parseMonthDayYear(date);
  if (!clock || !day) return null;
  const bias = clock.rest.trim() ? parseBias(clock.rest) : null;
  if (clock.rest.trim() && bias === null) return null;
  return makeLogTime(day.year, day.month, day.day, clock.clock, bias);
}

/** type: 1 information, 2 warning, 3 error; 0 is MSI/verbose pass-through; 4 and up are verbose/debug levels. */
export function severityFromType(rawType: string | null): Severity {
  switch (rawType?.trim()) {
    case '1':
      return 'info';
    case '2':
      return 'warning';
    case '3':
      return 'error';
    case '0':
    case '4':
    case '5':
    case '6':
      return 'verbose';
    default:
      return 'unknown';
  }
}

export const cmtrace: LogFormat<'cmtrace'> = {
  id: 'cmtrace',
  name: 'CMTrace',
  shape: 'cmtrace',
  levelName: 'type=',
  levels: '1 information, 2 warning, 3 error, 0/4+ verbose',
  detect: (line) => line.includes(CMTRACE_OPEN) || line.includes(CMTRACE_HEADER),
};
