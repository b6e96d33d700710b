// Log times → UTC. Windows writes a *bias* in minutes with the sign Windows uses: UTC = local + bias.
// So "+300" is UTC-5 (US Eastern) and "-60" is UTC+1. Popular tools get this sign wrong; we do not.

export interface LogTime {
  /**
   * Milliseconds since the epoch, UTC, when `biasMinutes` is known. Without a bias it is the wall clock read as if
   * it were UTC, which is no UTC time at all: records made from it (fieldsFrom) have no `utc` until the machine's
   * clock is known (core/clock.ts).
   */
  utc: number;
  /** The wall-clock time as written, "YYYY-MM-DDTHH:MM:SS.fff[ffff]". */
  local: string;
  biasMinutes: number | null;
}

export interface Clock {
  hour: number;
  minute: number;
  second: number;
  /** Fraction digits as written ("608", "4204997"), "" when none. */
  fraction: string;
}

const CLOCK = /^\s*(\d{1,2})\s*:\s*(\d{1,2})\s*:\s*(\d{1,2})(?:[.:,](\d{1,9}))?/;

/** Parses "HH:MM:SS[.f...]" at the start of text; returns the clock and what follows it. */
export function parseClock(text: string): { clock: Clock; rest: string } | null {
  const m = CLOCK.exec(text);
  if (!m) return null;
  const clock = { hour: +m[1], minute: +m[2], second: +m[3], fraction: m[4] ?? '' };
  if (clock.hour > 23 || clock.minute > 59 || clock.second > 60) return null;
  return { clock, rest: text.slice(m[0].length) };
}

/** Parses a bias suffix as logs write it: "+300", "-60", "+000", "+00", "+-240" (meaning -240), " +300". */
export function parseBias(text: string): number | null {
  const m = /^\s*([+-])\s*([+-]?)\s*(\d{1,4})\s*$/.exec(text);
  if (!m) return null;
  const negative = (m[1] === '-') !== (m[2] === '-');
  const minutes = +m[3];
  if (minutes > 24 * 60) return null;
  return negative ? -minutes : minutes;
}

/** Builds a LogTime from calendar parts; null when the parts are not a real date. */
export function makeLogTime(
  year: number,
  month: number,
  day: number,
  clock: Clock,
  biasMinutes: number | null,
): LogTime | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1970 || year > 2200) return null;
  const millis = fractionToMillis(clock.fraction);
  if (day > daysInMonth(year, month)) return null; // 02-31 and friends
  const wall = Date.UTC(year, month - 1, day, clock.hour, clock.minute, clock.second, millis);
  return {
    utc: wall + (biasMinutes ?? 0) * 60_000,
    local: `${year}-${pad2(month)}-${pad2(day)}T${pad2(clock.hour)}:${pad2(clock.minute)}:${pad2(clock.second)}.${padFraction(clock.fraction)}`,
    biasMinutes,
  };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0);
}

function fractionToMillis(fraction: string): number {
  if (!fraction) return 0;
  return Math.floor(+(fraction + '000').slice(0, 3));
}

function padFraction(fraction: string): string {
  return fraction.length >= 3 ? fraction : (fraction + '000').slice(0, 3);
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** "M-D-YYYY" or "M/D/YYYY" (CMTrace, SMS trace), two-digit years as 20YY. */
export function parseMonthDayYear(text: string): { year: number; month: number; day: number } | null {
  const m = /^\s*(\d{1,2})[-/](\d{1,2})[-/](\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
  return { year, month: +m[1], day: +m[2] };
}

export const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function monthFromName(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

/** Formats a bias as a UTC offset for people: +300 → "UTC-05:00", -330 → "UTC+05:30". */
export function biasToOffset(biasMinutes: number): string {
  const offset = -biasMinutes;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

export function toIsoUtc(utc: number | null): string | null {
  return utc === null ? null : new Date(utc).toISOString();
}

/**
 * The wall clock of a local time as written ("2024-03-09T09:13:00.123[4567]"), read as if it were UTC: what
 * core/clock.ts adds a bias to. NaN when the text is not that shape.
 */
export function wallClockOf(local: string): number {
  const digits = (from: number, count: number) => {
    let n = 0;
    for (let i = from; i < from + count; i++) {
      const c = local.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return NaN;
      n = n * 10 + c;
    }
    return n;
  };
  const millis = local.length >= 23 ? digits(20, 3) : 0;
  const wall = Date.UTC(
    digits(0, 4),
    digits(5, 2) - 1,
    digits(8, 2),
    digits(11, 2),
    digits(14, 2),
    digits(17, 2),
    millis,
  );
  return local.length >= 19 ? wall : NaN;
}

/**
 * A UTC offset as people write it, which is how a user gives a folder's time zone: "UTC+01:00", "UTC+1",
 * "UTC-5", "UTC+05:30", "UTC" (also "GMT..."). Returns the Windows bias (UTC = local + bias, so "UTC+01:00" is
 * -60), or null for anything else. A bare number is refused: "+60" could be a bias or an offset, and the two
 * have opposite signs.
 */
export function parseUtcOffset(text: string): number | null {
  const m = /^\s*(?:UTC|GMT)\s*(?:([+-\u2212])\s*(\d{1,2})(?::?(\d{2}))?)?\s*$/i.exec(text);
  if (!m) return null;
  if (!m[1]) return 0;
  const hours = +m[2];
  const minutes = m[3] ? +m[3] : 0;
  if (hours > 14 || minutes > 59) return null;
  const offset = hours * 60 + minutes;
  return m[1] === '+' ? -offset || 0 : offset;
}

/**
 * Where a record's UTC time comes from. 'log': the log wrote a bias (or is UTC by definition); 'inferred': the
 * log wrote local time only, and the bias is that of another log of the same machine (`from`), nearest in time;
 * 'user': the user set the folder's offset; 'none': nothing tells, so the record has no UTC time.
 */
export type UtcSourceKind = 'log' | 'inferred' | 'user' | 'none';

export interface UtcSource {
  kind: UtcSourceKind;
  /** 'inferred': the log whose bias was borrowed. */
  from?: string;
  /** 'inferred' and 'user': the bias applied (UTC = local + bias). */
  biasMinutes?: number;
}
