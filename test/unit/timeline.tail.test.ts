// A log's tail (server/src/features/timelineTail.ts): the last records of a log read from a byte range at its end,
// which the timeline shows while the log is read in full. Each must be the same record the whole read gives (its
// message, time, component, severity, thread), whatever the format and wherever the range cuts; a log whose tail
// cannot be read that way gives none (it waits for the whole read).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseFile, type ParseResult } from '../../server/src/core/parse';
import { readLogTail, recordStart } from '../../server/src/features/timelineTail';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-tail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cm = (message: string, r: number, type = 1) =>
  `<![LOG[${message}]LOG]!><time="10:${String(Math.floor(r / 60) % 60).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}.${String(r % 1000).padStart(3, '0')}+300" date="03-12-2026" component="Comp${r % 3}" context="" type="${type}" thread="${r % 7}" file="x.cpp">`;
const sms = (message: string, r: number) =>
  `${message} $$<SMS_DISTRIBUTION_MANAGER><03-12-2026 14:${String(Math.floor(r / 60) % 60).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}.${String(r % 1000).padStart(3, '0')}-60><thread=${r % 9} (0x${(r % 9).toString(16)})>`;

/** What a record is, lines aside (a tail cannot know them). */
function shape(result: ParseResult, i: number) {
  const r = result.records.get(i);
  return [r.message, r.utc, r.local, r.biasMinutes, r.component, r.severity, r.thread];
}

/** The tail's records are the whole read's last ones, the same records. */
function assertTailOf(file: string, whole: ParseResult, tail: ParseResult): void {
  const n = tail.records.length;
  assert.ok(n > 0 && n < whole.records.length, `${n} of ${whole.records.length} records`);
  for (let k = 1; k <= n; k++)
    assert.deepEqual(shape(tail, n - k), shape(whole, whole.records.length - k), `${file}: record ${k} from the end`);
}

test('CMTrace: records with messages over several lines, some lines inside them like a record; cut anywhere', async () => {
  const lines: string[] = [];
  for (let r = 0; r < 2000; r++) {
    // Every fifth message spans lines; one of its lines starts like a CMTrace record's text, not at a record.
    const message =
      r % 5 ? `Job ${r} state ${r * 7}` : `Job ${r} XML:\r\n<Policy id="${r}">\r\n  <![LOG[ quoted\r\n</Policy>`;
    lines.push(cm(message, r, r % 11 ? 1 : 3));
  }
  const file = join(dir, 'PolicyAgent.log');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  const whole = await parseFile(file);
  for (const bytes of [1000, 4096, 5003, 9000]) {
    const tail = await readLogTail(file, bytes);
    assert.ok(tail && !tail.wholeFile, `tail of ${bytes} bytes`);
    assertTailOf(file, whole, tail.result);
  }
});

test('SMS trace (a line format): the tail starts at the first whole line', async () => {
  const lines: string[] = [];
  for (let r = 0; r < 2000; r++) lines.push(sms(`Processing package PS1000${r % 10} step ${r}`, r));
  const file = join(dir, 'distmgr.log');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  const whole = await parseFile(file);
  assert.equal(whole.format, 'sms');
  const tail = await readLogTail(file, 7000);
  assert.ok(tail && !tail.wholeFile);
  assert.equal(tail.result.format, 'sms');
  assertTailOf(file, whole, tail.result);
});

test('a small log is read whole: its records and lines are those of the whole read', async () => {
  const file = join(dir, 'CAS.log');
  writeFileSync(file, [0, 1, 2, 3].map((r) => cm(`small ${r}`, r)).join('\r\n') + '\r\n');
  const whole = await parseFile(file);
  const tail = await readLogTail(file);
  assert.ok(tail?.wholeFile);
  assert.deepEqual(
    [...Array(whole.records.length).keys()].map((i) => [...shape(tail.result, i), tail.result.records.line(i)]),
    [...Array(whole.records.length).keys()].map((i) => [...shape(whole, i), whole.records.line(i)]),
  );
});

test('no tail where it cannot be read alone: UTF-16, no record starts in it, empty or missing file', async () => {
  const utf16 = join(dir, 'WUAHandler.log');
  const text = Array.from({ length: 3000 }, (_, r) => cm(`wide ${r}`, r)).join('\r\n');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  assert.equal(await readLogTail(utf16, 4096), null);
  // One record whose message is longer than the tail: no record starts in the byte range.
  const long = join(dir, 'DataTransferService.log');
  writeFileSync(long, cm('head', 0) + '\r\n' + cm('x'.repeat(200_000) + '\r\nmore\r\nlines', 1) + '\r\n');
  assert.equal(await readLogTail(long, 4096), null);
  const empty = join(dir, 'Empty.log');
  writeFileSync(empty, '');
  assert.equal(await readLogTail(empty), null);
  assert.equal(await readLogTail(join(dir, 'gone.log')), null);
});

test('recordStart: after the first line break; CMTrace at a line that opens a record', () => {
  const bytes = Buffer.from('tail of a record]LOG]!>\r\n  <![LOG[inside]\r\n<![LOG[next]LOG]!>');
  assert.equal(recordStart(bytes, 'cmtrace'), bytes.indexOf('\n<![LOG[next') + 1);
  assert.equal(recordStart(bytes, 'sms'), bytes.indexOf('\n') + 1);
  assert.equal(recordStart(Buffer.from('no line break'), 'sms'), -1);
  assert.equal(recordStart(Buffer.from('x\n'), 'sms'), -1);
});
