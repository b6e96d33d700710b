// The records writer reads messages as ranges of the buffers RecordTable.scanMessages passes (no view per message):
// its byte searches must see only the message's own bytes, in any order of messages, and a buffer's "valid UTF-8"
// must not stand for a message cut inside a character.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NextByte } from '../../server/src/core/fleet/nextByte';
import { mayHoldCode } from '../../server/src/core/fleet/read';

const HOLDS = /0x[0-9a-f]|\d{10}/i;

test('mayHoldCode on a range answers as the expression on that range alone, whatever lies around it', () => {
  const text = 'a 0x8024 b 1234567890 c 0X1 d 12345 6789012345x0 0xg "0x" ' + 'z'.repeat(40) + ' 0xF';
  const bytes = Buffer.from(text, 'latin1');
  let checked = 0;
  // Every range, asked forward, then backward (the searches keep state per buffer).
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start <= bytes.length; start++)
    for (let end = start; end <= bytes.length; end += 3) ranges.push([start, end]);
  for (const [start, end] of [...ranges, ...ranges.reverse()]) {
    assert.equal(mayHoldCode(bytes, start, end), HOLDS.test(text.slice(start, end)), `[${start}, ${end})`);
    checked++;
  }
  assert.ok(checked > 1000);
  assert.equal(mayHoldCode(Buffer.from('error 0x80070005')), true);
  assert.equal(mayHoldCode(Buffer.from('error = 2')), false);
});

test('NextByte finds the first byte at or after any start, asked in any order and across buffers', () => {
  const a = Buffer.from('ab"cd""e"f', 'latin1');
  const b = Buffer.from('"xyz', 'latin1');
  const next = new NextByte(0x22);
  const expect = (bytes: Buffer, start: number) => bytes.indexOf(0x22, start);
  for (const start of [0, 3, 2, 9, 1, 6, 5, 10, 4, 0, 8, 7])
    assert.equal(next.find(a, start), expect(a, start), `a from ${start}`);
  assert.equal(next.find(b, 0), 0);
  assert.equal(next.find(b, 1), -1);
  assert.equal(next.find(a, 4), 5);
});
