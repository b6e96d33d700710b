// The WebAssembly line scanner (server/wasm/lineScan.ts scanFirstLines, fastpath/lineScan.ts) on the first-line
// formats — classic WindowsUpdate.log, WSUS SoftwareDistribution.log, the Get-WindowsUpdateLog (ETW) form — and
// its UTF-16 transcoder (the classic log as Windows writes it): every record the line fast path makes must be the
// general parser's, field by field. The files are mostly lines of the usual shape (what the scanner reads) with
// every kind of line it must leave to JavaScript between them, read in chunks of many sizes; each test also
// checks that the scanner really read most records.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LineByteReader } from '../../server/src/core/fastpath/lineBytes';
import { parseBytes, parseFile } from '../../server/src/core/parse';
import { RecordTable } from '../../server/src/core/table';
import { fastPathDifferences } from '../support/sameParse';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-linescan-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const clock = (i: number) => `${pad(Math.floor(i / 3600) % 24)}:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}`;

/** Messages with the words and marks the formats' rules turn on. */
const MESSAGES = [
  'Found 32 updates and 86 categories in search; evaluated appl. rules of 93 out of 1150 deployed entities',
  'WARNING: Exit code = 0x8024402C',
  'FATAL: Failed to initialize the download manager',
  'FAILED [80244022] Get cookie',
  '*FAILED* [8024000C] Method failed (nothing to do)',
  'Update download FAILED [00000000] is no failure',
  'FAILED without a code',
  'Download FAILED [8024000C]',
  'FAILED* [80070BC2] then FAILED [80240022]: the first code decides',
  'FAILED [8024000c] in lower case hex',
  'xFAILED [8024000C] glued, then FAILED [8024001E]',
  'failed in lower case is no WindowsUpdate.log error, nor WARNINGS, nor xFATAL',
  'Logging initialized (build: 7.6.7600.256, tz: -0500)',
  'the word tz: alone, and atz: -0100) inside a word',
  'tabs\tinside\tthe message',
  'trailing blanks   \t',
  'a $ sign and a $$ pair and <angle> brackets',
  'the LOG[ word alone, and LOG] and LOGS',
  '',
];

/** Classic WindowsUpdate.log lines: 2024-03-04<TAB>08:00:00:003<TAB> 968<TAB>f58<TAB>Report<TAB>text */
const wulog = (n: number, from = 0, day = '2024-03-04') =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const component = ['Agent', 'AU', 'Report', '  Misc  ', 'DnldMgr'][i % 5];
    return `${day}\t${clock(i)}:${pad(i % 1000, 3)}\t ${900 + (i % 3)}\t${(0xf58 + (i % 4)).toString(16)}\t${component}\t${MESSAGES[i % MESSAGES.length]}`;
  });

/** WSUS lines: 2024-03-04 13:00:03.470 UTC<TAB>Info<TAB>w3wp.70<TAB>Component.Method<TAB>text */
const wsus = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const level = ['Info', 'Warning', 'Error', 'Change', 'fatal', 'ERROR', 'Info'][i % 7];
    const process = ['w3wp.70', 'WsusService.21', 'w3wp.', 'wsusutil', 'w3wp.58'][i % 5];
    return `2024-03-04 ${clock(i)}.${pad(i % 1000, 3)} UTC\t${level}\t${process}\tCatalogSyncAgent.Sync\t${MESSAGES[i % MESSAGES.length]}`;
  });

/** ETW-form lines: 2024/03/04 08:00:00.0198466 6932  6429  ProtocolTalker  text */
const wuetw = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const fraction = String(1000000 + ((i * 7919) % 9000000)).slice(-[7, 7, 7, 3, 5, 1][i % 6]);
    const component = ['Agent', 'ProtocolTalker', 'Shared', 'Misc', 'DownloadManager'][i % 5];
    return `2024/03/04 ${clock(i)}.${fraction} ${6900 + (i % 40)}  ${6400 + (i % 9)}  ${component.padEnd(16)}${MESSAGES[i % MESSAGES.length]}`;
  });

const GENERATORS: Record<string, (n: number, from?: number) => string[]> = { wulog, wsus, wuetw };
/**
 * The share of the generated lines the scanner reads: the others are JavaScript's by design (a first "tz: " in a
 * classic line that declares no zone: "the word tz: alone"). FAILED lines, whose code decides their severity, and
 * zone declarations ("tz: -0500)") are the scanner's too.
 */
const SCANNED_SHARE: Record<string, number> = { wulog: 18 / 19, wsus: 1, wuetw: 1 };
/** At least `share` of `lines` lines, less a few (the last record of the data, records near the lines it leaves). */
const most = (format: string, lines: number) => Math.floor(SCANNED_SHARE[format] * lines * 0.9);

/** Reads `bytes` with the line fast path, pushed in chunks of `chunk` bytes (UTF-16: messages in the table). */
function readWith(file: string, bytes: Buffer, chunk: number, format: string, utf16: boolean) {
  const table = new RecordTable(file);
  const skip = utf16 && bytes[0] === 0xff ? 2 : 0;
  if (!utf16) table.readFrom(file, bytes.subarray(0, 16 * 1024));
  const reader = new LineByteReader(file, table, format, skip, null, utf16 ? 'utf-16le' : 'utf-8');
  for (let at = skip; at < bytes.length; at += chunk)
    reader.push(bytes.subarray(at, Math.min(bytes.length, at + chunk)));
  reader.end();
  return { reader, table };
}

function assertSameAsGeneral(
  name: string,
  format: string,
  content: string | Buffer,
  minScanned: number,
  utf16 = false,
) {
  const file = write(`${name}.log`, content);
  const bytes = readFileSync(file);
  const general = parseBytes(bytes, file);
  assert.equal(general.format, format, `${name}: the general parser's format`);
  const expected = general.records.map((r) => JSON.stringify(r));
  for (const chunk of [1 << 20, 4096, 333, 17]) {
    const { reader, table } = readWith(file, bytes, chunk, format, utf16);
    assert.deepEqual(
      table.map((r) => JSON.stringify(r)),
      expected,
      `${name} in chunks of ${chunk}`,
    );
    assert.equal(reader.lineCount, general.lineCount, `${name}: lines`);
    assert.equal(reader.warningCount, general.warningCount, `${name}: warnings`);
    if (chunk === 1 << 20)
      assert.ok(
        reader.scannedRecords >= minScanned,
        `${name}: the scanner read ${reader.scannedRecords} of ${expected.length}`,
      );
  }
}

const utf16le = (text: string, bom: boolean) =>
  Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);

const CMTRACE_LINE =
  '<![LOG[a CMTrace record]LOG]!><time="13:00:00.000+300" date="03-04-2024" component="X" context="" type="1" thread="1" file="">';

for (const format of ['wulog', 'wsus', 'wuetw']) {
  const lines = GENERATORS[format];
  // The records expected from the scanner: most of those before the general parser takes over, if it does.
  const cases: Array<[string, string | Buffer, number]> = [
    ['CRLF', lines(400).join('\r\n') + '\r\n', most(format, 400)],
    ['LF, no final line break', lines(400).join('\n'), most(format, 400)],
    [
      'continuation lines, a blank line inside a record, blank lines between',
      [
        ...lines(30),
        '   at Microsoft.UpdateServices.Internal.ClientImplementation.SyncUpdates(Cookie cookie)',
        '   at Microsoft.UpdateServices.Internal.ClientWebService.SyncUpdates(Cookie cookie)',
        ...lines(5, 30),
        'a continuation line without indent',
        '',
        'after a blank line',
        ...lines(5, 35),
        '',
        '',
        ...lines(30, 40),
      ].join('\r\n'),
      most(format, 30),
    ],
    [
      'lines another format may start: digits, "<", "[", the Click-to-Run header',
      [
        ...lines(30),
        '12 items left',
        '[bracketed]',
        '<angle>',
        'Timestamp\tProcess\tTID\tArea\tCategory\tEventID\tLevel\tMessage\tCorrelation',
        ...lines(30, 30),
      ].join('\r\n'),
      most(format, 30),
    ],
    ['a CMTrace record mid-file', [...lines(30), CMTRACE_LINE, ...lines(30, 30)].join('\r\n'), most(format, 30)],
    [
      'an SMS trace record mid-file',
      [
        ...lines(30),
        'a site server line  $$<SMS_X><03-04-2024 13:00:00.000+300><thread=1 (0x1)>',
        ...lines(30, 30),
      ].join('\r\n'),
      most(format, 30),
    ],
    [
      'non-ASCII lines and a BOM mid-file',
      [...lines(30), `${lines(1, 30)[0]} Verteilungspunkt “DP01”`, '\ufeff' + lines(1, 31)[0], ...lines(30, 32)].join(
        '\r\n',
      ),
      most(format, 30),
    ],
    ['a bare CR', [...lines(30), `${lines(1, 30)[0]} bare\rCR`, ...lines(30, 31)].join('\r\n'), most(format, 30)],
    [
      'NUL padding',
      Buffer.concat([
        Buffer.from(lines(30).join('\r\n') + '\r\n'),
        Buffer.alloc(4096),
        Buffer.from('\r\n' + lines(30, 30).join('\r\n')),
      ]),
      most(format, 30),
    ],
    ['truncated last line', lines(50).join('\r\n') + '\r\n' + lines(1, 50)[0].slice(0, 17), most(format, 50)],
  ];
  for (const [name, content, minScanned] of cases)
    test(`line scanner = general parser, ${format}: ${name}`, () =>
      assertSameAsGeneral(`${format}_${name.replace(/\W+/g, '_')}`, format, content, minScanned));

  test(`line scanner = general parser, ${format}: UTF-16 LE with and without a BOM, in odd chunks`, () => {
    const text = [...lines(200), `${lines(1, 200)[0]} 😀 “pair” and ü`, ...lines(200, 201)].join('\r\n') + '\r\n';
    assertSameAsGeneral(`${format}_utf16_bom`, format, utf16le(text, true), most(format, 400), true);
    assertSameAsGeneral(`${format}_utf16`, format, utf16le(text, false), most(format, 400), true);
  });

  test(`line scanner = general parser, ${format}: UTF-16 with lone surrogates and a byte cut off at the end`, () => {
    const head = utf16le([...lines(100)].join('\r\n') + '\r\n', true);
    const lone = Buffer.concat([
      utf16le(lines(1, 100)[0] + ' lone high ', false),
      Buffer.from([0x3d, 0xd8]),
      utf16le(' then text, lone low ', false),
      Buffer.from([0x00, 0xdc]),
      utf16le('\r\n' + lines(100, 101).join('\r\n') + '\r\n', false),
    ]);
    assertSameAsGeneral(
      `${format}_utf16_lone`,
      format,
      Buffer.concat([head, lone, Buffer.from([0x41])]),
      most(format, 200),
      true,
    );
    assertSameAsGeneral(
      `${format}_utf16_high_at_end`,
      format,
      Buffer.concat([head, lone, Buffer.from([0x3d, 0xd8])]),
      most(format, 200),
      true,
    );
  });

  test(`line scanner, ${format}: a 20 MB line and the records around it`, async () => {
    const big = `${lines(1, 100)[0]} ${'error '.repeat((20 * 1024 * 1024) / 6)}`;
    const file = write(`${format}_big.log`, [...lines(100), big, ...lines(100, 101)].join('\r\n') + '\r\n');
    assert.deepEqual(await fastPathDifferences(file), []);
  });

  test(`line scanner, ${format}: parseFile is the general parser, record by record (UTF-8 and UTF-16)`, async () => {
    const text = lines(5000).join('\r\n') + '\r\n';
    assert.deepEqual(await fastPathDifferences(write(`${format}_ordinary.log`, text)), []);
    const file = write(`${format}_ordinary16.log`, utf16le(text, true));
    assert.deepEqual(await fastPathDifferences(file), []);
    assert.equal((await parseFile(file)).encoding, 'utf-16le');
  });
}

test('line scanner = general parser, wulog: the zone the file declares, changed mid-file, and odd declarations', () => {
  const content = [
    ...wulog(20),
    '2024-03-04\t09:00:00:000\t 968\tf58\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: -0500)  ===========',
    ...wulog(20, 20),
    '2024-03-04\t10:00:00:000\t 968\tf58\tMisc\tLogging initialized (build: 7.6.7600.256, tz: +0130)',
    ...wulog(20, 40),
    '2024-03-04\t11:00:00:000\t 968\tf58\tMisc\todd declaration tz: 0500) and tz: -05x0)',
    ...wulog(20, 60),
    '2024-03-05\t00:00:00:000\t 968\tf58\tMisc\tnext day',
    ...wulog(20, 80, '2024-03-05'),
  ].join('\r\n');
  assertSameAsGeneral('wulog_zones', 'wulog', content, most('wulog', 100));
});

test('line scanner = general parser, wulog: zone declarations the scanner reads, wherever a scan or chunk ends', () => {
  // Agents restart often: a declaration every few records, now and then with continuation lines after it, the
  // zone going back and forth (each record after one has its zone; the declaring record too), one at the very end.
  const declaration = (i: number, zone: string) =>
    `2024-03-04\t${clock(5000 + i)}:000\t ${1600 + i}\t17${i % 10}\tMisc\t===========  Logging initialized (build: 7.6.7601.24436, tz: ${zone})  ===========`;
  const lines: string[] = [];
  const zones = ['-0500', '+0000', '+0530', '-1200', '+1400', '-0000'];
  for (let i = 0; i < 300; i++) {
    lines.push(declaration(i, zones[i % zones.length]));
    if (i % 7 === 3) lines.push('   a continuation line after the declaration');
    lines.push(...wulog(1 + (i % 5), i * 5).filter((line) => !line.includes('tz: ')));
  }
  lines.push(declaration(300, '+0100'));
  const records = lines.filter((line) => line.startsWith('2024')).length;
  assertSameAsGeneral('wulog_many_zones', 'wulog', lines.join('\r\n'), records - 5);
  assertSameAsGeneral('wulog_many_zones_lf', 'wulog', lines.join('\n') + '\n', records - 5);
});

test('line scanner = general parser: thousands of distinct components and pids of every short length', () => {
  // Values of 1..20 bytes (those of up to 16 are looked up by their bytes first, in a small cache where they
  // collide), differing in one byte at either end, more than the scanner holds at once (it forgets them all then),
  // and old ones coming back after that.
  const name = (i: number) => {
    const length = 1 + (i % 20);
    const id = i.toString(36);
    // Past 8 bytes: the same first 8 ("Componen"), the rest differing; else differing at the start or the end.
    if (length > 8 && i % 2) return ('Componen' + id.padStart(length - 8, 'y')).slice(0, length);
    const base = `C${id}`.padEnd(length, 'x').slice(0, length);
    return i % 3 ? base : base.slice(0, -1) + String.fromCharCode(97 + (i % 26));
  };
  const order = Array.from({ length: 9000 }, (_, k) => (k < 6000 ? k : (k * 7919) % 6000));
  const classic = order.map(
    (i, k) => `2024-03-04\t${clock(k)}:${pad(k % 1000, 3)}\t ${(i * 31) % 70000}\tf58\t${name(i)}\tmessage ${k}`,
  );
  assertSameAsGeneral('wulog_many_values', 'wulog', classic.join('\r\n') + '\r\n', 8900);
  const etw = order.map(
    (i, k) => `2024/03/04 ${clock(k)}.0198466 ${(i * 31) % 70000}  6429  ${name(i).padEnd(16)}message ${k}`,
  );
  assertSameAsGeneral('wuetw_many_values', 'wuetw', etw.join('\r\n') + '\r\n', 8900);
});

test('line scanner = general parser, wulog: odd prefixes', () => {
  const content = [
    ...wulog(20),
    '2024-03-04\t08:00:00.003\t 968\tf58\tAgent\ta dot before the milliseconds',
    '2024-03-04\t24:00:00:003\t 968\tf58\tAgent\thour 24',
    '2024-02-30\t08:00:00:003\t 968\tf58\tAgent\tday 30 of February',
    '2024-03-04\t08:00:00:003\t968\tffffffff\tAgent\tthe largest thread',
    '2024-03-04\t08:00:00:003\t968\tfffffffe\tAgent\tthe thread after the largest',
    '2024-03-04\t08:00:00:003\t968\t123456789\tAgent\tnine hex digits',
    '2024-03-04\t08:00:00:003\t\t968\tf58\tAgent\ttwo tabs',
    '2024-03-04\t08:00:00:003\t 968\tf58\tAgent',
    '2024-03-04\t08:00:00:003\t 968\tf58\t',
    `2024-03-04\t08:00:00:003\t 968\tf58\t${'C'.repeat(300)}\ta message past column 254`,
    ...wulog(20, 20),
  ].join('\r\n');
  assertSameAsGeneral('wulog_prefixes', 'wulog', content, most('wulog', 40));
});

test('line scanner = general parser, wsus: odd prefixes', () => {
  const content = [
    ...wsus(20),
    '2024-03-04 13:00:03.4 UTC\tInfo\tw3wp.70\tone digit of fraction',
    '2024-03-04 13:00:03.470   UTC  Info  w3wp.70 spaces between the columns',
    '2024-03-04 13:00:03.470 UTC\tInfo\tw3wp.x7\ta thread that is no number',
    '2024-03-04 13:00:03.470 UTC\tInfo\tw3wp.1234567890\tten digits of thread',
    '2024-03-04 13:00:03.470 UTC\tInfo\ta.b.c.58\tdots in the process',
    '2024-03-04 13:00:03.470 UTC\tInfo\tw3wp.70',
    '2024-03-04 13:00:03.470 UTC\tInfo',
    '2024-03-04 13:00:03.470 GMT\tInfo\tw3wp.70\tnot UTC',
    '2024-03-04 13:00:03.470 UTC\tWARNING\tw3wp.70\tupper case',
    '2024-03-04 13:00:03.470 UTC\tErrors\tw3wp.70\tno level word',
    ...wsus(20, 20),
  ].join('\r\n');
  assertSameAsGeneral('wsus_prefixes', 'wsus', content, most('wsus', 30)); // each odd line takes the record before it
});

test('line scanner = general parser, wuetw: odd prefixes', () => {
  const content = [
    ...wuetw(20),
    '2024-03-04 08:00:00.0198466 6932  6429  Agent  dashes in the date',
    '2024/03-04 08:00:00.0198466 6932  6429  Agent  mixed separators',
    '2024/03/04 08:00:00.01984661 6932  6429  Agent  eight digits of fraction',
    '2024/03/04 08:00:00. 6932  6429  Agent  no fraction',
    '2024/03/04 24:00:00.0198466 6932  6429  Agent  hour 24',
    '2024/02/30 08:00:00.0198466 6932  6429  Agent  day 30 of February',
    '2024/03/04 08:00:00.0198466 6932\t6429  Agent  a tab between',
    '2024/03/04 08:00:00.0198466 6932  1234567890  Agent  ten digits of thread',
    '2024/03/04 08:00:00.0198466 6932  6429  Agent\ta tab after the component',
    '2024/03/04 08:00:00.0198466 6932  6429  Agent',
    '2024/03/04 08:00:00.0198466 6932  6429  ',
    '2024/03/04 08:00:00.0000000 6932  6429  Agent  zeros',
    `2024/03/04 08:00:00.0198466 6932  6429  ${'C'.repeat(300)} a message past column 254`,
    ...wuetw(20, 20),
  ].join('\r\n');
  assertSameAsGeneral('wuetw_prefixes', 'wuetw', content, most('wuetw', 40));
});

test('line scanner = general parser: random lines of the pieces the first-line rules turn on', () => {
  const pieces = [
    'FATAL',
    'FAILED',
    'WARNING',
    'FAILED [80244022]',
    ' [00000000]',
    'tz: -0500)',
    'tz: ',
    'x',
    '_',
    ' ',
    '\t',
    '9',
    '$$<',
    '$',
    'F',
    'W',
    't',
    'z',
  ];
  let seed = 4242;
  const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  for (const format of ['wulog', 'wsus', 'wuetw']) {
    const lines = GENERATORS[format](3000);
    for (let i = 0; i < lines.length; i++) {
      let message = '';
      for (let k = random(10); k > 0; k--) message += pieces[random(pieces.length)];
      lines[i] += message;
      if (!random(50)) lines[i] = `   ${message}`; // a continuation line
    }
    // Most random lines hold a FAILED, a "tz: " or a "$$<": a few hundred records are the scanner's.
    assertSameAsGeneral(`random_${format}`, format, lines.join('\r\n') + '\r\n', 150);
  }
});
