// The timeline webview's protocol (client/src/shared/timelineMessages.ts, client/src/timelineProtocol.ts) and the
// pure modules of the webview (media/src/): validation of hostile messages, CSV/NDJSON export, filter semantics
// (the one filter, client/src/shared/filter.ts, applied to rows and to the webview's column store), time
// formatting with Windows bias, lanes, virtual scrolling of a million rows, the versioned row store.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fakeVscode, useFake, type Posted } from '../support/fakeVscode';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRows, type ResolvedTimelineRow, type TimelineFile, type TimelinePage } from '../../server/src/protocol';
import {
  ChunkEncoder,
  MAX_CLOCK_OFFSET_MS,
  MAX_TEXT,
  applyFilter,
  compileFilter,
  compileText,
  csvCell,
  emptyFilter,
  hasNestedQuantifier,
  neutraliseControls,
  parseWebviewMessage,
  rowToCsv,
  rowToNdjson,
  rowsToCsv,
  rowsToNdjson,
  sanitizeFilter,
  timelineCsp,
  timelineHtml,
  timeModeOf,
  autoTimeMode,
  validKey,
  type RowChunk,
  type TimelineFileInfo,
  type TimelineFilter,
} from '../../client/src/timelineProtocol';

// ----- the webview's pure modules -----------------------------------------------------------------------------

import * as format from '../../media/src/format';
import * as geometry from '../../media/src/geometry';
import * as lanesModule from '../../media/src/lanes';
import { Store, filterInto, linkedRows, lowerBound, positionOf } from '../../media/src/store';

const web = { ...format, ...geometry, ...lanesModule, Store, filterInto, linkedRows, lowerBound, positionOf };
type WebStore = Store;
const MEDIA = join(__dirname, '..', '..', 'media');
const WEBVIEW = join(MEDIA, 'src');

// ----- fixtures ----------------------------------------------------------------------------------------------

const SCAN = '1b9b4e44-8c1a-4c2b-9a8b-0a1b2c3d4e5f';
const DEPLOY = '5c2a1e0f-1111-2222-3333-444455556666';
const CLIENT = 'file:///C:/Windows/CCM/Logs/WUAHandler.log';
const SERVER = 'file:///D:/SMS/Logs/statesys.log';
const T0 = Date.UTC(2024, 2, 1, 13, 0, 0, 0);

const FILES: TimelineFile[] = [
  { uri: CLIENT, file: 'C:\\Windows\\CCM\\Logs\\WUAHandler.log', records: 5 },
  { uri: SERVER, file: 'D:\\SMS\\Logs\\statesys.log', records: 3 },
];

/** Rows as the server sends them: each names its file by position in the page's `files`. */
function toPage(rows: ResolvedTimelineRow[], files = FILES): TimelinePage {
  return {
    total: rows.length,
    offset: 0,
    files,
    rows: rows.map(({ uri, file: _file, ...r }) => ({ ...r, f: files.findIndex((x) => x.uri === uri) })),
  };
}

let nextLine = 1;
function row(partial: Partial<ResolvedTimelineRow>): ResolvedTimelineRow {
  const uri = partial.uri ?? CLIENT;
  return {
    i: 0,
    uri,
    file: uri === SERVER ? 'D:\\SMS\\Logs\\statesys.log' : 'C:\\Windows\\CCM\\Logs\\WUAHandler.log',
    line: nextLine,
    endLine: nextLine++,
    t: T0,
    local: null,
    bias: uri === SERVER ? -60 : 300,
    severity: 'info',
    component: 'WUAHandler',
    thread: 10,
    message: '',
    keys: [],
    ...partial,
  };
}

const ROWS: ResolvedTimelineRow[] = [
  row({ t: null, message: 'no time at all', severity: 'unknown' }),
  row({ t: T0, message: `Scan job {${SCAN.toUpperCase()}} started`, keys: [SCAN], component: 'ScanAgent' }),
  row({
    t: T0 + 1000,
    uri: SERVER,
    component: 'SMS_STATE_SYSTEM',
    thread: 4,
    message: `Received state for ${SCAN}`,
    keys: [SCAN],
  }),
  row({
    t: T0 + 2000,
    message: 'Scan failed, error = 0x80244021 for KB5034441',
    severity: 'error',
    keys: ['KB5034441'],
    thread: 11,
  }),
  row({
    t: T0 + 2000,
    uri: SERVER,
    component: 'SMS_STATE_SYSTEM',
    thread: 4,
    message: 'Processing KB5034441',
    keys: ['KB5034441'],
  }),
  row({
    t: T0 + 4250,
    uri: SERVER,
    component: 'SMS_DISTRIBUTION_MANAGER',
    thread: 7,
    severity: 'warning',
    message: `Deployment ${DEPLOY} is late\nsecond line`,
    keys: [DEPLOY],
  }),
  row({ t: T0 + 60_000, message: 'Verbose chatter', severity: 'verbose', thread: 10 }),
  row({
    t: T0 + 3_600_000,
    message: 'An hour later: SCAN complete',
    severity: 'info',
    component: 'ScanAgent',
    keys: [SCAN],
  }),
];
ROWS.forEach((r, k) => (r.i = k));

const known = new Set([CLIENT, SERVER]);
const lines = (rows: ResolvedTimelineRow[]) => rows.map((r) => ROWS.indexOf(r));
const filter = (f: Partial<TimelineFilter>): TimelineFilter => ({ ...emptyFilter(), ...f });

// ----- message validation ------------------------------------------------------------------------------------

test('messages: anything that is not a well-formed known message is rejected', () => {
  for (const bad of [
    null,
    undefined,
    0,
    'ready',
    [],
    [{ type: 'ready' }],
    {},
    { type: 7 },
    { type: 'READY' },
    { type: 'eval' },
    { type: 'constructor' },
    { type: '__proto__' },
    { type: 'toString' },
  ]) {
    assert.equal(parseWebviewMessage(bad, known), null, JSON.stringify(bad));
  }
  assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: '<script>' }, known), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'reload' }, known), { type: 'reload' });
});

test('messages: reveal only opens files of the timeline, with clamped lines', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', load: 3, uri: CLIENT, line: 12, endLine: 14 }, known), {
    type: 'reveal',
    load: 3,
    uri: CLIENT,
    line: 12,
    endLine: 14,
  });
  for (const uri of [
    'command:workbench.action.terminal.new',
    'command:cmlogs.lookupCode?%5B%22x%22%5D',
    'file:///etc/passwd',
    'https://example.invalid/x',
    CLIENT + '#x',
    CLIENT.toUpperCase(),
    'x'.repeat(5000),
    42,
    null,
  ]) {
    assert.equal(parseWebviewMessage({ type: 'reveal', load: 3, uri, line: 1 }, known), null, String(uri).slice(0, 60));
  }
  for (const line of ['12', NaN, Infinity, -Infinity, null, undefined, {}, [3]])
    assert.equal(parseWebviewMessage({ type: 'reveal', load: 3, uri: CLIENT, line }, known), null, String(line));
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', load: 3, uri: CLIENT, line: -5 }, known), {
    type: 'reveal',
    load: 3,
    uri: CLIENT,
    line: 1,
    endLine: 1,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', load: 3, uri: CLIENT, line: 1e15, endLine: 2 }, known), {
    type: 'reveal',
    load: 3,
    uri: CLIENT,
    line: 100_000_000,
    endLine: 100_000_000,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', load: 3, uri: CLIENT, line: 7.6, endLine: 'x' }, known), {
    type: 'reveal',
    load: 3,
    uri: CLIENT,
    line: 8,
    endLine: 8,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', load: 3, uri: CLIENT, line: 9, endLine: 3 }, known), {
    type: 'reveal',
    load: 3,
    uri: CLIENT,
    line: 9,
    endLine: 9,
  });
  for (const load of [undefined, '3', 1.5, NaN, null])
    assert.equal(
      parseWebviewMessage({ type: 'reveal', load, uri: CLIENT, line: 1 }, known),
      null,
      `a reveal names its load (${String(load)})`,
    );
});

test('messages: clock offsets are numbers, rounded and clamped to ±7 days, for known files only', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'setClockOffset', uri: SERVER, ms: -3000.4 }, known), {
    type: 'setClockOffset',
    uri: SERVER,
    ms: -3000,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'setClockOffset', uri: SERVER, ms: 1e300 }, known), {
    type: 'setClockOffset',
    uri: SERVER,
    ms: MAX_CLOCK_OFFSET_MS,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'setClockOffset', uri: SERVER, ms: -1e300 }, known), {
    type: 'setClockOffset',
    uri: SERVER,
    ms: -MAX_CLOCK_OFFSET_MS,
  });
  for (const ms of [NaN, Infinity, '5', null, undefined, true])
    assert.equal(parseWebviewMessage({ type: 'setClockOffset', uri: SERVER, ms }, known), null);
  assert.equal(parseWebviewMessage({ type: 'setClockOffset', uri: 'file:///elsewhere.log', ms: 5 }, known), null);
});

test('messages: export takes csv or ndjson and a sanitised filter', () => {
  for (const format of ['xlsx', 'CSV', '', null, 'csv ', '../x'])
    assert.equal(parseWebviewMessage({ type: 'export', format, filter: {} }, known), null);
  const m = parseWebviewMessage(
    {
      type: 'export',
      format: 'ndjson',
      filter: {
        text: 'x'.repeat(10_000),
        regex: 'yes',
        matchCase: true,
        severities: ['error', 'nonsense', 7, 'warning', 'error'],
        components: ['ScanAgent', 5, 'y'.repeat(300)],
        thread: -4,
        files: [CLIENT, { uri: SERVER }],
        fromUtc: -1e20,
        toUtc: Infinity,
        errorsOnly: 1,
        around: { t: T0, seconds: 1e9 },
        key: `{${SCAN.toUpperCase()}}`,
        extra: 'ignored',
      },
    },
    known,
  );
  assert.ok(m && m.type === 'export');
  assert.equal(m.format, 'ndjson');
  assert.deepEqual(m.filter, {
    text: 'x'.repeat(MAX_TEXT),
    regex: false,
    matchCase: true,
    severities: ['error', 'warning'],
    components: ['ScanAgent'],
    thread: 0,
    files: [CLIENT],
    fromUtc: 0,
    toUtc: null,
    errorsOnly: false,
    around: { t: T0, seconds: 86_400 },
    key: SCAN,
  });
  assert.deepEqual(sanitizeFilter('not an object'), emptyFilter());
  assert.deepEqual(
    sanitizeFilter({ around: { t: 'now', seconds: 5 }, thread: NaN, key: 'javascript:alert(1)' }),
    emptyFilter(),
  );
});

test('messages: __proto__ in a message pollutes nothing', () => {
  const raw = JSON.parse(
    '{"type":"export","format":"csv","filter":{"__proto__":{"polluted":1,"text":"p"},"text":"x"},"__proto__":{"type":"ready"}}',
  );
  const m = parseWebviewMessage(raw, known);
  assert.ok(m && m.type === 'export');
  assert.equal(m.filter.text, 'x');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.keys(m.filter).includes('polluted'), false);
});

test('messages: setKey takes a GUID or KB number (normalised) or null', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'setKey', key: null }, known), { type: 'setKey', key: null });
  assert.deepEqual(parseWebviewMessage({ type: 'setKey', key: `{${SCAN.toUpperCase()}}` }, known), {
    type: 'setKey',
    key: SCAN,
  });
  assert.deepEqual(parseWebviewMessage({ type: 'setKey', key: 'kb5034441' }, known), {
    type: 'setKey',
    key: 'KB5034441',
  });
  for (const key of [undefined, '', 'KB12', 'abc', `${SCAN}x`, `${SCAN}\n`, 5, {}, 'x'.repeat(100)])
    assert.equal(parseWebviewMessage({ type: 'setKey', key }, known), null, String(key));
  assert.equal(validKey(' ' + SCAN), null);
});

// ----- export ------------------------------------------------------------------------------------------------

/** A small RFC 4180 reader, to check what a spreadsheet would see. */
function readCsv(text: string): string[][] {
  const out: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') ((cell += '"'), k++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (cells.push(cell), (cell = ''));
    else if (c === '\r' && text[k + 1] === '\n') {
      (cells.push(cell), out.push(cells), (cells = []), (cell = ''), k++);
    } else cell += c;
  }
  if (cell || cells.length) (cells.push(cell), out.push(cells));
  return out;
}

test('CSV: quotes, commas, semicolons, newlines and edge spaces are quoted; quotes doubled', () => {
  assert.equal(csvCell('plain text'), 'plain text');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('a;b'), '"a;b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line1\nline2'), '"line1\nline2"');
  assert.equal(csvCell('line1\r\nline2'), '"line1\r\nline2"');
  assert.equal(csvCell(' padded'), '" padded"');
  assert.equal(csvCell(''), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
});

test('CSV: formula injection is neutralised, numbers stay numbers', () => {
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('+cmd|/C calc!A0'), "'+cmd|/C calc!A0");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1:A2)'), "'@SUM(A1:A2)");
  assert.equal(csvCell('\t=1'), "'\t=1");
  assert.equal(csvCell('\r=1'), `"'\r=1"`);
  assert.equal(csvCell('  =1'), "'  =1");
  assert.equal(csvCell('\uff1d1+1'), "'\uff1d1+1");
  assert.equal(csvCell('=HYPERLINK("http://evil.invalid","x")'), `"'=HYPERLINK(""http://evil.invalid"",""x"")"`);
  assert.equal(csvCell('a=b'), 'a=b');
  assert.equal(csvCell(-60), '-60');
  assert.equal(csvCell(300), '300');
  assert.equal(csvCell(NaN), '');
  assert.equal(csvCell(Infinity), '');
});

test('CSV and display: terminal escapes and control characters become visible and inert', () => {
  assert.equal(csvCell('\x1b[2J\x1b]0;pwned\x07'), '"\u241b[2J\u241b]0;pwned\u2407"');
  assert.equal(neutraliseControls('a\u009b31mb\u007f'), 'a\ufffd31mb\ufffd');
  assert.equal(neutraliseControls('tab\tand\nnewline'), 'tab\tand\nnewline');
  assert.equal(web.displayText('\x1b[31mred\x1b[0m'), '\u241b[31mred\u241b[0m');
  assert.equal(web.displayText('abc\u202Eexe.txt'), 'abc\ufffdexe.txt');
  assert.equal(
    web.displayText('<img src=x onerror=alert(1)>'),
    '<img src=x onerror=alert(1)>',
    'HTML stays text: textContent makes it inert',
  );
  assert.equal(web.firstLine('first\r\nsecond'), 'first \u2026');
  assert.equal(web.firstLine('x'.repeat(50), 10), 'x'.repeat(10) + '\u2026');
});

test('CSV: a whole export reads back as the rows, with a BOM and a header', () => {
  const hostile = row({
    t: T0,
    message: '=cmd|"/C calc"!A0, then\r\nmore "quoted", and \x1b[31m',
    component: '@evil',
    keys: [SCAN, 'KB5034441'],
    local: '2024-03-01T08:00:00.000',
    bias: -60,
    thread: null,
  });
  const text = rowsToCsv([ROWS[0], hostile]);
  assert.ok(text.startsWith('\ufeffutc,local,bias,file,line,component,thread,severity,message,keys\r\n'));
  const table = readCsv(text.slice(1));
  assert.equal(table.length, 3);
  assert.deepEqual(table[1].slice(0, 3), ['', '', '300']);
  assert.deepEqual(table[2], [
    '2024-03-01T13:00:00.000Z',
    '2024-03-01T08:00:00.000',
    '-60',
    'C:\\Windows\\CCM\\Logs\\WUAHandler.log',
    String(hostile.line),
    "'@evil",
    '',
    'info',
    '\'=cmd|"/C calc"!A0, then\r\nmore "quoted", and \u241b[31m',
    `${SCAN} KB5034441`,
  ]);
  assert.equal(rowToCsv(ROWS[1]).endsWith('\r\n'), true);
});

test('NDJSON: one line per row, parses back, risky characters escaped', () => {
  const hostile = row({ message: 'a\nb\u2028c\u2029d\u009be\x1bf\u202eg"h</script>', keys: [SCAN] });
  const text = rowsToNdjson([ROWS[0], hostile]);
  const out = text.split('\n');
  assert.equal(out.length, 3);
  assert.equal(out[2], '');
  for (const ch of ['\u2028', '\u2029', '\u009b', '\x1b', '\u202e', '\r'])
    assert.equal(text.includes(ch), false, `raw U+${ch.charCodeAt(0).toString(16)}`);
  const back = JSON.parse(out[1]);
  assert.equal(back.message, hostile.message);
  assert.deepEqual(back.keys, [SCAN]);
  assert.equal(back.utc, '2024-03-01T13:00:00.000Z');
  assert.equal(back.t, T0);
  assert.equal(JSON.parse(out[0]).utc, null);
  assert.equal(rowToNdjson(ROWS[1]).split('\n').length, 2);
});

// ----- filters -----------------------------------------------------------------------------------------------

test('filter: empty keeps everything; text is a case-insensitive substring unless told otherwise', () => {
  assert.deepEqual(lines(applyFilter(ROWS, emptyFilter())), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ text: 'scan' }))), [1, 3, 7]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ text: 'SCAN', matchCase: true }))), [7]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ text: '(a+)+' }))), [], 'plain text is not a regex');
  assert.deepEqual(
    lines(applyFilter(ROWS, filter({ text: 'second line' }))),
    [5],
    'multi-line messages are searched whole',
  );
});

test('filter: regular expressions, and what happens to bad or dangerous ones', () => {
  assert.deepEqual(lines(applyFilter(ROWS, filter({ text: '0x8024[0-9a-f]{4}', regex: true }))), [3]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ text: '^scan', regex: true }))), [1, 3]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ text: '^Scan', regex: true, matchCase: true }))), [1, 3]);
  assert.deepEqual(
    lines(applyFilter(ROWS, filter({ text: 'error \\= 0x', regex: true }))),
    [3],
    'classic escapes accepted',
  );
  for (const bad of ['(', '[a-', '*x', '(?<n>a)\\k<m>']) {
    const c = compileFilter(filter({ text: bad, regex: true }));
    assert.match(c.error ?? '', /Invalid regular expression/, bad);
    assert.deepEqual(applyFilter(ROWS, filter({ text: bad, regex: true })), []);
  }
  for (const evil of ['(a+)+$', '(\\w*)*x', '(a|b+){2,}', '((ab)*)+', '(.+)\\1+', '(x+x+)+y']) {
    assert.match(compileText(evil, true, false).error ?? '', /Nested quantifiers/, evil);
  }
  const long = compileText('a'.repeat(MAX_TEXT + 1), false, false);
  assert.match(long.error ?? '', /longer than/);
  assert.equal(long.test('a'.repeat(1000)), false);
});

test('nested-quantifier detection: exact cases, linear time', () => {
  const cases: Array<[string, boolean]> = [
    ['(a+)+', true],
    ['(a*)*', true],
    ['(a+){3}', true],
    ['(?:a|b+)*', true],
    ['((a)+)+', true],
    ['(a)\\1*', true],
    ['(a+)', false],
    ['(a)+', false],
    ['[(a+)]+', false],
    ['\\(a+\\)+', false],
    ['a+b*c{2}', false],
    ['(ab){2}(cd)+', false],
    ['ScanJob\\{[0-9A-F-]+\\}', false],
  ];
  for (const [source, nested] of cases) {
    assert.equal(hasNestedQuantifier(source), nested, source);
  }
  const started = performance.now();
  hasNestedQuantifier('('.repeat(250) + '+'.repeat(250));
  assert.ok(performance.now() - started < 200);
});

test('filter: severity, errors only, component, thread, file, key', () => {
  assert.deepEqual(lines(applyFilter(ROWS, filter({ severities: ['error', 'warning'] }))), [3, 5]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ severities: [] }))), []);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ errorsOnly: true }))), [3]);
  assert.deepEqual(
    lines(applyFilter(ROWS, filter({ errorsOnly: true, severities: ['warning'] }))),
    [],
    'errors only narrows, never widens',
  );
  assert.deepEqual(lines(applyFilter(ROWS, filter({ components: ['ScanAgent'] }))), [1, 7]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ components: ['scanagent'] }))), [], 'components match exactly');
  assert.deepEqual(lines(applyFilter(ROWS, filter({ thread: 4 }))), [2, 4]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ thread: 0 }))), [], 'thread 0 is a thread, not "any"');
  assert.deepEqual(lines(applyFilter(ROWS, filter({ files: [SERVER] }))), [2, 4, 5]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ files: [] }))), []);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ key: SCAN }))), [1, 2, 7]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ key: 'KB5034441', files: [SERVER] }))), [4]);
});

test('filter: time range is inclusive and excludes rows without a time', () => {
  assert.deepEqual(lines(applyFilter(ROWS, filter({ fromUtc: T0 + 1000, toUtc: T0 + 4250 }))), [2, 3, 4, 5]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ fromUtc: T0 + 60_000 }))), [6, 7]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ toUtc: T0 }))), [1]);
  assert.deepEqual(lines(applyFilter(ROWS, filter({ fromUtc: T0 + 5000, toUtc: T0 + 4000 }))), []);
});

test('filter: around a record ±N seconds', () => {
  const around = (t: number, seconds: number) => lines(applyFilter(ROWS, filter({ around: { t, seconds } })));
  assert.deepEqual(around(T0 + 2000, 2), [1, 2, 3, 4], 'inclusive at both ends');
  assert.deepEqual(around(T0 + 2000, 0), [3, 4], 'same instant only');
  assert.deepEqual(around(T0 + 2000, 60), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(around(T0 + 3_600_000, 1), [7]);
  assert.deepEqual(
    lines(applyFilter(ROWS, filter({ around: { t: T0 + 2000, seconds: 60 }, severities: ['error'] }))),
    [3],
  );
});

// ----- the webview mirrors the filter, through the same columns it receives ------------------------------------

function webStore(rows: ResolvedTimelineRow[]): WebStore {
  const encoder = new ChunkEncoder();
  const store = new web.Store();
  store.files.push(...encoder.addFiles(FILES.slice(0, 1)).map((f) => ({ ...f })));
  // Two chunks: the first brings the file `begin` did not list, the second components the first did not know.
  store.append(encoder.encode(toPage(rows.slice(0, 3)), 0));
  store.append(encoder.encode(toPage(rows.slice(3)), 3));
  return store;
}

test('ChunkEncoder: files and components interned, keys compact, severities coded', () => {
  const encoder = new ChunkEncoder((uri) => (uri === SERVER ? 3000 : 0));
  const first = encoder.encode(toPage(ROWS.slice(0, 3)), 0);
  assert.deepEqual(
    first.addFiles.map((f) => [f.uri, f.name, f.clockOffsetMs]),
    [
      [CLIENT, 'WUAHandler.log', 0],
      [SERVER, 'statesys.log', 3000],
    ],
  );
  assert.deepEqual(first.addComponents, ['WUAHandler', 'ScanAgent', 'SMS_STATE_SYSTEM']);
  assert.deepEqual(first.file, [0, 0, 1]);
  assert.deepEqual(first.comp, [0, 1, 2]);
  assert.deepEqual(first.keys, [0, [SCAN], [SCAN]]);
  assert.deepEqual(first.sev, [4, 2, 2]);
  assert.deepEqual(first.t, [null, T0, T0 + 1000]);
  const second = encoder.encode(toPage(ROWS.slice(3)), 3);
  assert.deepEqual(second.addFiles, []);
  assert.deepEqual(second.addComponents, ['SMS_DISTRIBUTION_MANAGER']);
  assert.deepEqual(second.sev, [0, 2, 1, 3, 2]);
  assert.equal(second.offset, 3);
  assert.equal(second.count, 5);
  const reordered = encoder.encode(toPage(ROWS.slice(1, 3), [FILES[1], FILES[0]]), 8);
  assert.deepEqual(reordered.file, [0, 1], "a page's own file positions are mapped to the webview's");
});

test('pages: rows point into the file table; resolveRows gives exports their paths back', () => {
  const page = toPage(ROWS);
  assert.deepEqual(
    page.rows.map((r) => r.f),
    [0, 0, 1, 0, 1, 1, 0, 0],
  );
  assert.equal(
    JSON.stringify(page).split('WUAHandler.log').length - 1,
    2,
    'each path once per page (file and uri), not once per row',
  );
  assert.deepEqual(resolveRows(page), ROWS);
  assert.deepEqual(
    resolveRows({ files: [], rows: [{ ...page.rows[0], f: 7 }] })[0].uri,
    '',
    'an index outside the table resolves to nothing',
  );
});

test("the filter gives the same rows over the webview's column store as over rows (Store.rowFor, filterInto)", () => {
  const store = webStore(ROWS);
  assert.equal(store.n, ROWS.length);
  const filters: Array<Partial<TimelineFilter>> = [
    {},
    { text: 'scan' },
    { text: 'SCAN', matchCase: true },
    { text: '^scan', regex: true },
    { text: '(a+)+', regex: true },
    { text: '(', regex: true },
    { severities: ['error', 'warning'] },
    { errorsOnly: true },
    { errorsOnly: true, severities: ['info'] },
    { components: ['ScanAgent', 'SMS_STATE_SYSTEM'] },
    { thread: 4 },
    { files: [SERVER] },
    { fromUtc: T0 + 1000, toUtc: T0 + 4250 },
    { toUtc: T0 },
    { around: { t: T0 + 2000, seconds: 2 } },
    { key: SCAN },
    { key: 'KB5034441', text: 'processing' },
  ];
  for (const f of filters) {
    const expected = lines(applyFilter(ROWS, filter(f)));
    const compiled = compileFilter(filter(f));
    const out = new Int32Array(store.n);
    const count = web.filterInto(store, compiled, 0, store.n, out, 0);
    assert.deepEqual(Array.from(out.subarray(0, count)), expected, JSON.stringify(f));
  }
});

test('webview store: keys indexed, linked rows in time order across files, time extent', () => {
  const store = webStore(ROWS);
  assert.deepEqual(store.keyIndex.get(SCAN), [1, 2, 7]);
  assert.deepEqual(web.linkedRows(store.keyIndex, [SCAN]), [1, 2, 7]);
  assert.deepEqual(web.linkedRows(store.keyIndex, ['KB5034441', SCAN, DEPLOY]), [1, 2, 3, 4, 5, 7]);
  assert.deepEqual(web.linkedRows(store.keyIndex, []), []);
  assert.deepEqual(web.linkedRows(store.keyIndex, ['KB0000000']), []);
  assert.equal(store.minT, T0);
  assert.equal(store.maxT, T0 + 3_600_000);
  assert.ok(Number.isNaN(store.t[0]));
  assert.deepEqual(Array.from(store.file.subarray(0, store.n)), [0, 0, 1, 0, 1, 1, 0, 0]);
});

test('webview store: hostile chunks cannot index outside the tables', () => {
  const store = new web.Store();
  store.files.push({ uri: CLIENT } as TimelineFileInfo);
  const chunk = {
    offset: 0,
    count: 1e9,
    addFiles: [],
    addComponents: ['c'],
    t: ['x'],
    file: [99],
    line: [NaN],
    endLine: [null],
    bias: ['300'],
    sev: [42],
    comp: [-1],
    thread: [{}],
    msg: [{ toString: () => 'no' }],
    keys: [[5, SCAN]],
  } as unknown as RowChunk;
  store.append(chunk);
  assert.equal(store.n, 1);
  assert.equal(store.file[0], 0);
  assert.equal(store.comp[0], 0);
  assert.equal(store.sev[0], 4);
  assert.equal(store.line[0], 1);
  assert.ok(Number.isNaN(store.t[0]));
  assert.deepEqual(store.keyIndex.get(SCAN), [0]);
  assert.equal(store.keyIndex.size, 1);
});

test('webview store is versioned: rows and selections of another load are refused, never shown or acted on', () => {
  const encoder = new ChunkEncoder();
  const first = new web.Store(4);
  first.files.push(...encoder.addFiles(FILES));
  assert.equal(first.append(encoder.encode(toPage(ROWS.slice(0, 4)), 0), 4), 0);
  const selected = first.ref(2)!;
  assert.deepEqual(selected, { load: 4, index: 2 });
  assert.equal(first.resolve(selected), 2);
  // A late page of load 4 arriving after the retarget to load 5: dropped.
  const second = new web.Store(5);
  second.files.push(...new ChunkEncoder().addFiles([FILES[1]]));
  assert.equal(second.append(encoder.encode(toPage(ROWS.slice(4)), 4), 4), -1);
  assert.equal(second.n, 0);
  assert.equal(
    second.append(
      new ChunkEncoder().encode(
        toPage(
          ROWS.filter((r) => r.uri === SERVER),
          [FILES[1]],
        ),
        0,
      ),
      5,
    ),
    0,
  );
  assert.equal(second.n, 3);
  // The selection made in load 4 (row 2) means nothing in load 5, although load 5 has a row 2.
  assert.equal(second.resolve(selected), -1);
  assert.equal(second.resolve(second.ref(2)), 2);
  assert.equal(second.ref(99), null);
  assert.equal(second.resolve({ load: 5, index: 99 }), -1);
});

// ----- time ------------------------------------------------------------------------------------------------------

test('time: UTC, log-local and machine-local with Windows bias (UTC = local + bias)', () => {
  const t = Date.UTC(2024, 2, 1, 13, 0, 0, 608);
  assert.equal(web.formatTime(t, 'utc', 300), '2024-03-01 13:00:00.608');
  assert.equal(web.formatTime(t, 'log', 300), '2024-03-01 08:00:00.608', '+300 is UTC-5');
  assert.equal(web.formatTime(t, 'log', -60), '2024-03-01 14:00:00.608', '-60 is UTC+1');
  assert.equal(web.formatTime(t, 'log', -330), '2024-03-01 18:30:00.608', '-330 is UTC+5:30');
  assert.equal(web.formatTime(t, 'log', null), '2024-03-01 13:00:00.608', 'no bias: the time was read as UTC');
  assert.equal(
    web.formatTime(Date.UTC(2024, 0, 1, 2, 0), 'log', 300),
    '2023-12-31 21:00:00.000',
    'crosses midnight and the year',
  );
  // A clock offset moves the merged time, not what the log wrote.
  assert.equal(web.formatTime(t + 3000, 'log', -60, 3000), '2024-03-01 14:00:00.608');
  assert.equal(web.formatTime(t + 3000, 'utc', -60, 3000), '2024-03-01 13:00:03.608');
  // This computer: JavaScript's getTimezoneOffset has the Windows sign.
  assert.equal(
    web.formatTime(t, 'machine', 300, 0, () => 300),
    '2024-03-01 08:00:00.608',
  );
  assert.equal(
    web.formatTime(t, 'machine', 300, 0, () => -60),
    '2024-03-01 14:00:00.608',
  );
  assert.equal(web.formatTime(t, 'machine', null), web.formatWall(t - new Date(t).getTimezoneOffset() * 60_000));
  for (const mode of ['utc', 'log', 'machine']) {
    assert.equal(web.formatTime(null, mode, 300), '');
    assert.equal(web.formatTime(NaN, mode, 300), '');
  }
});

test('time: zones, durations, offsets and typed times', () => {
  assert.equal(web.biasZone(300), 'UTC-05:00');
  assert.equal(web.biasZone(-60), 'UTC+01:00');
  assert.equal(web.biasZone(-330), 'UTC+05:30');
  assert.equal(web.biasZone(0), 'UTC');
  assert.equal(web.biasZone(null), '');
  assert.equal(web.zoneLabel('log', 240), 'UTC-04:00');
  assert.equal(
    web.zoneLabel('machine', null, 0, () => -120),
    'UTC+02:00 (this computer)',
  );
  assert.equal(web.formatDuration(250), '250 ms');
  assert.equal(web.formatDuration(90_000), '1 min 30 s');
  assert.equal(web.formatDuration(2 * 86_400_000 + 3 * 3_600_000), '2 d 3 h');
  const offsets: Array<[string, number | null]> = [
    ['-3h', -10_800_000],
    ['+1.5s', 1500],
    ['250ms', 250],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h30m', 5_400_000],
    ['-1h 30m', -5_400_000],
    ['90', 90],
    ['0', 0],
    ['', 0],
    ['1d', 86_400_000],
    ['8d', null],
    ['abc', null],
    ['1x', null],
    ['5 5', null],
    ['--1s', null],
    ['1e9', null],
  ];
  for (const [text, ms] of offsets) assert.equal(web.parseOffset(text), ms, text);
  for (const ms of [
    0,
    250,
    -250,
    1500,
    -10_800_000,
    5_400_000,
    86_400_000 + 1,
    -(3 * 3_600_000 + 25 * 60_000 + 12_345),
  ])
    assert.equal(web.parseOffset(web.formatOffset(ms)), ms, String(ms));
  assert.equal(web.formatOffset(-10_800_000), '-3h');
  assert.equal(web.formatOffset(1500), '+1.5s');
  assert.equal(web.parseUtcInput('2024-03-01 13:00:00.5'), Date.UTC(2024, 2, 1, 13, 0, 0, 500));
  assert.equal(web.parseUtcInput('2024-03-01T13:00Z'), Date.UTC(2024, 2, 1, 13, 0));
  assert.equal(web.parseUtcInput('2024-03-01'), Date.UTC(2024, 2, 1));
  assert.equal(web.parseUtcInput('  '), null);
  for (const bad of ['2024-02-30', '2024-13-01', '2024-03-01 24:00', 'yesterday', '2024-03-01 13:00:00+300'])
    assert.ok(Number.isNaN(web.parseUtcInput(bad)), bad);
});

test('time axis ticks: readable steps from days down to milliseconds, aligned in the shown zone', () => {
  const tenSeconds = web.ticks(T0, T0 + 10_000, 1000, 90);
  assert.equal(tenSeconds[0].step, 1000);
  assert.equal(tenSeconds[0].label, '03-01 13:00:00');
  assert.equal(tenSeconds[1].label, '13:00:01');
  const millis = web.ticks(T0 + 1, T0 + 41, 800, 90);
  assert.equal(millis[0].step, 5);
  assert.equal(millis[0].label, '13:00:00.005');
  const days = web.ticks(T0, T0 + 30 * 86_400_000, 800, 90);
  assert.ok(days[0].step >= 86_400_000);
  assert.match(days[0].label, /^2024-03-\d\d$/);
  // In US Eastern (offset +300) the hour ticks fall on local hours: 08:00 local is 13:00 UTC.
  const eastern = web.ticks(T0 - 1, T0 + 4 * 3_600_000, 800, 90, 300);
  assert.equal(eastern[0].t, T0);
  assert.equal(eastern[0].label, '03-01 08:00');
  for (const span of [5, 1000, 60_000, 3_600_000, 86_400_000, 365 * 86_400_000]) {
    const tk = web.ticks(T0, T0 + span, 1200, 90);
    assert.ok(tk.length >= 1 && tk.length <= 14, `span ${span}: ${tk.length} ticks`);
    for (let k = 1; k < tk.length; k++) assert.ok(((tk[k].t - tk[k - 1].t) / span) * 1200 >= 90);
  }
  assert.deepEqual(web.ticks(T0, T0, 800, 90), []);
});

// ----- lanes, scrolling, histogram ---------------------------------------------------------------------------

test('lanes: one per file or per component, in order of first appearance among the rows shown', () => {
  const store = webStore(ROWS);
  const all = Int32Array.from(ROWS.keys());
  const byFile = web.buildLanes('file', store, all, all.length, store.files.length);
  assert.deepEqual(byFile.ids, [0, 1]);
  const byComponent = web.buildLanes('component', store, all, all.length, store.components.length);
  assert.deepEqual(
    byComponent.ids.map((id) => store.components[id]),
    ['WUAHandler', 'ScanAgent', 'SMS_STATE_SYSTEM', 'SMS_DISTRIBUTION_MANAGER'],
  );
  assert.equal(byComponent.laneOfId[store.comp[5]], 3);
  // Only the server's rows shown: one lane, and the client's file has none.
  const server = Int32Array.from([2, 4, 5]);
  const lanes = web.buildLanes('file', store, server, server.length, store.files.length);
  assert.deepEqual(lanes.ids, [1]);
  assert.equal(lanes.laneOfId[0], -1);
  assert.equal(lanes.laneOfId[1], 0);
});

test('virtual scrolling: a million rows, natural and scaled heights, in well under a second', () => {
  const ROW = 20,
    VIEW = 600,
    MAX = 15_000_000,
    N = 1_000_000;
  const started = performance.now();
  // Small lists scroll naturally.
  const small = web.virtualWindow(0, VIEW, ROW, 100, 5, MAX);
  assert.deepEqual([small.spacerHeight, small.first, small.last, small.top], [2000, 0, 36, 0]);
  const mid = web.virtualWindow(1000, VIEW, ROW, 100, 5, MAX);
  assert.deepEqual([mid.first, mid.last, mid.top], [45, 86, 900]);
  // A million rows exceed what a browser can scroll: the spacer is capped and positions scale.
  const top = web.virtualWindow(0, VIEW, ROW, N, 5, MAX);
  assert.equal(top.spacerHeight, MAX);
  assert.deepEqual([top.first, top.top], [0, 0]);
  const end = web.virtualWindow(MAX - VIEW, VIEW, ROW, N, 5, MAX);
  assert.equal(end.last, N);
  assert.ok(end.first > N - 50);
  // The last row's bottom lands on the viewport's bottom.
  assert.ok(Math.abs(end.top + (N - end.first) * ROW - MAX) < 1e-3);
  let previous = -1;
  for (let scrollTop = 0; scrollTop <= MAX - VIEW; scrollTop += 997) {
    const w = web.virtualWindow(scrollTop, VIEW, ROW, N, 5, MAX);
    assert.ok(w.exact >= previous);
    previous = w.exact;
    assert.ok(w.last - w.first <= Math.ceil(VIEW / ROW) + 1 + 10, 'only the visible rows are rendered');
    // Row `exact` is at the top of the viewport.
    assert.ok(Math.abs(w.top + (w.exact - w.first) * ROW - scrollTop) < 1e-3);
  }
  // scrollTopForRow is the inverse.
  for (const index of [0, 1, 12_345, 500_000, 999_969]) {
    const st = web.scrollTopForRow(index, VIEW, ROW, N, MAX);
    assert.ok(Math.abs(web.virtualWindow(st, VIEW, ROW, N, 5, MAX).exact - index) < 1e-6, String(index));
  }
  assert.equal(web.scrollTopForRow(10, VIEW, ROW, 100, MAX), 200);
  assert.equal(web.scrollTopForRow(99, VIEW, ROW, 100, MAX), 1400, 'clamped to the last page');
  assert.ok(performance.now() - started < 1000);
});

test('a million rows: filtering, searching by time and the error histogram stay fast', () => {
  const N = 1_000_000;
  const store = new web.Store();
  store.files.push({ uri: CLIENT } as TimelineFileInfo, { uri: SERVER } as TimelineFileInfo);
  const chunkSize = 100_000;
  const started = performance.now();
  for (let offset = 0; offset < N; offset += chunkSize) {
    const chunk: RowChunk = {
      offset,
      count: chunkSize,
      addFiles: [],
      addComponents: offset ? [] : ['A', 'B'],
      t: [],
      file: [],
      line: [],
      endLine: [],
      bias: [],
      sev: [],
      comp: [],
      thread: [],
      msg: [],
      keys: [],
      clock: [],
      addClocks: [],
      local: [],
    };
    for (let k = 0; k < chunkSize; k++) {
      const i = offset + k;
      chunk.t.push(T0 + i * 10);
      chunk.file.push(i & 1);
      chunk.line.push(i + 1);
      chunk.endLine.push(i + 1);
      chunk.bias.push(300);
      chunk.sev.push(i % 1000 === 0 ? 0 : i % 100 === 0 ? 1 : 2);
      chunk.comp.push(i % 3 === 0 ? 1 : 0);
      chunk.thread.push(i % 7);
      chunk.msg.push(i % 1000 === 0 ? 'failed' : 'ok');
      chunk.keys.push(i % 50_000 === 0 ? [SCAN] : 0);
    }
    store.append(chunk);
  }
  const loaded = performance.now();
  const view = new Int32Array(N);
  const all = web.filterInto(store, compileFilter(emptyFilter()), 0, N, view, 0);
  assert.equal(all, N);
  const errors = web.filterInto(
    store,
    compileFilter({ ...emptyFilter(), errorsOnly: true }),
    0,
    N,
    new Int32Array(N),
    0,
  );
  assert.equal(errors, 1000);
  const text = web.filterInto(store, compileFilter({ ...emptyFilter(), text: 'FAIL' }), 0, N, new Int32Array(N), 0);
  assert.equal(text, 1000);
  assert.equal(web.lowerBound(store.t, view, N, T0 + 5_000_005), 500_001);
  assert.equal(web.positionOf(view, N, 765_432), 765_432);
  const lanes = web.buildLanes('component', store, view, N, 2);
  assert.deepEqual(lanes.ids, [1, 0]);
  const d = web.densityBins(
    { t: store.t, sev: store.sev, ids: store.comp },
    lanes.laneOfId,
    new Uint8Array(N),
    view,
    N,
    T0,
    T0 + N * 10,
    1400,
    2,
  );
  assert.equal(
    d.errors.reduce((a, b) => a + b, 0),
    1000,
  );
  assert.equal(
    d.warnings.reduce((a, b) => a + b, 0),
    9000,
  );
  assert.equal(
    d.counts.reduce((a, b) => a + b, 0),
    N,
  );
  assert.equal(
    d.counts.subarray(0, 1400).reduce((a, b) => a + b, 0),
    Math.ceil(N / 3),
    'lane 0 is component B (every third row)',
  );
  // Zoomed in on a tenth of a second, only those rows are touched.
  const zoomed = web.densityBins(
    { t: store.t, sev: store.sev, ids: store.comp },
    lanes.laneOfId,
    new Uint8Array(N),
    view,
    N,
    T0 + 5_000_000,
    T0 + 5_000_100,
    100,
    2,
  );
  assert.equal(
    zoomed.counts.reduce((a, b) => a + b, 0),
    10,
  );
  assert.deepEqual(store.keyIndex.get(SCAN)?.length, 20);
  const done = performance.now();
  assert.ok(done - loaded < 1000, `filtering and searching took ${Math.round(done - loaded)} ms`);
  assert.ok(done - started < 5000, `loading a million rows took ${Math.round(loaded - started)} ms`);
});

test('overview bins: lanes × pixels over [from, to), worst severity, linked rows, error histogram', () => {
  const store = webStore(ROWS);
  const view = Int32Array.from(ROWS.keys());
  const lanes = web.buildLanes('file', store, view, view.length, store.files.length);
  const linked = new Uint8Array(store.n);
  linked[2] = 1; // the server's state message
  const d = web.densityBins(
    { t: store.t, sev: store.sev, ids: store.file },
    lanes.laneOfId,
    linked,
    view,
    view.length,
    T0,
    T0 + 5000,
    5,
    lanes.ids.length,
  );
  // Lane 0 = the client (rows 1, 3), lane 1 = the server (rows 2, 4, 5); pixel = second.
  assert.deepEqual(Array.from(d.counts), [1, 0, 1, 0, 0, 0, 1, 1, 0, 1]);
  assert.deepEqual(Array.from(d.worst), [2, 255, 0, 255, 255, 255, 2, 2, 255, 1]);
  assert.deepEqual(Array.from(d.linked), [0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(d.errors), [0, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(d.warnings), [0, 0, 0, 0, 1]);
  assert.equal(d.maxCount, 1);
  // Rows outside [from, to) and rows without a time are left out.
  const narrow = web.densityBins(
    { t: store.t, sev: store.sev, ids: store.file },
    lanes.laneOfId,
    linked,
    view,
    view.length,
    T0 + 1000,
    T0 + 2000,
    10,
    2,
  );
  assert.equal(
    narrow.counts.reduce((a, b) => a + b, 0),
    1,
  );
  assert.equal(
    web.lowerBound(store.t, view, view.length, -Infinity),
    1,
    'rows without a time sort first and are skipped',
  );
  // A lane hidden from the lanes (laneOfId -1) still counts in the histogram.
  const onlyServer = web.buildLanes('file', store, Int32Array.from([2, 4, 5]), 3, 2);
  const partial = web.densityBins(
    { t: store.t, sev: store.sev, ids: store.file },
    onlyServer.laneOfId,
    linked,
    view,
    view.length,
    T0,
    T0 + 5000,
    5,
    1,
  );
  assert.deepEqual(Array.from(partial.counts), [0, 1, 1, 0, 1]);
  assert.deepEqual(Array.from(partial.errors), [0, 0, 1, 0, 0]);
});

test('the chain: linked rows joined in time order across lanes, one point per pixel and lane, filtered rows left out', () => {
  const store = webStore(ROWS);
  const view = Int32Array.from(ROWS.keys());
  const lanes = web.buildLanes('file', store, view, view.length, store.files.length);
  const linked = web.linkedRows(store.keyIndex, [SCAN, 'KB5034441']); // rows 1, 2, 3, 4, 7
  const points = (v = view, from = T0, to = T0 + 5000, width = 5) =>
    web.chainPoints(linked, store.t, store.file, lanes.laneOfId, v, v.length, from, to, width);
  // Client (lane 0) at 0 s, server (lane 1) at 1 s, client at 2 s, server at 2 s; row 7 (an hour later) is outside.
  assert.deepEqual(
    points().map((p) => [p.row, p.x, p.lane]),
    [
      [1, 0, 0],
      [2, 1, 1],
      [3, 2, 0],
      [4, 2, 1],
    ],
  );
  // Narrow: rows 3 and 4 share a pixel but not a lane, so both stay; rows 1 and 3 (same lane, same pixel) are one.
  assert.deepEqual(
    points(view, T0, T0 + 5000, 1).map((p) => p.row),
    [1, 2, 3, 4],
  );
  assert.deepEqual(
    web.chainPoints([1, 3], store.t, store.file, lanes.laneOfId, view, view.length, T0, T0 + 5000, 1).map((p) => p.row),
    [1],
  );
  // Rows the filter hides are not on the line.
  assert.deepEqual(
    points(Int32Array.from([1, 3, 7])).map((p) => p.row),
    [1, 3],
  );
  assert.deepEqual(points(view, T0, T0, 5), [], 'an empty range draws nothing');
  // Per component: the lanes are the components.
  const byComponent = web.buildLanes('component', store, view, view.length, store.components.length);
  const comp = web.chainPoints(linked, store.t, store.comp, byComponent.laneOfId, view, view.length, T0, T0 + 5000, 5);
  assert.deepEqual(
    comp.map((p) => p.lane),
    [
      byComponent.laneOfId[store.comp[1]],
      byComponent.laneOfId[store.comp[2]],
      byComponent.laneOfId[store.comp[3]],
      byComponent.laneOfId[store.comp[4]],
    ],
  );
});

test('time display: auto by default, log-local when every log shares one bias (as CMTrace shows), UTC when they differ', () => {
  assert.deepEqual(['utc', 'logLocal', 'machineLocal', 'auto', 'bogus', undefined].map(timeModeOf), [
    'utc',
    'log',
    'machine',
    'auto',
    'auto',
    'auto',
  ]);
  assert.equal(autoTimeMode([300, 300, 300]), 'log', 'one zone: the times read as in the files');
  assert.equal(autoTimeMode([300, -60]), 'utc', 'zones differ: one clock for all');
  assert.equal(autoTimeMode([]), 'utc', 'no bias anywhere: the times are UTC already');
  // The store collects the biases of the rows it holds (rows without a time do not count).
  const store = webStore(ROWS);
  assert.deepEqual(
    [...store.biases].sort((a, b) => a - b),
    [-60, 300],
  );
  assert.equal(autoTimeMode(store.biases), 'utc');
  assert.equal(autoTimeMode(webStore(ROWS.filter((r) => r.uri === CLIENT)).biases), 'log');
});

// ----- the page ----------------------------------------------------------------------------------------------

test('the page: strict CSP with a nonce, static markup, no inline handler or style', () => {
  const html = timelineHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc+/123=',
    scriptUri: 'https://x.invalid/media/timeline.js',
    styleUri: 'https://x.invalid/media/timeline.css',
  });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.equal(
    csp,
    "default-src 'none'; script-src 'nonce-abc+/123='; style-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:",
  );
  assert.equal(csp, timelineCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc+/123='));
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.deepEqual(scripts, ['<script nonce="abc+/123=" src="https://x.invalid/media/timeline.js">']);
  assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline handlers');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline styles');
  assert.doesNotMatch(html, /<style/i);
  assert.doesNotMatch(
    html.split('https://file+.vscode-resource.vscode-cdn.net').join(''),
    /\/\/(?!x\.invalid)[a-z]/i,
    'nothing remote but the resources given',
  );
  // Values are attribute-escaped.
  const hostile = timelineHtml({
    cspSource: 'a',
    nonce: 'n"><script>alert(1)</script>',
    scriptUri: 's',
    styleUri: 'c',
  });
  assert.doesNotMatch(hostile, /<script>alert/);
  // Every id the script looks up exists.
  const ids = webviewSources().flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\$(?:<\w+>)?\('([A-Za-z]+)'\)|input\('([A-Za-z]+)'\)/g)].map(
      (m) => m[1] ?? m[2],
    ),
  );
  assert.ok(ids.length > 40, `${ids.length} ids looked up`);
  for (const id of ids) assert.ok(html.includes(`id="${id}"`), `#${id} is in the page`);
});

test('the webview script never turns text into markup or code (its sources and the bundle that ships)', () => {
  const shared = readdirSync(SHARED).map((f) => join(SHARED, f));
  const sources = [...webviewSources(), ...shared, join(MEDIA, 'out', 'timeline.js')];
  for (const file of sources) neverMarkup(readFileSync(file, 'utf8'), file);
  const css = readFileSync(join(MEDIA, 'timeline.css'), 'utf8');
  assert.doesNotMatch(css, /url\(|@import/, 'the stylesheet loads nothing');
});

test('the bundled webview script carries the shared filter, not a copy of the extension side', () => {
  const bundle = readFileSync(join(MEDIA, 'out', 'timeline.js'), 'utf8');
  assert.match(bundle, /Nested quantifiers such as/, 'timelineFilter.ts is bundled in');
  assert.doesNotMatch(
    bundle,
    /Content-Security-Policy|sanitizeFilter|csvCell/,
    'nothing of the extension side but what the webview uses',
  );
  assert.match(bundle, /acquireVsCodeApi\(\)/, 'the entry point starts the UI');
});

const SHARED = join(__dirname, '..', '..', 'client', 'src', 'shared');
function webviewSources(): string[] {
  return readdirSync(WEBVIEW)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(WEBVIEW, f));
}

test('the webview is TypeScript modules of at most ~400 lines that import only each other and client/src/shared', () => {
  const files = webviewSources();
  assert.ok(files.length >= 8, files.join(', '));
  for (const file of [...files, ...readdirSync(SHARED).map((f) => join(SHARED, f))]) {
    const text = readFileSync(file, 'utf8');
    assert.ok(text.split('\n').length <= 420, `${file}: ${text.split('\n').length} lines`);
    for (const [, from] of text.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)) {
      const ok = file.startsWith(WEBVIEW)
        ? /^\.\/[\w]+$|^\.\.\/\.\.\/client\/src\/shared\/\w+$/.test(from)
        : /^\.\/\w+$/.test(from);
      assert.ok(ok, `${file} imports ${from}`);
    }
  }
});

function neverMarkup(script: string, file: string): void {
  for (const pattern of [
    /\.innerHTML/,
    /\.outerHTML/,
    /insertAdjacentHTML/,
    /document\.write/,
    /\beval\s*\(/,
    /new Function/,
    /\bFunction\s*\(/,
    /setTimeout\(\s*['"`]/,
    /setAttribute\(\s*['"](?:on|style|href|src)/i,
    /\.(?:href|src)\s*=/,
    /createContextualFragment/,
    /DOMParser/,
  ]) {
    assert.doesNotMatch(script, pattern, `${pattern} in ${file}`);
  }
}

// ----- the panel, against a stubbed `vscode` and the real server paging ------------------------------------------
// timelinePanel.ts cannot run outside VS Code, so `vscode` is replaced by a small fake and the language client by
// the server's own timelinePage() over a LogIndex: what the panel streams is fed to the webview's real Store.

let fake = useFake(fakeVscode());

import { LogIndex } from '../../server/src/core/logIndex';
import { parseText } from '../../server/src/core/parse';
import { timelinePage } from '../../server/src/features/timeline';
import type { TimelineParams } from '../../server/src/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const cmLine = (message: string, time: string, type = '1', date = '03-01-2024') =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="WUAHandler" context="" type="${type}" thread="10" file="">`;
const smsLine = (message: string, time: string) =>
  `${message} $$<SMS_STATE_SYSTEM><03-01-2024 ${time}><thread=4 (0x4)>`;
const clock = (ms: number) => {
  const d = new Date(Date.UTC(2024, 2, 1, 8) + ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
};
const CLIENT_PATH = '/logs/client/WUAHandler.log';
const SERVER_PATH = '/logs/site/statesys.log';

/** A client (UTC-5) and a site server (UTC+1) log, `n` records each, interleaved in UTC (server 500 ms later). */
function makeIndex(n: number): LogIndex {
  const index = new LogIndex();
  const client: string[] = [];
  const server: string[] = [];
  for (let k = 0; k < n; k++) {
    client.push(
      cmLine(
        k % 1000 === 7 ? `Scan job {${SCAN}} failed 0x80244021` : `client ${k}`,
        clock(k * 1000) + '+300',
        k % 1000 === 7 ? '3' : '1',
      ),
    );
    // 14:00 local at -60 is 13:00 UTC like the client's 08:00 at +300.
    server.push(
      smsLine(k % 1000 === 7 ? `State for ${SCAN}` : `server ${k}`, clock(k * 1000 + 6 * 3600_000 + 500) + '-60'),
    );
  }
  index.setFile(parseText(client.join('\n'), CLIENT_PATH));
  index.setFile(parseText(server.join('\n'), SERVER_PATH));
  // The server caches its last merge by generation and file names; each test index must not look like another.
  index.generation += 1_000_000 * ++indexes;
  return index;
}
let indexes = 0;
let big: LogIndex | undefined;
/** 22,000 records (more than one page of 20,000), parsed once for the tests that need that many. */
const bigIndex = () => (big ??= makeIndex(11_000));

function fakeClient(index: LogIndex, log: TimelineParams[] = []) {
  return {
    sendRequest: async (_method: string, params: TimelineParams) => (log.push(params), timelinePage(index, params)),
  };
}

type PanelModule = typeof import('../../client/src/timelinePanel');
const { openTimeline } = require('../../client/src/timelinePanel') as PanelModule;
const waitFor = async (condition: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Replays what the panel posted into the webview's Store, as the webview does. */
function replay(posted: Posted[]) {
  let store = new web.Store();
  let generation = -1;
  const begins: Posted[] = [];
  for (const m of posted) {
    if (m.type === 'begin') {
      begins.push(m);
      generation = m.generation as number;
      store = new web.Store(generation);
      store.files.push(...(m.files as TimelineFileInfo[]));
    } else if (m.type === 'rows') store.append(m.chunk as RowChunk, m.generation as number); // another load's rows are refused by the store
  }
  return { store, begins, ends: posted.filter((m) => m.type === 'end') };
}

test('panel: page markup, options and the full stream on ready', async () => {
  fake = useFake(fakeVscode());
  const index = bigIndex();
  const requests: TimelineParams[] = [];
  const panel = await openTimeline(fake.context as never, fakeClient(index, requests) as never, {
    uris: [CLIENT_PATH, SERVER_PATH].map((p) => 'file://' + p),
  });
  try {
    assert.equal(panel, fake.panel as unknown);
    const options = fake.panelOptions();
    assert.equal(options.enableScripts, true);
    assert.equal(options.enableCommandUris, false);
    assert.deepEqual(
      (options.localResourceRoots as Array<{ path: string }>).map((u) => u.path),
      ['/ext/media'],
    );
    assert.match(fake.panel.webview.html, /script-src 'nonce-[A-Za-z0-9+/=]{24}'/);
    const nonce = /nonce-([^']+)'/.exec(fake.panel.webview.html)![1];
    assert.ok(fake.panel.webview.html.includes(`<script nonce="${nonce}" src="file:///ext/media/out/timeline.js">`));
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    const { store, begins, ends } = replay(fake.posted);
    assert.equal(begins.length, 1);
    assert.equal(begins[0].keepView, false);
    assert.equal(begins[0].total, 22_000);
    assert.deepEqual(
      ends.map((e) => [e.total, e.loaded, e.truncated]),
      [[22_000, 22_000, false]],
    );
    assert.equal(store.n, 22_000);
    // Merged by UTC: the client's record, then the server's half a second later, alternately.
    assert.deepEqual(Array.from(store.file.subarray(0, 6)), [0, 1, 0, 1, 0, 1]);
    for (let k = 1; k < store.n; k++) assert.ok(store.t[k] >= store.t[k - 1]);
    assert.deepEqual(store.keyIndex.get(SCAN)?.length, 22);
    // Pages of 20,000 rows: two requests, offsets 0 and 20,000 (for the 2,000 rows left).
    assert.deepEqual(
      requests.map((r) => [r.offset, r.limit]),
      [
        [0, 20_000],
        [20_000, 2_000],
      ],
    );
  } finally {
    fake.close();
  }
});

test("panel: over its row limit the panel loads the latest rows (a log's end is what is read first), and says so", async () => {
  fake = useFake(fakeVscode());
  const index = bigIndex();
  const requests: TimelineParams[] = [];
  await openTimeline(fake.context as never, fakeClient(index, requests) as never, {
    uris: [CLIENT_PATH, SERVER_PATH].map((p) => 'file://' + p),
    maxRows: 15_000,
  });
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    const { store, begins, ends } = replay(fake.posted);
    assert.equal(begins[0].maxRows, 15_000);
    assert.deepEqual(
      ends.map((e) => [e.total, e.loaded, e.truncated]),
      [[22_000, 15_000, true]],
    );
    assert.equal(store.n, 15_000);
    // The rows are the last 15,000 of the merge: the same as asking the server for them.
    const latest = timelinePage(index, {
      uris: [CLIENT_PATH, SERVER_PATH].map((p) => 'file://' + p),
      offset: 7_000,
      limit: 15_000,
    });
    assert.equal(store.t[0], latest.rows[0].t);
    assert.equal(store.line[store.n - 1], latest.rows[latest.rows.length - 1].line);
    assert.equal(store.msg[store.n - 1], latest.rows[latest.rows.length - 1].message);
    assert.deepEqual(
      requests.map((r) => [r.offset, r.limit]),
      [
        [0, 20_000],
        [7_000, 20_000],
      ],
    );
  } finally {
    fake.close();
  }
});

test('panel: hostile messages are ignored, reveal opens known files only', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(50);
  await openTimeline(fake.context as never, fakeClient(index) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    const before = fake.posted.length;
    for (const m of [
      null,
      'reveal',
      { type: 'reveal', uri: 'command:workbench.action.terminal.new', line: 1 },
      { type: 'reveal', uri: 'file:///etc/passwd', line: 1 },
      { type: 'setClockOffset', uri: 'file:///x', ms: 5 },
      { type: 'export', format: 'exe' },
      { type: 'setKey', key: '<script>' },
    ]) {
      await fake.send(m);
    }
    assert.equal(fake.posted.length, before);
    assert.equal(fake.calls.shown.length, 0);
    assert.equal(fake.state.size, 0);
    await fake.send({
      type: 'reveal',
      load: replay(fake.posted).store.load,
      uri: 'file://' + SERVER_PATH,
      line: 8,
      endLine: 1e9,
    });
    assert.equal(fake.calls.shown.length, 1);
    assert.equal(fake.calls.shown[0].uri, 'file://' + SERVER_PATH);
    assert.equal((fake.calls.shown[0].options.selection as { start: { line: number } }).start.line, 7);
    assert.equal(fake.calls.shown[0].options.viewColumn, 2, 'beside the panel, which is in column one');
  } finally {
    fake.close();
  }
});

test('panel: a clock offset is remembered, sent to the server and reloads in place', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(100);
  const requests: TimelineParams[] = [];
  await openTimeline(fake.context as never, fakeClient(index, requests) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    fake.posted.length = 0;
    const serverUri = 'file://' + SERVER_PATH;
    // The server's clock runs 2 s fast: shift it back by 2,000 ms; it now comes 1.5 s before the client's.
    await fake.send({ type: 'setClockOffset', uri: serverUri, ms: -2000 });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    assert.deepEqual(fake.state.get('cmlogs.timeline.clockOffsets'), { [serverUri]: -2000 });
    assert.deepEqual(requests.at(-1)!.clockOffsets, { [serverUri]: -2000 });
    assert.deepEqual(fake.posted[0], { type: 'clockOffsets', offsets: { [serverUri]: -2000 } });
    const { store, begins } = replay(fake.posted);
    assert.equal(begins[0].keepView, true);
    assert.deepEqual(
      (begins[0].files as Array<{ clockOffsetMs: number }>).map((f) => f.clockOffsetMs).sort(),
      [-2000, 0],
    );
    // Server k is now at k s − 1.5 s, client k at k s: server 0, server 1, client 0, server 2, client 1…
    const s = store.files.findIndex((f) => f.uri === serverUri);
    const c = 1 - s;
    assert.deepEqual(Array.from(store.file.subarray(0, 5)), [s, s, c, s, c]);
    // Zero forgets it.
    await fake.send({ type: 'setClockOffset', uri: serverUri, ms: 0 });
    await waitFor(() => fake.posted.filter((m) => m.type === 'end').length === 2);
    assert.deepEqual(fake.state.get('cmlogs.timeline.clockOffsets'), {});
  } finally {
    fake.close();
  }
});

test('panel: live logs — new records at the end are appended, earlier ones reload in place', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(100);
  await openTimeline(fake.context as never, fakeClient(index) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    fake.posted.length = 0;
    const change = { document: { languageId: 'cmlog' }, contentChanges: [{}] };
    // Nothing changed: one probe, nothing posted.
    fake.listeners.change.forEach((l) => l(change));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(fake.posted.length, 0);
    // The client writes two more records, later than everything: appended.
    const more = parseText(
      [cmLine('late one', clock(200_000) + '+300'), cmLine('late two', clock(201_000) + '+300')].join('\n'),
      CLIENT_PATH,
    ).records.map((r, k) => ({ ...r, line: 101 + k, endLine: 101 + k }));
    index.appendRecords(CLIENT_PATH, more);
    fake.listeners.change.forEach((l) => l(change));
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    assert.deepEqual(
      fake.posted.map((m) => m.type),
      ['rows', 'end'],
    );
    const chunk = fake.posted[0].chunk as RowChunk;
    assert.deepEqual([chunk.offset, chunk.count, chunk.msg], [200, 2, ['late one', 'late two']]);
    assert.deepEqual([fake.posted[1].total, fake.posted[1].loaded], [202, 202]);
    // The server writes a record dated before the last one: the order changed, reload in place.
    fake.posted.length = 0;
    const early = parseText(smsLine('early', clock(6 * 3600_000 + 150_000) + '-60'), SERVER_PATH).records.map((r) => ({
      ...r,
      line: 101,
      endLine: 101,
    }));
    index.appendRecords(SERVER_PATH, early);
    fake.listeners.change.forEach((l) => l(change));
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    assert.equal(fake.posted[0].type, 'begin');
    assert.equal(fake.posted[0].keepView, true);
    assert.equal(replay(fake.posted).store.n, 203);
  } finally {
    fake.close();
  }
});

test('panel: export writes the filtered rows of every page as CSV or NDJSON', async () => {
  fake = useFake(fakeVscode());
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-export-'));
  const index = bigIndex();
  await openTimeline(fake.context as never, fakeClient(index) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    fake.calls.saveTarget = join(dir, 'errors.csv');
    await fake.send({ type: 'export', format: 'csv', filter: { errorsOnly: true } });
    const csv = readFileSync(fake.calls.saveTarget, 'utf8');
    const table = readCsv(csv.replace(/^\ufeff/, ''));
    assert.equal(table.length, 1 + 11);
    assert.deepEqual(table[0], [
      'utc',
      'local',
      'bias',
      'file',
      'line',
      'component',
      'thread',
      'severity',
      'message',
      'keys',
    ]);
    assert.ok(table.slice(1).every((r) => r[7] === 'error' && r[9] === SCAN && r[2] === '300'));
    fake.calls.saveTarget = join(dir, 'scan.ndjson');
    await fake.send({ type: 'export', format: 'ndjson', filter: { key: SCAN } });
    const lines = readFileSync(fake.calls.saveTarget, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 22);
    assert.deepEqual(
      lines.slice(0, 2).map((l) => l.file),
      [CLIENT_PATH, SERVER_PATH],
    );
    assert.ok(fake.posted.some((m) => m.type === 'status' && /Exported 22 records/.test(String(m.text))));
    // A regex that is refused is not exported.
    fake.calls.saveTarget = join(dir, 'never.csv');
    await fake.send({ type: 'export', format: 'csv', filter: { text: '(a+)+', regex: true } });
    assert.match(fake.calls.warnings[0], /Nested quantifiers/);
    assert.throws(() => readFileSync(fake.calls.saveTarget));
  } finally {
    fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('panel: Show Related Events restricts to the key on the server, and can show everything around it', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(3000);
  const requests: TimelineParams[] = [];
  await openTimeline(fake.context as never, fakeClient(index, requests) as never, { key: SCAN });
  try {
    assert.equal(fake.panel.title, `Timeline: ${SCAN}`);
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    let { store, begins } = replay(fake.posted);
    assert.deepEqual([begins[0].serverKey, begins[0].focusKey, begins[0].total], [SCAN, SCAN, 6]);
    assert.equal(store.n, 6);
    assert.equal(requests[0].key, SCAN);
    fake.posted.length = 0;
    await fake.send({ type: 'setKey', key: null });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    ({ store, begins } = replay(fake.posted));
    assert.deepEqual(
      [begins[0].serverKey, begins[0].focusKey, begins[0].total, begins[0].keepView],
      [null, SCAN, 6000, true],
    );
    assert.equal(store.keyIndex.get(SCAN)?.length, 6);
    assert.equal(requests.at(-1)!.key, undefined);
  } finally {
    fake.close();
  }
});

test('panel: a clock offset is remembered across closing and reopening the timeline (workspace state)', async () => {
  const index = makeIndex(100);
  const serverUri = 'file://' + SERVER_PATH;
  fake = useFake(fakeVscode());
  await openTimeline(fake.context as never, fakeClient(index) as never, {});
  await fake.send({ type: 'ready' });
  await waitFor(() => fake.posted.some((m) => m.type === 'end'));
  await fake.send({ type: 'setClockOffset', uri: serverUri, ms: -2000 });
  await waitFor(() => fake.posted.filter((m) => m.type === 'end').length === 2);
  fake.close();
  // The same workspace (its state) later, in a new panel: the first request and the first rows have the offset.
  const state = fake.state;
  fake = useFake(fakeVscode());
  for (const [k, v] of state) fake.state.set(k, v);
  const requests: TimelineParams[] = [];
  await openTimeline(fake.context as never, fakeClient(index, requests) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    assert.deepEqual(requests[0].clockOffsets, { [serverUri]: -2000 });
    assert.deepEqual(
      fake.posted.find((m) => m.type === 'clockOffsets'),
      { type: 'clockOffsets', offsets: { [serverUri]: -2000 } },
    );
    const { store, begins } = replay(fake.posted);
    assert.equal(begins[0].keepView, false, 'a fresh panel');
    assert.deepEqual(
      (begins[0].files as Array<{ uri: string; clockOffsetMs: number }>).map((f) => [f.uri, f.clockOffsetMs]).sort(),
      [
        ['file://' + CLIENT_PATH, 0],
        [serverUri, -2000],
      ].sort(),
    );
    const s = store.files.findIndex((f) => f.uri === serverUri);
    assert.deepEqual(
      Array.from(store.file.subarray(0, 5)),
      [s, s, 1 - s, s, 1 - s],
      'the lane is shifted from the first load on',
    );
  } finally {
    fake.close();
  }
});

test('panel: a timeline of a folder asks for the folder at every load; a log written into it later joins', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(100);
  const requests: TimelineParams[] = [];
  const folder = 'file:///logs/client';
  await openTimeline(fake.context as never, fakeClient(index, requests) as never, { folders: [folder] });
  try {
    assert.equal(fake.panel.title, 'Timeline: client');
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    assert.deepEqual([requests[0].folders, requests[0].uris], [[folder], undefined]);
    let { store } = replay(fake.posted);
    assert.deepEqual(
      store.files.map((f) => f.uri),
      ['file://' + CLIENT_PATH],
      'only the logs of that folder',
    );
    assert.equal(store.n, 100);
    // A new log appears in the folder (the server indexes it: its watcher, or the folder read at the next request).
    fake.posted.length = 0;
    const casPath = '/logs/client/CAS.log';
    index.setFile(
      parseText(
        [
          cmLine(`Download {${SCAN}} started`, clock(50_500) + '+300'),
          cmLine('Download done', clock(51_500) + '+300'),
        ].join('\n'),
        casPath,
      ),
    );
    fake.listeners.viewState.forEach((l) => l());
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    ({ store } = replay(fake.posted));
    const begin = fake.posted.find((m) => m.type === 'begin')!;
    assert.equal(begin.keepView, true, 'reloaded in place');
    assert.deepEqual(store.files.map((f) => f.uri).sort(), ['file:///logs/client/CAS.log', 'file://' + CLIENT_PATH]);
    assert.equal(store.n, 102);
    assert.ok(
      requests.slice(1).every((r) => r.folders?.[0] === folder),
      'every request names the folder, not a list of files',
    );
    // The newcomer is a file of the timeline now: its records open in the editor.
    await fake.send({
      type: 'reveal',
      load: replay(fake.posted).store.load,
      uri: 'file://' + casPath,
      line: 2,
      endLine: 2,
    });
    assert.deepEqual(
      fake.calls.shown.map((c) => c.uri),
      ['file://' + casPath],
    );
  } finally {
    fake.close();
  }
});

test('panel: the cmlogs.timeDisplay setting is sent on ready, and again when it changes', async () => {
  fake = useFake(fakeVscode());
  fake.settings.set('cmlogs.timeDisplay', 'logLocal');
  await openTimeline(fake.context as never, fakeClient(makeIndex(10)) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    assert.deepEqual(
      fake.posted.filter((m) => m.type === 'settings'),
      [{ type: 'settings', timeMode: 'log', changed: false, layout: null, rules: [] }],
    );
    fake.settings.set('cmlogs.timeDisplay', 'machineLocal');
    fake.listeners.configuration.forEach((l) =>
      l({ affectsConfiguration: (section) => section === 'cmlogs.timeDisplay' }),
    );
    fake.listeners.configuration.forEach((l) => l({ affectsConfiguration: () => false }));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fake.posted.filter((m) => m.type === 'settings').at(-1), {
      type: 'settings',
      timeMode: 'machine',
      changed: true,
      layout: null,
      rules: [],
    });
    assert.equal(fake.posted.filter((m) => m.type === 'settings').length, 2, 'other settings send nothing');
  } finally {
    fake.close();
  }
});

test('panel: a record of a log over 50 MB (no document for extensions) still opens at its line, through vscode.open', async () => {
  fake = useFake(fakeVscode());
  const serverUri = 'file://' + SERVER_PATH;
  fake.withheld.add(serverUri);
  await openTimeline(fake.context as never, fakeClient(makeIndex(10)) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    await fake.send({ type: 'reveal', load: replay(fake.posted).store.load, uri: serverUri, line: 8, endLine: 8 });
    assert.equal(fake.calls.shown.length, 0);
    const [command, uri, options] = fake.calls.commands[0] as [
      string,
      { toString(): string },
      { selection: { start: { line: number } }; viewColumn: number },
    ];
    assert.deepEqual(
      [command, uri.toString(), options.selection.start.line, options.viewColumn],
      ['vscode.open', serverUri, 7, 2],
    );
  } finally {
    fake.close();
  }
});

test('panel: retargeted to other logs, the webview drops the old rows at once and a click on an old row opens nothing', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(30);
  const client = fakeClient(index);
  await openTimeline(fake.context as never, client as never, { uris: ['file://' + CLIENT_PATH] });
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    const before = replay(fake.posted).store;
    assert.ok(before.files.every((f) => f.uri === 'file://' + CLIENT_PATH));
    fake.posted.length = 0;
    // Explorer → Open in Timeline on another log: the same panel, another target.
    await openTimeline(fake.context as never, client as never, { uris: ['file://' + SERVER_PATH] });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    const types = fake.posted.map((m) => m.type);
    assert.equal(
      types[0],
      'loading',
      'the webview is told to drop the old rows before the first page is even asked for',
    );
    assert.equal(fake.posted[0].keepView, false);
    assert.ok(types.indexOf('begin') > 0);
    const after = replay(fake.posted).store;
    assert.notEqual(after.load, before.load);
    assert.equal(fake.posted[0].generation, after.load, 'loading, begin, rows and end carry the same load id');
    assert.deepEqual(
      after.files.map((f) => f.uri),
      ['file://' + SERVER_PATH],
    );
    assert.ok(after.msg.slice(0, after.n).every((m) => m.startsWith('server ') || m.startsWith('State for')));
    // A double-click on a row drawn before the retarget: refused, though the file is still... not even known.
    await fake.send({ type: 'reveal', load: before.load, uri: 'file://' + SERVER_PATH, line: 3, endLine: 3 });
    assert.equal(fake.calls.shown.length, 0, 'a row of the previous load is never opened');
    await fake.send({ type: 'reveal', load: after.load, uri: 'file://' + SERVER_PATH, line: 3, endLine: 3 });
    assert.equal(fake.calls.shown.length, 1);
  } finally {
    fake.close();
  }
});

test('panel: column layout remembered for every timeline; highlight rules saved per workspace, imported from JSON', async () => {
  fake = useFake(fakeVscode());
  fake.vscode.workspace.workspaceFolders = [{ uri: fake.vscode.Uri.file('/ws') }] as never;
  await openTimeline(fake.context as never, fakeClient(makeIndex(5)) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await waitFor(() => fake.posted.some((m) => m.type === 'end'));
    const first = fake.posted.find((m) => m.type === 'settings')!;
    assert.deepEqual([first.timeMode, first.layout, first.rules], ['auto', null, []]);
    await fake.send({
      type: 'saveLayout',
      layout: {
        columns: [
          { id: 'comp', width: 5000, hidden: true },
          { id: 'msg', hidden: true },
        ],
        wrap: true,
      },
    });
    const layout = fake.globalState.get('cmlogs.timeline.columns') as {
      columns: Array<{ id: string; width: number; hidden: boolean }>;
      wrap: boolean;
    };
    assert.deepEqual(
      layout.columns.find((c) => c.id === 'comp'),
      { id: 'comp', width: 1200, hidden: true },
      'clamped',
    );
    assert.equal(layout.columns.find((c) => c.id === 'msg')!.hidden, false, 'the message column cannot be hidden');
    assert.equal(layout.wrap, true);
    fake.posted.length = 0;
    await fake.send({
      type: 'saveRules',
      rules: [
        { text: 'Scan', action: 'highlight', color: 'green' },
        { text: '', action: 'hide' },
        { text: 'noise', action: 'hide', color: '<b>' },
      ],
    });
    assert.deepEqual(fake.settings.get('cmlogs.highlightRules'), [
      { text: 'Scan', regex: false, matchCase: false, action: 'highlight', color: 'green' },
      { text: 'noise', regex: false, matchCase: false, action: 'hide', color: 'yellow' },
    ]);
    await waitFor(() => fake.posted.some((m) => m.type === 'settings'));
    assert.equal(
      (fake.posted.find((m) => m.type === 'settings')!.rules as unknown[]).length,
      2,
      'the change is sent back to the webview',
    );
    fake.calls.openTarget = '/ws/rules.json';
    fake.calls.fileTexts.set(
      '/ws/rules.json',
      '\ufeff{"rules":[{"text":"0x8024","regex":false,"action":"highlight","color":"red"}]}',
    );
    await fake.send({ type: 'importRules' });
    assert.equal((fake.settings.get('cmlogs.highlightRules') as unknown[]).length, 3);
    fake.calls.fileTexts.set('/ws/rules.json', 'not json');
    await fake.send({ type: 'importRules' });
    assert.match(fake.calls.warnings.at(-1)!, /Cannot import .*not JSON/);
    assert.equal((fake.settings.get('cmlogs.highlightRules') as unknown[]).length, 3);
  } finally {
    fake.close();
  }
});
