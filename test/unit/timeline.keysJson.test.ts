// The keys `cmlogs timeline --json` writes from a message's bytes (core/output/keysJson.ts) are recordKeys of its
// text (core/timeline.ts), as JSON, whatever the buffers the messages come from and the order they are asked in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKeys } from '../../server/src/core/keys';
import { KeysJsonBytes } from '../../server/src/core/output/keysJson';

/** recordKeys of core/timeline.ts on the text, as JSON.stringify writes the array. */
function expected(text: string): string {
  return JSON.stringify([...new Set(findKeys(text).map((k) => k.key))]);
}

/** The writer's bytes for message [start, end) of `bytes`, as text. */
function written(writer: KeysJsonBytes, bytes: Buffer, start: number, end: number): string {
  const out = Buffer.alloc(KeysJsonBytes.maxBytes(end - start) + 8, 0x7e);
  const at = writer.put(out, 4, bytes, start, end);
  assert.ok(at - 4 <= KeysJsonBytes.maxBytes(end - start), 'within maxBytes');
  assert.equal(out[3], 0x7e, 'nothing written before `at`');
  return out.toString('latin1', 4, at);
}

const MESSAGES = [
  '',
  'no keys here - just a dash',
  'Update {C2D17964-BBDD-4339-B9F3-12D7205B39CC} from source c2d17964-bbdd-4339-b9f3-12d7205b39cc again',
  'CTM job {0AB3F6A2-3B6C-4D1E-9F00-1234567890AB} content Content_b2475630-1c4f-4d92-9e67-0d5a1b2c3d4e.1',
  'KB4584642 and kb4584642 and Kb5034441, not KB12345 nor KB123456789 nor xKB1234567 nor KB1234567x',
  'KB2461484: installing KB2461484 (SUM_9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d) then KB2461485',
  'inside a longer run: 0123-c2d17964-bbdd-4339-b9f3-12d7205b39cc and c2d17964-bbdd-4339-b9f3-12d7205b39cc-ff',
  'almost: c2d17964-bbdd-4339-b9f3-12d7205b39c and c2d17964-bbdd-4339-b9f3_12d7205b39cc',
  'é multi-byte ü then {A1B2C3D4-E5F6-A7B8-C9D0-E1F2A3B4C5D6}\r\n line two KB890830',
  'c2d17964-bbdd-4339-b9f3-12d7205b39cc',
  'KB123456',
  'trailing dash -',
];

test('keys from bytes are recordKeys of the text, message by message in one buffer', () => {
  const bytes = Buffer.from(MESSAGES.join(''), 'latin1');
  const writer = new KeysJsonBytes();
  let start = 0;
  for (const message of MESSAGES) {
    const end = start + message.length;
    assert.equal(written(writer, bytes, start, end), expected(message), JSON.stringify(message));
    start = end;
  }
});

test('keys stay right when messages come from two buffers in turn, backwards, or from a new buffer', () => {
  const a = Buffer.from(MESSAGES.join(''), 'latin1');
  const b = Buffer.from([...MESSAGES].reverse().join(''), 'latin1');
  const spans = (messages: string[]) => {
    let at = 0;
    return messages.map((m) => [at, (at += m.length)] as const);
  };
  const inA = spans(MESSAGES);
  const inB = spans([...MESSAGES].reverse());
  const writer = new KeysJsonBytes();
  // Alternating buffers, then A's messages backwards (a file sorted by time: records out of file order).
  for (let k = 0; k < MESSAGES.length; k++) {
    assert.equal(written(writer, a, ...inA[k]), expected(MESSAGES[k]));
    assert.equal(written(writer, b, ...inB[k]), expected(MESSAGES[MESSAGES.length - 1 - k]));
  }
  for (let k = MESSAGES.length - 1; k >= 0; k--) assert.equal(written(writer, a, ...inA[k]), expected(MESSAGES[k]));
  // A third buffer pushes one of the two out; the one pushed out is scanned afresh when it comes back.
  const c = Buffer.from(MESSAGES[2], 'latin1');
  assert.equal(written(writer, c, 0, c.length), expected(MESSAGES[2]));
  assert.equal(written(writer, a, ...inA[3]), expected(MESSAGES[3]));
  assert.equal(written(writer, b, ...inB[0]), expected(MESSAGES[MESSAGES.length - 1]));
});

test('the same buffer with other bytes in it (a reused window gets a new view) is scanned afresh', () => {
  const writer = new KeysJsonBytes();
  const window = Buffer.from('x'.repeat(40) + 'c2d17964-bbdd-4339-b9f3-12d7205b39cc', 'latin1');
  assert.equal(written(writer, window.subarray(0), 0, 40), '[]');
  // FileBytes hands out a new view object at each read, which is what tells the writer the bytes changed.
  Buffer.from('{0AB3F6A2-3B6C-4D1E-9F00-1234567890AB}', 'latin1').copy(window, 0);
  const view = window.subarray(0);
  assert.equal(written(writer, view, 0, 40), '["0ab3f6a2-3b6c-4d1e-9f00-1234567890ab"]');
});

test('a message with many keys: every distinct one once, in order (GUIDs, then KB numbers)', () => {
  const guids = Array.from(
    { length: 300 },
    (_, k) => `${(0x10000000 + k).toString(16)}-aaaa-4bbb-8ccc-${'d'.repeat(12)}`,
  );
  const message = [...guids, ...guids.map((g) => g.toUpperCase()), 'KB1234567', 'kb1234567'].join(' ');
  const bytes = Buffer.from(message, 'latin1');
  assert.equal(written(new KeysJsonBytes(), bytes, 0, bytes.length), expected(message));
});
