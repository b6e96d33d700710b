// The index's postings (which records hold which key) against the plain definition: findKeys on each
// record's message. Random GUIDs in mixed case, with braces, glued to words, in long runs, and KB numbers.
import { packedKeyList } from '../../server/src/core/keyTable';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogIndex } from '../../server/src/core/logIndex';
import { findKeys } from '../../server/src/core/keys';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFile, parseText } from '../../server/src/core/parse';
import { collectPostings } from '../../server/src/core/postings';
import type { RecordTable } from '../../server/src/core/table';

let seed = 11;
/** mulberry32: a small seeded generator (an LCG in doubles loses precision and repeats early). */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
const hex = (n: number) => Array.from({ length: n }, () => pick([...'0123456789abcdefABCDEF'])).join('');
const guid = () => [8, 4, 4, 4, 12].map(hex).join('-');

function cmtrace(messages: string[]): string {
  return messages
    .map(
      (m, i) =>
        `<![LOG[${m}]LOG]!><time="10:00:${String(i % 60).padStart(2, '0')}.000+000" date="01-20-2014" component="X" context="" type="1" thread="7" file="">\r\n`,
    )
    .join('');
}

/** A few GUIDs used again and again (in other cases), many used once: like real logs. */
function messages(count: number): string[] {
  const hot = Array.from({ length: 20 }, guid);
  const pieces = () =>
    pick([
      guid(),
      guid(),
      `{${guid()}}`,
      `{${pick(hot)}}`,
      pick(hot).toUpperCase(),
      pick(hot),
      guid(),
      `Content_${pick(hot)}.1`,
      `KB${100000 + Math.floor(random() * 9e6)}`,
      'kb2461484',
      '1' + pick(hot),
      'x-y-z',
      ' ',
      '\u00e9\u4e2d',
    ]);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 6) }, pieces).join(pick([' ', ' ', ' ', '', '=', '\r\n'])),
  );
}

function reference(records: RecordTable, from = 0): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = from; i < records.length; i++) {
    for (const key of new Set(findKeys(records.message(i)).map((k) => k.key))) {
      const list = out.get(key) ?? [];
      list.push(i);
      out.set(key, list);
    }
  }
  return out;
}

function asMap(p: ReturnType<typeof collectPostings>): Map<string, number[]> {
  return new Map(
    packedKeyList(p.keys).map((key, k) => [key, Array.from(p.records.subarray(p.starts[k], p.starts[k + 1]))]),
  );
}

test('collectPostings finds exactly the keys findKeys finds, record by record (5,000 distinct GUIDs: the hash table grows)', () => {
  const records = parseText(cmtrace(messages(6000)), 'a.log').records;
  const expected = reference(records);
  assert.ok(expected.size > 5000, `${expected.size} keys`);
  assert.deepEqual(asMap(collectPostings(records)), expected);
  assert.deepEqual(asMap(collectPostings(records, 4000)), reference(records, 4000));
});

test('parseFile with keys: the postings collected while reading equal collectPostings, across 1 MB chunks, odd regions left to the general parser, and UTF-16', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-postings-'));
  try {
    const blocks = Array.from({ length: 12 }, () => cmtrace(messages(1500)));
    // Between blocks: text outside any record, NUL padding, a record cut by a writer, a bare CR: regions the
    // general parser reads, with keys of their own.
    const odd = [
      `stray ${guid()} text\r\n`,
      '\0\0\0\0',
      `<![LOG[cut ${guid()}`,
      `<![LOG[bare\rCR ${guid()}]LOG]!><time="10:00:00.000+000" date="01-20-2014" component="X" context="" type="1" thread="7" file="">\r\n`,
    ];
    const text = blocks.map((b, i) => b + (odd[i % odd.length] ?? '')).join('');
    assert.ok(Buffer.byteLength(text) > 2 * 1024 * 1024, `several chunks: ${Buffer.byteLength(text)} bytes`);
    const utf8 = join(dir, 'a.log');
    writeFileSync(utf8, text);
    const utf16 = join(dir, 'b.log');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    for (const file of [utf8, utf16]) {
      const result = await parseFile(file, { keys: true });
      assert.ok(result.postings, file);
      assert.ok(
        result.records.length > 18000 && result.warningCount > 0,
        `${result.records.length} records, ${result.warningCount} warnings`,
      );
      assert.deepEqual(asMap(result.postings), reference(result.records), file);
      assert.deepEqual(asMap(result.postings), asMap(collectPostings(result.records)), file);
      // The index takes the postings over (the result kept in it no longer holds them) and answers from them.
      const expected = reference(result.records);
      const index = new LogIndex();
      index.setFile(result);
      assert.equal(result.postings, undefined, 'handed over to the index');
      for (const [key, records] of [...expected].slice(0, 50))
        assert.deepEqual(index.recordsWithKey(key).get(file), new Set(records), key);
      result.records.release();
    }
    assert.equal((await parseFile(utf8)).postings, undefined, 'no keys unless asked');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LogIndex: occurrences, summaries and keys from the postings; a growing log that drops and adds keys', () => {
  const all = messages(400);
  const index = new LogIndex();
  const a = parseText(cmtrace(all.slice(0, 300)), 'a.log');
  index.setFile(a);
  index.setFile(parseText(cmtrace(all.slice(200)), 'b.log'));
  const check = () => {
    const fresh = new LogIndex();
    for (const name of index.fileNames())
      fresh.setFile(parseText(cmtrace(index.file(name)!.records.map((r) => r.message)), name));
    assert.deepEqual([...index.keys()].sort(), [...fresh.keys()].sort());
    for (const key of fresh.keys()) {
      assert.deepEqual(index.summarize(key), fresh.summarize(key), key);
      assert.deepEqual(
        index.occurrences(key).map((o) => [o.file, o.recordIndex, o.match.start]),
        fresh.occurrences(key).map((o) => [o.file, o.recordIndex, o.match.start]),
      );
    }
  };
  check();
  // The last 50 records of a.log are replaced by other ones (a provisional tail), then more are added.
  const replaced = parseText(cmtrace([...all.slice(0, 250), ...messages(80)]), 'a.log').records;
  a.records.truncate(250);
  for (let i = 250; i < replaced.length; i++) a.records.push(replaced.get(i));
  index.recordsChanged('a.log', 250);
  check();
  a.records.truncate(100);
  index.recordsChanged('a.log', 100);
  check();
  index.removeFile('b.log');
  check();
  assert.equal(index.summarize('no-such-key'), undefined);
});
