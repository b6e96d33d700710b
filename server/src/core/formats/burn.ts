// WiX Burn bootstrapper logs (a bundle's setup .exe: Visual C++ redistributables, SDKs, many vendors' installers):
//   [1188:16C0][2018-06-23T13:57:08]i001: Burn v3.10.3.3007, Windows v6.1 (Build 7601: Service Pack 1), ...
// [process id:thread id] in hex, local time without a zone (bias null), then a level letter (i information,
// w warning, e error, d debug) and a message number. Lines without the prefix (a manifest dumped as XML)
// continue the entry above.
import type { Severity } from '../record';
import { makeLogTime } from '../time';
import { fieldsFrom, parseThread, type RecordFields } from './fields';
import { startsWithBracket, statelessFormat, type LogFormat } from './format';

const START =
  /^\[([0-9A-Fa-f]{1,8}):([0-9A-Fa-f]{1,8})\]\[(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\]([a-z])(\d{3}): ?(.*)$/s;

export function burnFields(line: string): RecordFields | null {
  const m = START.exec(line);
  if (!m) return null;
  const time = makeLogTime(
    +m[3],
    +m[4],
    +m[5],
    { hour: +m[6], minute: +m[7], second: +m[8], fraction: m[9] ?? '' },
    null,
  );
  return fieldsFrom('burn', m[12], time, {
    context: `pid 0x${m[1]}`,
    thread: parseThread(m[2], 16),
    component: 'Burn',
    rawType: `${m[10]}${m[11]}`,
    severity: burnSeverity(m[10]),
    damaged: time ? undefined : `unreadable time ${m[3]}-${m[4]}-${m[5]}T${m[6]}:${m[7]}:${m[8]}`,
  });
}

function burnSeverity(level: string): Severity {
  if (level === 'e') return 'error';
  if (level === 'w') return 'warning';
  if (level === 'i') return 'info';
  if (level === 'd') return 'verbose';
  return 'unknown';
}

export const burn: LogFormat<'burn', undefined> = statelessFormat(
  'burn',
  'WiX Burn bootstrapper log',
  startsWithBracket,
  burnFields,
  {
    columns: ['time'],
  },
);
