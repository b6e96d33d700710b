// DPInst / DIFx logs (%windir%\DPINST.LOG: the Driver Package Installer that driver bundles and the DIFxApp
// custom action of MSI driver packages run; UTF-16 in real files). Every line opens with a level padded to
// eight characters, a DIFxApp line with "DIFXAPP: " before it:
//   INFO:   05/06/2024 19:47:13                      (a run starts and ends with a time stamp line)
//   INFO:   ENTER:  DriverPackagePreinstallW
//   SUCCESS:c:\amd\...\amdgpio2.inf is preinstalled.
//   WARNING:DRIVER_PACKAGE_LEGACY_MODE flag set but not supported ...
//   ERROR:  Failed to install ...
//   DIFXAPP: INFO:   ENTER:  DriverPackageInstallW
// Each line is a record; the level gives the severity (SUCCESS is information). Only the time stamp lines
// carry a time (MM/DD/YYYY HH:MM:SS, local, no zone): the lines between them keep their place with none,
// as SetupAPI's untimed lines do. A line with no level (a message broken over lines) continues the one above.
// Format: the real DPINST.LOG in ../shared/corpus/real-windows/ttxamlottmolo75-cmd__support-bot (SOURCES.md)
// and Microsoft's DIFx documentation ("DPInst Log File": %windir%\DPINST.LOG, INFO/SUCCESS/WARNING/ERROR).
import type { Severity } from '../record';
import { makeLogTime } from '../time';
import { fieldsFrom, type RecordFields } from './fields';
import type { LogFormat } from './format';

// The level padded to eight characters ("INFO:   ", "ERROR:  ", "WARNING:"): a script's "INFO: x" is not DPInst's.
const START = /^(DIFXAPP: )?(INFO: {3}|ERROR: {2}|SUCCESS:|WARNING:)(.*)$/s;
const STAMP = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})\s*$/;
/** "ENTER:  DriverPackageInstallW" / "RETURN: DriverPackageInstallW  (0x0)": the DIFx API call a line is about. */
const CALL = /^(?:ENTER|RETURN): +(\w+)/;

export function dpinstFields(line: string): RecordFields | null {
  const m = START.exec(line);
  if (!m) return null;
  const level = m[2].slice(0, m[2].indexOf(':'));
  const message = m[3];
  const stamp = STAMP.exec(message);
  const time = stamp
    ? makeLogTime(
        +stamp[3],
        +stamp[1],
        +stamp[2],
        { hour: +stamp[4], minute: +stamp[5], second: +stamp[6], fraction: '' },
        null,
      )
    : null;
  const call = CALL.exec(message);
  return fieldsFrom('dpinst', message, time, {
    component: m[1] ? 'DIFXAPP' : call ? call[1] : '',
    rawType: level,
    severity: dpinstSeverity(level),
    damaged: stamp && !time ? `unreadable time ${message.trim()}` : undefined,
  });
}

function dpinstSeverity(level: string): Severity {
  if (level === 'ERROR') return 'error';
  if (level === 'WARNING') return 'warning';
  return 'info';
}

export const dpinst: LogFormat<'dpinst', undefined> = {
  id: 'dpinst',
  name: 'DPInst / DIFx log (DPINST.LOG)',
  shape: 'first-line',
  levels: 'ERROR, WARNING, SUCCESS and INFO (information)',
  detect: (line) => dpinstFields(line) !== null,
  // "INFO:" starts lines of other logs too: read only in a file detected as DPINST.LOG.
  ownFilesOnly: true,
  parseStart: dpinstFields,
  // "DIFXAPP: INFO:   ": the level; a time stamp line's message is its time.
  columnAt: (prefix, character) => (prefix.startsWith('DIFXAPP: ') && character < 8 ? 'component' : 'type'),
  timeInMessage: (message) => STAMP.test(message),
};
