// The Windows servicing and setup text log that CBS.log, DISM.log (dism.log) and Panther's setupact.log /
// setuperr.log share ("Panther logging" in DISM's own words):
//   2023-11-10 23:40:18, Info                  CBS    Loaded Servicing Stack v10.0.19041.1220 ...
//   2025-04-26 05:21:54, Info                         Feature: ...              (no component: 24H2 CBS, DISM)
//   2018-04-24 10:01:02, Error      [0x0f0070] SYSPRP RunDlls:An error ...      (sysprep: a message id)
// After "YYYY-MM-DD HH:MM:SS, " (21 characters) the writer pads the level (and a message id) to 22 characters
// and the component to 7, so the message starts at character 50; a longer component pushes it right. Lines
// that do not start with a time continue the entry above (CSI operation lists, "CSIPERF:" lines, indented
// installer details). Times are local with no zone (bias null); the level column, not the words of the text,
// gives the severity ("Info ... without error" is information). DISM's "API: PID=7560 TID=7564" gives the
// process and thread.
import { makeLogTime } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';
import { startsWithDigit, statelessFormat, type LogFormat } from './format';
import type { Severity } from '../record';

const START = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}), ([A-Z][A-Za-z]*(?: [a-z]+)?)(?= |$)/;
const PREFIX = 21;
const LEVEL_WIDTH = 22;
const COMPONENT_WIDTH = 7;
const MESSAGE_ID = /^\[0x[0-9A-Fa-f]{1,8}\]$/;
const DISM_API = /^API: PID=(\d+) TID=(\d+) /;

export function cbsFields(line: string): RecordFields | null {
  const m = START.exec(line);
  if (!m) return null;
  const time = makeLogTime(+m[1], +m[2], +m[3], { hour: +m[4], minute: +m[5], second: +m[6], fraction: '' }, null);
  const level = m[7];
  const { messageId, component, message } = columnsAfterLevel(line, PREFIX + level.length);
  const api = DISM_API.exec(message);
  return fieldsFrom('cbs', message, time, {
    component,
    rawType: level,
    severity: severityOfLevel(level),
    context: api ? `pid ${api[1]}` : messageId,
    thread: api ? parseThread(api[2]) : null,
    damaged: time ? undefined : `unreadable time ${line.slice(0, 19)}`,
  });
}

/** The optional message id, the component and the message after the level, which ends at `from`. */
function columnsAfterLevel(line: string, from: number): { messageId: string; component: string; message: string } {
  const componentAt = PREFIX + LEVEL_WIDTH;
  const levelField = line.slice(from, componentAt);
  const fixedWidth =
    line.length > componentAt
      ? line.charCodeAt(componentAt - 1) === 32 && (levelField.trim() === '' || MESSAGE_ID.test(levelField.trim()))
      : false;
  if (fixedWidth) {
    const messageId = levelField.trim();
    const messageAt = componentAt + COMPONENT_WIDTH;
    // The usual case: a component of up to 6 characters, then the message at column 50.
    if (line.length <= messageAt || line.charCodeAt(messageAt - 1) === 32)
      return { messageId, component: line.slice(componentAt, messageAt).trim(), message: line.slice(messageAt) };
    const space = line.indexOf(' ', componentAt);
    if (space < 0) return { messageId, component: line.slice(componentAt), message: '' };
    return { messageId, component: line.slice(componentAt, space), message: line.slice(space + 1) };
  }
  // Not padded as the writers pad: the level, then the message (no component can be told from its first word).
  return { messageId: '', component: '', message: line.slice(from).replace(/^ +/, '') };
}

function severityOfLevel(level: string): Severity {
  switch (level.toLowerCase()) {
    case 'error':
    case 'fatal':
    case 'fatal error':
    case 'critical':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'info';
    case 'perf':
    case 'trace':
    case 'debug':
    case 'verbose':
      return 'verbose';
    default:
      return 'unknown';
  }
}

export const cbs: LogFormat<'cbs', undefined> = statelessFormat(
  'cbs',
  'CBS.log, DISM.log, Panther setupact.log / setuperr.log',
  startsWithDigit,
  cbsFields,
  {
    levels: 'Error, Warning, Info (Perf, Trace, Debug: verbose)',
    // Fixed columns: time (0-19), level and message id (21-42), component (43-49).
    columnAt(prefix, character) {
      if (character < 20) return 'time';
      if (character >= PREFIX + LEVEL_WIDTH) return 'component';
      const id = prefix.indexOf('[0x', PREFIX);
      return id >= 0 && id < PREFIX + LEVEL_WIDTH && character >= id ? 'other' : 'type';
    },
  },
);
