// KeyTable: keys numbered by their bytes, against a Map of strings doing the same job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyTable, packedKey, packedKeyList } from '../../server/src/core/keyTable';

function randomGuid(random: () => number): string {
  const hex = () => '0123456789abcdefABCDEF'[Math.floor(random() * 22)];
  const run = (n: number) => Array.from({ length: n }, hex).join('');
  return `${run(8)}-${run(4)}-${run(4)}-${run(4)}-${run(12)}`;
}

function seeded(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

test('GUIDs in mixed case get one number per lower-case key, in the order first met, across table growth', () => {
  const random = seeded(7);
  const table = new KeyTable();
  const expected = new Map<string, number>();
  const guids = Array.from({ length: 3000 }, () => randomGuid(random));
  for (let round = 0; round < 3; round++) {
    for (const guid of guids) {
      // each GUID somewhere inside a longer buffer, in the case it was written
      const text = Buffer.from(`id {${guid}} here`, 'latin1');
      const id = table.idOf(text, 4, 40, true);
      const key = guid.toLowerCase();
      if (!expected.has(key)) expected.set(key, expected.size);
      assert.equal(id, expected.get(key), key);
    }
  }
  assert.equal(table.count, expected.size);
  for (const [key, id] of expected) {
    assert.equal(table.name(id), key);
    assert.equal(table.find(key), id);
    assert.equal(table.find(key.toUpperCase()), key === key.toUpperCase() ? id : -1, 'find does not fold case');
  }
  assert.equal(table.find('00000000-0000-0000-0000-000000000000'), -1);
  assert.equal(table.count, expected.size, 'find adds nothing');
});

test('keys of different lengths (KB numbers beside GUIDs) and a key that is a prefix of another stay apart', () => {
  const table = new KeyTable();
  const a = table.idOfString('KB123456');
  const b = table.idOfString('KB1234567');
  const c = table.idOfString('KB12345');
  const guid = table.idOfString('aad511a8-2121-4768-9bdd-26d68b0b94aa');
  assert.deepEqual([a, b, c, guid], [0, 1, 2, 3]);
  assert.equal(table.idOfString('KB1234567'), b);
  assert.equal(table.find('KB'), -1);
  const packed = table.packed();
  assert.deepEqual(packedKeyList(packed), ['KB123456', 'KB1234567', 'KB12345', 'aad511a8-2121-4768-9bdd-26d68b0b94aa']);
  assert.equal(packedKey(packed, 1), 'KB1234567');
  assert.equal(packed.bytes.length, 8 + 9 + 7 + 36, 'packed to its exact size');
});

test("a packed table numbered again in another table keeps every key (what the index does with a file's keys)", () => {
  const random = seeded(11);
  const file = new KeyTable();
  for (let i = 0; i < 500; i++) file.idOf(Buffer.from(randomGuid(random), 'latin1'), 0, 36, true);
  const global = new KeyTable();
  global.idOfString('kb000000');
  const { bytes, ends } = file.packed();
  for (let k = 0; k < ends.length; k++) {
    const id = global.idOf(bytes, k > 0 ? ends[k - 1] : 0, ends[k]);
    assert.equal(id, k + 1);
    assert.equal(global.name(id), file.name(k));
  }
});
