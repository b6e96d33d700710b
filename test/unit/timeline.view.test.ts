// The server-paged timeline (issues #20, #23): the merged order filtered on the columns by the server
// (server/src/core/timelineView.ts through features/timeline.ts timelinePage), as the webview asks for it: windows of
// the filtered rows, the record looked for (file and line, next error, a time), the overview's counts per bucket and
// lane, the linked records, the summary. Checked against the filter's meaning written plainly over rows
// (timeline.referenceFilter.ts) over every row, and for rows of a log with no zone (#18): From/To and the overview
// catch them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogIndex } from '../../server/src/core/logIndex';
import { parseText } from '../../server/src/core/parse';
import { timelinePage } from '../../server/src/features/timeline';
import { resolveRows, type TimelineParams } from '../../server/src/protocol';
import { emptyFilter, toRowFilter, type TimelineFilter } from '../../client/src/timelineProtocol';
import { applyFilter } from './timeline.referenceFilter';

const SCAN = '1b9b4e44-8c1a-4c2b-9a8b-0a1b2c3d4e5f';
const cm = (message: string, time: string, type = '1', component = 'WUAHandler', thread = 10, date = '03-01-2024') =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="${type}" thread="${thread}" file="">`;
const sms = (message: string, time: string, component = 'SMS_STATE_SYSTEM') =>
  `${message} $$<${component}><03-01-2024 ${time}><thread=4 (0x4)>`;
const hms = (ms: number) => new Date(Date.UTC(2024, 2, 1) + ms).toISOString().slice(11, 23);
const CLIENT = '/logs/pc/WUAHandler.log';
const SERVER = '/logs/site/statesys.log';
const uri = (path: string) => 'file://' + path;

let generations = 0;
/** A client log (UTC-5) and a server log (UTC+1), `n` records each, interleaved in UTC; every 10th an error. */
function twoLogs(n: number): LogIndex {
  const client: string[] = [];
  const server: string[] = [];
  for (let k = 0; k < n; k++) {
    const text = k % 97 === 5 ? `Scan {${SCAN}} failed 0x80244021` : `client record ${k} ok`;
    client.push(
      cm(
        text,
        hms(8 * 3600_000 + k * 1000) + '+300',
        k % 10 === 3 ? '3' : k % 10 === 4 ? '2' : '1',
        k % 3 ? 'WUAHandler' : 'ScanAgent',
        10 + (k % 2),
      ),
    );
    server.push(
      sms(k % 97 === 5 ? `State for ${SCAN}` : `server record ${k}`, hms(14 * 3600_000 + k * 1000 + 500) + '-60'),
    );
  }
  const index = new LogIndex();
  index.setFile(parseText(client.join('\r\n') + '\r\n', CLIENT));
  index.setFile(parseText(server.join('\n') + '\n', SERVER));
  index.generation += 1_000_000 * ++generations; // the server caches a merge per index generation and files
  return index;
}

const target: TimelineParams = { uris: [uri(CLIENT), uri(SERVER)] };
const all = (index: LogIndex) => resolveRows(timelinePage(index, { ...target, limit: 50_000 }));
const filterOf = (f: Partial<TimelineFilter>): TimelineFilter => ({ ...emptyFilter(), ...f });

test('the server filters as the webview filter does, on every kind of condition (same rows, same order)', () => {
  const index = twoLogs(600);
  const rows = all(index);
  assert.equal(rows.length, 1200);
  const t0 = rows[0].t!;
  const cases: Array<Partial<TimelineFilter>> = [
    {},
    { text: 'FAILED' },
    { text: 'scan {1B9B4E44-8C1A' }, // the byte search folds ASCII case as the text search does
    { text: 'scan {1B9B4E44-8C1A', matchCase: true },
    { text: 'récord' }, // not ASCII: the decoded messages are searched
    { text: 'Failed', matchCase: true },
    { text: '^server record 1\\d$', regex: true },
    { severities: ['error', 'warning'] },
    { errorsOnly: true },
    { errorsOnly: true, severities: ['info'] },
    { components: ['ScanAgent', 'SMS_STATE_SYSTEM'] },
    { thread: 11 },
    { files: [uri(SERVER)] },
    { fromUtc: t0 + 100_000, toUtc: t0 + 200_000 },
    { around: { t: t0 + 300_000, seconds: 10 } },
    { key: SCAN },
    { key: SCAN, text: 'state' },
  ];
  for (const f of cases) {
    const expected = applyFilter(rows, filterOf(f)).map((r) => `${r.file}:${r.line}`);
    const page = timelinePage(index, { ...target, filter: toRowFilter(filterOf(f), []), limit: 5000 });
    assert.equal(page.shown, expected.length, JSON.stringify(f));
    assert.deepEqual(
      resolveRows(page).map((r) => `${r.file}:${r.line}`),
      expected,
      JSON.stringify(f),
    );
  }
});

test('hide and show-only rules run on the server with the filter; a refused pattern matches nothing and says why', () => {
  const index = twoLogs(200);
  const rule = (text: string, action: 'hide' | 'only', regex = false) =>
    ({ text, regex, matchCase: false, action, color: 'yellow' }) as const;
  const hidden = timelinePage(index, { ...target, filter: toRowFilter(emptyFilter(), [rule('server', 'hide')]) });
  assert.equal(hidden.shown, 203, "the client's 200 and the server's 3 'State for' records");
  assert.ok(resolveRows(hidden).every((r) => !/server/i.test(r.message)));
  const only = timelinePage(index, { ...target, filter: toRowFilter(emptyFilter(), [rule('failed', 'only')]) });
  assert.equal(only.shown, 3);
  const bad = timelinePage(index, { ...target, filter: toRowFilter(filterOf({ text: '(a+)+', regex: true }), []) });
  assert.equal(bad.shown, 0);
  assert.match(bad.filterError ?? '', /Nested quantifiers/);
});

test('windows: the page at an offset of the filtered rows; past the end, the last page (the end when following)', () => {
  const index = twoLogs(300);
  const errors = toRowFilter(filterOf({ errorsOnly: true }), []);
  const first = timelinePage(index, { ...target, filter: errors, offset: 0, limit: 10 });
  assert.deepEqual([first.total, first.shown, first.offset, first.rows.length], [600, 30, 0, 10]);
  assert.ok(first.rows.every((r) => r.severity === 'error'));
  const end = timelinePage(index, { ...target, filter: errors, offset: 2 ** 31 - 1, limit: 10 });
  assert.deepEqual([end.offset, end.rows.length], [20, 10]);
  assert.equal(end.rows.at(-1)!.line, 294, 'the last error of the client log');
  // Rows carry their merged position, which grows with the view position.
  for (let k = 1; k < end.rows.length; k++) assert.ok(end.rows[k].i > end.rows[k - 1].i);
});

test('looked-for records: by file and line, the next or previous error, the first at a time; the page is centred on it', () => {
  const index = twoLogs(300);
  const none = toRowFilter(emptyFilter(), []);
  const anchored = timelinePage(index, { ...target, filter: none, anchor: { uri: uri(SERVER), line: 150 }, limit: 20 });
  assert.equal(anchored.position, 299, 'server record 149 comes after client record 149');
  assert.equal(anchored.offset, 289);
  assert.equal(anchored.rows[anchored.position! - anchored.offset].line, 150);
  const gone = timelinePage(index, {
    ...target,
    filter: toRowFilter(filterOf({ files: [uri(CLIENT)] }), []),
    anchor: { uri: uri(SERVER), line: 150 },
  });
  assert.equal(gone.position, -1, 'filtered out');
  const next = timelinePage(index, { ...target, filter: none, seek: { from: 0, dir: 1, severity: 'error' }, limit: 4 });
  assert.equal(next.position, 6, 'client record 3 is the first error (position 6)');
  assert.equal(next.rows[next.position! - next.offset].severity, 'error');
  const previous = timelinePage(index, { ...target, filter: none, seek: { from: 6, dir: -1, severity: 'error' } });
  assert.equal(previous.position, -1);
  const warning = timelinePage(index, { ...target, filter: none, seek: { from: 6, dir: 1, severity: 'warning' } });
  assert.equal(warning.position, 8);
  const t = all(index)[100].t!;
  const atTime = timelinePage(index, { ...target, filter: none, atTime: t - 1 });
  assert.equal(atTime.position, 100);
});

test('the overview: counts per lane and bucket, worst severity, errors and warnings, links and their chain', () => {
  const index = twoLogs(100);
  const rows = all(index);
  const from = rows[0].t!;
  const to = rows.at(-1)!.t! + 1;
  const page = timelinePage(index, {
    ...target,
    filter: toRowFilter(emptyFilter(), []),
    limit: 1,
    overview: { from, to, buckets: 10, lanes: 'file', linkKeys: [SCAN] },
  });
  const o = page.overview!;
  assert.deepEqual(
    o.lanes.map((l) => [l.label, l.local]),
    [
      ['WUAHandler.log', false],
      ['statesys.log', false],
    ],
  );
  assert.equal(
    o.counts.reduce((a, b) => a + b, 0),
    200,
  );
  assert.equal(
    o.counts.slice(0, 10).reduce((a, b) => a + b, 0),
    100,
    'lane 0 is the client',
  );
  assert.equal(
    o.errors.reduce((a, b) => a + b, 0),
    10,
  );
  assert.equal(
    o.warnings.reduce((a, b) => a + b, 0),
    10,
  );
  assert.equal(o.worst[0], 0, 'an error in the first bucket of the client');
  assert.equal(o.worst[10], 2, 'the server logs only information');
  assert.deepEqual(o.local, new Array(10).fill(0));
  // SCAN: client and server at k = 5 (bucket 0), and at k = 5 + 97 = 102 (not among 100 records).
  assert.equal(o.linked[0] + o.linked[10], 2);
  assert.deepEqual(o.chain, [
    { x: 0, lane: 0 },
    { x: 0, lane: 1 },
  ]);
  const byComponent = timelinePage(index, {
    ...target,
    filter: toRowFilter(filterOf({ severities: ['error'] }), []),
    overview: { from, to, buckets: 10, lanes: 'component' },
  }).overview!;
  assert.deepEqual(
    byComponent.lanes.map((l) => l.label),
    ['ScanAgent', 'WUAHandler'],
  );
  assert.equal(
    byComponent.counts.reduce((a, b) => a + b, 0),
    10,
    'the filter applies to the overview',
  );
});

test('linked records and the summary: totals, files, positions in the filtered view (-1: hidden)', () => {
  const index = twoLogs(300);
  const page = timelinePage(index, {
    ...target,
    filter: toRowFilter(filterOf({ files: [uri(CLIENT)] }), []),
    linkKeys: [SCAN],
    summary: true,
  });
  const linked = page.linked!;
  assert.deepEqual([linked.total, linked.files, linked.rows.length], [8, 2, 8]);
  assert.deepEqual(
    linked.positions.map((p) => p >= 0),
    [true, false, true, false, true, false, true, false],
  );
  const s = page.summary!;
  assert.deepEqual(s.biases.sort(), [-60, 300]);
  assert.deepEqual(s.components.sort(), ['SMS_STATE_SYSTEM', 'ScanAgent', 'WUAHandler']);
  assert.equal(s.localCount, 0);
  assert.deepEqual(s.fileClocks, [null, null]);
  assert.equal(s.maxT! - s.minT!, 299_500);
});

test('#18: rows of a log with no zone are caught by From/To by their local time and drawn in the overview, marked', () => {
  const ime = [
    cm('[Win32App] Launching ccmsetup.exe', '09:13:00.1234567', '1', 'IntuneManagementExtension', 4, '5-19-2025'),
    cm('[Win32App] installed', '09:15:30.0000000', '1', 'IntuneManagementExtension', 4, '5-19-2025'),
  ];
  const index = new LogIndex();
  const file = '/cases/PC02/IntuneManagementExtension.log';
  index.setFile(parseText(ime.join('\r\n') + '\r\n', file));
  const local = Date.UTC(2025, 4, 19, 9, 13);
  const base = { uris: [uri(file)] };
  const page = (f: Partial<TimelineFilter>, extra: Partial<TimelineParams> = {}) =>
    timelinePage(index, { ...base, filter: toRowFilter(filterOf(f), []), ...extra });
  const plain = page({}, { summary: true });
  assert.ok(
    plain.rows.every((r) => r.t === null && r.clock?.kind === 'local'),
    'no UTC: never shown as one',
  );
  assert.equal(plain.summary!.localCount, 2);
  assert.deepEqual(plain.summary!.fileClocks, [{ kind: 'local' }]);
  assert.equal(plain.summary!.minT, local + 123, 'placed by their local time');
  // From/To typed around their local time catch them (before: no row, their UTC being unknown).
  assert.equal(page({ fromUtc: local, toUtc: local + 60_000 }).shown, 1);
  assert.equal(page({ fromUtc: local + 60_000 }).shown, 1);
  assert.equal(page({ toUtc: local - 1 }).shown, 0);
  assert.equal(page({ around: { t: local + 150_000, seconds: 5 } }).shown, 1);
  const o = page({}, { overview: { from: local, to: local + 180_000, buckets: 3, lanes: 'file' } }).overview!;
  assert.deepEqual(o.lanes, [{ label: 'IntuneManagementExtension.log', local: true }]);
  assert.deepEqual(o.counts, [1, 0, 1]);
  assert.deepEqual(o.local, [1, 0, 1], 'drawn, and marked as placed by local time');
  // Beside ccmsetup.log (bias -60) the same rows have a UTC, inferred: the lane is not marked local.
  const pc01 = new LogIndex();
  pc01.setFile(parseText(ime.join('\r\n') + '\r\n', '/cases/PC01/IntuneManagementExtension.log'));
  pc01.setFile(
    parseText(
      cm('ccmsetup started', '09:14:00.000-60', '1', 'ccmsetup', 4, '05-19-2025') + '\r\n',
      '/cases/PC01/ccmsetup.log',
    ),
  );
  const inferred = timelinePage(pc01, {
    filter: toRowFilter(emptyFilter(), []),
    summary: true,
    overview: { from: local - 7200_000, to: local, buckets: 4, lanes: 'file' },
  });
  assert.equal(inferred.summary!.localCount, 0);
  assert.ok(inferred.overview!.lanes.every((l) => !l.local));
  assert.equal(
    inferred.overview!.counts.reduce((a, b) => a + b, 0),
    3,
  );
});

test('100,000 records: the server filters, seeks and counts the overview in well under the time a user waits', () => {
  const index = twoLogs(50_000);
  const none = toRowFilter(emptyFilter(), []);
  let started = performance.now();
  const first = timelinePage(index, { ...target, filter: none, offset: 2 ** 31 - 1, limit: 300, summary: true });
  const mergeMs = performance.now() - started;
  assert.equal(first.total, 100_000);
  assert.equal(first.rows.length, 300);
  started = performance.now();
  const errors = timelinePage(index, {
    ...target,
    filter: toRowFilter(filterOf({ errorsOnly: true }), []),
    limit: 300,
  });
  const errorsMs = performance.now() - started;
  assert.equal(errors.shown, 5_000);
  started = performance.now();
  const text = timelinePage(index, { ...target, filter: toRowFilter(filterOf({ text: 'FAILED' }), []), limit: 300 });
  const textMs = performance.now() - started;
  assert.equal(text.shown, Math.ceil(50_000 / 97));
  started = performance.now();
  const o = timelinePage(index, {
    ...target,
    filter: none,
    overview: { from: first.summary!.minT!, to: first.summary!.maxT! + 1, buckets: 1400, lanes: 'component' },
  }).overview!;
  const overviewMs = performance.now() - started;
  assert.equal(
    o.counts.reduce((a, b) => a + b, 0),
    100_000,
  );
  const seek = timelinePage(index, { ...target, filter: none, seek: { from: 99_000, dir: -1, severity: 'error' } });
  assert.ok(seek.position! > 98_000);
  const figures = { mergeMs, errorsMs, textMs, overviewMs }; // generous bounds: a shared 2-core machine
  for (const [name, ms] of Object.entries(figures)) assert.ok(ms < 4000, `${name} = ${Math.round(ms)} ms`);
  console.log(
    `200,000 records: ${JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v)])))}`,
  );
});
