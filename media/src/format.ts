// Text of the timeline: times in three zones (with the Windows bias of each record), durations, clock offsets,
// typed UTC times, and log text made safe to show (controls and bidi overrides made visible). Pure.
import { MAX_CLOCK_OFFSET_MS, type RowClockInfo, type TimeMode } from '../../client/src/shared/timelineMessages';

export type TzOffsetOf = (t: number) => number;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** "YYYY-MM-DD HH:MM:SS.mmm" of a wall-clock time held as if it were UTC milliseconds. */
export function formatWall(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const defaultTzOffset: TzOffsetOf = (t) => new Date(t).getTimezoneOffset();

const finite = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * A merged time shown three ways. `t` is UTC after the file's clock offset.
 *  - 'utc': t.
 *  - 'log': the wall clock the log wrote. Windows bias: UTC = local + bias, so local = UTC − bias (+300 is UTC−5);
 *    the file's clock offset is taken back out, so the text matches the line in the file. No bias: the time
 *    was read as UTC already.
 *  - 'machine': this computer's time zone. JavaScript's getTimezoneOffset() has the Windows sign too
 *    (UTC = local + offset); `tzOffsetOf` replaces it in tests.
 */
export function formatTime(
  t: number | null | undefined,
  mode: TimeMode | string,
  bias: number | null | undefined,
  clockOffsetMs = 0,
  tzOffsetOf: TzOffsetOf = defaultTzOffset,
): string {
  if (!finite(t)) return '';
  if (mode === 'log') return formatWall(t - (clockOffsetMs || 0) - (finite(bias) ? bias : 0) * 60000);
  if (mode === 'machine') return formatWall(t - tzOffsetOf(t) * 60000);
  return formatWall(t);
}

/** A Windows bias as a zone: +300 → "UTC-05:00", -60 → "UTC+01:00", 0 → "UTC", null → "". */
export function biasZone(bias: number | null | undefined): string {
  if (!finite(bias)) return '';
  if (bias === 0) return 'UTC';
  const east = -bias;
  const abs = Math.abs(east);
  return `UTC${east > 0 ? '+' : '-'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** The zone a time is shown in, for tooltips and headers. */
export function zoneLabel(
  mode: TimeMode | string,
  bias: number | null | undefined,
  t?: number,
  tzOffsetOf: TzOffsetOf = defaultTzOffset,
): string {
  if (mode === 'utc') return 'UTC';
  if (mode === 'log') return biasZone(bias) || 'as written (no zone in the log)';
  return biasZone(tzOffsetOf(finite(t) ? t : Date.now())) + ' (this computer)';
}

// ----- time truth: rows whose log wrote local time with no zone ------------------------------------------

/** Where the user sets a folder's zone (the command's title in package.json). */
export const SET_OFFSET_COMMAND = 'ConfigMgr: Set Time Offset for Folder';

/** The list's marker of a row's clock: 'local' (no UTC), 'inferred', 'user', or '' (the log gives its zone). */
export type ClockMarker = 'local' | 'inferred' | 'user' | '';

export function clockMarker(clock: RowClockInfo | null | undefined, hasUtc: boolean): ClockMarker {
  if (!clock) return '';
  if (clock.kind === 'local') return hasUtc ? '' : 'local';
  return hasUtc ? clock.kind : '';
}

function biasText(bias: number | undefined): string {
  return finite(bias) ? `bias ${bias}, ${biasZone(bias)}` : 'bias unknown';
}

/** One line on how a row's time was had, for the details panel; '' when the log gives its zone. */
export function clockNote(clock: RowClockInfo | null | undefined, hasUtc: boolean): string {
  const marker = clockMarker(clock, hasUtc);
  if (marker === 'local')
    return `No UTC: the log wrote local time of an unknown zone; the record is placed by its local time, which may be hours off the UTC records around it. Set the folder's zone with ${SET_OFFSET_COMMAND}.`;
  if (marker === 'inferred')
    return `UTC inferred from ${clock!.from || 'another log of the folder'} (${biasText(clock!.bias)}): this log writes no zone.`;
  if (marker === 'user')
    return `UTC from the offset set for this folder (${biasText(clock!.bias)}): this log writes no zone.`;
  return '';
}

/** The tooltip of a marked time in the list. */
export function clockTitle(clock: RowClockInfo | null | undefined, hasUtc: boolean): string {
  const marker = clockMarker(clock, hasUtc);
  if (marker === 'local')
    return `Local time of an unknown zone (no UTC), placed by its local time: set the zone with ${SET_OFFSET_COMMAND}`;
  return clockNote(clock, hasUtc);
}

/** The status line's count of rows with no UTC; '' when there are none. */
export function localOnlyStatus(count: number): string {
  if (!(count > 0)) return '';
  return count === 1
    ? '1 record has no time zone: placed by its local time'
    : `${count.toLocaleString()} records have no time zone: placed by their local time`;
}

/** "1 d 2 h", "3 min 5 s", "250 ms": a duration for labels. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60000) return `${sign}${Math.round(a / 100) / 10} s`;
  if (a < 3600000) return `${sign}${Math.floor(a / 60000)} min ${Math.round((a % 60000) / 1000)} s`;
  if (a < 86400000) return `${sign}${Math.floor(a / 3600000)} h ${Math.round((a % 3600000) / 60000)} min`;
  return `${sign}${Math.floor(a / 86400000)} d ${Math.round((a % 86400000) / 3600000)} h`;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60000, min: 60000, h: 3600000, d: 86400000 };

/** Clock offset text: "-3h", "+1.5s", "250ms", "2m", "1d", "-1h30m"; a bare number is milliseconds. Null when invalid. */
export function parseOffset(text: unknown): number | null {
  const raw = String(text ?? '');
  if (/\d\s+[\d.]/.test(raw)) return null; // "5 5" is not 55
  const s = raw.replace(/\s+/g, '').toLowerCase();
  if (s === '' || s === '0') return 0;
  const m = /^([+-]?)((?:\d+(?:\.\d+)?(?:ms|d|h|min|m|s)?)+)$/.exec(s);
  if (!m) return null;
  let total = 0;
  let seen = 0;
  for (const p of m[2].matchAll(/(\d+(?:\.\d+)?)(ms|d|h|min|m|s)?/g)) {
    if (!p[2] && p.index! + p[0].length !== m[2].length) return null; // a bare number only at the end
    total += parseFloat(p[1]) * UNITS[p[2] || 'ms'];
    seen++;
  }
  if (!seen || !Number.isFinite(total)) return null;
  total = Math.round(m[1] === '-' ? -total : total);
  return Math.abs(total) > MAX_CLOCK_OFFSET_MS ? null : total;
}

/** Offset for an input box: "0", "+1h 30m", "-250ms", "+1.5s". */
export function formatOffset(ms: number): string {
  if (!ms) return '0';
  const sign = ms < 0 ? '-' : '+';
  let a = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400000],
    ['h', 3600000],
    ['m', 60000],
  ] as const) {
    const n = Math.floor(a / size);
    a -= n * size;
    if (n) parts.push(n + unit);
  }
  if (a) parts.push(a >= 1000 ? a / 1000 + 's' : a + 'ms');
  return sign + parts.join(' ');
}

/** "2014-01-16 18:53:52.608", "2014-01-16T18:53", "2014-01-16" (UTC; a trailing Z is allowed); null when empty, NaN when invalid. */
export function parseUtcInput(text: unknown): number | null {
  const s = String(text ?? '').trim();
  if (!s) return null;
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?)?\s*(?:z|utc)?$/i.exec(s);
  if (!m) return NaN;
  const [month, day, hour, minute, second] = [+m[2], +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = m[7] ? +(m[7] + '00').slice(0, 3) : 0;
  const t = Date.UTC(+m[1], month - 1, day, hour, minute, second, ms);
  return new Date(t).getUTCDate() === day ? t : NaN;
}

// C0 controls (tab aside) as control pictures, DEL/C1 and bidirectional overrides as U+FFFD: what is shown is
// what is there, and nothing reorders or hides the text around it (Trojan-source style).
const DISPLAY_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
export function displayText(text: unknown): string {
  return String(text).replace(DISPLAY_UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code === 10) return '\u21b5';
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
  });
}

/** The first line of a message, shown in the list (the whole message is in the details pane). */
export function firstLine(text: unknown, max?: number): string {
  const s = String(text);
  const nl = s.indexOf('\n');
  let line = nl >= 0 ? s.slice(0, nl).replace(/\r$/, '') + ' \u2026' : s;
  if (max && line.length > max) line = line.slice(0, max) + '\u2026';
  return displayText(line.replace(/\t/g, ' '));
}

/** A message as the list shows it when wrapping (every line, joined; capped). */
export function wrappedText(text: unknown, max: number): string {
  const s = String(text).replace(/\r\n?/g, '\n');
  return displayText((s.length > max ? s.slice(0, max) + '\u2026' : s).replace(/\t/g, ' ')).replace(/\u21b5/g, '\n');
}
