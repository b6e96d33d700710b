// Office Click-to-Run logs (%windir%\Temp\<MACHINE>-YYYYMMDD-HHMM.log, what ConfigMgr's Office 365 updates
// and the Office Deployment Tool leave), UTF-16 with a header row and tab-separated columns:
//   Timestamp  Process  TID  Area  Category  EventID  Level  Message  Correlation
//   07/09/2021 13:28:07.749  OFFICECL (0x2334)  0x69c    Orapi  cpknf  Medium  Successfully got ...
// Times are local with no zone (bias null), MM/DD/YYYY. The Level column uses the ULS levels: Critical and
// Unexpected are errors, Monitorable warnings, High and Medium information, Verbose/VerboseEx verbose. A message
// that spans lines continues on the lines after its first (the correlation column ends its last line).
import type { Severity } from '../record';
import { makeLogTime } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';
import { startsWithDigit, type ColumnKind, type LogFormat } from './format';

const START = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,7})\t/;
export const C2R_HEADER = 'Timestamp\tProcess\tTID\t';
/** Columns after the timestamp: Process, TID, Area, Category, EventID, Level, then Message and Correlation. */
const MESSAGE_COLUMN = 7;

export function clickToRunFields(line: string): RecordFields | null {
  if (line.startsWith(C2R_HEADER))
    return fieldsFrom('c2r', line, null, { component: 'header', severity: 'verbose', rawType: null });
  if (!startsWithDigit(line)) return null;
  const m = START.exec(line);
  if (!m) return null;
  const columns = line.split('\t');
  if (columns.length < MESSAGE_COLUMN + 1) return null;
  const time = makeLogTime(+m[3], +m[1], +m[2], { hour: +m[4], minute: +m[5], second: +m[6], fraction: m[7] }, null);
  // The last column is the correlation id when the line has all nine; a message may itself hold tabs.
  const message =
    columns.length > MESSAGE_COLUMN + 1 ? columns.slice(MESSAGE_COLUMN, -1).join('\t') : columns[MESSAGE_COLUMN];
  const level = columns[6].trim();
  const tid = columns[2].trim();
  return fieldsFrom('c2r', message, time, {
    context: columns[1].trim(),
    thread: /^0x[0-9a-f]+$/i.test(tid) ? parseThread(tid.slice(2), 16) : parseThread(tid),
    component: columns[4].trim() || columns[3].trim(),
    rawType: level || null,
    severity: ulsSeverity(level),
    damaged: time ? undefined : `unreadable time ${line.slice(0, 23)}`,
  });
}

function ulsSeverity(level: string): Severity {
  switch (level.toLowerCase()) {
    case 'critical':
    case 'unexpected':
      return 'error';
    case 'monitorable':
    case 'warning':
      return 'warning';
    case 'high':
    case 'medium':
    case 'information':
      return 'info';
    case 'verbose':
    case 'verboseex':
      return 'verbose';
    default:
      return 'unknown';
  }
}

export const clickToRun: LogFormat<'c2r', undefined> = {
  id: 'c2r',
  name: 'Office Click-to-Run log',
  shape: 'first-line',
  levels:
    'Critical and Unexpected are errors, Monitorable a warning, High and Medium information, Verbose/VerboseEx verbose',
  detect: (line) => clickToRunFields(line) !== null,
  parseStart: clickToRunFields,
  // Tab-separated, with spaces inside columns ("OFFICECL (0x2334)") and empty ones (Area).
  columnAt(prefix, character) {
    const kinds: ColumnKind[] = ['time', 'other', 'thread', 'component', 'component', 'other', 'type'];
    let start = 0;
    for (const kind of kinds) {
      const end = prefix.indexOf('\t', start);
      if (end < 0 || character <= end) return kind;
      start = end + 1;
    }
    return undefined;
  },
};
