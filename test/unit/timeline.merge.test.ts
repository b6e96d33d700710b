// mergeTimeline / filterTimeline over two "machines": a client in US Eastern (bias +300, UTC-5) writing CMTrace
// and a site server in Central Europe (bias -60, UTC+1) writing SMS trace. Same instants, different wall clocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseText } from '../../server/src/core/parse';
import {
  filterTimeline,
  mergeTimeline,
  recordKeys,
  type TimelineItem,
  type TimelineSource,
} from '../../server/src/core/timeline';

const SCAN = '1B9B4E44-8C1A-4C2B-9A8B-0A1B2C3D4E5F';
const scanKey = SCAN.toLowerCase();

const cm = (message: string, time: string, component: string, type = '1', thread = '10', date = '03-01-2024') =>
  `<![LOG[${message}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="${type}" thread="${thread}" file="">`;
const sms = (message: string, time: string, component = 'SMS_STATE_SYSTEM') =>
  `${message} $$<${component}><03-01-2024 ${time}><thread=4 (0x4)>`;

// Client, UTC-5: 08:00:00 local is 13:00:00 UTC.
const CLIENT = [
  cm(`Scan job {${SCAN}} started`, '08:00:00.000+300', 'ScanAgent'), // 13:00:00.000
  cm('continuation without a readable time', 'xx', 'ScanAgent'), // keeps 13:00:00.000
  cm('Scan failed 0x80244021 for KB5034441', '08:00:02.000+300', 'WUAHandler', '3', '11'), // 13:00:02.000
  cm(`Scan job {${SCAN}} completed`, '08:00:05.500+300', 'ScanAgent', '2'), // 13:00:05.500
].join('\r\n');

// Site server, UTC+1: 14:00:01 local is 13:00:01 UTC.
const SERVER = [
  sms(`Received state message for {${scanKey}}`, '14:00:01.000-60'), // 13:00:01.000
  sms('Processing KB5034441', '14:00:02.000-60'), // 13:00:02.000, same instant as the client's error
  sms('STATMSG: ID=6702 SEV=E LEV=M SOURCE="SMS Server" done', '14:00:04.250-60', 'SMS_DISTRIBUTION_MANAGER'), // 13:00:04.250
].join('\r\n');

function sources(offsets: { client?: number; server?: number } = {}): TimelineSource[] {
  const client = parseText(CLIENT, 'C:\\client\\WUAHandler.log');
  const server = parseText(SERVER, 'D:\\site\\statesys.log');
  assert.equal(client.format, 'cmtrace');
  assert.equal(server.format, 'sms');
  return [
    { file: client.file, records: client.records, clockOffsetMs: offsets.client },
    { file: server.file, records: server.records, clockOffsetMs: offsets.server },
  ];
}

const utc = (text: string) => Date.parse(`2024-03-01T${text}Z`);
const describe = (items: TimelineItem[]) => items.map((i) => `${i.sourceIndex}:${i.record.line}`);

test('the parsed wall clocks differ by six hours but the UTC instants interleave (Windows bias: UTC = local + bias)', () => {
  const [client, server] = sources();
  assert.equal(client.records.get(0).local, '2024-03-01T08:00:00.000');
  assert.equal(client.records.get(0).biasMinutes, 300);
  assert.equal(client.records.get(0).utc, utc('13:00:00.000'));
  assert.equal(server.records.get(0).local, '2024-03-01T14:00:01.000');
  assert.equal(server.records.get(0).biasMinutes, -60);
  assert.equal(server.records.get(0).utc, utc('13:00:01.000'));
});

test('merged order is by UTC across machines', () => {
  const merged = mergeTimeline(sources());
  assert.deepEqual(describe(merged), ['0:1', '0:2', '1:1', '0:3', '1:2', '1:3', '0:4']);
  const times = merged.map((i) => i.time);
  assert.deepEqual(times, [
    utc('13:00:00.000'),
    utc('13:00:00.000'),
    utc('13:00:01.000'),
    utc('13:00:02.000'),
    utc('13:00:02.000'),
    utc('13:00:04.250'),
    utc('13:00:05.500'),
  ]);
  for (let k = 1; k < times.length; k++) assert.ok(times[k]! >= times[k - 1]!, 'non-decreasing');
});

test('ties are stable: same instant → file order, then record order', () => {
  const merged = mergeTimeline(sources());
  const at = merged.filter((i) => i.time === utc('13:00:02.000'));
  assert.deepEqual(describe(at), ['0:3', '1:2']);
  // Swapping the sources swaps the tie, nothing else.
  const [a, b] = sources();
  const swapped = mergeTimeline([b, a]).filter((i) => i.time === utc('13:00:02.000'));
  assert.deepEqual(
    swapped.map((i) => i.record.file),
    [b.file, a.file],
  );
  // Within one file, records with the same time keep their order.
  const same = parseText(
    [
      cm('first', '08:00:00.000+300', 'A'),
      cm('second', '08:00:00.000+300', 'A'),
      cm('third', '08:00:00.000+300', 'A'),
    ].join('\n'),
    'same.log',
  );
  assert.deepEqual(
    mergeTimeline([{ file: 'same.log', records: same.records }]).map((i) => i.record.message),
    ['first', 'second', 'third'],
  );
});

test('a record without a time keeps its place after the record before it in the same file', () => {
  const merged = mergeTimeline(sources());
  const k = merged.findIndex((i) => i.record.message === 'continuation without a readable time');
  assert.equal(merged[k].record.utc, null);
  assert.equal(merged[k].time, utc('13:00:00.000'));
  assert.equal(merged[k - 1].record.message, `Scan job {${SCAN}} started`);
  assert.equal(merged[k].sourceIndex, merged[k - 1].sourceIndex);
});

test('records before any time in their file have no time and come first, in file order', () => {
  const head = parseText([cm('no time yet', 'bad', 'A'), cm('timed', '08:00:00.000+300', 'A')].join('\n'), 'head.log');
  const merged = mergeTimeline([...sources(), { file: 'head.log', records: head.records }]);
  assert.equal(merged[0].record.message, 'no time yet');
  assert.equal(merged[0].time, null);
  // "timed" is 13:00:00.000 like the client's first two, and comes after them (file order).
  assert.deepEqual(
    merged.slice(1, 4).map((i) => i.record.message),
    [`Scan job {${SCAN}} started`, 'continuation without a readable time', 'timed'],
  );
});

test('a clock offset shifts a whole lane, its untimed records included', () => {
  // The site server's clock runs 3 s late: shift it by +3000 ms.
  const merged = mergeTimeline(sources({ server: 3000 }));
  assert.deepEqual(describe(merged), ['0:1', '0:2', '0:3', '1:1', '1:2', '0:4', '1:3']);
  const server = merged.filter((i) => i.sourceIndex === 1);
  assert.deepEqual(
    server.map((i) => i.time),
    [utc('13:00:04.000'), utc('13:00:05.000'), utc('13:00:07.250')],
  );
  // The record's own utc is untouched: the offset lives in the merged time only.
  assert.equal(server[0].record.utc, utc('13:00:01.000'));
  // A negative offset on the client moves its untimed record with it.
  const early = mergeTimeline(sources({ client: -60_000 }));
  const untimed = early.find((i) => i.record.message === 'continuation without a readable time')!;
  assert.equal(untimed.time, utc('12:59:00.000'));
  assert.deepEqual(describe(early).slice(0, 4), ['0:1', '0:2', '0:3', '0:4']);
});

test('filterTimeline: key, severity, text, time range', () => {
  const merged = mergeTimeline(sources());
  const byKey = filterTimeline(merged, { key: scanKey });
  assert.deepEqual(
    byKey.map((i) => i.record.message),
    [`Scan job {${SCAN}} started`, `Received state message for {${scanKey}}`, `Scan job {${SCAN}} completed`],
  );
  assert.deepEqual(
    filterTimeline(merged, { key: 'KB5034441' }).map((i) => describe([i])[0]),
    ['0:3', '1:2'],
  );
  assert.deepEqual(
    filterTimeline(merged, { severities: new Set(['error']) }).map((i) => i.record.line),
    [3, 3],
  );
  assert.deepEqual(filterTimeline(merged, { text: /scan job/i }).length, 2);
  const window = filterTimeline(merged, { fromUtc: utc('13:00:01.000'), toUtc: utc('13:00:04.250') });
  assert.deepEqual(describe(window), ['1:1', '0:3', '1:2', '1:3']);
  // Combined.
  assert.deepEqual(describe(filterTimeline(merged, { key: 'KB5034441', severities: new Set(['info']) })), ['1:2']);
});

test('filterTimeline: records without any time are outside every time range', () => {
  const head = parseText([cm('no time yet', 'bad', 'A')].join('\n'), 'head.log');
  const merged = mergeTimeline([{ file: 'head.log', records: head.records }, ...sources()]);
  assert.equal(merged[0].time, null);
  assert.ok(!filterTimeline(merged, { fromUtc: 0 }).some((i) => i.time === null));
  assert.ok(!filterTimeline(merged, { toUtc: utc('23:59:59.999') }).some((i) => i.time === null));
  assert.equal(filterTimeline(merged, {}).length, merged.length);
});

test('recordKeys: normalised, distinct, in order of appearance', () => {
  const [client, server] = sources();
  assert.deepEqual(recordKeys(client.records.get(0)), [scanKey]);
  assert.deepEqual(recordKeys(server.records.get(0)), [scanKey]);
  assert.deepEqual(recordKeys(client.records.get(2)), ['KB5034441']);
  const both = parseText(
    cm(`kb5034441 then {${SCAN}} and again ${SCAN} and KB5034441`, '08:00:00.000+300', 'A'),
    'x.log',
  );
  assert.deepEqual(recordKeys(both.records.get(0)), [scanKey, 'KB5034441']);
});

test('merging is deterministic and linear enough for big inputs', () => {
  const lines: string[] = [];
  for (let k = 0; k < 5_000; k++)
    lines.push(
      cm(
        `row ${k}`,
        `08:${String(Math.floor(k / 600) % 60).padStart(2, '0')}:${String(Math.floor(k / 10) % 60).padStart(2, '0')}.${String(k % 1000).padStart(3, '0')}+300`,
        'A',
      ),
    );
  const a = parseText(lines.join('\n'), 'a.log');
  const b = parseText(lines.join('\n'), 'b.log');
  const started = performance.now();
  const merged = mergeTimeline([
    { file: 'a.log', records: a.records },
    { file: 'b.log', records: b.records, clockOffsetMs: 1 },
  ]);
  assert.ok(performance.now() - started < 2000);
  assert.equal(merged.length, 10_000);
  for (let k = 1; k < merged.length; k++) assert.ok(merged[k].time! >= merged[k - 1].time!);
});
