// Anything we do not recognise: one record per line, with a best-effort timestamp so it still sorts.
import { makeLogTime, type Clock } from '../time';
import { fieldsFrom, severityFromWords, type RecordFields } from './fields';
import type { LogFormat } from './format';

// The time must LEAD the line (after blanks and one opening bracket): a date in the middle of a message
// ("ResultCreatedTimeUTC": 2025-05-19T13:51:07Z) is what the message talks about, not when it was written.
// A "Z" or "+hh:mm" right after the time says the zone; anything else is local time of an unknown zone.
const LEADING_TIME =
  /^\s*[[(<]?(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,:](\d{1,7}))?(Z\b| UTC\b|[+-]\d{2}:?\d{2}\b)?/;

export function plainFields(line: string): RecordFields {
  const m = LEADING_TIME.exec(line);
  const clock: Clock | null = m ? { hour: +m[4], minute: +m[5], second: +m[6], fraction: m[7] ?? '' } : null;
  const time = m && clock ? makeLogTime(+m[1], +m[2], +m[3], clock, m[8] ? zoneBias(m[8]) : null) : null;
  return fieldsFrom('plain', line, time, { severity: severityFromWords(line), rawType: null });
}

/** The fallback: never detected, it reads whatever no other format claims. */
export const plain: LogFormat<'plain'> = {
  id: 'plain',
  name: 'plain text',
  shape: 'line',
  detect: () => false,
};

/** "Z" and "UTC" are bias 0; "+02:00" (ISO 8601: local = UTC + 2 h) is bias -120 (UTC = local + bias). */
function zoneBias(written: string): number {
  const zone = written.trim();
  if (zone === 'Z' || zone === 'UTC') return 0;
  const digits = zone.replace(':', '');
  const minutes = +digits.slice(1, 3) * 60 + +digits.slice(3, 5);
  return zone[0] === '+' ? -minutes || 0 : minutes;
}
