// The timeline webview's protocol (client/src/shared/timelineMessages.ts, client/src/timelineProtocol.ts) and the
// pure modules of the webview (media/src/): validation of hostile messages, CSV/NDJSON export, filter semantics
// (the plain reference of timeline.referenceFilter.ts, which the server's filter is checked against, and the one
// text compiler of common/textRule.ts), time
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
  compileText,
  csvCell,
  emptyFilter,
  filterError,
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
  type ViewPage,
  type ViewQuery,
} from '../../client/src/timelineProtocol';
import { applyFilter } from './timeline.referenceFilter';

// ----- the webview's pure modules -----------------------------------------------------------------------------

import * as format from '../../media/src/format';
import * as geometry from '../../media/src/geometry';
import { Store, Tables } from '../../media/src/store';

const web = { ...format, ...geometry, Store, Tables };
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
    assert.match(filterError(filter({ text: bad, regex: true })) ?? '', /Invalid regular expression/, bad);
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
  // Two chunks: the first brings the file not listed before, the second components the first did not know.
  for (const chunk of [encoder.encode(toPage(rows.slice(0, 3)), 0), encoder.encode(toPage(rows.slice(3)), 3)]) {
    store.tables.intern(chunk);
    store.append(chunk);
  }
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

test('webview store: rows, files and keys of a window; placing times; identities by file and line', () => {
  const store = webStore(ROWS);
  assert.equal(store.n, ROWS.length);
  assert.deepEqual(store.keys[1], [SCAN]);
  assert.equal(store.keys[0], null);
  assert.ok(Number.isNaN(store.t[0]));
  assert.equal(store.placeOf(0), null);
  assert.equal(store.placeOf(1), T0);
  assert.deepEqual(Array.from(store.file.subarray(0, store.n)), [0, 0, 1, 0, 1, 1, 0, 0]);
  assert.deepEqual(store.idOf(2), { load: -1, uri: SERVER, line: ROWS[2].line });
  assert.equal(store.find(store.idOf(5)), 5);
  const copy = store.rowCopy(5);
  assert.deepEqual([copy.n, copy.msg[0], copy.line[0], copy.files], [1, ROWS[5].message, ROWS[5].line, store.files]);
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
  assert.deepEqual(store.keys[0], [SCAN], 'only the string keys are kept');
  // A chunk's table entries are only ever appended: a hostile clock is reduced to its known fields.
  const tables = new web.Tables();
  tables.intern({
    ...chunk,
    addClocks: [{ kind: 'inferred', from: 'x'.repeat(999), bias: 'no' }, { kind: '<b>' }],
  } as never);
  assert.deepEqual(tables.clocks, [{ kind: 'inferred', from: 'x'.repeat(260) }, { kind: 'local' }]);
});

test('webview store is versioned: rows and selections of another load are refused, never shown or acted on', () => {
  const encoder = new ChunkEncoder();
  const first = new web.Store(4);
  first.files.push(...encoder.addFiles(FILES));
  assert.equal(first.append(encoder.encode(toPage(ROWS.slice(0, 4)), 0), 4), 0);
  const selected = first.idOf(2)!;
  assert.deepEqual(selected, { load: 4, uri: SERVER, line: ROWS[2].line });
  assert.equal(first.find(selected), 2);
  // A late page of load 4 arriving after the retarget to load 5: dropped.
  const second = new web.Store(5);
  second.files.push(...new ChunkEncoder().addFiles([FILES[1]]));
  assert.equal(second.append(encoder.encode(toPage(ROWS.slice(4)), 4), 4), -1);
  assert.equal(second.n, 0);
  const serverRows = ROWS.filter((r) => r.uri === SERVER);
  assert.equal(second.append(new ChunkEncoder().encode(toPage(serverRows, [FILES[1]]), 0), 5), 0);
  assert.equal(second.n, 3);
  // The selection made in load 4 means nothing in load 5, although load 5 holds the same file and line.
  assert.equal(second.find(selected), -1);
  assert.equal(second.find({ ...selected, load: 5 }), 0);
  assert.equal(second.idOf(99), null);
  assert.equal(second.find({ load: 5, uri: SERVER, line: 99_999 }), -1);
});

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
  const common = ['textRule.ts', 'wire.d.ts'].map((f) => join(SHARED, '..', '..', '..', 'common', f));
  const shared = [...readdirSync(SHARED).map((f) => join(SHARED, f)), ...common];
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

test('the webview is TypeScript modules of at most ~400 lines that import only each other, client/src/shared and common', () => {
  const files = webviewSources();
  assert.ok(files.length >= 8, files.join(', '));
  for (const file of [...files, ...readdirSync(SHARED).map((f) => join(SHARED, f))]) {
    const text = readFileSync(file, 'utf8');
    assert.ok(text.split('\n').length <= 420, `${file}: ${text.split('\n').length} lines`);
    for (const [, from] of text.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)) {
      const ok = file.startsWith(WEBVIEW)
        ? /^\.\/[\w]+$|^\.\.\/\.\.\/client\/src\/shared\/\w+$/.test(from)
        : /^\.\/\w+$|^\.\.\/\.\.\/\.\.\/common\/(?:wire|textRule)$/.test(from);
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

/**
 * Replays what the panel posted, as the webview does: the pages of the last load extend its tables in order; the
 * store is the last window.
 */
function replay(posted: Posted[]) {
  const begins = posted.filter((m) => m.type === 'begin');
  const load = (begins.at(-1)?.generation as number | undefined) ?? -1;
  const tables = new web.Tables();
  let store = new web.Store(load, tables);
  const pages: ViewPage[] = [];
  for (const m of posted) {
    // A new load's end sent with `begin` extends the tables first, whether the webview takes it or asks (app.ts).
    const first = m.type === 'begin' && m.generation === load ? (m.first as { page: ViewPage } | undefined) : undefined;
    if (first) tables.intern(first.page.chunk);
    if (m.type !== 'page' || m.generation !== load) continue;
    const page = m.page as ViewPage;
    pages.push(page);
    tables.intern(page.chunk);
    if (page.linked) tables.intern(page.linked.chunk);
    store = new web.Store(load, tables);
    store.append(page.chunk, load);
  }
  return { store, begins, pages, page: pages.at(-1) };
}

let seqs = 0;
const answeredBegins = new WeakSet<Posted>();
/** A query of the webview for load `load`, and the page the panel answers it with. */
async function askPage(load: number, query: Partial<ViewQuery> = {}): Promise<ViewPage> {
  const seq = ++seqs;
  const full = { offset: 0, limit: 5000, filter: emptyFilter(), rules: [], ...query };
  await fake.send({ type: 'query', load, seq, query: full });
  await waitFor(() => fake.posted.some((m) => m.type === 'page' && m.seq === seq));
  return fake.posted.find((m) => m.type === 'page' && m.seq === seq)!.page as ViewPage;
}
/** What the webview does on `begin`: asks for its first window (here the top: follow off) and the summary. */
async function firstPage(query: Partial<ViewQuery> = {}): Promise<ViewPage> {
  await waitFor(() => fake.posted.some((m) => m.type === 'begin' && !answeredBegins.has(m)));
  const begin = fake.posted.filter((m) => m.type === 'begin').at(-1)!;
  answeredBegins.add(begin);
  lastLoad = begin.generation as number;
  return askPage(lastLoad, { summary: true, ...query });
}
let lastLoad = -1;
/** The load the last `begin` answered by firstPage started. */
const currentLoad = () => lastLoad;

test('panel: page markup and options; the webview asks for windows of the rows, which the server filters and pages', async () => {
  fake = useFake(fakeVscode());
  const index = bigIndex();
  const requests: TimelineParams[] = [];
  const uris = [CLIENT_PATH, SERVER_PATH].map((p) => 'file://' + p);
  const panel = await openTimeline(fake.context as never, fakeClient(index, requests) as never, { uris });
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
    const page = await firstPage({ limit: 300 });
    const { store, begins } = replay(fake.posted);
    assert.deepEqual([begins.length, begins[0].keepView], [1, false]);
    assert.deepEqual([page.total, page.shown, page.offset, page.chunk.count], [22_000, 22_000, 0, 300]);
    assert.equal(store.n, 300, 'the webview holds a window, never every row');
    // Merged by UTC: the client's record, then the server's half a second later, alternately.
    assert.deepEqual(Array.from(store.file.subarray(0, 6)), [0, 1, 0, 1, 0, 1]);
    for (let k = 1; k < store.n; k++) assert.ok(store.t[k] >= store.t[k - 1]);
    assert.deepEqual(page.summary!.biases.sort(), [-60, 300]);
    // A window further down; the end (an offset past it: the webview follows); the errors, filtered by the server.
    const later = await askPage(currentLoad(), { offset: 20_000, limit: 200 });
    assert.deepEqual([later.offset, later.chunk.count], [20_000, 200]);
    const end = await askPage(currentLoad(), { offset: 2 ** 31 - 1, limit: 200 });
    assert.deepEqual([end.offset, end.chunk.count], [21_800, 200]);
    const errors = await askPage(currentLoad(), { filter: { ...emptyFilter(), errorsOnly: true }, linkKeys: [SCAN] });
    assert.deepEqual([errors.total, errors.shown, errors.chunk.count], [22_000, 11, 11]);
    assert.deepEqual([errors.linked!.total, errors.linked!.files], [22, 2]);
    assert.equal(errors.linked!.positions.filter((p) => p >= 0).length, 11, "the server's records are filtered out");
    // Every request names the target; the page sizes are the window's, not the timeline's.
    assert.ok(requests.every((r) => r.uris?.length === 2 && (r.limit ?? 0) <= 5000));
    // A query of another load is not answered.
    const before = fake.posted.length;
    await fake.send({ type: 'query', load: currentLoad() - 1, seq: 999, query: {} });
    assert.equal(fake.posted.length, before);
  } finally {
    fake.close();
  }
});

test('panel: the first page is asked for as the panel is created and sent with the first begin; a rule change meanwhile asks again', async () => {
  const END = 2 ** 31 - 1;
  for (const ruleChanged of [false, true]) {
    fake = useFake(fakeVscode());
    const requests: TimelineParams[] = [];
    const uris = [CLIENT_PATH, SERVER_PATH].map((p) => 'file://' + p);
    await openTimeline(fake.context as never, fakeClient(bigIndex(), requests) as never, { uris });
    try {
      await waitFor(() => requests.some((r) => r.offset === END));
      assert.deepEqual(
        requests.map((r) => r.offset),
        [0, END, 21_999],
        "probe, first page, then the probe's last row: all before the webview is ready",
      );
      if (ruleChanged)
        await fake.vscode.workspace
          .getConfiguration('cmlogs')
          .update('highlightRules', [{ text: 'x', regex: false, action: 'hide' }]);
      await fake.send({ type: 'ready' });
      await waitFor(() => fake.posted.some((m) => m.type === 'begin'));
      const begin = fake.posted.find((m) => m.type === 'begin')! as { first?: { query: { rules: unknown[] } } };
      assert.ok(begin.first, 'the first page travels with begin');
      assert.equal(begin.first.query.rules.length, ruleChanged ? 1 : 0);
      assert.equal(
        requests.filter((r) => r.offset === END).length,
        ruleChanged ? 2 : 1,
        ruleChanged ? 'the early page answered other rules: asked again' : 'the early page is the one sent',
      );
    } finally {
      fake.close();
    }
  }
});

test('panel: hostile messages are ignored, reveal opens known files only', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(50);
  await openTimeline(fake.context as never, fakeClient(index) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await firstPage();
    const before = fake.posted.length;
    for (const m of [
      null,
      'reveal',
      { type: 'query', load: 'x', seq: 1, query: {} },
      { type: 'query', load: -5, seq: 1, query: { limit: 1e9 } },
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
    await firstPage();
    fake.posted.length = 0;
    const serverUri = 'file://' + SERVER_PATH;
    // The server's clock runs 2 s fast: shift it back by 2,000 ms; it now comes 1.5 s before the client's.
    await fake.send({ type: 'setClockOffset', uri: serverUri, ms: -2000 });
    await firstPage();
    assert.deepEqual(fake.state.get('cmlogs.timeline.clockOffsets'), { [serverUri]: -2000 });
    assert.deepEqual(requests.at(-1)!.clockOffsets, { [serverUri]: -2000 });
    assert.deepEqual(fake.posted[0], { type: 'clockOffsets', offsets: { [serverUri]: -2000 } });
    const { store, begins } = replay(fake.posted);
    assert.equal(begins[0].keepView, true);
    assert.deepEqual(store.files.map((f) => f.clockOffsetMs).sort(), [-2000, 0]);
    // Server k is now at k s − 1.5 s, client k at k s: server 0, server 1, client 0, server 2, client 1…
    const s = store.files.findIndex((f) => f.uri === serverUri);
    const c = 1 - s;
    assert.deepEqual(Array.from(store.file.subarray(0, 5)), [s, s, c, s, c]);
    // Zero forgets it.
    await fake.send({ type: 'setClockOffset', uri: serverUri, ms: 0 });
    await firstPage();
    assert.deepEqual(fake.state.get('cmlogs.timeline.clockOffsets'), {});
  } finally {
    fake.close();
  }
});

test('panel: live logs — a change of the total or of the last record tells the webview, which asks again', async () => {
  fake = useFake(fakeVscode());
  const index = makeIndex(100);
  await openTimeline(fake.context as never, fakeClient(index) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await firstPage();
    fake.posted.length = 0;
    const change = { document: { languageId: 'cmlog' }, contentChanges: [{}] };
    // Nothing changed: a probe, nothing posted.
    fake.listeners.change.forEach((l) => l(change));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(fake.posted.length, 0);
    // The client writes two more records, later than everything: the webview (following) asks for the end.
    const more = parseText(
      [cmLine('late one', clock(200_000) + '+300'), cmLine('late two', clock(201_000) + '+300')].join('\n'),
      CLIENT_PATH,
    ).records.map((r, k) => ({ ...r, line: 101 + k, endLine: 101 + k }));
    index.appendRecords(CLIENT_PATH, more);
    fake.listeners.change.forEach((l) => l(change));
    await waitFor(() => fake.posted.some((m) => m.type === 'changed'));
    assert.deepEqual(fake.posted[0], { type: 'changed', generation: currentLoad(), total: 202 });
    const end = await askPage(currentLoad(), { offset: 2 ** 31 - 1, limit: 3, summary: true });
    assert.deepEqual(end.chunk.msg, ['server 99', 'late one', 'late two']);
    assert.deepEqual([end.offset, end.total], [199, 202]);
    // The server writes a record dated before the last one: told again; the window in place holds it.
    fake.posted.length = 0;
    const early = parseText(smsLine('early', clock(6 * 3600_000 + 150_000) + '-60'), SERVER_PATH).records.map((r) => ({
      ...r,
      line: 101,
      endLine: 101,
    }));
    index.appendRecords(SERVER_PATH, early);
    fake.listeners.change.forEach((l) => l(change));
    await waitFor(() => fake.posted.some((m) => m.type === 'changed'));
    const again = await askPage(currentLoad(), { anchor: { uri: 'file://' + SERVER_PATH, line: 101 }, limit: 10 });
    assert.equal(again.total, 203);
    assert.equal(again.chunk.msg[again.position! - again.offset], 'early');
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
    await firstPage();
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
    await fake.send({ type: 'ready' });
    let page = await firstPage({ linkKeys: [SCAN] });
    let { begins } = replay(fake.posted);
    assert.deepEqual([begins[0].serverKey, begins[0].focusKey, page.total, page.chunk.count], [SCAN, SCAN, 6, 6]);
    assert.equal(requests[0].key, SCAN);
    fake.posted.length = 0;
    await fake.send({ type: 'setKey', key: null });
    page = await firstPage({ linkKeys: [SCAN] });
    ({ begins } = replay(fake.posted));
    assert.deepEqual(
      [begins[0].serverKey, begins[0].focusKey, page.total, begins[0].keepView],
      [null, SCAN, 6000, true],
    );
    assert.equal(page.linked!.total, 6);
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
  await firstPage();
  await fake.send({ type: 'setClockOffset', uri: serverUri, ms: -2000 });
  await firstPage();
  fake.close();
  // The same workspace (its state) later, in a new panel: the first request and the first rows have the offset.
  const state = fake.state;
  fake = useFake(fakeVscode());
  for (const [k, v] of state) fake.state.set(k, v);
  const requests: TimelineParams[] = [];
  await openTimeline(fake.context as never, fakeClient(index, requests) as never, {});
  try {
    await fake.send({ type: 'ready' });
    await firstPage();
    assert.deepEqual(requests[0].clockOffsets, { [serverUri]: -2000 });
    assert.deepEqual(
      fake.posted.find((m) => m.type === 'clockOffsets'),
      { type: 'clockOffsets', offsets: { [serverUri]: -2000 } },
    );
    const { store, begins } = replay(fake.posted);
    assert.equal(begins[0].keepView, false, 'a fresh panel');
    assert.deepEqual(
      store.files.map((f) => [f.uri, f.clockOffsetMs]).sort(),
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
    await firstPage();
    assert.deepEqual([requests[0].folders, requests[0].uris], [[folder], undefined]);
    const { store } = replay(fake.posted);
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
    await waitFor(() => fake.posted.some((m) => m.type === 'changed'));
    const grown = await askPage(currentLoad(), { summary: true });
    // The webview's file table already holds the first log: the page adds the newcomer.
    assert.deepEqual(
      grown.chunk.addFiles.map((f) => f.uri),
      ['file:///logs/client/CAS.log'],
    );
    assert.deepEqual([grown.total, grown.chunk.count], [102, 102]);
    assert.ok(
      requests.slice(1).every((r) => r.folders?.[0] === folder),
      'every request names the folder, not a list of files',
    );
    // The newcomer is a file of the timeline now: its records open in the editor.
    await fake.send({
      type: 'reveal',
      load: currentLoad(),
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
    await firstPage();
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
    await firstPage();
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
    await firstPage();
    const before = replay(fake.posted).store;
    assert.ok(before.files.every((f) => f.uri === 'file://' + CLIENT_PATH));
    fake.posted.length = 0;
    // Explorer → Open in Timeline on another log: the same panel, another target.
    await openTimeline(fake.context as never, client as never, { uris: ['file://' + SERVER_PATH] });
    await firstPage();
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
    assert.equal(fake.posted[0].generation, after.load, 'loading, begin and its pages carry the same load id');
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
    await firstPage();
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

// ----- the webview's window (media/src/app.ts), without a DOM ------------------------------------------------

/** The webview's App with parts that draw nothing, and the messages it posts. */
async function appWithoutDom() {
  const { App } = await import('../../media/src/app');
  const sent: Array<Record<string, unknown>> = [];
  const app = new App({ postMessage: (m) => sent.push(m as never), getState: () => ({}), setState: () => {} });
  const noop = () => {};
  app.parts = {
    render: noop,
    dirtyOverview: noop,
    renderDetails: noop,
    renderChain: noop,
    renderFiles: noop,
    renderBanner: noop,
    renderFileSelect: noop,
    renderComponentSelect: noop,
    syncControls: noop,
    applyColumns: noop,
    scrollIntoView: noop,
    scrollToEnd: noop,
    topPosition: () => 0,
    visibleRows: () => 30,
    restoreTop: noop,
  };
  return { app, sent };
}

test('webview window: queries carry the load; answers of an older filter only extend the tables; the selection outlives its window', async () => {
  const { app, sent } = await appWithoutDom();
  app.load = 7;
  const encoder = new ChunkEncoder();
  const page = (rows: ResolvedTimelineRow[], offset: number, shown = ROWS.length): ViewPage => ({
    total: ROWS.length,
    shown,
    offset,
    chunk: encoder.encode(toPage(rows), offset),
  });
  // The list asks for the rows around what it shows (once the count is known): one query, not one per frame.
  app.shown = ROWS.length;
  app.ensureWindow(0, 5);
  app.ensureWindow(0, 5);
  assert.equal(sent.length, 1);
  assert.deepEqual([sent[0].type, sent[0].load, sent[0].seq], ['query', 7, 1]);
  app.applyPage(1, page(ROWS.slice(0, 4), 0));
  assert.deepEqual([app.winOffset, app.store.n, app.shown, app.rowAt(3), app.rowAt(4)], [0, 4, 8, 3, -1]);
  app.selectAt(2, 'none');
  assert.deepEqual(app.selected, { load: 7, uri: SERVER, line: ROWS[2].line });
  assert.equal(app.selectedIndex, 2);
  // Another window (rows 4…7): the selection is not in it, yet its row (details) stays.
  app.applyPage(app.query({ offset: 4, limit: 4 }), page(ROWS.slice(4), 4));
  assert.deepEqual([app.selectedIndex, app.selectedRow!.msg[0]], [-1, ROWS[2].message]);
  // A refilter: an answer asked before it is not shown (but its new components are kept in the tables).
  const before = app.store;
  app.setFilter({ errorsOnly: true });
  const refilter = sent.at(-1)!;
  assert.deepEqual((refilter.query as ViewQuery).anchor, { uri: SERVER, line: ROWS[2].line });
  app.applyPage(2, page([row({ component: 'LateComponent' })], 0));
  assert.equal(app.store, before, 'a page of the previous filter is dropped');
  assert.ok(app.tables.components.includes('LateComponent'));
  app.applyPage(refilter.seq as number, page([ROWS[3]], 0, 1));
  assert.deepEqual([app.shown, app.store.n, app.store.msg[0]], [1, 1, ROWS[3].message]);
});

test("webview begin: a new load's end sent with it answers the first window query, unless the webview would ask otherwise", async () => {
  const { END } = await import('../../media/src/app');
  const { MessageHandler } = await import('../../media/src/messages');
  const g = globalThis as { document?: unknown };
  const hadDocument = 'document' in g;
  g.document ??= { getElementById: () => null }; // the status line: none without a DOM
  try {
    const make = async () => {
      const { app, sent } = await appWithoutDom();
      return { app, sent, handler: new MessageHandler(app) };
    };
    const encoder = new ChunkEncoder();
    const page: ViewPage = {
      total: ROWS.length,
      shown: ROWS.length,
      offset: 0,
      chunk: encoder.encode(toPage(ROWS), 0),
    };
    const files = page.chunk.addFiles?.length ?? 0;
    assert.ok(files > 0);
    const first = { query: { offset: END, limit: 600, filter: emptyFilter(), rules: [] }, page };
    const begin = { type: 'begin', generation: 3, serverKey: null, focusKey: null, keepView: false, first } as const;
    // Following, no filter, no rules: the end is taken; only the summary is asked for.
    const taken = await make();
    taken.handler.handle({ type: 'loading', generation: 3, keepView: false, title: 't' });
    taken.handler.handle(begin);
    const queries = taken.sent.filter((m) => m.type === 'query').map((m) => m.query as ViewQuery);
    assert.deepEqual(
      queries.map((q) => [q.limit, !!q.summary]),
      [[1, true]],
    );
    assert.deepEqual([taken.app.store.n, taken.app.shown, taken.app.loading], [ROWS.length, ROWS.length, false]);
    assert.equal(taken.app.tables.files.length, files, 'its files interned once');
    // A hide rule in the settings the extension did not ask with: the webview asks itself; the tables still extend.
    const asked = await make();
    asked.handler.handle({ type: 'loading', generation: 3, keepView: false, title: 't' });
    asked.app.rules = [{ pattern: 'x', action: 'hide' } as never];
    asked.handler.handle(begin);
    const window = asked.sent.find((m) => m.type === 'query' && (m.query as ViewQuery).offset === END);
    assert.ok(window, 'the window asked for');
    assert.equal(asked.app.store.n, 0);
    assert.equal(asked.app.tables.files.length, files);
  } finally {
    if (!hadDocument) delete g.document;
  }
});
