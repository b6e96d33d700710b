// The line fast path (server/src/core/fastpath/lineBytes.ts) for SMS trace, classic WindowsUpdate.log and WSUS
// SoftwareDistribution.log against the general parser, record by record, on files made to hit each of its
// rules (multi-line records, time zones declared in the file, odd lines, hostile bytes), and checks that it
// is really taken for ordinary lines.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ERROR, INFO, WARNING, WordFinder, severityOfWords } from '../../server/src/core/fastpath/byteText';
import { LineByteReader } from '../../server/src/core/fastpath/lineBytes';
import { severityFromWords } from '../../server/src/core/formats/fields';
import { packedKeyList } from '../../server/src/core/keyTable';
import { parseBytes, parseFile } from '../../server/src/core/parse';
import { collectPostings, type FilePostings } from '../../server/src/core/postings';
import { RecordTable, severityId } from '../../server/src/core/table';
import { fastPathDifferences } from '../support/sameParse';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// ---- SMS trace ------------------------------------------------------------------------------------

const smsTrailer = (i: number, component = 'SMS_WSUS_SYNC_MANAGER', bias = '+300') =>
  `  $$<${component}><03-04-2024 13:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}.${pad(i % 1000, 3)}${bias}><thread=4672 (0x1240)>`;
const smsLines = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    if (i % 7 === 3)
      return [
        `STATMSG: ID=${6700 + (i % 4)} SEV=${i % 2 ? 'E' : 'I'} LEV=M SOURCE="SMS Server" COMP="SMS_WSUS_SYNC_MANAGER" SYS=CM1.CONTOSO.COM SITE=CM1`,
        `PID=2188 TID=4672 GMTDATE=Mon Mar 04 13:52:41.127 2024 ISTR0="" NUMATTRS=0${smsTrailer(i)}`,
      ].join('\r\n');
    if (i % 5 === 1) return `Sync failed: WSUS server not configured. Source: getSiteSUPSettings${smsTrailer(i)}`;
    if (i % 11 === 2) return `WARNING: Sync completed with some errors, will retry${smsTrailer(i)}`;
    return `Synchronizing update ${i} of 900 — “Security Update” for KB50${pad(i, 5)}${smsTrailer(i)}`;
  });

// ---- classic WindowsUpdate.log --------------------------------------------------------------------

const wuStamp = (i: number) =>
  `2024-03-04\t13:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}:${pad(i % 1000, 3)}\t 968\tf58`;
const wuLines = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    if (i % 17 === 0)
      return `${wuStamp(i)}\tMisc\t===========  Logging initialized (build: 7.6.7601.24436, tz: -0500)  ===========`;
    if (i % 13 === 5) return `${wuStamp(i)}\tAgent\t  * FAILED: Exit code = 0x80244022`;
    if (i % 13 === 6)
      return `${wuStamp(i)}\tAgent\t*FAILED* [8024000C] Method failed [CAgentUpdateManager::FindUpdates:1357]`;
    if (i % 13 === 7) return `${wuStamp(i)}\tPT\tFATAL: Failed to synchronize, error = 0x80072EE2`;
    if (i % 9 === 4) return `${wuStamp(i)}\tReport\tWARNING: Cached cookie has expired or new PID is available`;
    return `${wuStamp(i)}\tAgent\t  * Added update {${pad(i, 8)}-0000-4000-8000-000000000000}.104 to search result`;
  });

// ---- WSUS SoftwareDistribution.log ----------------------------------------------------------------

const wsusStamp = (i: number) => `2024-03-04 18:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}.${pad(i % 1000, 3)} UTC`;
const wsusLines = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    if (i % 9 === 2)
      return [
        `${wsusStamp(i)}\tError\tw3wp.${i % 80}\tSoapUtilities.CreateException\tThrowException: actor = http://wsus:8530/ClientWebService/client.asmx, ErrorCode=InternalServerError`,
        '   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie)',
        '   at Microsoft.UpdateServices.Internal.ClientWebService.SyncUpdates(Cookie cookie)',
      ].join('\r\n');
    if (i % 7 === 3)
      return `${wsusStamp(i)}\tWarning\tWsusService.${i % 40}\tContentSyncAgent.Wake\tFile not found, will retry`;
    return `${wsusStamp(i)}\t${i % 2 ? 'Info' : 'Change'}\tWsusService.${i % 40}\tCatalogSyncAgentCore.ImportUpdates\tImported update ${i}`;
  });

const BIG_LINE = 'x'.repeat(20 * 1024 * 1024);

const CASES: Record<string, string | Buffer> = {
  // SMS trace
  'sms: CRLF with BOM': '\ufeff' + smsLines(60).join('\r\n') + '\r\n',
  'sms: LF, no final line break': smsLines(60).join('\n'),
  'sms: no bias, other biases, odd thread values': [
    ...smsLines(3),
    `no bias${smsTrailer(1, 'X', '')}`,
    `bias -60${smsTrailer(2, 'X', '-60')}`,
    `bias +-240${smsTrailer(3, 'X', '+-240')}`,
    'empty thread  $$<X><03-04-2024 13:00:00.000+000><thread=>',
    'hex thread  $$<X><03-04-2024 13:00:00.000+000><thread=0x1F>',
    'spaced thread  $$<X><03-04-2024 13:00:00.000+000><thread= 12 >',
    'long thread  $$<X><03-04-2024 13:00:00.000+000><thread=123456789012>',
    'blanks after  $$<X><03-04-2024 13:00:00.000+000><thread=1>   \t',
    ...smsLines(3, 3),
  ].join('\r\n'),
  'sms: wrong dates and times': [
    `day 31 of February  $$<X><02-31-2024 13:00:00.000+300><thread=1>`,
    `month 13  $$<X><13-01-2024 13:00:00.000+300><thread=1>`,
    `hour 25  $$<X><03-04-2024 25:00:00.000+300><thread=1>`,
    `second 60  $$<X><03-04-2024 13:00:60.000+300><thread=1>`,
    `seven digits  $$<X><03-04-2024 13:00:00.1234567+300><thread=1>`,
    `one-digit month  $$<X><3-4-2024 13:00:00.000+300><thread=1>`,
    `bias too big  $$<X><03-04-2024 13:00:00.000+3000><thread=1>`,
    `not a time  $$<X><yesterday><thread=1>`,
    ...smsLines(3),
  ].join('\r\n'),
  'sms: held lines, a blank line inside, lines no trailer closes at the end': [
    ...smsLines(4),
    'first of three',
    'second of three',
    `third${smsTrailer(9)}`,
    'held',
    '',
    `after a blank line${smsTrailer(10)}`,
    ...smsLines(4, 20),
    'never closed',
    'nor this',
  ].join('\r\n'),
  'sms: severities by words and STATMSG': [
    `errors were found${smsTrailer(1)}`,
    `ERRORS were found${smsTrailer(1)}`,
    `Errorless run${smsTrailer(1)}`,
    `an exception_ here${smsTrailer(1)}`,
    `EXCEPTION!${smsTrailer(1)}`,
    `warn: low disk${smsTrailer(1)}`,
    `forewarning only${smsTrailer(1)}`,
    `STATMSG: ID=5 SEV=W but failed anyway${smsTrailer(1)}`,
    `statmsg: id=5 sev=e, then STATMSG: ID=6 SEV=I${smsTrailer(1)}`,
    `STATMSG: ID= SEV=E failed${smsTrailer(1)}`,
    `STATMSG: ID=7 SEV=EX failed${smsTrailer(1)}`,
    `x STATMSG: ID=7 SEV=W${smsTrailer(1)}`,
    `xSTATMSG: ID=7 SEV=I error${smsTrailer(1)}`,
    `message ending in é${smsTrailer(1)}`,
    `message ending in a no-break space\u00a0${smsTrailer(1)}`,
    ...smsLines(2),
  ].join('\r\n'),
  'sms: trailers that are not quite trailers': [
    ...smsLines(2),
    'two marks $$<A><03-04-2024 13:00:00.000+300><thread=1> and $$<B><03-04-2024 13:00:01.000+300><thread=2>',
    'a $ in the time $$<A><03-04-2024 13:00:00.000+300$$<><thread=1>',
    'text after $$<A><03-04-2024 13:00:00.000+300><thread=1> more',
    'no thread $$<A><03-04-2024 13:00:00.000+300><pid=1>',
    'a > in the component $$<A>B><03-04-2024 13:00:00.000+300><thread=1>',
    '<tag>value</tag>',
    '2024-03-04 18:00:00.000 UTC\tInfo\tw3wp.5\tA.B\ta WSUS line in an SMS file',
    `${smsTrailer(5)}`,
    ...smsLines(2, 2),
  ].join('\r\n'),
  'sms: CMTrace text inside': [
    ...smsLines(3),
    '<![LOG[a CMTrace record]LOG]!><time="13:00:00.000+300" date="03-04-2024" component="X" context="" type="1" thread="1" file="">',
    ...smsLines(3, 3),
  ].join('\r\n'),
  'sms: bare CR, NUL padding, BOM inside': Buffer.concat([
    Buffer.from(smsLines(3).join('\r\n') + '\r\n'),
    Buffer.from(`half\rhalf${smsTrailer(1)}\r\n`),
    Buffer.alloc(3000),
    Buffer.from('\ufeff' + smsLines(3, 3).join('\r\n')),
  ]),
  'sms: Windows-1252 lines among UTF-8 ones': Buffer.concat([
    Buffer.from(smsLines(3).join('\r\n') + '\r\n'),
    Buffer.from(`Caf\xe9 r\xe9seau${smsTrailer(1)}\r\n`, 'latin1'),
    Buffer.from(smsLines(3, 3).join('\r\n')),
  ]),
  'sms: truncated in the middle of a trailer': smsLines(10).join('\r\n') + '\r\nlast one  $$<SMS_WSUS_SYNC_MA',
  'sms: binary junk': Buffer.concat([
    Buffer.from(smsLines(20).join('\r\n') + '\r\n'),
    Buffer.from(Array.from({ length: 5000 }, (_, k) => (k * 7919 + 13) % 256)),
    Buffer.from('\r\n' + smsLines(20, 20).join('\r\n')),
  ]),
  'sms: a 20 MB line': smsLines(5).join('\r\n') + '\r\n' + BIG_LINE + '\r\n' + smsLines(5, 5).join('\r\n'),
  'sms: UTF-16 (general parser)': Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from(smsLines(30).join('\r\n'), 'utf16le'),
  ]),
  // classic WindowsUpdate.log
  'wulog: tz declarations, FAILED with codes, FATAL, WARNING': wuLines(120).join('\r\n') + '\r\n',
  'wulog: LF, continuation lines, a blank line inside a record': [
    ...wuLines(5),
    'continued once',
    '  continued twice',
    ...wuLines(3, 5),
    'before a blank line',
    '',
    'after a blank line',
    ...wuLines(20, 8),
  ].join('\n'),
  'wulog: odd shapes': [
    ...wuLines(18),
    '2024-03-04\t13:00:00.000\t968\tf58\tAgent\tdot before the millis, no spaces',
    '2024-03-04\t13:00:00:000\t  968\t  F58\t Agent \tpadded component',
    '2024-03-04\t13:00:00:000\t968\tf58\tÄgent\tnon-ASCII component',
    '2024-03-04\t13:00:00:000\t968\tf58\tAgent',
    '2024-03-04\t13:00:00:000\t968\tfffffffff\tAgent\tnine hex digits',
    '2024-03-04\t13:00:00:000\t968\tffffffff\tAgent\tthread 0xffffffff',
    '2024-02-30\t13:00:00:000\t968\tf58\tAgent\twrong date',
    '2024-03-04\t24:00:00:000\t968\tf58\tAgent\thour 24',
    '2024-03-04\t13:00:00:000\t968\tf58\tAgent\tFAILED [00000000] is a success',
    '2024-03-04\t13:00:00:000\t968\tf58\tAgent\tFAILED* [8024000C] no-op, then FAILED [80070005]',
    '2024-03-04\t13:00:00:000\t968\tf58\tAgent\tNOT_FAILED and FAILEDX and tz: +0100) declared',
    '2024-03-04\t13:00:00:000\t968\tf58\tAgent\tstz: +0100) is no declaration',
    '2024-03-04\t13:00:00:000\t968\tf58\tMisc\t(build: 7.6, tz: +0530)  half an hour',
    '2024-03-04\t13:00:00:000\t968\tf58\tMisc\t(tz: -0000) zero',
    '2024-03-04\t13:00:00:000\t968\tf58\tMisc\t(tz: 0500) no sign, (tz: -05:00) colon, then (tz: +0200)',
    '2024-03-04\t13:00:00:000\t968\tf58\tMisc\ttz: +0100',
    '2024-03-04\t13:00:00:000\t968\tf58\tMisc\ttz: +0100) at the start, FATAL too',
    '2024-03-04 13:00:00.0000000 968 9020 Agent an ETW line in a classic file',
    ...wuLines(5, 18),
  ].join('\r\n'),
  'wulog: text before the first record, SMS trailer inside': [
    'header line',
    ...wuLines(5),
    `2024-03-04\t13:00:00:000\t968\tf58\tAgent\ttext${smsTrailer(1)}`,
    ...wuLines(5, 5),
  ].join('\r\n'),
  'wulog: hostile: junk, NUL, truncated last record': Buffer.concat([
    Buffer.from(wuLines(30).join('\r\n') + '\r\n'),
    Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 31 + 7) % 256)),
    Buffer.from('\r\n' + wuLines(10, 30).join('\r\n') + '\r\n2024-03-04\t13:00'),
  ]),
  // WSUS SoftwareDistribution.log
  'wsus: stack traces, levels': wsusLines(90).join('\r\n') + '\r\n',
  'wsus: odd shapes': [
    ...wsusLines(5),
    '2024-03-04 18:00:00.1234567 UTC\tInfo\tw3wp.5\tseven digits',
    '2024-03-04 18:00:00.1 UTC\tInfo\tw3wp.5\tone digit',
    '2024-03-04 18:00:00.000 UTC Info w3wp.5 spaces, not tabs',
    '2024-03-04 18:00:00.000 UTC\tFATAL\tw3wp\tno thread',
    '2024-03-04 18:00:00.000 UTC\tERROR\tw3wp.\tempty thread',
    '2024-03-04 18:00:00.000 UTC\tInfo\tw3wp.5x\tthread with a letter',
    '2024-03-04 18:00:00.000 UTC\tInfo\ta.b.c.12\tdots',
    '2024-03-04 18:00:00.000 UTC\tInfo\tw3wp.5',
    '2024-03-04 18:00:00.000 UTC\tÍnfo\tw3wp.5\tnon-ASCII level',
    '2024-13-04 18:00:00.000 UTC\tInfo\tw3wp.5\tmonth 13',
    '2024-03-04 18:00:00.000 UTC\tInfo\tw3wp.5\u00a0no-break space',
    '   at continuation after odd lines',
    '[bracketed continuation]',
    ...wsusLines(5, 5),
  ].join('\r\n'),
};

for (const [name, content] of Object.entries(CASES)) {
  test(`line fast path = general parser: ${name}`, async () => {
    const file = write(`${name.replace(/[^a-z0-9]+/gi, '_')}.log`, content);
    assert.deepEqual(await fastPathDifferences(file), []);
  });
}

/** How the line fast path reads `file` (pushed in chunks of `chunk` bytes), and the records it made. */
function readWith(format: string, file: string, chunk: number): { reader: LineByteReader; records: string[] } {
  const bytes = readFileSync(file);
  const table = new RecordTable(file);
  table.readFrom(file, bytes.subarray(0, 16 * 1024));
  const reader = new LineByteReader(file, table, format, 0);
  for (let at = 0; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
  reader.end();
  return { reader, records: table.map((r) => JSON.stringify(r)) };
}

test('ordinary lines of each format are read from the bytes, not by the general parser', () => {
  const files: Array<[string, string]> = [
    ['sms', smsLines(500).join('\r\n')],
    ['wulog', wuLines(500).join('\r\n')],
    ['wsus', wsusLines(500).join('\r\n')],
  ];
  for (const [format, text] of files) {
    const { reader } = readWith(format, write(`ordinary-${format}.log`, text), 1 << 20);
    assert.equal(reader.handedOffAt, 0, format);
    assert.equal(reader.fastRecords, 500, format);
    assert.equal(reader.slowRecords, 0, format);
  }
});

test('records cut by chunk boundaries anywhere are read the same', async () => {
  for (const [format, text] of [
    ['sms', smsLines(40).join('\r\n') + '\r\nheld\r\n'],
    ['wulog', wuLines(40).join('\n') + '\ncontinued'],
    ['wsus', wsusLines(40).join('\r\n') + '\r\n'],
  ] as const) {
    const file = write(`chunks-${format}.log`, text);
    const expected = (await parseFile(file)).records.map((r) => JSON.stringify(r));
    for (const chunk of [1, 2, 3, 7, 64, 251, 1 << 20]) {
      const { reader, records } = readWith(format, file, chunk);
      assert.deepEqual(records, expected, `${format} in chunks of ${chunk}`);
      assert.equal(reader.lineCount, text.split(/\r?\n/).length - (text.endsWith('\n') ? 1 : 0));
    }
  }
});

test('a 20 MB line neither crashes nor loses the records after it', async () => {
  const file = write(
    'big-line.log',
    smsLines(5).join('\r\n') + '\r\n' + BIG_LINE + '\r\n' + smsLines(5, 5).join('\r\n'),
  );
  const result = await parseFile(file);
  assert.equal(result.format, 'sms');
  // The line has no trailer: the next trailer line closes it into its record, as the general parser does.
  assert.equal(result.records.length, 10);
  assert.ok(result.records.message(5).startsWith(BIG_LINE), 'the long line is in the record after it');
  assert.match(result.records.message(9), /^Synchronizing update 9 of 900/);
});

test('severityOfWords and WordFinder agree with the regular expressions on random text', () => {
  const pieces = [
    'error',
    'ERRORS',
    'Failed',
    'failure',
    'FATAL',
    'exception',
    'warn',
    'Warning',
    'err',
    'fail',
    'warnings',
    'errorx',
    '_error',
    'é',
    ' ',
    '\t',
    '.',
    '-',
    'x',
    '9',
    'tz: ',
    'STATMSG',
    'ſ',
    'K',
  ];
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % pieces.length;
  for (let n = 0; n < 5000; n++) {
    const text = Array.from({ length: 1 + (n % 9) }, () => pieces[next()]).join('');
    const bytes = Buffer.from('#' + text + '#');
    const expected = severityId(severityFromWords(text));
    assert.equal(severityOfWords(bytes, 1, bytes.length - 1), expected, JSON.stringify(text));
  }
  const finder = new WordFinder(['tz: ', 'FATAL'], false);
  const found = (text: string) => finder.find(Buffer.from(text), 0, Buffer.byteLength(text));
  assert.equal(found('(tz: -0500)'), 1);
  assert.equal(found('stz: x'), 0);
  assert.equal(found('FATAL'), 2);
  assert.equal(found('FATALITY fatal'), 0);
  assert.deepEqual(
    [ERROR, WARNING, INFO].map((s) => typeof s),
    ['number', 'number', 'number'],
  );
});

test('the fixtures above hold what they claim (STATMSG severities, tz declarations)', async () => {
  const sms = await parseFile(write('claims-sms.log', smsLines(14).join('\r\n')));
  const statmsg = sms.records.get(3);
  assert.equal(statmsg.line, 4);
  assert.equal(statmsg.endLine, 5);
  assert.equal(statmsg.severity, 'error');
  assert.match(statmsg.message, /^STATMSG: ID=6703 SEV=E .*\nPID=2188/);
  const wu = await parseFile(write('claims-wu.log', wuLines(3).join('\r\n')));
  assert.equal(wu.records.get(1).biasMinutes, 300);
  assert.equal(readFileSync(join(dir, 'claims-wu.log'), 'utf8').split('\r\n').length, 3);
});

function asMap(p: FilePostings): Map<string, number[]> {
  return new Map(
    packedKeyList(p.keys).map((key, k) => [key, Array.from(p.records.subarray(p.starts[k], p.starts[k + 1]))]),
  );
}

test('the keys (GUIDs, KBs) collected while reading are those of the records, over chunks, odd lines and a hand-off', async () => {
  const guid = (i: number) => `${pad(i, 8)}-AAAA-4BBB-8CCC-${pad(i * 7, 12)}`;
  const withKeys = (lines: string[], at: (i: number) => string) =>
    lines.map((line, i) => line.replace(/(\d{3})(\D*)$/, `$1 ${at(i)} KB${4000000 + (i % 50)}$2`));
  const files: Array<[string, string]> = [
    ['sms', withKeys(smsLines(20000), (i) => `{${guid(i % 3000)}}`).join('\r\n')],
    ['wulog', [...wuLines(20000), `2024-03-04\t13:00:00:000\t968\tf58\tAgent\todd ${guid(1)} \u00e9`].join('\r\n')],
    [
      'wsus',
      [
        ...withKeys(wsusLines(20000), (i) => guid(i % 5000)),
        `junk ${guid(2)}`,
        '',
        `after a blank line ${guid(3)}`,
        ...wsusLines(50),
      ].join('\r\n'),
    ],
  ];
  for (const [format, text] of files) {
    const file = write(`keys-${format}.log`, text);
    assert.ok(Buffer.byteLength(text) > 2 * 1024 * 1024, `${format}: several chunks`);
    const result = await parseFile(file, { keys: true });
    assert.equal(result.format, format);
    assert.ok(result.postings, format);
    const general = parseBytes(readFileSync(file), file);
    assert.deepEqual(asMap(result.postings), asMap(collectPostings(general.records)), format);
    assert.ok(asMap(result.postings).size > 50, `${format}: keys found`);
  }
});
