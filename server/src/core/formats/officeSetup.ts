// Office 2010-2016 Setup.exe logs (the MSI-based Office: %temp%\SetupExe(YYYYMMDDHHMMSSnnn).log, and the
// "<MACHINE> Microsoft Office <product> Setup(0001).txt" logs /verbose writes), as ConfigMgr's Office
// deployments and Office updates leave them:
//   2015/05/31 02:57:18:589::[2032] PERF: TickCount=534468 Name=OBootStrapper::Run Description=Begin function
//   2015/05/31 03:02:17:796::[4368] Warning: Unknown stage encountered while completing an MSI progress stage.
// Local time with no zone (bias null), milliseconds after a colon, then "::[thread id]" (decimal: the same
// process writes from several threads). There is no level column: "Warning:"/"Error:" that open the message,
// and an error or failure the message reports, give the severity. Success codes said in the words of a
// failure ("MsiApplyPatch failed with error 3010": applied, a restart is needed) are information, and so is
// the "Error applying patch" Setup writes right after one (same thread, same millisecond). A line without
// the timestamp continues the entry above (messages with line breaks). Format and wording: the real log
// in ../shared/corpus/real-windows/lhasanovic__rpr-t8-pogresno (Office 2013 ProPlus, see its SOURCES.md).
import type { Severity } from '../record';
import { makeLogTime } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';
import { startsWithDigit, type LogFormat } from './format';

const START = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}):(\d{3})::\[(\d{1,10})\] ?(.*)$/s;
/** The message's first word before a colon ("PERF:", "LIS:", "FILESINUSE:"): what part of Setup wrote it (not a level). */
const AREA = /^(?!(?:Warning|Error|WARNING|ERROR):)([A-Z][A-Za-z]{1,20}):(?= )/;
const WARNING_OPEN = /^warning\b/i;
const ERROR_OPEN = /^error\b/i;
const FAILURE = /\b(?:failed|failure|error|errors)\b/i;
/** Failures that are not: "no errors", "0 errors", "error(s): 0", "without error", "Return code: 0". */
const NO_FAILURE = /\b(?:no|0|without) errors?\b|\berrors?\s*[:=]\s*0\b/i;
/** "failed with error 3010" / "Return code: 1641": Windows Installer's success, a restart needed (or started). */
const SUCCESS_CODE = /\b(?:error|code)[:=]? *(?:0|3010|1641)\b(?!\.\d)/i;
const RETURN_CODE = /\bReturn code: *(-?\d+|0x[0-9A-Fa-f]+)\b/;

export interface OfficeSetupState {
  /** Thread and time of the last line that reported a success code in a failure's words. */
  successSaid: { thread: number; at: string } | null;
}

export function officeSetupFields(line: string, state: OfficeSetupState): RecordFields | null {
  const m = START.exec(line);
  if (!m) return null;
  const clock = { hour: +m[4], minute: +m[5], second: +m[6], fraction: m[7] };
  const time = makeLogTime(+m[1], +m[2], +m[3], clock, null);
  const thread = parseThread(m[8]);
  const message = m[9];
  const area = AREA.exec(message);
  const at = line.slice(0, 23);
  let severity = officeSetupSeverity(message);
  const restated = state.successSaid !== null && state.successSaid.thread === thread && state.successSaid.at === at;
  if (severity === 'error' && restated) severity = 'info';
  state.successSaid = saysSuccessAsFailure(message) && thread !== null ? { thread, at } : null;
  return fieldsFrom('officesetup', message, time, {
    thread,
    component: area ? area[1] : '',
    severity,
    damaged: time ? undefined : `unreadable time ${line.slice(0, 23)}`,
  });
}

export function officeSetupSeverity(message: string): Severity {
  if (WARNING_OPEN.test(message)) return 'warning';
  const returned = RETURN_CODE.exec(message);
  if (returned) return /^(?:0|3010|1641|0x0+)$/.test(returned[1]) ? 'info' : 'error';
  if (saysSuccessAsFailure(message)) return 'info';
  if (ERROR_OPEN.test(message)) return 'error';
  return FAILURE.test(message) && !NO_FAILURE.test(message) ? 'error' : 'info';
}

function saysSuccessAsFailure(message: string): boolean {
  return FAILURE.test(message) && SUCCESS_CODE.test(message);
}

export const officeSetup: LogFormat<'officesetup', OfficeSetupState> = {
  id: 'officesetup',
  name: 'Office Setup.exe log (Office 2010-2016, SetupExe(...).log)',
  shape: 'first-line',
  levelName: '',
  levels: 'no level column: "Warning:" / "Error" and failures the message reports',
  detect: (line) => startsWithDigit(line) && START.test(line),
  newState: () => ({ successSaid: null }),
  copyState: (state) => ({ successSaid: state.successSaid && { ...state.successSaid } }),
  parseStart: (line, state) => (startsWithDigit(line) ? officeSetupFields(line, state) : null),
  // "2015/05/31 02:57:18:589::[2032]": the time, then the thread in brackets.
  columnAt: (prefix, character) => (character < prefix.indexOf('::[') + 1 ? 'time' : 'thread'),
};
