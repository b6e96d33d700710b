// Windows Installer verbose logs (client.msi.log, fspMSI.log, ...): "MSI (s) (7C:10) [11:25:00:123]: text"
// lines carry only a time of day; the date comes from "=== Verbose logging started: 1/17/2023  7:33:22 ===".
import { makeLogTime, type Clock } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';
import type { LogFormat } from './format';

// The date is written in the machine's short date format: 1/17/2023 (en-US), 31/10/2023 (en-GB, fr-FR),
// 14.07.2021 (de-DE, ru-RU), 2021-03-02 (ISO, sv-SE). See msiDate for how they are told apart.
const STARTED =
  /^=== (?:Verbose )?[Ll]ogging (?:started|stopped): (\d{1,4})([/.-])(\d{1,2})[/.-](\d{1,4}) +(\d{1,2}):(\d{2}):(\d{2})/;
const MSI_LINE =
  /^MSI \(([a-z])\) \(([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4})\) \[(\d{2}):(\d{2}):(\d{2}):(\d{3})\]: (.*)$/;
const ACTION = /^Action (?:start|ended) (\d{1,2}):(\d{2}):(\d{2}): /;

export interface MsiDay {
  year: number;
  month: number;
  day: number;
  /** Seconds into the day of the last record, to notice midnight. */
  lastSecond: number;
}

export function looksLikeMsi(line: string): boolean {
  return STARTED.test(line) || line.startsWith('MSI (');
}

/** Reads a record start line; `day` is the date in effect (updated in place, also across midnight). */
export function msiFields(line: string, day: MsiDay | null): { fields: RecordFields; day: MsiDay | null } | null {
  const started = STARTED.exec(line);
  if (started) {
    const date = msiDate(started[1], started[2], started[3], started[4]);
    const next = date && { ...date, lastSecond: 0 };
    return { fields: timed(line, next, clock(started[5], started[6], started[7], ''), {}), day: next ?? day };
  }
  const msi = MSI_LINE.exec(line);
  if (msi) {
    const rest = { component: `MSI (${msi[1]})`, thread: parseThread(msi[3], 16), context: `pid 0x${msi[2]}` };
    return { fields: timed(msi[8], day, clock(msi[4], msi[5], msi[6], msi[7]), rest), day };
  }
  const action = ACTION.exec(line);
  if (action)
    return { fields: timed(line, day, clock(action[1], action[2], action[3], ''), { component: 'Action' }), day };
  return null;
}

/**
 * The date of a "Logging started" line: YYYY-MM-DD when the first part has four digits; D.M.YYYY with dots (no
 * locale writes M.D.Y); with slashes D/M/YYYY when the first part cannot be a month, else M/D/YYYY (en-US, what
 * Windows Installer writes on most machines: a day of 12 or less stays ambiguous and is read the en-US way).
 */
export function msiDate(
  a: string,
  separator: string,
  b: string,
  c: string,
): { year: number; month: number; day: number } | null {
  if (a.length === 4) return c.length <= 2 ? { year: +a, month: +b, day: +c } : null;
  if (c.length !== 4) return null;
  if (separator === '.' || +a > 12) return { year: +c, month: +b, day: +a };
  return { year: +c, month: +a, day: +b };
}

function clock(h: string, m: string, s: string, fraction: string): Clock {
  return { hour: +h, minute: +m, second: +s, fraction };
}

function timed(message: string, day: MsiDay | null, time: Clock, rest: Partial<RecordFields>): RecordFields {
  if (day) advanceAcrossMidnight(day, time);
  const logTime = day ? makeLogTime(day.year, day.month, day.day, time, null) : null;
  return fieldsFrom('msi', message, logTime, { severity: msiSeverity(message), ...rest });
}

function advanceAcrossMidnight(day: MsiDay, time: Clock): void {
  const second = time.hour * 3600 + time.minute * 60 + time.second;
  if (second + 12 * 3600 < day.lastSecond) {
    const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
    [day.year, day.month, day.day] = [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
  }
  day.lastSecond = second;
}

/** "Return value 3" ends a failed action; "Error 1603." / "Note: 1: 1708" are how MSI reports trouble. */
function msiSeverity(message: string) {
  if (/\bReturn value 3\b|^Error \d+\.|\breturning 1603\b|Installation failed|\berror code 1603\b/i.test(message))
    return 'error' as const;
  if (/\bWarning \d+\.|\bReturn value 2\b/.test(message)) return 'warning' as const;
  return 'info' as const;
}

/** An MSI log's state: the date of its last "Logging started" line. */
export interface MsiState {
  day: MsiDay | null;
}

export const msi: LogFormat<'msi', MsiState> = {
  id: 'msi',
  name: 'Windows Installer verbose log',
  shape: 'first-line',
  detect: looksLikeMsi,
  // "Property(S): ..." dumps and the like are records of their own, and only an MSI log's date gives its lines a day.
  ownFilesOnly: true,
  newState: () => ({ day: null }),
  copyState: (state) => ({ day: state.day && { ...state.day } }),
  parseStart(line, state) {
    const read = msiFields(line, state.day);
    if (read) state.day = read.day;
    return read?.fields ?? null;
  },
  /** MSI logs continue a record only on indented lines. */
  continues: (line) => /^\s/.test(line),
  columns: ['component', 'other', 'time'],
};
