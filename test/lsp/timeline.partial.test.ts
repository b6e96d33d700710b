// The timeline panel's first rows while its folder is being indexed (`partial`, issue #20): the server answers at
// once, from the logs read so far and the last records of the others (their tails), and says how far it is; the rows
// are those logs' records in UTC order, never another log's; the end (what the panel shows first) is the whole
// timeline's end; once every log is read the answer is the whole timeline, the same as a request that waited.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClient, uri } from './lspClient';
import { Requests, resolveRows, type TimelinePage, type TimelineParams } from '../../server/src/protocol';

const LOGS = ['CAS.log', 'ContentTransferManager.log', 'DataTransferService.log', 'PolicyAgent.log', 'ScanAgent.log'];
/** Records per log: enough that reading the folder takes a while (each log ~6 MB). */
const RECORDS = 30_000;
/** Rows at the end a panel shows first (a screen and its margin). */
const END_ROWS = 300;

let lsp: TestClient;
let folder: string;

/** Interleaved clocks: log k writes a record every 5 ms from k ms on, in a zone of its own (bias 60k minutes). */
function writeLog(k: number): void {
  const bias = 60 * k;
  let text = '';
  for (let r = 0; r < RECORDS; r++) {
    const utc = Date.UTC(2026, 2, 12, 10, 0, 0) + r * 5 + k;
    const local = new Date(utc - bias * 60_000);
    const time = local.toISOString().slice(11, 23);
    const date = `${String(local.getUTCMonth() + 1).padStart(2, '0')}-${String(local.getUTCDate()).padStart(2, '0')}-${local.getUTCFullYear()}`;
    text += `<![LOG[${LOGS[k]} record ${r} job {11111111-2222-3333-4444-${String(r).padStart(12, '0')}}]LOG]!><time="${time}+${bias}" date="${date}" component="C${k}" context="" type="${r % 97 ? 1 : 3}" thread="${k + 1}" file="x.cpp">\r\n`;
  }
  writeFileSync(join(folder, LOGS[k]), text);
}

before(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cmlogs-partial-'));
  LOGS.forEach((_, k) => writeLog(k));
  lsp = new TestClient({});
  await lsp.initialize(tmpdir());
});
after(async () => {
  await lsp.stop();
  rmSync(folder, { recursive: true, force: true });
});

const ask = (params: TimelineParams): Promise<TimelinePage> => lsp.ask(Requests.timeline, params);

test("Open in Timeline asks only for the list of the folder's logs: none is read for it", async () => {
  const listed = await lsp.ask(Requests.indexFolder, { path: folder, listOnly: true });
  assert.deepEqual(listed.files.map((f) => basename(f)).sort(), LOGS);
  assert.equal(listed.added, 0);
  const status = await lsp.ask(Requests.indexStatus, {});
  assert.ok(!status.files.some((f) => f.uri.startsWith(uri(folder))), 'nothing of the folder indexed');
});

test('partial answers while the folder is indexed: logs read so far and the last records of the others, in UTC order; then the whole timeline', async () => {
  const params: TimelineParams = { folders: [uri(folder)], partial: true, offset: 0, limit: 2000, summary: true };
  const answers: TimelinePage[] = [];
  /** The last rows while loading (asked after each answer), to hold against the whole timeline's. */
  const ends: TimelinePage[] = [];
  const until = Date.now() + 60_000;
  const asked = Date.now();
  let page = await ask(params);
  // The first answer does not wait for a whole log: the logs' last records stand in for them (timelineTail.ts).
  assert.ok(page.indexing, 'answered while the folder is still indexed');
  assert.ok(page.indexing.done < LOGS.length, JSON.stringify(page.indexing));
  assert.ok(page.total > 0, `${page.total} rows`);
  assert.ok(Date.now() - asked < 5000, 'within the wait bound');
  while (page.indexing && Date.now() < until) {
    answers.push(page);
    // The end, as the panel asks for it (an offset past it, with its filter: the last page).
    const end = await ask({ folders: [uri(folder)], partial: true, offset: 2 ** 31 - 1, limit: END_ROWS, filter: {} });
    if (end.indexing) ends.push(end);
    await new Promise((r) => setTimeout(r, 20));
    page = await ask(params);
  }
  assert.equal(page.indexing, undefined, 'indexing ended');
  let done = 0;
  let shown = 0;
  for (const answer of answers) {
    const indexing = answer.indexing!;
    const tails = indexing.tails ?? 0;
    const whole = answer.files.filter((f) => f.records === RECORDS);
    // The logs merged whole grow by half at least between merges (server/src/loadingTimeline.ts): not one merge per log.
    const wholeRecords = whole.length * RECORDS;
    if (wholeRecords !== shown && shown > 0)
      assert.ok(wholeRecords >= shown * 1.5, `shown ${wholeRecords} records after ${shown}`);
    shown = wholeRecords;
    assert.ok(indexing.done >= done && indexing.total === LOGS.length, JSON.stringify(indexing));
    done = indexing.done;
    // Logs read are in whole; the others by their tail: fewer records, each numbered from the log's end (-1 last).
    assert.ok(whole.length <= indexing.done, `${whole.length} whole files, ${indexing.done} read`);
    // Every log is on show from the first answer: whole once read and merged, else by its tail.
    assert.equal(answer.files.length, LOGS.length, JSON.stringify(answer.files));
    assert.equal(whole.length + tails, LOGS.length, JSON.stringify(answer.files));
    const rows = resolveRows(answer);
    const names = new Set(answer.files.map((f) => basename(f.file)));
    const tailNames = new Set(answer.files.filter((f) => f.records < RECORDS).map((f) => basename(f.file)));
    assert.ok(rows.every((r) => names.has(basename(r.file)) && r.message.startsWith(basename(r.file))));
    assert.ok(
      rows.every((r) => r.line < 0 === tailNames.has(basename(r.file))),
      'tail rows, and only they, lineless',
    );
    for (let k = 1; k < rows.length; k++) assert.ok(rows[k - 1].t! <= rows[k].t!, `row ${k} goes back in time`);
    const read = answer.files.map((f) => LOGS.indexOf(basename(f.file))).sort();
    assert.deepEqual(
      [...answer.summary!.components].sort(),
      read.map((k) => `C${k}`),
    );
    assert.deepEqual(
      [...answer.summary!.biases].sort((x, y) => x - y),
      read.map((k) => 60 * k),
    );
    if (rows.length) assert.equal(answer.summary!.minT, rows[0].t);
  }
  // The last answer is the whole timeline, as a request that waits gets it.
  const waited = await ask({ folders: [uri(folder)], offset: 0, limit: 2000 });
  assert.equal(page.total, LOGS.length * RECORDS);
  assert.deepEqual(resolveRows(page), resolveRows(waited));
  assert.deepEqual(
    resolveRows(page)
      .slice(0, LOGS.length)
      .map((r) => basename(r.file)),
    LOGS,
    'merged by UTC across the logs',
  );
  // What the panel shows first (the end) was right while loading: the same records, in the same order, as the
  // whole timeline's end (a tail's lines aside).
  const total = LOGS.length * RECORDS;
  const last = resolveRows(await ask({ folders: [uri(folder)], offset: total - END_ROWS, limit: END_ROWS }));
  assert.ok(ends.length > 0, 'an end was asked while loading');
  for (const end of ends) {
    const rows = resolveRows(end);
    assert.equal(rows.length, END_ROWS);
    assert.deepEqual(
      rows.map((r) => [basename(r.file), r.t, r.message, r.line < 0 ? 'tail' : r.line]),
      last.map((r, k) => [basename(r.file), r.t, r.message, rows[k].line < 0 ? 'tail' : r.line]),
      `the end while ${JSON.stringify(end.indexing)}`,
    );
  }
});

test('once the folder was read, a partial request waits for a log written since (no endless "indexing")', async () => {
  await ask({ folders: [uri(folder)], offset: 0, limit: 1 });
  writeFileSync(
    join(folder, 'WUAHandler.log'),
    `<![LOG[late newcomer]LOG]!><time="10:00:00.000+000" date="03-12-2026" component="WUAHandler" context="" type="1" thread="9" file="">\r\n`,
  );
  const page = await ask({ folders: [uri(folder)], partial: true, offset: 0, limit: 1 });
  assert.equal(page.indexing, undefined);
  assert.equal(page.total, LOGS.length * RECORDS + 1);
  assert.ok(page.files.some((f) => basename(f.file) === 'WUAHandler.log'));
});
