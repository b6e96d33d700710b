// The SetupAPI log of Windows 2000, XP and Server 2003 (%windir%\setupapi.log), which older drivers and
// hotfix installers still leave. Sections, each opened by a header with the time and "process id.instance":
//   [SetupAPI Log]                                     (the file's header, then "OS Version = ..." lines)
//   [2005/03/15 10:20:30 1234.5 Driver Install]
//   #-199 Executing "C:\WINDOWS\system32\rundll32.exe" with command line: ...
//   #I022 Found "PCI\VEN_8086&DEV_7111" in C:\WINDOWS\inf\mshdc.inf; Device: ...
//   @ 20:14:33.381 #V132 File "C:\WINDOWS\INF\certclas.inf" (key "certclas.inf") is signed in catalog ...
//   #W059 Selecting best compatible driver failed. Error 0xe0000228: There are no compatible drivers ...
//   #E361 An unsigned or incorrectly signed file "..." for driver "..." blocked (server side).
// XP writes a message id per entry: its letter is the category (E error, W warning, I information, V verbose,
// T timing, - status), so the id, not the words, gives the severity. Entries take no time but their own
// "@ HH:MM:SS.mmm" (on the date of their section's header), so the rest keep their place untimed, as in
// setupapi.dev.log. In a section that writes ids, a line without one continues the entry above.
// Windows 2000 writes no ids: each line is an entry of its own, and only its words tell what it reports;
// the same sentences are XP's #W059 / #W157 warnings ("Selecting best compatible driver ... error",
// "default installer, error") and #E122 error ("Device install ... with error", "install failed"), so a
// line that reports an error code is a warning, one that says the install ended in error an error.
// Sources: Microsoft Learn "Interpreting a Sample SetupAPI Log File" (Windows XP section: message ids and
// "@ time" entries), the 2003 white paper "Troubleshooting Device Installation with the SetupAPI Log File"
// (sections, #-199/#I140/#E142), and the real Windows 2000 log in
// ../shared/corpus/real-windows/Win2000DevCommunity__RemoteDesk2K (see its SOURCES.md).
import type { Severity } from '../record';
import { makeLogTime, type LogTime } from '../time';
import { fieldsFrom, type RecordFields } from './fields';
import type { LogFormat } from './format';

const SECTION = /^\[(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{1,10})\.(\d{1,10})(?: ([^\]]*))?\]\s*$/;
const FILE_HEADER = /^\[SetupAPI Log\]\s*$/;
const ENTRY = /^(?:@ (\d{2}):(\d{2}):(\d{2})\.(\d{3}) )?#([-A-Z])(\d{3}) ?(.*)$/s;
/** Windows 2000 sentences that report an error code ("Error 0xe0000228: ...", "Error 1078: ..."). */
const ERROR_CODE = /\bError (?:0x[0-9a-fA-F]{1,8}|\d{1,10}):/;
/** ... and those that say the install ended in error. */
const INSTALL_FAILED = /\b(?:finished with error|install failed|installation failed)\b/i;

export interface SetupApiLegacyState {
  /** The date (and seconds into it) of the open section, for "@ HH:MM:SS.mmm" entries. */
  day: { year: number; month: number; day: number; second: number } | null;
  /** Whether the open section writes message ids (XP) or not (Windows 2000), or is the file's header. */
  section: 'ids' | 'sentences' | 'header';
}

export function setupApiLegacyFields(line: string, state: SetupApiLegacyState): RecordFields | null {
  const first = line.charCodeAt(0);
  if (first === 91 /* [ */) return header(line, state);
  if (first === 35 /* # */ || first === 64 /* @ */) return entry(line, state);
  // A line without an id: its own entry in a Windows 2000 section, a continuation elsewhere.
  if (state.section !== 'sentences' || /^\s/.test(line)) return null;
  return fieldsFrom('setupapilegacy', line, null, { severity: sentenceSeverity(line) });
}

function header(line: string, state: SetupApiLegacyState): RecordFields | null {
  if (FILE_HEADER.test(line)) {
    state.section = 'header';
    return fieldsFrom('setupapilegacy', line, null, { component: 'log' });
  }
  const m = SECTION.exec(line);
  if (!m) return null;
  const time = makeLogTime(+m[1], +m[2], +m[3], { hour: +m[4], minute: +m[5], second: +m[6], fraction: '' }, null);
  state.day = time && { year: +m[1], month: +m[2], day: +m[3], second: +m[4] * 3600 + +m[5] * 60 + +m[6] };
  // Until an entry with an id shows the section is XP's, its lines are Windows 2000 sentences.
  state.section = 'sentences';
  return fieldsFrom('setupapilegacy', line, time, {
    component: 'section',
    context: `pid ${m[7]}`,
    damaged: time ? undefined : `unreadable time ${line.slice(1, 20)}`,
  });
}

function entry(line: string, state: SetupApiLegacyState): RecordFields | null {
  const m = ENTRY.exec(line);
  if (!m) return null;
  state.section = 'ids';
  const time = m[1] ? timeOfDay(+m[1], +m[2], +m[3], m[4], state) : null;
  const category = m[5];
  return fieldsFrom('setupapilegacy', m[7], time, {
    rawType: `#${category}${m[6]}`,
    severity: categorySeverity(category),
  });
}

function categorySeverity(category: string): Severity {
  switch (category) {
    case 'E':
      return 'error';
    case 'W':
      return 'warning';
    case 'V':
    case 'T':
      return 'verbose';
    case 'I':
    case '-':
      return 'info';
    default:
      return 'unknown';
  }
}

function sentenceSeverity(line: string): Severity {
  const code = ERROR_CODE.exec(line);
  // What the sentence says, not the error text it quotes ("... error: Error 0xe0000219: The installation failed").
  if (INSTALL_FAILED.test(code ? line.slice(0, code.index) : line)) return 'error';
  return code ? 'warning' : 'info';
}

function timeOfDay(
  hour: number,
  minute: number,
  second: number,
  ms: string,
  state: SetupApiLegacyState,
): LogTime | null {
  const day = state.day;
  if (!day) return null;
  // A section that runs past midnight: the time of day falls far below the section's start.
  const nextDay = hour * 3600 + minute * 60 + second + 12 * 3600 < day.second;
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + (nextDay ? 1 : 0)));
  const clock = { hour, minute, second, fraction: ms };
  return makeLogTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), clock, null);
}

export const setupApiLegacy: LogFormat<'setupapilegacy', SetupApiLegacyState> = {
  id: 'setupapilegacy',
  name: 'SetupAPI log of Windows 2000 / XP / Server 2003 (setupapi.log)',
  shape: 'first-line',
  levelName: 'message id ',
  levels: '#E error, #W warning, #I information, #V verbose, #T timing, #- status (Windows 2000 writes none)',
  detect: (line) =>
    FILE_HEADER.test(line) || SECTION.test(line) || /^(?:@ \d{2}:\d{2}:\d{2}\.\d{3} )?#[-EWIVT]\d{3} /.test(line),
  // "#I022 ..." and a Windows 2000 sentence mean something only in a setupapi.log.
  ownFilesOnly: true,
  newState: () => ({ day: null, section: 'header' }),
  copyState: (state) => ({ day: state.day && { ...state.day }, section: state.section }),
  parseStart: setupApiLegacyFields,
  columnAt: (prefix, character) => (prefix.startsWith('@') && character < 15 ? 'time' : 'type'),
  // A section header's date and time (not the file's "[SetupAPI Log]" header).
  timeInMessage: (message, offset) => offset > 0 && offset < 20 && /^\[\d{4}\//.test(message),
};
