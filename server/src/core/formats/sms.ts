// SMS trace (site server component logs): message  $$<Component><MM-DD-YYYY HH:MM:SS.fff+BIAS><thread=N (0xN)>
// A multi-line message puts the trailer on its last line only.
import { makeLogTime, parseBias, parseClock, parseMonthDayYear } from '../time';
import { fieldsFrom, parseThread, severityFromWords, type RecordFields } from './fields';
import type { LogFormat } from './format';

export const SMS_MARK = '$$<';
const TRAILER = /\$\$<([^>]*)><([^>]*)><thread=([^>]*)>\s*$/;

/** Returns the record if the line ends with an SMS trailer; `body` is the message text before it. */
export function smsFields(lineText: string, previousLines: string[]): RecordFields | null {
  const at = lineText.lastIndexOf(SMS_MARK);
  if (at < 0) return null;
  const m = TRAILER.exec(lineText.slice(at));
  if (!m) return null;
  const lastPart = lineText.slice(0, at).trimEnd();
  const message = previousLines.length ? previousLines.join('\n') + '\n' + lastPart : lastPart;
  const time = smsTime(m[2]);
  return fieldsFrom('sms', message, time, {
    component: m[1],
    thread: parseThread(m[3]),
    severity: smsSeverity(message),
    damaged: time ? undefined : `unreadable time <${m[2]}>`,
  });
}

function smsTime(text: string) {
  const space = text.indexOf(' ');
  if (space < 0) return null;
  const day = parseMonthDayYear(text.slice(0, space));
  const clock = parseClock(text.slice(space + 1));
  if (!day || !clock) return null;
  const bias = clock.rest.trim() ? parseBias(clock.rest) : null;
  return makeLogTime(day.year, day.month, day.day, clock.clock, bias);
}

/** A STATMSG carries its own severity (SEV=E/W/I); other lines are judged by their words, as CMTrace does. */
function smsSeverity(message: string) {
  const sev = /\bSTATMSG: ID=\d+ SEV=([IWE])\b/.exec(message);
  if (sev) return sev[1] === 'E' ? 'error' : sev[1] === 'W' ? 'warning' : 'info';
  return severityFromWords(message);
}

export const sms: LogFormat<'sms'> = {
  id: 'sms',
  name: 'SMS trace',
  shape: 'sms',
  detect: (line) => line.includes(SMS_MARK),
};
