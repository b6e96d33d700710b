// RecordTable.timeSummary (what `cmlogs stats` says of a file's times) must give what the record-by-record loop
// over utc / localAt / utcSource gives: the same first and last UTC, the same sources in the same order, the same
// local-only span, for tables that mix biased records, zone-less ones (with and without a clock), records with
// no time, and local times kept as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../../server/src/core/record';
import { RecordTable, type RecordClock } from '../../server/src/core/table';

const record = (i: number, over: Partial<LogRecord>): LogRecord => ({
  file: 'x.log',
  line: i + 1,
  endLine: i + 1,
  column: 0,
  format: 'cmtrace',
  utc: null,
  local: null,
  biasMinutes: null,
  component: 'C',
  context: '',
  thread: 1,
  severity: 'info',
  rawType: '1',
  message: `m${i}`,
  sourceFile: '',
  ...over,
});

/** The loop computeStats ran before timeSummary: one record at a time, through the table's accessors. */
function byRecord(table: RecordTable) {
  let first: number | null = null;
  let last: number | null = null;
  const sources: Record<string, number> = {};
  let localOnly: { first: string; last: string } | null = null;
  for (let i = 0; i < table.length; i++) {
    const utc = table.utc(i);
    const local = utc === null ? table.localAt(i) : null;
    if (utc === null && local === null) continue;
    const kind = table.utcSource(i).kind;
    sources[kind] = (sources[kind] ?? 0) + 1;
    if (utc === null) {
      const span: { first: string; last: string } = localOnly ?? { first: local!, last: local! };
      localOnly = { first: local! < span.first ? local! : span.first, last: local! > span.last ? local! : span.last };
      continue;
    }
    if (first === null || utc < first) first = utc;
    if (last === null || utc > last) last = utc;
  }
  return { first, last, sources, localOnly };
}

const at = (h: number, m: number) => Date.UTC(2024, 2, 4, h, m);

/** Zone-less records first (a wall time each), then biased ones, one with no time, one with an odd local text. */
function mixedTable(): RecordTable {
  const table = new RecordTable('x.log');
  const records: LogRecord[] = [
    record(0, { local: '2024-03-04T10:00:00.000' }),
    record(1, { local: '2024-03-04T09:00:00.000' }),
    record(2, { utc: at(8, 30), local: '2024-03-04T09:30:00.000', biasMinutes: -60 }),
    record(3, {}),
    record(4, { utc: at(7, 0), local: '2024-03-04T08:00:00.000', biasMinutes: -60 }),
    record(5, { local: '2024-03-04T11:15:00.000' }),
    record(6, { utc: at(12, 0), local: '2024-03-04T13:00:00.000', biasMinutes: -60 }),
  ];
  for (const r of records) table.push(r);
  return table;
}

test('timeSummary gives what the record-by-record loop gives: no clock, a clock, a clock that knows only some times', () => {
  const clocks: Array<[string, RecordClock | null]> = [
    ['no clock', null],
    ['user offset', { utcOf: (wall) => wall + 120 * 60_000, sourceAt: () => ({ kind: 'user', biasMinutes: 120 }) }],
    [
      'learnt for the morning only',
      {
        utcOf: (wall) => (wall < at(10, 30) ? wall + 60 * 60_000 : null),
        sourceAt: (wall) =>
          wall < at(10, 30) ? { kind: 'inferred', from: 'y.log', biasMinutes: 60 } : { kind: 'none' },
      },
    ],
  ];
  for (const [name, clock] of clocks) {
    const table = mixedTable();
    table.clock = clock;
    const summary = table.timeSummary();
    const expected = byRecord(table);
    assert.deepEqual(summary, expected, name);
    // The order of the sources is part of the output (`cmlogs stats --json`).
    assert.deepEqual(Object.keys(summary.sources), Object.keys(expected.sources), name);
  }
});

test('timeSummary of the usual log (every record biased) and of an empty one', () => {
  const table = new RecordTable('x.log');
  for (let i = 0; i < 50; i++)
    table.push(record(i, { utc: at(8, 59 - i), local: null, biasMinutes: i % 2 ? 60 : -300 }));
  assert.deepEqual(table.timeSummary(), byRecord(table));
  assert.deepEqual(table.timeSummary().sources, { log: 50 });
  assert.deepEqual(new RecordTable('empty.log').timeSummary(), {
    first: null,
    last: null,
    sources: {},
    localOnly: null,
  });
});
