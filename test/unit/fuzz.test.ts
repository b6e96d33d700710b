// Bounded-time fuzzing of the parser: random bytes; truncated, spliced and interleaved CMTrace, SMS trace,
// WindowsUpdate.log (both forms), WSUS, CBS/DISM/Panther, IIS W3C, Click-to-Run, WiX Burn, SetupAPI (setupapi.dev.log and the XP setupapi.log), Office Setup.exe and DPINST.LOG
// texts generated here; a 20 MB line; deeply nested XML; 10^6 GUIDs indexed;
// invalid UTF-16; NUL floods; a "<![LOG[" that never closes before 100k lines. Every input runs in a worker thread
// under a time limit (a hang is a failure, not a stuck CI job) and must: not throw; give records whose line ranges
// increase and lie inside the input; cover every non-blank line; have exactly one header record per "]LOG]!><"
// marker (and one SMS record per "$$<...><thread=...>" trailer in SMS text); count its damaged records as warnings;
// and give the same records when the bytes arrive in random-sized chunks.
//
// This file is also the worker (it checks workerData), and test/corpus/fuzz.corpus.test.ts sends it real logs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { MAX_PENDING_LINES, NO_HEADER, ORPHAN_TEXT } from '../../server/src/core/assemble';
import { LogIndex } from '../../server/src/core/logIndex';
import { parseFilesParallel } from '../../server/src/core/parallel';
import { collectPostings } from '../../server/src/core/postings';
import { parseBytes, parseFile, parseText, StreamingParser, type ParseResult } from '../../server/src/core/parse';
import { sniffEncoding } from '../../server/src/core/read/encoding';
import type { LogRecord } from '../../server/src/core/record';
import { RecordTable } from '../../server/src/core/table';
import { prettyXml, extractXml } from '../../server/src/features/xml';

const TAG = 'cmlogsFuzzWorker';

// ---- Seeded randomness ------------------------------------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  guid(): string {
    const h = () => this.int(0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-${h()}-${h()}-${h()}${h()}${h()}`.toUpperCase();
  }
}

// ---- Generated logs -----------------------------------------------------------------------------------

const WORDS = [
  'Scan',
  'completed',
  'failed',
  'error',
  'warning',
  'update',
  'CTM',
  'job',
  'content',
  'download',
  'policy',
  'assignment',
  'hr=0x80244022',
  '0x87d00664',
  'KB4012345',
  'state',
  'message',
  'WSUS',
  'location',
  '<tag>',
  '&amp;',
  '"quoted"',
  "it's",
  'C:\\Windows\\ccmcache\\a',
  'é',
  '日本',
  '😀',
];

function message(rng: Rng): string {
  const n = 1 + rng.int(14);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.chance(0.1) ? `{${rng.guid()}}` : rng.pick(WORDS));
  return parts.join(' ');
}

function xmlBlock(rng: Rng): string[] {
  const lines = ['<WSUSLocationReply SchemaVersion="1.00"><Sites><Site>'];
  for (let i = rng.int(6); i > 0; i--)
    lines.push(`  <LocationRecord WSUSURL="http://sup${i}:8530" Version="${rng.int(99)}"/>`);
  if (rng.chance(0.2)) lines.push('');
  lines.push('</Site></Sites></WSUSLocationReply>');
  return lines;
}

function cmtraceText(rng: Rng, records: number, eol = '\r\n'): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    const bias = rng.pick(['+300', '-60', '+000', '+-240', '', '+9999']);
    const date = rng.chance(0.97)
      ? `${1 + rng.int(12)}-${1 + rng.int(28)}-20${10 + rng.int(15)}`
      : rng.pick(['13-45-2020', '', 'x']);
    const time = `${rng.int(24)}:${String(rng.int(60)).padStart(2, '0')}:${String(rng.int(60)).padStart(2, '0')}.${rng.int(1000)}${bias}`;
    const attrs = rng.chance(0.95)
      ? `time="${time}" date="${date}" component="${rng.pick(['CAS', 'WUAHandler', 'ScanAgent', 'Comp onent', ''])}" context="" type="${rng.pick(['1', '2', '3', '0', '4', '', '9'])}" thread="${rng.int(20000)}" file="${rng.pick(['x.cpp:1', '', 'a"b'])}"`
      : rng.pick([`date="${date}" time="${time}" type="3"`, 'time=', `time="${time}"`, '']);
    const header = `]LOG]!><${attrs}>`;
    if (rng.chance(0.1))
      out.push(
        ...[`<![LOG[${message(rng)}:`, ...xmlBlock(rng)].map((l, k, all) => (k === all.length - 1 ? l + header : l)),
      );
    else out.push(`<![LOG[${message(rng)}${header}`);
  }
  return out.join(eol) + (rng.chance(0.8) ? eol : '');
}

function smsText(rng: Rng, records: number, eol = '\r\n'): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    const trailer = `  $$<${rng.pick(['SMS_WSUS_SYNC_MANAGER', 'SMS_EXECUTIVE', ''])}><${1 + rng.int(12)}-${1 + rng.int(28)}-2014 ${rng.int(24)}:${String(rng.int(60)).padStart(2, '0')}:00.${rng.int(1000)}${rng.pick(['+300', '-60', '', 'x'])}><thread=${rng.int(9999)} (0x${rng.int(9999).toString(16)})>`;
    if (rng.chance(0.1))
      out.push(
        `STATMSG: ID=${6700 + rng.int(7)} SEV=${rng.pick(['I', 'W', 'E'])} LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER"`,
        `PID=1 TID=2 GMTDATE=Thu Jan 16 18:57:46.304 2014 ISTR0="" NUMATTRS=0${trailer}`,
      );
    else out.push(`${message(rng)}${trailer}`);
  }
  return out.join(eol) + eol;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function wuClassicText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    if (rng.chance(0.02))
      out.push(
        `2014-01-20\t08:02:47:319\t 968\t9d0\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: ${rng.pick(['-0500', '+0530'])})  ===========`,
      );
    out.push(
      `2014-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))}\t${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}:${pad(rng.int(1000), 3)}\t${String(rng.int(9999)).padStart(4)}\t${rng.int(65535).toString(16)}\t${rng.pick(['Agent', 'AU', 'PT', 'Report'])}\t${rng.pick(['', 'WARNING: ', 'FATAL: ', '  * '])}${message(rng)}`,
    );
  }
  return out.join('\r\n') + '\r\n';
}

function wuEtwText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++)
    out.push(
      `20${10 + rng.int(15)}/${pad(1 + rng.int(12))}/${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}.${rng.int(9999999)} ${rng.int(9999)}  ${rng.int(9999)}  ${rng.pick(['Agent', 'ComApi', 'DownloadManager'])}       ${message(rng)}`,
    );
  return out.join('\r\n') + '\r\n';
}

function wsusText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    out.push(
      `2014-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}.${rng.int(999)} UTC${rng.pick(['\t', ' '])}${rng.pick(['Info', 'Error', 'Warning', 'Change'])}\tw3wp.${rng.int(99)}\tSoap.Call\t${message(rng)}`,
    );
    if (rng.chance(0.1))
      out.push(
        '   at System.Net.HttpWebRequest.GetResponse()',
        '   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates()',
      );
  }
  return out.join('\r\n') + '\r\n';
}

// CBS.log / DISM.log / Panther setupact.log: fixed-width level and component columns, indented continuation lines.
function cbsText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    const level = rng.pick(['Info', 'Error', 'Warning', 'Perf']);
    const component = rng.pick(['CBS', 'CSI', 'DISM', 'MOUPG', '', 'SP', 'SYSPRP', 'LONGCOMPONENT']);
    const id = rng.chance(0.1) ? `[0x0f${pad(rng.int(99))}a] ` : '';
    out.push(
      `20${10 + rng.int(15)}-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}, ${level + ' '.repeat(22 - level.length - id.length) + id}${component.padEnd(7)}${message(rng)}`,
    );
    if (rng.chance(0.1))
      out.push(`  (${rng.int(9)})  Install: flags: 0 tlc: [${message(rng)}]`, 'CSIPERF:TXCOMMIT;31651');
  }
  return out.join('\r\n') + '\r\n';
}

// IIS W3C: directives, then space-separated columns; a second #Fields changes the columns mid-file.
function iisText(rng: Rng, records: number): string {
  const out = [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    '#Date: 2024-03-01 00:00:01',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
  ];
  for (let i = 0; i < records; i++) {
    if (rng.chance(0.02)) out.push('#Fields: time cs-method cs-uri-stem sc-status sc-win32-status');
    out.push(
      `2024-03-${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))} 10.0.0.${rng.int(255)} ${rng.pick(['GET', 'HEAD', 'POST', 'BITS_POST'])} /${rng.pick(['SMS_MP/.sms_aut', 'ClientWebService/client.asmx', 'SMS_DP_SMSPKG$/PS100012'])} ${rng.pick(['-', 'MPLIST', 'MPKEYINFORMATIONEX'])} 443 - 10.1.0.${rng.int(255)} ${rng.pick(['ccmsetup', 'Windows-Update-Agent/10.0.10011.16384+Client-Protocol/2.50', '-'])} - ${rng.pick(['200', '304', '404', '500', '503', 'x'])} ${rng.int(20)} ${rng.pick(['0', '2', '64', '1236', '999999'])} ${rng.int(9999)}`,
    );
  }
  return out.join('\r\n') + '\r\n';
}

// Office Click-to-Run: a header row, then tab-separated columns with a ULS level.
function clickToRunText(rng: Rng, records: number): string {
  const out = ['Timestamp\tProcess\tTID\tArea\tCategory\tEventID\tLevel\tMessage\tCorrelation'];
  for (let i = 0; i < records; i++) {
    const text = rng.chance(0.05) ? `${message(rng)}\r\n  ${message(rng)}` : message(rng);
    out.push(
      `${pad(1 + rng.int(12))}/${pad(1 + rng.int(28))}/20${10 + rng.int(15)} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}.${pad(rng.int(1000), 3)}\tOFFICECL (0x${rng.int(65535).toString(16)})\t0x${rng.int(65535).toString(16)}\t\t${rng.pick(['Orapi', 'Click-To-Run', 'Activity'])}\t${rng.pick(['cpknf', 'aqkhc'])}\t${rng.pick(['Medium', 'Monitorable', 'Unexpected', 'Verbose', 'High'])}\t${text}\t${rng.chance(0.5) ? `{${rng.guid()}}` : ''}`,
    );
  }
  return out.join('\r\n') + '\r\n';
}

// WiX Burn: [pid:tid][time]lNNN: message, an XML manifest dumped in between.
function burnText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    out.push(
      `[${rng.int(65535).toString(16).toUpperCase().padStart(4, '0')}:${rng.int(65535).toString(16).toUpperCase().padStart(4, '0')}][20${10 + rng.int(15)}-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))}T${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}]${rng.pick(['i', 'w', 'e'])}${pad(rng.int(400), 3)}: ${message(rng)}`,
    );
    if (rng.chance(0.05))
      out.push(
        '<UserExperienceManifest xmlns="http://schemas.microsoft.com/Setup/2010/01/Burn/UserExperience">',
        '  <Settings>',
        '  </Settings>',
        '</UserExperienceManifest>',
      );
  }
  return out.join('\r\n') + '\r\n';
}

// SetupAPI: a header, boot and section markers, "xxx:" lines with ! and !!! for warnings and errors.
function setupApiText(rng: Rng, records: number): string {
  const out = [
    '[Device Install Log]',
    '     OS Version = 10.0.22631',
    '     Architecture = amd64',
    '',
    '[BeginLog]',
    '',
    '[Boot Session: 2024/03/13 11:08:42.008]',
    '',
  ];
  for (let i = 0; i < records; i++) {
    if (rng.chance(0.1))
      out.push(
        `>>>  [Device Install (Hardware initiated) - ${message(rng)}]`,
        `>>>  Section start 2024/${pad(1 + rng.int(12))}/${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}.${pad(rng.int(1000), 3)}`,
      );
    const time = rng.chance(0.3)
      ? ` ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}.${pad(rng.int(1000), 3)}`
      : '';
    out.push(
      `${rng.pick(['     ', '     ', '!    ', '!!!  '])}${rng.pick(['dvi', 'sto', 'inf', 'flq', 'cpy'])}: ${rng.pick(['', '     ', '          '])}${message(rng)}${time}`,
    );
    if (rng.chance(0.05))
      out.push(
        `<<<  Section end 2024/03/13 11:09:00.000`,
        `<<<  [Exit status: ${rng.pick(['SUCCESS', 'FAILURE(0xe0000219)'])}]`,
        '',
      );
  }
  return out.join('\r\n') + '\r\n';
}

// Windows 2000 / XP setupapi.log: "[date time pid.n]" section headers, "#Xnnn" entries (some "@ time"), an
// indented line continuing an entry.
function setupApiLegacyText(rng: Rng, records: number): string {
  const out = ['[SetupAPI Log]', 'OS Version = 5.1.2600 Service Pack 3', 'Architecture = x86'];
  for (let i = 0; i < records; i++) {
    if (i === 0 || rng.chance(0.15))
      out.push(
        `[20${10 + rng.int(15)}/${pad(1 + rng.int(12))}/${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))} ${rng.int(9999)}.${rng.int(999)}${rng.pick(['', ' Driver Install'])}]`,
      );
    const at = rng.chance(0.2)
      ? `@ ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}.${pad(rng.int(1000), 3)} `
      : '';
    out.push(`${at}#${rng.pick(['-', 'I', 'W', 'E', 'V', 'T'])}${pad(rng.int(400), 3)} ${message(rng)}`);
    if (rng.chance(0.05)) out.push(`    ${message(rng)}`);
  }
  return out.join('\r\n') + '\r\n';
}

// Office Setup.exe: "YYYY/MM/DD HH:MM:SS:mmm::[tid] message", a message over lines, blank lines.
function officeSetupText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    out.push(
      `20${10 + rng.int(15)}/${pad(1 + rng.int(12))}/${pad(1 + rng.int(28))} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}:${pad(rng.int(1000), 3)}::[${rng.int(9999)}] ${rng.pick(['', 'PERF: ', 'Warning: ', 'Error: ', 'LIS: '])}${message(rng)}${rng.pick(['', '', ' failed with error 3010', ' Return code: 1603.'])}`,
    );
    if (rng.chance(0.05)) out.push(`   C:\\WINDOWS\\TEMP\\${message(rng)}`, '');
  }
  return out.join('\r\n') + '\r\n';
}

// DPINST.LOG: levels padded to eight characters, time stamp lines, DIFXAPP lines, a broken message.
function dpinstText(rng: Rng, records: number): string {
  const out: string[] = [];
  for (let i = 0; i < records; i++) {
    const text = rng.chance(0.1)
      ? `${pad(1 + rng.int(12))}/${pad(1 + rng.int(28))}/20${10 + rng.int(15)} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}`
      : message(rng);
    out.push(
      `${rng.chance(0.1) ? 'DIFXAPP: ' : ''}${rng.pick(['INFO:   ', 'SUCCESS:', 'WARNING:', 'ERROR:  '])}${text}`,
    );
    if (rng.chance(0.05)) out.push(`        ${message(rng)}`);
  }
  return out.join('\r\n') + '\r\n';
}

const GENERATORS: Array<(rng: Rng, n: number) => string> = [
  cmtraceText,
  smsText,
  wuClassicText,
  wuEtwText,
  wsusText,
  cbsText,
  iisText,
  clickToRunText,
  burnText,
  setupApiText,
  setupApiLegacyText,
  officeSetupText,
  dpinstText,
];

/** How many records a clean text of the line formats holds: its entry-start lines, counted independently of the parser. */
const ENTRY_STARTS = new Map<(rng: Rng, n: number) => string, RegExp>([
  [wuClassicText, /^\d{4}[-/]/],
  [wuEtwText, /^\d{4}[-/]/],
  [cbsText, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, /],
  [iisText, /^./],
  [clickToRunText, /^(?:\d{2}\/\d{2}\/\d{4} |Timestamp\t)/],
  [burnText, /^\[[0-9A-F]{4}:[0-9A-F]{4}\]\[/],
  [setupApiText, /^(?:\[|>>> |<<< |!!! |! {4}| {5}[a-z]{2,8}: )/],
  [setupApiLegacyText, /^(?:\[|#|@ )/],
  [officeSetupText, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}:\d{3}::\[/],
  [dpinstText, /^(?:DIFXAPP: )?(?:INFO|SUCCESS|WARNING|ERROR):/],
]);

// ---- Bytes and mutations --------------------------------------------------------------------------------

function encode(text: string, encoding: 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be' | 'latin1'): Uint8Array {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf8bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  if (encoding === 'latin1') return Buffer.from(text.replace(/[^\x00-\xff]/g, '?'), 'latin1');
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (encoding === 'utf16le') return le;
  const be = Buffer.from(le);
  be.swap16();
  return be;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** Cuts, splices, duplications, deletions, junk and flipped bytes: what truncation and concurrent writers do. */
function mutate(rng: Rng, bytes: Uint8Array, others: Uint8Array[]): Uint8Array {
  let b = bytes;
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const at = rng.int(b.length + 1);
    switch (rng.int(6)) {
      case 0:
        b = b.subarray(0, at);
        break;
      case 1: {
        const o = rng.pick(others);
        b = concat([b.subarray(0, at), o.subarray(rng.int(o.length + 1))]);
        break;
      }
      case 2: {
        const end = Math.min(b.length, at + rng.int(4096));
        b = concat([b.subarray(0, at), b.subarray(end)]);
        break;
      }
      case 3: {
        const from = rng.int(b.length + 1);
        b = concat([b.subarray(0, at), b.subarray(from, Math.min(b.length, from + rng.int(4096))), b.subarray(at)]);
        break;
      }
      case 4: {
        const junk = new Uint8Array(1 + rng.int(64)).map(() =>
          rng.pick([0, 10, 13, 60, 62, 91, 93, 33, 0xef, 0xbb, 0xbf, 0xff, 0xfe, 0xd8, 0xdc, rng.int(256)]),
        );
        b = concat([b.subarray(0, at), junk, b.subarray(at)]);
        break;
      }
      default: {
        const copy = Uint8Array.from(b);
        for (let i = rng.int(16); i > 0 && copy.length; i--) copy[rng.int(copy.length)] = rng.int(256);
        b = copy;
      }
    }
  }
  return b;
}

/** Two writers at once: slices of several texts interleaved at random byte offsets. */
function interleave(rng: Rng, sources: Uint8Array[]): Uint8Array {
  const at = sources.map(() => 0);
  const parts: Uint8Array[] = [];
  while (at.some((a, i) => a < sources[i].length)) {
    const i = rng.int(sources.length);
    const n = 1 + rng.int(400);
    parts.push(sources[i].subarray(at[i], at[i] + n));
    at[i] += n;
  }
  return concat(parts);
}

// ---- Checks ------------------------------------------------------------------------------------------

const fromHeader = (r: LogRecord) =>
  r.format === 'cmtrace' && !(r.damaged ?? '').startsWith(ORPHAN_TEXT) && !(r.damaged ?? '').startsWith(NO_HEADER);
const SMS_TRAILER = /\$\$<([^>]*)><([^>]*)><thread=([^>]*)>\s*$/;

export interface CheckOptions {
  /** The input is SMS trace only: one sms record per trailer. */
  smsOnly?: boolean;
}

/** The text exactly as the parser saw it. */
function decodedText(input: Uint8Array | string): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sniff = sniffEncoding(input);
  return new TextDecoder(sniff.encoding, { fatal: false, ignoreBOM: true }).decode(input.subarray(sniff.bomLength));
}

/** Every invariant; returns the problems found (empty when all hold). */
function check(input: Uint8Array | string, result: ParseResult, options: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const text = decodedText(input);
  const raw = text.split(/\r\n|\r|\n/);
  if (raw.length && raw[raw.length - 1] === '') raw.pop();
  const lines = raw.map((l) => {
    let c = l.indexOf('\0') >= 0 ? l.replace(/\0+/g, '') : l;
    if (c.charCodeAt(0) === 0xfeff) c = c.slice(1);
    return c;
  });
  if (result.lineCount !== lines.length)
    problems.push(`lineCount ${result.lineCount}, the input has ${lines.length} lines`);
  const records = result.records;
  const covered = new Uint8Array(lines.length + 2);
  let prev: LogRecord | null = null;
  for (const [i, r] of [...records].entries()) {
    if (
      !Number.isInteger(r.line) ||
      !Number.isInteger(r.endLine) ||
      r.line < 1 ||
      r.endLine < r.line ||
      r.endLine > lines.length
    ) {
      problems.push(`record ${i}: lines ${r.line}-${r.endLine} outside 1-${lines.length}`);
      if (problems.length > 5) break;
      continue;
    }
    if (prev && r.line < prev.endLine)
      problems.push(`record ${i} starts at line ${r.line}, before the previous record ends (${prev.endLine})`);
    if (typeof r.message !== 'string' || (r.utc !== null && !Number.isFinite(r.utc)))
      problems.push(`record ${i}: bad fields`);
    if (r.endLine - r.line > MAX_PENDING_LINES + 1)
      problems.push(`record ${i} spans ${r.endLine - r.line + 1} lines (limit ${MAX_PENDING_LINES})`);
    covered.fill(1, r.line, r.endLine + 1);
    prev = r;
    if (problems.length > 5) break;
  }
  let lost = 0;
  let firstLost = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!covered[i + 1] && lines[i].trim()) {
      lost++;
      if (firstLost < 0) firstLost = i + 1;
    }
  }
  if (lost)
    problems.push(
      `${lost} non-blank lines in no record, first line ${firstLost}: ${JSON.stringify(lines[firstLost - 1].slice(0, 80))}`,
    );
  let markers = 0;
  for (const l of lines) for (let at = l.indexOf(']LOG]!><'); at >= 0; at = l.indexOf(']LOG]!><', at + 8)) markers++;
  const headerRecords = records.filter(fromHeader).length;
  if (headerRecords !== markers)
    problems.push(`${headerRecords} CMTrace header records for ${markers} "]LOG]!><" markers`);
  if (options.smsOnly) {
    const trailers = lines.filter((l) => {
      const at = l.lastIndexOf('$$<');
      return at >= 0 && SMS_TRAILER.test(l.slice(at));
    }).length;
    const sms = records.filter((r) => r.format === 'sms').length;
    if (sms !== trailers) problems.push(`${sms} SMS records for ${trailers} trailers`);
  }
  // Besides its damaged records, a file may be warned of once as a whole (binary data: "not a text log").
  const damaged = records.filter((r) => r.damaged !== undefined).length;
  const binary = result.warnings.filter((w) => w.message.startsWith('not a text log')).length;
  if (binary > 1 || (binary === 1 && result.warnings[0].line !== 1)) problems.push(`${binary} file warnings`);
  if (result.warningCount !== damaged + binary)
    problems.push(`warningCount ${result.warningCount}, damaged records ${damaged}, file warnings ${binary}`);
  return problems;
}

/** The same bytes in random-sized chunks (after a first push of 64 KB, the sniffing window) give the same records. */
function checkChunked(rng: Rng, bytes: Uint8Array, whole: ParseResult): string[] {
  const records = new RecordTable(whole.file);
  const parser = new StreamingParser(whole.file, (r) => records.push(r));
  let at = Math.min(bytes.length, 65536);
  parser.push(bytes.subarray(0, at));
  while (at < bytes.length) {
    const n = rng.pick([1, 2, 3, 7, 64, 4096, 65536]);
    parser.push(bytes.subarray(at, at + n));
    at += n;
  }
  // A log still being written: the provisional tail must not throw either.
  parser.pendingRecords();
  parser.end();
  if (records.length !== whole.records.length)
    return [`${records.length} records when chunked, ${whole.records.length} in one piece`];
  for (let i = 0; i < records.length; i++) {
    if (JSON.stringify(records.get(i)) !== JSON.stringify(whole.records.get(i)))
      return [
        `record ${i} differs when chunked: ${JSON.stringify(records.get(i)).slice(0, 200)} vs ${JSON.stringify(whole.records.get(i)).slice(0, 200)}`,
      ];
  }
  return [];
}

// ---- Cases -------------------------------------------------------------------------------------------

export type Job = {
  id: number;
  kind: string;
  seed: number;
  bytes?: Uint8Array;
  paths?: string[];
  options?: CheckOptions;
};
export interface Verdict {
  id: number;
  problems: string[];
  records: number;
  ms: number;
  error?: string;
}

function runJob(job: Job): Omit<Verdict, 'id' | 'ms'> {
  const rng = new Rng(job.seed);
  const run = (input: Uint8Array | string, options: CheckOptions = {}, chunked = true) => {
    const result = typeof input === 'string' ? parseText(input, 'fuzz.log') : parseBytes(input, 'fuzz.log');
    const problems = check(input, result, options);
    if (chunked && typeof input !== 'string' && input.length <= 4 << 20)
      problems.push(...checkChunked(rng, input, result));
    // FUZZ_DUMP=<folder>: failing inputs are written there, to replay with cmlogs or a debugger.
    if (problems.length && process.env.FUZZ_DUMP) {
      mkdirSync(process.env.FUZZ_DUMP, { recursive: true });
      writeFileSync(join(process.env.FUZZ_DUMP, `${job.kind}-${job.seed}.log`), input);
    }
    return { result, problems };
  };
  switch (job.kind) {
    case 'bytes': {
      const { result, problems } = run(job.bytes!, job.options);
      return { problems, records: result.records.length };
    }
    case 'truncate':
    case 'splice':
    case 'interleave':
    case 'mutate': {
      // Real files (test/corpus/fuzz.corpus.test.ts gives their paths): cut at a random byte, spliced onto another
      // file, interleaved with another (two writers), or mutated every way at once.
      const files = job.paths!.map((p) => new Uint8Array(readFileSync(p)));
      const [a, b = a] = files;
      const bytes =
        job.kind === 'truncate'
          ? a.subarray(0, rng.int(a.length + 1))
          : job.kind === 'splice'
            ? concat([a.subarray(0, rng.int(a.length + 1)), b.subarray(rng.int(b.length + 1))])
            : job.kind === 'interleave'
              ? interleave(rng, [a, b])
              : mutate(rng, a, files);
      const { result, problems } = run(bytes, job.options);
      return { problems, records: result.records.length };
    }
    case 'random-bytes': {
      const n = rng.int(32768);
      const tokens = [
        '<![LOG[',
        ']LOG]!><',
        'time="1:2:3.4+5" date="1-2-2014"',
        '>',
        '$$<',
        '><thread=',
        '\r\n',
        '\n',
        '\r',
        '\0',
        '\u2028',
        '"',
        'é',
        '\ud800',
        '2014-01-16\t',
        '2020/11/19 15:25:46.9 1 2 X ',
        `{${rng.guid()}}`,
      ];
      const bytes = rng.chance(0.3)
        ? new Uint8Array(n).map(() => rng.int(256))
        : encode(
            Array.from({ length: n >> 3 }, () =>
              rng.chance(0.5) ? rng.pick(tokens) : String.fromCharCode(rng.int(128)),
            ).join(''),
            rng.pick(['utf8', 'utf8bom', 'utf16le', 'utf16be', 'latin1'] as const),
          );
      const { result, problems } = run(bytes);
      return { problems, records: result.records.length };
    }
    case 'spliced': {
      const gens = [GENERATORS[job.seed % GENERATORS.length], rng.pick(GENERATORS)];
      const encoding = rng.pick(['utf8', 'utf8bom', 'utf8', 'utf16le', 'latin1'] as const);
      const texts = gens.map((g) => encode(g(rng, 20 + rng.int(300)), encoding));
      const smsOnly = gens.every((g) => g === smsText);
      const bytes = rng.chance(0.25) ? interleave(rng, texts) : mutate(rng, texts[0], texts);
      const { result, problems } = run(bytes, { smsOnly });
      return { problems, records: result.records.length };
    }
    case 'two-writers': {
      // A timestamp-first log (so the file is detected as that format) with CMTrace records written into it.
      const first = encode(rng.pick([wuEtwText, wuClassicText, wsusText, smsText])(rng, 100 + rng.int(200)), 'utf8');
      const cm = encode(cmtraceText(rng, 100 + rng.int(200)), 'utf8');
      const bytes = concat([first.subarray(0, 4096), interleave(rng, [first.subarray(4096), cm])]);
      const { result, problems } = run(bytes);
      return { problems, records: result.records.length };
    }
    case 'clean': {
      // Unmutated text of each format: every record comes out, each of its own format.
      const gen = GENERATORS[job.seed % GENERATORS.length];
      const n = 50 + rng.int(200);
      const text = gen(rng, n);
      const { result, problems } = run(encode(text, 'utf8bom'), { smsOnly: gen === smsText });
      const expected =
        gen === cmtraceText
          ? n
          : gen === smsText
            ? n
            : gen === wsusText
              ? n
              : text.split('\r\n').filter((l) => ENTRY_STARTS.get(gen)!.test(l)).length;
      if (result.records.length !== expected)
        problems.push(`${result.records.length} records, ${expected} written (${gen.name})`);
      return { problems, records: result.records.length };
    }
    case 'long-line': {
      // 20 MB without a line break: as plain text, and as the message of one CMTrace record.
      const body = 'x'
        .repeat(1 << 20)
        .concat(' {B3AD999E-861E-4BC8-8C1C-3F7027834971} 0x80070005 ')
        .repeat(20);
      const asRecord = rng.chance(0.5);
      const text = asRecord
        ? `<![LOG[${body}]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="3" thread="1" file="">\r\nnext line\r\n`
        : body;
      const { result, problems } = run(text, {}, false);
      if (asRecord && result.records.get(0)?.message.length !== body.length)
        problems.push(`the 20 MB message came out as ${result.records.get(0)?.message.length} characters`);
      return { problems, records: result.records.length };
    }
    case 'nested-xml': {
      const depth = 100_000;
      const xml = '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
      const text = `<![LOG[Policy body:\r\n${xml}\r\n]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="1" thread="1" file="">\r\n<![LOG[inline ${'<b c="d">'.repeat(20000)}]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="1" thread="1" file="">`;
      const { result, problems } = run(text, {}, false);
      if (result.records.length !== 2) problems.push(`${result.records.length} records, expected 2`);
      // What the hover does with a message's XML: extract, validate, pretty-print (or give up), without throwing.
      for (const r of result.records) {
        const raw = extractXml(r.message);
        if (raw) prettyXml(raw);
      }
      return { problems, records: result.records.length };
    }
    case 'guids': {
      // 10^6 GUIDs: 10,000 lines of 100, the first of each line shared by all; index them and look one up.
      const shared = rng.guid();
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) {
        const ids = [shared];
        for (let k = 1; k < 100; k++) ids.push(rng.guid());
        lines.push(
          `<![LOG[${ids.join(' ')}]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="1" thread="1" file="">`,
        );
      }
      const text = lines.join('\r\n');
      const { result, problems } = run(text, {}, false);
      const index = new LogIndex();
      index.setFile(result);
      const occurrences = index.occurrences(shared.toLowerCase());
      if (occurrences.length !== 10_000)
        problems.push(`${occurrences.length} occurrences of the shared GUID, expected 10000`);
      const summary = index.summarize(shared.toLowerCase());
      if (summary?.count !== 10_000) problems.push(`summary count ${summary?.count}`);
      let keys = 0;
      for (const _ of index.keys()) keys++;
      if (keys !== 1 + 10_000 * 99) problems.push(`${keys} distinct keys, expected ${1 + 10_000 * 99}`);
      return { problems, records: result.records.length };
    }
    case 'utf16-invalid': {
      const text = cmtraceText(rng, 50 + rng.int(100));
      let bytes = encode(text, rng.pick(['utf16le', 'utf16be'] as const));
      const copy = Uint8Array.from(bytes);
      // Lone surrogates (high without low, low alone) at random code-unit positions, then an odd byte count.
      const le = copy[0] === 0xff;
      for (let i = 0; i < 20; i++) {
        const at = 2 + 2 * rng.int((copy.length - 2) >> 1);
        const unit = rng.pick([0xd800, 0xdbff, 0xdc00, 0xdfff]);
        copy[at] = le ? unit & 0xff : unit >> 8;
        if (at + 1 < copy.length) copy[at + 1] = le ? unit >> 8 : unit & 0xff;
      }
      bytes = copy.subarray(0, copy.length - (rng.chance(0.7) ? 1 + 2 * rng.int(8) : 0));
      if (rng.chance(0.3)) bytes = bytes.subarray(2); // no BOM: sniffed from the zero bytes
      const { result, problems } = run(bytes);
      return { problems, records: result.records.length };
    }
    case 'nul-flood': {
      const records = encode(cmtraceText(rng, 100), 'utf8');
      const zeros = new Uint8Array((1 + rng.int(4)) << 20);
      const pieces = rng.pick([
        [zeros, records],
        [records, zeros],
        [records, zeros, records],
        [records.subarray(0, records.length >> 1), zeros, records.subarray(records.length >> 1)],
        [zeros.map((_, i) => (i % 4096 === 4095 ? 10 : 0)), records],
      ]);
      const { result, problems } = run(concat(pieces), {}, false);
      return { problems, records: result.records.length };
    }
    case 'unclosed': {
      const lines = ['<![LOG[an opening that never closes'];
      for (let i = 0; i < 100_000; i++) lines.push(`continuation ${i} of a message that never closes`);
      lines.push(
        `<![LOG[closed]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="1" thread="1" file="">`,
      );
      const { result, problems } = run(lines.join('\r\n'), {}, false);
      if (result.records.length < Math.floor(100_000 / MAX_PENDING_LINES))
        problems.push(`only ${result.records.length} records: the open record swallowed the file`);
      return { problems, records: result.records.length };
    }
    default:
      throw new Error(`unknown fuzz case ${job.kind}`);
  }
}

// ---- Worker ------------------------------------------------------------------------------------------

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[TAG]) {
  parentPort!.on('message', (job: Job) => {
    const t0 = performance.now();
    let verdict: Verdict;
    try {
      verdict = { id: job.id, ...runJob(job), ms: performance.now() - t0 };
    } catch (error) {
      verdict = {
        id: job.id,
        problems: [],
        records: 0,
        ms: performance.now() - t0,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    parentPort!.postMessage(verdict);
  });
}

/** Runs jobs in a worker, one at a time, each under a time limit; a job over its limit kills the worker. */
export class BoundedRunner {
  private worker: Worker | null = null;
  private nextId = 1;

  constructor(private readonly entry = __filename) {}

  async run(job: Omit<Job, 'id'>, limitMs: number): Promise<Verdict> {
    const id = this.nextId++;
    const worker = this.ensure();
    return new Promise<Verdict>((resolve) => {
      const done = (v: Verdict) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(v);
      };
      const onMessage = (v: Verdict) => v.id === id && done(v);
      const onError = (e: Error) => {
        this.worker = null;
        done({ id, problems: [], records: 0, ms: 0, error: `worker died: ${e.stack ?? e.message}` });
      };
      const timer = setTimeout(() => {
        this.worker = null;
        void worker.terminate();
        done({ id, problems: [], records: 0, ms: limitMs, error: `no result within ${limitMs} ms (hang)` });
      }, limitMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      const transfer = job.bytes ? [job.bytes.buffer as ArrayBuffer] : [];
      worker.postMessage({ ...job, id }, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    // Hooks given with --import do not reach workers: load tsx's require hook inside, then this file.
    const tsx = require.resolve('tsx/cjs', { paths: [dirname(this.entry), process.cwd()] });
    const worker = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(this.entry)});`, {
      eval: true,
      workerData: { [TAG]: true },
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

// ---- Tests -------------------------------------------------------------------------------------------

/**
 * Bugs found by a case and reported, not fixed yet: its test is a TODO (reported, not failed) until the fix lands;
 * then delete the entry.
 */
export const KNOWN_BUGS: Record<string, string> = {};

if (isMainThread) {
  const runner = new BoundedRunner();
  const SEED = Number(process.env.FUZZ_SEED ?? 20131003);
  /** [case, how many seeds, time limit per input]: ~15 s in all on two cores. */
  const PLAN: Array<[string, number, number]> = [
    ['clean', 20, 5_000],
    ['random-bytes', 120, 5_000],
    ['spliced', 150, 5_000],
    ['two-writers', 40, 5_000],
    ['utf16-invalid', 20, 5_000],
    ['nul-flood', 5, 15_000],
    ['unclosed', 1, 15_000],
    ['nested-xml', 1, 15_000],
    ['long-line', 2, 20_000],
    ['guids', 1, 30_000],
  ];
  for (const [kind, count, limitMs] of PLAN) {
    const known = KNOWN_BUGS[kind];
    test(
      `fuzz ${kind}: ${count} inputs, each under ${limitMs / 1000} s (seed ${SEED})`,
      known ? { todo: known } : {},
      async () => {
        const failures: string[] = [];
        for (let i = 0; i < count; i++) {
          const seed = SEED + i * 7919;
          const v = await runner.run({ kind, seed }, limitMs);
          if (v.error || v.problems.length) failures.push(`${kind} seed ${seed}: ${v.error ?? v.problems.join('; ')}`);
          if (failures.length >= 5) break;
        }
        assert.deepEqual(failures, []);
      },
    );
  }
  test('parseFilesParallel (worker threads) gives exactly what parseFile gives, and rejects a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmlogs-parallel-'));
    try {
      const rng = new Rng(SEED);
      const files = GENERATORS.flatMap((g, i) =>
        [0, 1].map((k) => {
          const file = join(dir, `${g.name}-${k}.log`);
          const bytes = encode(g(rng, 200 + rng.int(800)), k ? 'utf8bom' : 'utf16le');
          writeFileSync(file, i % 2 ? mutate(rng, bytes, [bytes]) : bytes);
          return file;
        }),
      );
      const parallel = await parseFilesParallel(files, 2);
      const plain = ({ postings: _, ...r }: ParseResult) => ({ ...r, records: [...r.records] });
      let fromWorker = 0;
      for (const [i, file] of files.entries()) {
        assert.deepStrictEqual(plain(parallel[i]), plain(await parseFile(file)), file);
        // A worker's postings (this thread's own files have none) are those the index would collect itself.
        if (!parallel[i].postings) continue;
        fromWorker++;
        assert.deepStrictEqual(parallel[i].postings, collectPostings(parallel[i].records), file);
      }
      assert.ok(
        fromWorker > 0 && fromWorker < files.length,
        `the worker and this thread both read files (worker: ${fromWorker} of ${files.length})`,
      );
      await assert.rejects(parseFilesParallel([...files, join(dir, 'missing.log')], 2), /ENOENT|no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'parseFilesParallel: a worker that exits with two files given to it loses neither (both are read again)',
    { timeout: 30_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cmlogs-parallel-exit-'));
      try {
        const rng = new Rng(SEED + 1);
        const files = Array.from({ length: 6 }, (_, k) => {
          const file = join(dir, `clean-${k}.log`);
          writeFileSync(file, encode(GENERATORS[0](rng, 300 + 100 * k), 'utf8'));
          return file;
        });
        // The worker script: the real one, but it exits when its second file comes, with the first not yet read.
        const entry = join(dir, 'exiting-worker.ts');
        writeFileSync(
          entry,
          `import { parentPort } from 'node:worker_threads';\nlet files = 0;\nparentPort!.on('message', () => { if (++files === 2) process.exit(0); });\nrequire(${JSON.stringify(join(__dirname, '../../server/src/core/parallel.ts'))});\n`,
        );
        const parallel = await parseFilesParallel(files, 2, { workerEntry: entry });
        for (const [i, file] of files.entries())
          assert.deepStrictEqual([...parallel[i].records], [...(await parseFile(file)).records], file);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('a job over its time limit is reported as a hang and the next job still runs', async () => {
    const hang = await runner.run({ kind: 'guids', seed: 1 }, 1);
    assert.match(hang.error ?? '', /hang/);
    const next = await runner.run({ kind: 'clean', seed: 5 }, 10_000);
    assert.deepEqual(next.problems, []);
    await runner.close();
  });
}
