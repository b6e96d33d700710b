// CMTrace: <![LOG[message]LOG]!><time="13:53:52.608+300" date="01-16-2014" component="WUAHandler" context=""
// type="1" thread="3404" file="cwuahandler.cpp:123">. The header comes at the END of a record, after a message
// that may span many lines, so the assembler collects text until it meets the header.
import type { Severity } from '../record';
import { makeLogTime, parseBias, parseClock, parseMonthDayYear, type LogTime } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';

export const CMTRACE_OPEN = '<![LOG[';
export const CMTRACE_HEADER = ']LOG]!><';

const ATTRIBUTE = /(\w+)\s*=\s*"([^"]*)"/g;

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
const IN_ORDER = /^time="([^"]*)" date="([^"]*)" component="([^"]*)" context="([^"]*)" type="([^"]*)" thread="([^"]*)" file="([^"]*)"/;

function readAttributes(text: string): Record<string, string> {
  const m = IN_ORDER.exec(text);
  if (m) return { time: m[1], date: m[2], component: m[3], context: m[4], type: m[5], thread: m[6], file: m[7] };
  const attrs: Record<string, string> = {};
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m; m = ATTRIBUTE.exec(text)) attrs[m[1].toLowerCase()] = m[2];
  return attrs;
}

export function cmtraceTime(time: string, date: string): LogTime | null {
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
