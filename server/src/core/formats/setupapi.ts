// SetupAPI text logs (C:\Windows\INF\setupapi.dev.log, setupapi.setup.log, setupapi.app.log): what driver
// installs did. A header ("[Device Install Log]" and its "     OS Version = ..." lines), "[Boot Session: ...]"
// markers, and sections:
//   >>>  [Device Install (Hardware initiated) - SWD\IP_TUNNEL_VBUS\ISATAP_0]
//   >>>  Section start 2015/11/22 17:59:28.110
//        dvi: {Build Driver List} 17:59:28.176
//   !    inf: Replaced legacy pattern in section ...          (warning)
//   !!!  sto: Failed to ...                                  (error)
//   <<<  Section end 2015/11/22 17:59:31.063
//   <<<  [Exit status: SUCCESS]
// Each marker and each "xxx:" line (dvi: device install, sto: driver store, inf, flq: file queue, ...) is a
// record; the 5 columns before it say error (!!!), warning (!) or section start/end (>>> / <<<). Times are
// local without a zone (bias null); a line's time is its own: the date and time of section and boot markers,
// or a time of day written at the end of a line ("{Build Driver List} 17:59:28.176"), on the date of the
// section it is in. Lines with no time of their own have none (they keep their place after the one before).
import type { Severity } from '../record';
import { makeLogTime, type LogTime } from '../time';
import { fieldsFrom, type RecordFields } from './fields';
import type { LogFormat } from './format';

const ENTRY = /^(?:(>>>|<<<|!!!) {2}|(!) {4}| {5}(?=[a-z]{2,8}: ))(.*)$/s;
const COMPONENT = /^([a-z]{2,8}): (.*)$/s;
const DATE_TIME = /(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?/;
const TIME_AT_END = / (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;
const EXIT_FAILED = /^\[Exit status: (?!SUCCESS)/;
/** The areas SetupAPI writes most (seen in real logs), for detecting a log cut before its first marker. */
const KNOWN_AREA = /^(?: {5}|!!! {2}|! {4})(?:dvi|dvs|sto|inf|idb|flq|cpy|ndv|set|sig|ump|utl|pol|bkp|cci|sec): /;

export interface SetupApiState {
  /** The date (and seconds into it) of the last section or boot marker, for lines that give a time of day. */
  day: { year: number; month: number; day: number; second: number } | null;
}

export function setupApiFields(line: string, state: SetupApiState): RecordFields | null {
  if (line.charCodeAt(0) === 91 /* [ */) return marker(line, state, 'log', 'info');
  const m = ENTRY.exec(line);
  if (!m) return null;
  const mark = m[1] ?? m[2] ?? '';
  const rest = m[3];
  if (mark === '>>>' || mark === '<<<')
    return marker(rest, state, 'section', EXIT_FAILED.test(rest) ? 'error' : 'info', mark);
  const c = COMPONENT.exec(rest);
  const component = c ? c[1] : '';
  const message = c ? c[2] : rest;
  const severity: Severity = mark === '!!!' ? 'error' : mark === '!' ? 'warning' : 'info';
  return fieldsFrom('setupapi', message, timeOfDay(message, state), { component, severity, rawType: mark || null });
}

/** "[Boot Session: ...]", "Section start ...", "[Exit status: ...]": records that may set the date. */
function marker(text: string, state: SetupApiState, component: string, severity: Severity, mark = ''): RecordFields {
  const m = DATE_TIME.exec(text);
  let time: LogTime | null = null;
  if (m) {
    time = makeLogTime(+m[1], +m[2], +m[3], { hour: +m[4], minute: +m[5], second: +m[6], fraction: m[7] ?? '' }, null);
    if (time) state.day = { year: +m[1], month: +m[2], day: +m[3], second: +m[4] * 3600 + +m[5] * 60 + +m[6] };
  }
  return fieldsFrom('setupapi', text, time, { component, severity, rawType: mark || null });
}

function timeOfDay(message: string, state: SetupApiState): LogTime | null {
  const day = state.day;
  const m = day && TIME_AT_END.exec(message);
  if (!day || !m) return null;
  const second = +m[1] * 3600 + +m[2] * 60 + +m[3];
  // A section that runs past midnight: the time of day falls far below the section's start.
  const nextDay = second + 12 * 3600 < day.second;
  const date = nextDay ? new Date(Date.UTC(day.year, day.month - 1, day.day + 1)) : null;
  const [y, mo, d] = date
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
    : [day.year, day.month, day.day];
  return makeLogTime(y, mo, d, { hour: +m[1], minute: +m[2], second: +m[3], fraction: m[4] }, null);
}

export const setupApi: LogFormat<'setupapi', SetupApiState> = {
  id: 'setupapi',
  name: 'SetupAPI log (setupapi.dev.log, setupapi.setup.log, setupapi.app.log)',
  shape: 'first-line',
  levelName: '',
  levels: '!!! error, ! warning, >>> / <<< section start and end',
  detect: (line) =>
    line === '[Device Install Log]' ||
    line.startsWith('>>>  [') ||
    line.startsWith('>>>  Section start ') ||
    KNOWN_AREA.test(line),
  // "     sto: ..." means something only in a SetupAPI log.
  ownFilesOnly: true,
  newState: () => ({ day: null }),
  copyState: (state) => ({ day: state.day && { ...state.day } }),
  parseStart: setupApiFields,
  columns: ['type', 'component'],
};
