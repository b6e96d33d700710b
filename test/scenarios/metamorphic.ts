// Metamorphic relations of the diagnosis: rewrites of a scenario's logs that a real collection can show
// and that must not change any verdict. They test the engine on logs no one wrote an expectation for.
// - zone: each machine's clock in another time zone (every local time moved by D minutes, every bias by
//   -D: the same UTC instants), a different D per machine folder;
// - rollover: every CMTrace / SMS trace log cut at a record boundary into Name.lo_ (older) + Name.log;
// - noise: a neutral record of another component (with its own GUIDs) after every other record;
// - encoding: CMTrace logs in UTF-8 re-encoded as UTF-16LE with a BOM and UTF-16 ones as UTF-8, CRLF as LF;
// - stretch: every instant moved away from the collection's first one x3 (a 75-minute scan takes 3 h 45 min, a
//   5-hour sync 15 hours), each log in its own zone: run lengths are the machines', not the engine's bounds;
// - skew: each machine's clock wrong by up to ~3 minutes (a domain tolerates 5 before Kerberos fails), a different
//   amount per machine folder: the client's request and the management point's reply no longer line up to the
//   second.
// Logs are read and written as bytes in their own encoding (UTF-8 with BOM, UTF-16LE, ANSI).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/diagnose/index';

export type Relation = 'zone' | 'rollover' | 'noise' | 'encoding' | 'stretch' | 'skew';
export const RELATIONS: Relation[] = ['zone', 'rollover', 'noise', 'encoding', 'stretch', 'skew'];
/** Each machine folder's clock error under 'skew', in seconds, in turn. */
export const SKEWS_S = [+167, -113, +48, -191];
/** How much longer every gap gets under 'stretch'. */
export const STRETCH = 3;

interface Decoded {
  text: string;
  encoding: 'utf16le' | 'utf8' | 'latin1';
  encode: (text: string) => Buffer;
}

function decode(bytes: Buffer): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return {
      encoding: 'utf16le',
      text: bytes.subarray(2).toString('utf16le'),
      encode: (t) => Buffer.concat([bytes.subarray(0, 2), Buffer.from(t, 'utf16le')]),
    };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return {
      encoding: 'utf8',
      text: bytes.subarray(3).toString('utf8'),
      encode: (t) => Buffer.concat([bytes.subarray(0, 3), Buffer.from(t, 'utf8')]),
    };
  return { encoding: 'latin1', text: bytes.toString('latin1'), encode: (t) => Buffer.from(t, 'latin1') };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A wall-clock time moved by `minutes` (fields as written; the Date is only used as a calendar). */
function moved(year: number, month: number, day: number, h: number, m: number, s: number, minutes: number) {
  const d = new Date(Date.UTC(year, month - 1, day, h, m, s) + minutes * 60_000);
  return {
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}

const bias = (b: number) => (b >= 0 ? `+${b}` : `${b}`);

// The time stamps of each format, read by both rewrites (shiftZone, mapTimes).
/** CMTrace: `time="HH:MM:SS.fff+bias" date="MM-DD-YYYY"`. */
const CMTRACE_STAMP = /time="(\d\d):(\d\d):(\d\d)\.(\d+)([+-]\d+)" date="(\d\d?)-(\d\d?)-(\d{4})"/g;
/** SMS trace: `<MM-DD-YYYY HH:MM:SS.fff+bias>`. */
const SMS_TRACE_STAMP = /<(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d):(\d\d)\.(\d+)([+-]\d+)>/g;
/** Classic WindowsUpdate.log: `YYYY-MM-DD<TAB>HH:MM:SS:fff`, local time of its "tz:" header. */
const WU_CLASSIC_STAMP = /^(\d{4})-(\d\d)-(\d\d)\t(\d\d):(\d\d):(\d\d):(\d{3})/gm;
/** WindowsUpdate.log from ETW: `YYYY/MM/DD HH:MM:SS`, local time, no zone in the file. */
const WU_ETW_STAMP = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/gm;
/** WSUS SoftwareDistribution.log: `YYYY-MM-DD HH:MM:SS.fff UTC`. */
const WSUS_STAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) UTC/gm;
/** The classic WindowsUpdate.log's zone header. */
const WU_TZ = /tz: ([+-])(\d\d)(\d\d)/g;

/** Every local time of a log moved by D minutes and every bias by -D (UTC unchanged). WSUS logs are UTC: untouched. */
export function shiftZone(text: string, D: number): string {
  return text
    .replace(CMTRACE_STAMP, (_, h, mi, s, frac, b, mo, d, y) => {
      const t = moved(+y, +mo, +d, +h, +mi, +s, D);
      return `time="${t.time}.${frac}${bias(+b - D)}" date="${t.mo}-${t.d}-${t.y}"`;
    })
    .replace(SMS_TRACE_STAMP, (_, mo, d, y, h, mi, s, frac, b) => {
      const t = moved(+y, +mo, +d, +h, +mi, +s, D);
      return `<${t.mo}-${t.d}-${t.y} ${t.time}.${frac}${bias(+b - D)}>`;
    })
    .replace(WU_CLASSIC_STAMP, (_, y, mo, d, h, mi, s, ms) => {
      const t = moved(+y, +mo, +d, +h, +mi, +s, D);
      return `${t.y}-${t.mo}-${t.d}\t${t.time}:${ms}`;
    })
    .replace(WU_ETW_STAMP, (_, y, mo, d, h, mi, s) => {
      const t = moved(+y, +mo, +d, +h, +mi, +s, D);
      return `${t.y}/${t.mo}/${t.d} ${t.time}`;
    })
    .replace(WU_TZ, (_, sign, hh, mm) => {
      const offset = (sign === '+' ? 1 : -1) * (+hh * 60 + +mm) + D;
      return `tz: ${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
    });
}

/**
 * Every time of a log mapped by `map` (UTC ms -> UTC ms), written back in the log's own zone: CMTrace and SMS trace
 * (their bias), WSUS SoftwareDistribution.log (UTC), WindowsUpdate.log (local, zone from its "tz:" header).
 */
export function mapTimes(text: string, map: (utc: number) => number): string {
  const tz = new RegExp(WU_TZ.source).exec(text);
  const wuOffset = tz ? (tz[1] === '+' ? 1 : -1) * (+tz[2] * 60 + +tz[3]) : 0;
  const ms3 = (frac: string) => +frac.padEnd(3, '0').slice(0, 3);
  const wall = (utc: number, offsetMin: number) => new Date(map(utc) + offsetMin * 60_000);
  const hms = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ymd = (d: Date, sep: string) =>
    `${d.getUTCFullYear()}${sep}${pad(d.getUTCMonth() + 1)}${sep}${pad(d.getUTCDate())}`;
  const mdy = (d: Date) => `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${d.getUTCFullYear()}`;
  return text
    .replace(CMTRACE_STAMP, (_, h, mi, s, frac, b, mo, d, y) => {
      const n = wall(Date.UTC(+y, mo - 1, +d, +h, +mi, +s, ms3(frac)) + +b * 60_000, -b);
      return `time="${hms(n)}.${pad(n.getUTCMilliseconds(), 3)}${b}" date="${mdy(n)}"`;
    })
    .replace(SMS_TRACE_STAMP, (_, mo, d, y, h, mi, s, frac, b) => {
      const n = wall(Date.UTC(+y, mo - 1, +d, +h, +mi, +s, ms3(frac)) + +b * 60_000, -b);
      return `<${mdy(n)} ${hms(n)}.${pad(n.getUTCMilliseconds(), 3)}${b}>`;
    })
    .replace(WSUS_STAMP, (_, y, mo, d, h, mi, s, ms) => {
      const n = wall(Date.UTC(+y, mo - 1, +d, +h, +mi, +s, +ms), 0);
      return `${ymd(n, '-')} ${hms(n)}.${pad(n.getUTCMilliseconds(), 3)} UTC`;
    })
    .replace(WU_CLASSIC_STAMP, (_, y, mo, d, h, mi, s, ms) => {
      const n = wall(Date.UTC(+y, mo - 1, +d, +h, +mi, +s, +ms) - wuOffset * 60_000, wuOffset);
      return `${ymd(n, '-')}\t${hms(n)}:${pad(n.getUTCMilliseconds(), 3)}`;
    });
}

/** A machine's logs as its clock, `seconds` off, writes them: every time moved, zones and biases kept. */
export function skewed(text: string, seconds: number): string {
  const etw = text.replace(WU_ETW_STAMP, (_, y, mo, d, h, mi, s) => {
    const n = new Date(Date.UTC(+y, mo - 1, +d, +h, +mi, +s) + seconds * 1000);
    return `${n.getUTCFullYear()}/${pad(n.getUTCMonth() + 1)}/${pad(n.getUTCDate())} ${pad(n.getUTCHours())}:${pad(n.getUTCMinutes())}:${pad(n.getUTCSeconds())}`;
  });
  return mapTimes(etw, (utc) => utc + seconds * 1000);
}

/** The earliest instant (UTC ms) any of these logs writes (mapTimes reads them). */
function earliest(texts: string[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const text of texts)
    mapTimes(text, (utc) => {
      first = Math.min(first, utc);
      return utc;
    });
  return first;
}

/** The line indexes where a record starts, for CMTrace and SMS trace logs; none for other formats. */
function recordStarts(lines: string[]): number[] {
  if (lines.some((l) => l.startsWith('<![LOG['))) return lines.flatMap((l, i) => (l.startsWith('<![LOG[') ? [i] : []));
  if (lines.some((l) => l.includes('$$<'))) return lines.flatMap((l, i) => (l.includes('$$<') ? [i] : []));
  return [];
}

/** [older part, newer part] cut at the record nearest `fraction`, or undefined when the log is not cut. */
export function rollOver(text: string, fraction: number): [string, string] | undefined {
  const lines = text.split('\n');
  const starts = recordStarts(lines);
  if (starts.length < 6) return undefined;
  const cut = starts[Math.floor(starts.length * fraction)];
  return [lines.slice(0, cut).join('\n') + '\n', lines.slice(cut).join('\n')];
}

const NOISE = [
  'Raising event: instance of CCM_ServiceHost_CertRetrieval_Status { DateTime = "20240312140000.000000+000"; HRESULT = "0x00000000"; ProcessID = 1234; ThreadID = 5678; };',
  'Successfully queued event on HTTP/HTTPS client channel',
  'Session {GUID} is now active for user CONTOSO\\jdoe',
  'Evaluating policy {GUID} for the current user: nothing to do',
  'Memory usage: working set 42 MB, private bytes 38 MB',
];

/** A neutral CcmExec record, same time and thread, after every `every`-th CMTrace record. */
export function addNoise(text: string, every: number): string {
  let n = 0;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return text.replace(
    /<!\[LOG\[[\s\S]*?\]LOG\]!>(<time="[^"]*" date="[^"]*" component=")[^"]*(" context="[^"]*" type=")\d(" thread="\d+" file="[^"]*">)/g,
    (record, head, middle, tail) => {
      n++;
      if (n % every) return record;
      const guid = `${pad(n, 8)}-aaaa-4bbb-8ccc-${pad(n * 7919, 12)}`.slice(0, 36);
      const message = NOISE[n % NOISE.length].replace('GUID', guid);
      return `${record}${newline}<![LOG[${message}]LOG]!>${head}CcmExec${middle}1${tail}`;
    },
  );
}

/** A CMTrace log in the other Unicode encoding, with LF line ends; other formats with LF only. */
function reencoded({ text, encoding, encode }: Decoded): Buffer {
  const lf = text.replace(/\r\n/g, '\n');
  if (!text.includes('<![LOG[')) return encode(lf);
  return encoding === 'utf16le'
    ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lf, 'utf8')])
    : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lf, 'utf16le')]);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path).map((f) => join(name, f)) : [name];
  });
}

/** Writes `from` rewritten by `relation` into `to`. `index` varies the zone per machine folder. */
export function rewrite(from: string, to: string, relation: Relation): void {
  const machines = new Map<string, number>();
  const logs = files(from).filter((file) => /\.(log|lo_)$/i.test(file));
  const origin = relation === 'stretch' ? earliest(logs.map((f) => decode(readFileSync(join(from, f))).text)) : 0;
  for (const file of files(from)) {
    if (!/\.(log|lo_)$/i.test(file)) continue;
    const decoded = decode(readFileSync(join(from, file)));
    const { text, encode } = decoded;
    const target = join(to, file);
    mkdirSync(join(target, '..'), { recursive: true });
    if (relation === 'zone') {
      const machine = file.split(/[\\/]/)[0];
      if (!machines.has(machine)) machines.set(machine, [-330, 125, 480, -600][machines.size % 4]);
      writeFileSync(target, encode(shiftZone(text, machines.get(machine)!)));
    } else if (relation === 'skew') {
      const machine = file.split(/[\\/]/)[0];
      if (!machines.has(machine)) machines.set(machine, SKEWS_S[machines.size % SKEWS_S.length]);
      writeFileSync(target, encode(skewed(text, machines.get(machine)!)));
    } else if (relation === 'noise') writeFileSync(target, encode(addNoise(text, 2)));
    else if (relation === 'stretch')
      writeFileSync(target, encode(mapTimes(text, (utc) => origin + (utc - origin) * STRETCH)));
    else if (relation === 'encoding') writeFileSync(target, reencoded(decoded));
    else {
      const parts =
        /\.log$/i.test(file) && !files(from).includes(file.replace(/\.log$/i, '.lo_'))
          ? rollOver(text, 0.5)
          : undefined;
      if (!parts) writeFileSync(target, encode(text));
      else {
        writeFileSync(target.replace(/\.log$/i, '.lo_'), encode(parts[0]));
        writeFileSync(target, encode(parts[1]));
      }
    }
  }
}

/**
 * What a verdict is, without file names and line numbers (they move when a log is cut or grows); with
 * `timeKeys` false, without the instants in keys too (a cycle's key is its start, which 'stretch' moves).
 */
export function verdicts(findings: Finding[], timeKeys = true): string[] {
  return findings
    .map((f) =>
      [
        f.flow,
        (timeKeys ? f.key : f.key.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')).replace(/\.lo_\b/g, '.log'),
        f.status,
        f.error?.code ?? '',
        f.steps.find((s) => s.failed)?.name ?? '',
      ].join(' | '),
    )
    .sort();
}
