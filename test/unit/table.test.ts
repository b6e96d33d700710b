// RecordTable keeps what it is given: values that do not fit its narrow columns (threads beyond 32 bits, message
// columns past 254), heap messages across truncation (a growing log's provisional tail) and a trip to another
// thread (detach/attach).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../server/src/core/record';
import { localOf, RecordTable } from '../../server/src/core/table';

const record = (i: number, over: Partial<LogRecord> = {}): LogRecord => ({
  file: 'x.log',
  line: i + 1,
  endLine: i + 1,
  column: 0,
  format: 'sms',
  utc: Date.UTC(2024, 2, 4, 8, 0, i % 60),
  local: null,
  biasMinutes: null,
  component: `C${i % 3}`,
  context: '',
  thread: i,
  severity: 'info',
  rawType: null,
  message: `message ${i} ünïcödé`,
  sourceFile: '',
  ...over,
});

const plain = (r: LogRecord) => ({ ...r, local: null });

test('threads and columns beyond the narrow columns come back as given, also after a trip to another thread', () => {
  const odd: Array<Partial<LogRecord>> = [
    { thread: 2 ** 40 },
    { thread: 0xfffffffe },
    { thread: 0xffffffff },
    { thread: -1 },
    { thread: null },
    { thread: 0xfffffffd },
    { column: 254 },
    { column: 255 },
    { column: 100_000 },
  ];
  const table = new RecordTable('x.log');
  const given = odd.map((over, i) => record(i, over));
  for (const r of given) table.push(r);
  const { data } = table.detach();
  const attached = RecordTable.attach(structuredClone(data));
  for (const [name, t] of [
    ['table', table],
    ['attached', attached],
  ] as const) {
    given.forEach((r, i) => {
      assert.equal(t.get(i).thread, r.thread, `${name} ${i}`);
      assert.equal(t.get(i).column, r.column, `${name} ${i}`);
    });
  }
});

test('truncating a table and pushing again reuses the heap: messages stay whole, the heap does not grow', () => {
  const table = new RecordTable('x.log');
  for (let i = 0; i < 1000; i++) table.push(record(i));
  const before = table.message(999);
  for (let round = 0; round < 50; round++) {
    table.truncate(990);
    for (let i = 990; i < 1000; i++) table.push(record(i, { message: `again ${round} ${i}` }));
  }
  assert.equal(table.length, 1000);
  assert.equal(table.message(989), 'message 989 ünïcödé');
  assert.equal(table.message(999), 'again 49 999');
  assert.notEqual(before, table.message(999));
  // the heap holds the 990 kept messages and the last 10, not 50 rounds of tails
  let bytes = 0;
  for (let i = 0; i < table.length; i++) bytes += Buffer.byteLength(table.message(i));
  assert.equal(table.detach().data.heapUsed, bytes);
});

test('a table emptied by truncate starts its heap over', () => {
  const table = new RecordTable('x.log');
  for (let i = 0; i < 10; i++) table.push(record(i));
  table.truncate(0);
  table.push(record(0, { message: 'first again' }));
  assert.deepEqual(plain(table.get(0)), plain(record(0, { message: 'first again' })));
  assert.equal(table.detach().data.heapUsed, Buffer.byteLength('first again'));
});

test('localOf writes the wall clock exactly as toISOString does, for times in the same minute and across minutes, years and biases', () => {
  const reference = (utc: number, bias: number | null) =>
    new Date(utc - (bias ?? 0) * 60_000).toISOString().slice(0, 23);
  let seed = 42;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const times = [
    0,
    -1,
    59_999,
    60_000,
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(1000, 0, 1),
    Date.UTC(1000, 0, 1) - 1,
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2014, 0, 16, 13, 53, 52, 608.9),
  ];
  for (let i = 0; i < 20_000; i++)
    times.push(
      Date.UTC(2024, 2, 4) + Math.floor(random() * 3_600_000) * (random() < 0.5 ? 1 : 37) + (random() < 0.1 ? 0.4 : 0),
    );
  for (const utc of times)
    for (const bias of [null, 0, 300, -60, -330, 1440])
      assert.equal(localOf(utc, bias), reference(utc, bias), `${utc} ${bias}`);
  assert.equal(localOf(null, 300), null);
});
