// Input that would outgrow a JavaScript string (V8 stops near 512 M characters) is read in bounded pieces:
// no RangeError, and the text after it still parses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PENDING_CHARS } from '../../server/src/core/assemble';
import { StreamingParser } from '../../server/src/core/parse';
import { MAX_LINE_CHARS } from '../../server/src/core/read/lines';
import type { LogRecord } from '../../server/src/core/record';

const tail =
  '<![LOG[after]LOG]!><time="10:00:00.000+000" date="01-01-2020" component="c" context="" type="1" thread="1" file="">\n';

function feed(parts: Array<{ chunk: Buffer; times: number }>): { records: LogRecord[]; chars: number } {
  const records: LogRecord[] = [];
  let chars = 0;
  const parser = new StreamingParser('big.log', (r) => {
    chars += r.message.length;
    records.push({ ...r, message: r.message.slice(0, 40) }); // keep memory small: only the head of each message
  });
  for (const { chunk, times } of parts) for (let i = 0; i < times; i++) parser.push(chunk);
  parser.end();
  return { records, chars };
}

test('a CMTrace record that never closes, with wide lines, is cut at the character limit', () => {
  const wide = Buffer.from('x'.repeat(30_000) + '\n');
  const lines = Math.ceil((MAX_PENDING_CHARS * 1.5) / wide.length);
  const { records, chars } = feed([
    { chunk: Buffer.from('<![LOG[never closed\n'), times: 1 },
    { chunk: wide, times: lines },
    { chunk: Buffer.from(tail), times: 1 },
  ]);
  assert.ok(records.length >= 2);
  assert.match(records[0].damaged!, /no \]LOG\]!> header within/);
  assert.equal(records[records.length - 1].message, 'after');
  assert.ok(chars >= lines * 30_000, 'no text lost');
});

test('a line longer than the line limit is passed on in pieces that keep its line number', () => {
  const block = Buffer.from('y'.repeat(1 << 20));
  const blocks = Math.ceil((MAX_LINE_CHARS * 1.25) / block.length);
  const { records, chars } = feed([
    { chunk: block, times: blocks },
    { chunk: Buffer.from('\n' + tail), times: 1 },
  ]);
  const last = records[records.length - 1];
  assert.equal(last.message, 'after');
  assert.equal(last.line, 2);
  assert.ok(records.length - 1 >= 2, 'the line came in more than one piece');
  assert.ok(records.slice(0, -1).every((r) => r.line === 1));
  assert.equal(chars - 'after'.length, blocks * block.length);
});
