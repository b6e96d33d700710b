// Issue #18 in the timeline webview: rows whose log wrote local time with no zone. The server's rows (LogIndex →
// timelinePage, the real feature) go through the extension's ChunkEncoder into the webview's Store and App, as in
// the panel: an IME log beside ccmsetup.log (bias -60) gets a UTC "inferred from ccmsetup.log"; an IME log alone
// has no UTC and is shown by its own local time, marked, never as UTC; a user offset says "set for this folder".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogIndex } from '../../server/src/core/logIndex';
import { parseText } from '../../server/src/core/parse';
import { timelinePage } from '../../server/src/features/timeline';
import type { TimelinePage } from '../../server/src/protocol';
import { ChunkEncoder, timelineHtml, type RowChunk } from '../../client/src/timelineProtocol';
import { App, type VsCodeApi } from '../../media/src/app';
import { clockMarker, clockNote, clockTitle, localOnlyStatus } from '../../media/src/format';
import { Store, wallOf } from '../../media/src/store';

const cm = (message: string, time: string, date: string, component: string) =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="1" thread="4" file="">`;
const parse = (file: string, lines: string[]) => parseText(lines.join('\r\n') + '\r\n', file);
const IME = (folder: string) =>
  parse(`${folder}/IntuneManagementExtension.log`, [
    cm('[Win32App] <b>step</b> 1', '09:13:00.1234567', '5-19-2025', 'IntuneManagementExtension'),
    cm('[Win32App] step 2', '23:59:59.9990000', '5-19-2025', 'IntuneManagementExtension'),
  ]);
const CCMSETUP = (folder: string) =>
  parse(`${folder}/ccmsetup.log`, [cm('Running ccmsetup', '09:14:00.000-60', '05-19-2025', 'ccmsetup')]);

const fakeVscode: VsCodeApi = { postMessage: () => {}, getState: () => ({}), setState: () => {} };

/** The server's rows as the panel receives them, through the encoder into a webview App. */
function webview(page: TimelinePage, chunked = 1): { app: App; chunks: RowChunk[] } {
  const encoder = new ChunkEncoder();
  const app = new App(fakeVscode);
  app.load = 1;
  app.store = new Store(1, app.tables);
  const chunks: RowChunk[] = [];
  for (let at = 0; at < page.rows.length; at += chunked) {
    const chunk = encoder.encode({ files: page.files, rows: page.rows.slice(at, at + chunked) }, at);
    chunks.push(chunk);
    const posted = structuredClone(chunk); // postMessage clones
    app.tables.intern(posted);
    app.store.append(posted, 1);
  }
  return { app, chunks };
}

const byMessage = (app: App, text: string) => app.store.msg.findIndex((m) => m.includes(text));

test('inferred: the IME rows carry their UTC, a "~" marker and "UTC inferred from ccmsetup.log (bias -60)"; log-local is the time as written', () => {
  const index = new LogIndex();
  index.setFile(IME('/cases/PC01'));
  index.setFile(CCMSETUP('/cases/PC01'));
  const { app, chunks } = webview(timelinePage(index, { limit: 10 }));
  const i = byMessage(app, 'step</b> 1');
  assert.equal(new Date(app.store.timeOf(i)!).toISOString(), '2025-05-19T08:13:00.123Z');
  assert.deepEqual(app.store.clockOf(i), { kind: 'inferred', from: 'ccmsetup.log', bias: -60 });
  assert.equal(app.markerOf(i), 'inferred');
  assert.equal(app.store.wallOf(i), null, 'a row with a UTC keeps no local time of its own');
  assert.equal(app.timeText(i, 'utc'), '2025-05-19 08:13:00.123');
  assert.equal(app.timeText(i, 'log'), '2025-05-19 09:13:00.123', 'log-local: the inferred bias taken back out');
  assert.equal(
    clockNote(app.store.clockOf(i), true),
    'UTC inferred from ccmsetup.log (bias -60, UTC+01:00): this log writes no zone.',
  );
  const ccm = byMessage(app, 'Running ccmsetup');
  assert.equal(app.markerOf(ccm), '', 'a log that writes its bias is not marked');
  const { localCount } = timelinePage(index, { summary: true }).summary!;
  assert.equal(localCount, 0);
  assert.equal(localOnlyStatus(localCount), '');
  // The clock is interned: sent once, each row refers to it.
  assert.equal(chunks.flatMap((c) => c.addClocks).length, 1);
  assert.deepEqual(
    chunks.map((c) => c.local),
    [[0], [0], [0]],
    'no local time sent for rows with a UTC',
  );
});

test('local only: an IME log alone has no UTC; the row shows its own local time in every mode, marked, never as UTC', () => {
  const index = new LogIndex();
  index.setFile(IME('/cases/PC02'));
  const { app } = webview(timelinePage(index, { limit: 10 }));
  const i = byMessage(app, 'step</b> 1');
  assert.equal(app.store.timeOf(i), null);
  assert.equal(app.markerOf(i), 'local');
  for (const mode of ['utc', 'log', 'machine'] as const)
    assert.equal(app.timeText(i, mode), '2025-05-19 09:13:00.123', mode);
  const last = byMessage(app, 'step 2');
  assert.equal(
    app.timeText(last, 'machine'),
    '2025-05-19 23:59:59.999',
    "not shifted into another day by this computer's zone",
  );
  assert.ok(!/Z|UTC/.test(app.timeText(i, 'utc')));
  const summary = timelinePage(index, { summary: true }).summary!;
  assert.equal(summary.localCount, 2);
  assert.equal(localOnlyStatus(summary.localCount), '2 records have no time zone: placed by their local time');
  assert.equal(localOnlyStatus(1), '1 record has no time zone: placed by its local time');
  assert.match(
    clockTitle(app.store.clockOf(i), false),
    /^Local time of an unknown zone \(no UTC\).*ConfigMgr: Set Time Offset for Folder$/,
  );
  assert.match(clockNote(app.store.clockOf(i), false), /^No UTC: /);
  assert.deepEqual(summary.fileClocks, [{ kind: 'local' }], 'the Files panel knows the file is local-only');
});

test('user offset: "set for this folder", with the bias applied', () => {
  const index = new LogIndex();
  index.setFile(IME('/cases/PC03'));
  index.setUserBiases(new Map([['/cases/PC03', 300]]));
  const { app } = webview(timelinePage(index, { limit: 10 }));
  const i = byMessage(app, 'step</b> 1');
  assert.equal(new Date(app.store.timeOf(i)!).toISOString(), '2025-05-19T14:13:00.123Z');
  assert.equal(app.markerOf(i), 'user');
  assert.equal(app.timeText(i, 'log'), '2025-05-19 09:13:00.123');
  assert.equal(
    clockNote(app.store.clockOf(i), true),
    'UTC from the offset set for this folder (bias 300, UTC-05:00): this log writes no zone.',
  );
});

test('hostile or damaged chunks: clock indices out of range, unknown kinds and bad local times are dropped, not trusted', () => {
  const store = new Store(1);
  const base = {
    offset: 0,
    count: 4,
    addFiles: [{ uri: 'file:///a.log', file: '/a.log', name: 'a.log', records: 4, clockOffsetMs: 0 }],
    addComponents: ['c'],
    t: [null, null, null, 5],
    file: [0, 0, 0, 0],
    line: [1, 2, 3, 4],
    endLine: [1, 2, 3, 4],
    bias: [null, null, null, null],
    sev: [2, 2, 2, 2],
    comp: [0, 0, 0, 0],
    thread: [1, 1, 1, 1],
    msg: ['a', 'b', 'c', 'd'],
    keys: [0, 0, 0, 0],
  } as RowChunk;
  const chunk = {
    ...base,
    addClocks: [
      { kind: '<img src=x>', from: 42 },
      { kind: 'inferred', from: 'x'.repeat(5000), bias: 'NaN' },
    ],
    clock: [1, 99, -3, 1],
    local: ['2025-05-19T09:13:00.123', 'not a time', 0, '2025-05-19T09:13:00.123'],
  } as unknown as RowChunk;
  store.tables.intern(chunk);
  store.append(chunk, 1);
  assert.deepEqual(store.tables.clocks[0], { kind: 'local' }, 'an unknown kind reads as the safe one: no UTC');
  assert.equal(store.tables.clocks[1].from!.length, 260);
  assert.equal(store.tables.clocks[1].bias, undefined);
  assert.equal(store.wallOf(0), Date.UTC(2025, 4, 19, 9, 13, 0, 123));
  assert.deepEqual([store.clock[1], store.clock[2]], [0, 0]);
  assert.equal(store.wallOf(3), null, 'a row with a UTC is never placed by a local time');
  assert.equal([0, 1, 2, 3].filter((i) => store.wallOf(i) !== null).length, 1);
  // A chunk of an older extension without the fields: rows read as the log gives its zone.
  const old = new Store(2);
  old.tables.intern({ ...base } as RowChunk);
  old.append({ ...base } as RowChunk, 2);
  assert.equal(old.clockOf(0), null);
  assert.equal(old.wallOf(0), null);
  assert.ok(Number.isNaN(wallOf('2025-05-19T09:13:00Z')), 'a time with a zone is not a local time');
  assert.equal(wallOf('2025-05-19T09:13:00.1234567'), Date.UTC(2025, 4, 19, 9, 13, 0, 123), 'IME: 7 digits, cut to ms');
  assert.equal(clockMarker(null, false), '');
});

test('the page: the secondary toolbar controls are behind "…" (aria-controls), the primary row keeps filter, errors and follow', () => {
  const html = timelineHtml({ cspSource: 'vscode-resource:', nonce: 'n0nce', scriptUri: 'x.js', styleUri: 'x.css' });
  const more = html.indexOf('id="toolbarMore"');
  assert.match(html, /<button id="more" type="button" aria-expanded="false" aria-controls="toolbarMore"/);
  for (const id of ['text', 'prevError', 'nextError', 'follow']) assert.ok(html.indexOf(`id="${id}"`) < more, id);
  for (const id of [
    'severities',
    'errorsOnly',
    'component',
    'file',
    'thread',
    'from',
    'to',
    'timeMode',
    'columnsDrop',
    'exportCsv',
  ])
    assert.ok(html.indexOf(`id="${id}"`) > more, id);
});
