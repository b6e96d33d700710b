// The WebAssembly SMS trace line scanner (server/wasm/lineScan.ts, fastpath/lineScan.ts) inside the line fast
// path (fastpath/lineBytes.ts): every record it reads must be the general parser's, field by field. The files
// here are mostly ASCII one-line records (what it reads) with every kind of line it must leave to JavaScript
// between them, and random lines made of the pieces its rules turn on (severity words at word edges, trailers
// of odd shapes), read in chunks of many sizes. Each test also checks the scanner really read most records.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LineByteReader } from '../../server/src/core/fastpath/lineBytes';
import { parseBytes } from '../../server/src/core/parse';
import { RecordTable } from '../../server/src/core/table';
import { fastPathDifferences } from '../support/sameParse';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-linescan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

test('server/src/core/fastpath/lineScanWasm.ts is what server/wasm/lineScan.ts compiles to (npm run build:wasm)', async () => {
  const { compileScanner, moduleText, SCANNERS } = await import('../../scripts/build-wasm.mjs');
  const { source, target, name } = SCANNERS.find((s) => s.source.endsWith('lineScan.ts'))!;
  const committed = readFileSync(join(__dirname, '..', '..', target), 'utf8');
  assert.ok(committed === moduleText(await compileScanner(source), source, name), 'stale: run npm run build:wasm');
});

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const trailer = (i: number, component = 'SMS_DISTRIBUTION_MANAGER', bias = '+300', day = '03-04-2024') =>
  `  $$<${component}><${day} ${pad(Math.floor(i / 3600) % 24)}:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}.${pad(i % 1000, 3)}${bias}><thread=${4000 + (i % 7)} (0x${(4000 + (i % 7)).toString(16).toUpperCase()})>`;

/** Ordinary ASCII site server lines, with severity words where the rules are sharp. */
const MESSAGES = [
  'Processing package CM100042 for distribution point ["Display=\\\\DP01.contoso.com\\"]',
  'Failed to connect to DP01.contoso.com, error = 0x80070005',
  'ERROR: the content library is not reachable',
  'Sync completed with errors',
  'errorlevel 3 is no word, nor error_code, nor xerror, nor error5',
  'Warning: retrying in 60 seconds',
  'warn about nothing at all, WARNings too',
  'The exception was handled; exceptions are not words here',
  'Failure. FAILED. fatal',
  'failedover and failures and fatality are not words',
  'ends with a word: failed',
  'STATMSG: ID=2301 SEV=I LEV=M SOURCE="SMS Server" COMP="SMS_DISTRIBUTION_MANAGER" SYS=CM1 SITE=CM1',
  'statmsg in lower case, and no SEV=',
  'a STATMSG: ID=12 SEV=W mid-line',
  'the LOG[ word alone, and LOG] and LOGS',
  'tabs\tinside\tthe message',
  'trailing blanks before the trailer   \t',
  'a $ sign and a $$ pair and <angle> brackets > here',
  'e f w s',
  '',
];

const smsLines = (n: number, from = 0, eol = '\r\n') =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return `${MESSAGES[i % MESSAGES.length]}${trailer(i, i % 5 === 4 ? 'SMS_ERROR_HANDLER' : undefined)}`;
  }).join(eol);

/** Reads `bytes` with the line fast path, pushed in chunks of `chunk` bytes. */
function readWith(file: string, bytes: Buffer, chunk: number): { reader: LineByteReader; table: RecordTable } {
  const table = new RecordTable(file);
  table.readFrom(file, bytes.subarray(0, 16 * 1024));
  const reader = new LineByteReader(file, table, 'sms', 0);
  for (let at = 0; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
  reader.end();
  return { reader, table };
}

function assertSameAsGeneral(name: string, content: string | Buffer, minScanned: number): void {
  const file = write(`${name}.log`, content);
  const bytes = readFileSync(file);
  const general = parseBytes(bytes, file);
  assert.equal(general.format, 'sms', name);
  const expected = general.records.map((r) => JSON.stringify(r));
  for (const chunk of [1 << 20, 4096, 333, 17]) {
    const { reader, table } = readWith(file, bytes, chunk);
    assert.deepEqual(
      table.map((r) => JSON.stringify(r)),
      expected,
      `${name} in chunks of ${chunk}`,
    );
    assert.equal(reader.lineCount, general.lineCount, `${name}: lines`);
    if (chunk === 1 << 20)
      assert.ok(
        reader.scannedRecords >= minScanned,
        `${name}: the scanner read ${reader.scannedRecords} of ${expected.length}`,
      );
  }
}

const CASES: Array<[string, string | Buffer, number]> = [
  ['CRLF', smsLines(400) + '\r\n', 250],
  ['LF, no final line break', smsLines(400, 0, '\n'), 250],
  [
    'dates change, other biases, no bias',
    [
      smsLines(20),
      `no bias${trailer(1, 'X', '')}`,
      `bias -60${trailer(2, 'X', '-60')}`,
      `bias +0${trailer(3, 'X', '+0')}`,
      `bias -1440${trailer(4, 'X', '-1440')}`,
      `bias +1441 is the parser's${trailer(5, 'X', '+1441')}`,
      `bias +00300${trailer(6, 'X', '+00300')}`,
      `next day${trailer(7, 'X', '+300', '03-05-2024')}`,
      `day 31 of February${trailer(8, 'X', '+300', '02-31-2024')}`,
      `29 February of a leap year${trailer(9, 'X', '+300', '02-29-2024')}`,
      `back to the first day${trailer(10)}`,
      smsLines(20, 20),
    ].join('\r\n'),
    25,
  ],
  [
    'odd trailers',
    [
      smsLines(10),
      'empty thread  $$<X><03-04-2024 13:00:00.000+000><thread=>',
      'hex thread  $$<X><03-04-2024 13:00:00.000+000><thread=0x1F>',
      'spaced thread  $$<X><03-04-2024 13:00:00.000+000><thread= 12 >',
      'signed thread  $$<X><03-04-2024 13:00:00.000+000><thread=-12>',
      'ten-digit thread  $$<X><03-04-2024 13:00:00.000+000><thread=1234567890>',
      'nine-digit thread  $$<X><03-04-2024 13:00:00.000+000><thread=123456789>',
      'blanks after  $$<X><03-04-2024 13:00:00.000+000><thread=1>   \t',
      'no blank before$$<X><03-04-2024 13:00:00.000+000><thread=1>',
      'two trailers  $$<X><03-04-2024 13:00:00.000><thread=1>  $$<Y><03-04-2024 13:00:01.000><thread=2>',
      'a ">" in the component  $$<X>Y><03-04-2024 13:00:00.000><thread=1>',
      'empty component  $$<><03-04-2024 13:00:00.000><thread=1>',
      'hour 24  $$<X><03-04-2024 24:00:00.000><thread=1>',
      'seven digits  $$<X><03-04-2024 13:00:00.1234567+300><thread=1>',
      'upper-case THREAD  $$<X><03-04-2024 13:00:00.000><THREAD=1>',
      '  $$<message empty><03-04-2024 13:00:00.000><thread=1>',
      smsLines(10, 10),
    ].join('\r\n'),
    15,
  ],
  [
    'held lines, blank lines, non-ASCII lines, another format mid-file',
    [
      smsLines(30),
      'first of three',
      'second of three',
      `third${trailer(1)}`,
      '',
      '   ',
      `Verteilungspunkt “DP01” nicht erreichbar${trailer(2)}`,
      `non-breaking\u00a0space before the trailer\u00a0${trailer(3)}`,
      '<![LOG[a CMTrace record]LOG]!><time="13:00:00.000+300" date="03-04-2024" component="X" context="" type="1" thread="1" file="">',
      smsLines(30, 30),
    ].join('\r\n'),
    20,
  ],
  [
    'a Click-to-Run header held before a trailer, digits and brackets starting lines',
    [
      smsLines(30),
      'Timestamp\tProcess\tTID\tArea\tCategory\tEventID\tLevel\tMessage\tCorrelation',
      `after the header${trailer(1)}`,
      smsLines(30, 30),
    ].join('\r\n'),
    20,
  ],
  [
    'lines starting with a digit, "<" or "[" held before a trailer',
    [
      smsLines(30),
      '12 items left',
      `after a digit${trailer(1)}`,
      '[bracketed]',
      `after a bracket${trailer(2)}`,
      '<angle>',
      `after an angle${trailer(3)}`,
      '01/02/2024 10:00:00.000\tx',
      `after a date${trailer(4)}`,
      smsLines(30, 30),
    ].join('\r\n'),
    40,
  ],
  ['a bare CR', smsLines(30) + '\r\n' + `bare\rCR${trailer(1)}` + '\r\n' + smsLines(30, 30), 20],
  [
    'NUL padding',
    Buffer.concat([Buffer.from(smsLines(30) + '\r\n'), Buffer.alloc(4096), Buffer.from('\r\n' + smsLines(30, 30))]),
    20,
  ],
  ['truncated last line', smsLines(50) + '\r\nhalf a line  $$<SMS_DISTRIBUTION_MANAGER><03-04-2024 13:0', 30],
];

for (const [name, content, minScanned] of CASES)
  test(`line scanner = general parser: ${name}`, () =>
    assertSameAsGeneral(name.replace(/\W+/g, '_'), content, minScanned));

test('line scanner = general parser: random lines of the pieces its rules turn on', () => {
  const pieces = [
    'error',
    'Error',
    'ERRORS',
    'errors',
    'failed',
    'FAILURE',
    'fatal',
    'exception',
    'Exceptions',
    'warning',
    'WARN',
    'warned',
    'SEV=W',
    '_',
    '-',
    '.',
    ':',
    '9',
    'x',
    ' ',
    '\t',
    '$',
    '$$',
    '<',
    '>',

    'e',
    's',
    'w',
    'f',
    'thread=',
    'E',
    'exceptio',
  ];
  let seed = 12345;
  const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let message = '';
    for (let k = random(12); k > 0; k--) message += pieces[random(pieces.length)];
    if (!random(60)) message += random(2) ? ' STATMSG: ID=5 SEV=E' : ' statmsg';
    lines.push(random(40) ? `${message}${trailer(i)}` : message);
  }
  assertSameAsGeneral('random', lines.join('\r\n') + '\r\n', 1000);
});

test('line scanner: a 20 MB line and the records around it', async () => {
  const big = 'error '.repeat((20 * 1024 * 1024) / 6);
  const file = write('big.log', smsLines(100) + '\r\n' + big + trailer(1) + '\r\n' + smsLines(100, 100) + '\r\n');
  assert.deepEqual(await fastPathDifferences(file), []);
});

test('line scanner: parseFile on an ordinary site server log is the general parser, record by record', async () => {
  const file = write('ordinary.log', smsLines(5000) + '\r\n');
  assert.deepEqual(await fastPathDifferences(file), []);
});
