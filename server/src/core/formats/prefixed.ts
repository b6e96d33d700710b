// Formats whose records START with a timestamp: WindowsUpdate.log (classic and Get-WindowsUpdateLog), WSUS
// SoftwareDistribution.log, setup logs. Lines that do not start with one continue the previous record.
import { failedBracketCode, outcomeOf } from '../decode/outcome';
import { makeLogTime, monthFromName, wallClockOf, type Clock } from '../time';
import { fieldsFrom, parseThread, severityFromWords, type RecordFields } from './fields';
import { startsWithAngle, startsWithDigit, statelessFormat, type LogFormat } from './format';

// 2021-08-28<TAB>03:07:48:216<TAB> 648<TAB>13bc<TAB>Report<TAB>text   (local time, hex thread id)
const WU_CLASSIC =
  /^(\d{4})-(\d{2})-(\d{2})\t(\d{2}):(\d{2}):(\d{2})[:.](\d{3})\t\s*(\d+)\t\s*([0-9a-fA-F]+)\t([^\t]*)\t?(.*)$/s;
// 2020/11/19 15:25:46.9997442 3304  9020  Agent           text   (Get-WindowsUpdateLog, local time)
const WU_ETW = /^(\d{4})[/-](\d{2})[/-](\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,7}) +(\d+) +(\d+) +(\S+) *(.*)$/s;
// 2014-01-16 18:53:54.231 UTC Change w3wp.58 AdminDataAccess.StartSubscriptionManually text
// The `s` flag: a U+2028/U+2029 inside a message must not make (.*)$ fail and backtrack.
// (WSUS writes tabs between the columns; excerpts in documents show spaces: both are read)
const WSUS = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,7})[ \t]+UTC[ \t]+(\S+)[ \t]+(\S+)[ \t]?(.*)$/s;
// <01/16/14 13:53:52> text
const SETUP_NUMERIC = /^<(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4}) (\d{1,2}):(\d{2}):(\d{2})>\s?(.*)$/s;
// <Fri Dec  9 11:25:00 2022> text
const SETUP_NAMED =
  /^<(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) +(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) (\d{4})>\s?(.*)$/s;

function clock(h: string, m: string, s: string, fraction: string): Clock {
  return { hour: +h, minute: +m, second: +s, fraction };
}

export const wuClassic: LogFormat<'wulog', undefined> = statelessFormat(
  'wulog',
  'WindowsUpdate.log (classic)',
  startsWithDigit,
  (line) => {
    const m = WU_CLASSIC.exec(line);
    if (!m) return null;
    const time = makeLogTime(+m[1], +m[2], +m[3], clock(m[4], m[5], m[6], m[7]), null);
    return fieldsFrom('wulog', m[11], time, {
      component: m[10].trim(),
      thread: parseThread(m[9], 16),
      severity: wuSeverity(m[11]),
      context: `pid ${m[8]}`,
    });
  },
  { columns: ['time', 'time', 'other', 'thread', 'component'], declaredBias: (fields) => declaredBias(fields.message) },
);

export const wuEtw: LogFormat<'wuetw', undefined> = statelessFormat(
  'wuetw',
  'WindowsUpdate.log (Get-WindowsUpdateLog)',
  startsWithDigit,
  (line) => {
    const m = WU_ETW.exec(line);
    if (!m) return null;
    const time = makeLogTime(+m[1], +m[2], +m[3], clock(m[4], m[5], m[6], m[7]), null);
    return fieldsFrom('wuetw', m[11], time, {
      component: m[10],
      thread: parseThread(m[9]),
      severity: wuSeverity(m[11]),
      context: `pid ${m[8]}`,
    });
  },
  { columns: ['time', 'time', 'other', 'thread', 'component'] },
);

export const wsus: LogFormat<'wsus', undefined> = statelessFormat(
  'wsus',
  'WSUS SoftwareDistribution.log',
  startsWithDigit,
  (line) => {
    const m = WSUS.exec(line);
    if (!m) return null;
    const time = makeLogTime(+m[1], +m[2], +m[3], clock(m[4], m[5], m[6], m[7]), 0);
    const [process, thread] = splitProcessThread(m[9]);
    return fieldsFrom('wsus', m[10], time, { component: process, thread, rawType: m[8], severity: wsusSeverity(m[8]) });
  },
  {
    columns: ['time', 'time', 'time', 'type', 'thread'],
    levels: 'Error and Fatal are errors, Warning a warning, others information',
  },
);

function setupNumeric(line: string): RecordFields | null {
  const m = SETUP_NUMERIC.exec(line);
  if (!m) return null;
  const year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
  const time = makeLogTime(year, +m[1], +m[2], clock(m[4], m[5], m[6], ''), null);
  return fieldsFrom('setup', m[7], time, { severity: severityFromWords(m[7]) });
}

function setupNamed(line: string): RecordFields | null {
  const m = SETUP_NAMED.exec(line);
  if (!m) return null;
  const time = makeLogTime(+m[6], monthFromName(m[1]), +m[2], clock(m[3], m[4], m[5], ''), null);
  return fieldsFrom('setup', m[7], time, { severity: severityFromWords(m[7]) });
}

/** ConfigMgr setup logs (ConfigMgrSetup.log and friends): <01/16/14 13:53:52> or <Fri Dec  9 11:25:00 2022>. */
export const setup: LogFormat<'setup', undefined> = statelessFormat(
  'setup',
  'ConfigMgr setup log',
  startsWithAngle,
  (line) => setupNumeric(line) ?? setupNamed(line),
);

/**
 * Classic WindowsUpdate.log writes local time without a zone, but each service start logs
 * "Logging initialized (build: 7.6.7600.256, tz: -0500)": the bias for the records that follow.
 */
export function declaredBias(message: string): number | null {
  const m = /\btz: ([+-])(\d{2})(\d{2})\)/.exec(message);
  if (!m) return null;
  const offset = (+m[2] * 60 + +m[3]) * (m[1] === '-' ? -1 : 1);
  return -offset;
}

/** Gives a record without a bias the one its file declared (UTC = local + bias). */
export function withBias(fields: RecordFields, bias: number): RecordFields {
  if (fields.biasMinutes !== null || fields.local === null) return fields;
  const wall = wallClockOf(fields.local);
  if (Number.isNaN(wall)) return fields;
  fields.utc = wall + bias * 60_000;
  fields.biasMinutes = bias;
  return fields;
}

/**
 * WindowsUpdate.log marks trouble with FATAL, FAILED and WARNING (classic) and "FAILED [hr]" (ETW form).
 * "*FAILED* [8024000C]" is WU_E_NOOP (nothing to do) and a success code is no failure: not errors.
 */
function wuSeverity(text: string) {
  if (/\bFATAL\b/.test(text)) return 'error' as const;
  if (/\bFAILED\b/.test(text)) {
    const code = failedBracketCode(text);
    return code !== null && outcomeOf(code) !== 'failure' ? ('info' as const) : ('error' as const);
  }
  if (/\bWARNING\b/.test(text)) return 'warning' as const;
  return 'info' as const;
}

function wsusSeverity(level: string) {
  const l = level.toLowerCase();
  if (l === 'error' || l === 'fatal') return 'error' as const;
  if (l === 'warning') return 'warning' as const;
  return 'info' as const;
}

/** WSUS writes "w3wp.58": process name and managed thread id. */
function splitProcessThread(text: string): [string, number | null] {
  const dot = text.lastIndexOf('.');
  if (dot < 0) return [text, null];
  return [text.slice(0, dot), parseThread(text.slice(dot + 1))];
}
