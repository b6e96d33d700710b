// The WebAssembly scanner of the CMTrace fast path: the committed binary is the one its source compiles to,
// and it reads what the JavaScript fast path reads (fastpath.test.ts compares both with the general parser on
// every bail-out; here: records across scans, keys at the edges of a message, and full tables).
import { KeyTable, packedKeyList } from '../../server/src/core/keyTable';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CmtraceByteReader } from '../../server/src/core/fastpath/cmtraceBytes';
import { findKeys } from '../../server/src/core/keys';
import { PostingsBuilder } from '../../server/src/core/postings';
import { RecordTable } from '../../server/src/core/table';
import { parseBytes, parseFile } from '../../server/src/core/parse';

const ROOT = join(__dirname, '..', '..');

test('server/src/core/fastpath/cmtraceScanWasm.ts is what server/wasm/cmtraceScan.ts compiles to (npm run build:wasm)', async () => {
  const { compileScanner, moduleText } = await import('../../scripts/build-wasm.mjs');
  const committed = readFileSync(join(ROOT, 'server/src/core/fastpath/cmtraceScanWasm.ts'), 'utf8');
  assert.ok(committed === moduleText(await compileScanner()), 'stale: run npm run build:wasm');
});

const record = (message: string, i: number, attrs: Record<string, string> = {}) => {
  const a = {
    time: `10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}-060`,
    date: '01-20-2014',
    component: `C${i % 3}`,
    context: '',
    type: String(1 + (i % 3)),
    thread: String(i % 50),
    file: `f${i % 7}.cpp:${i}`,
    ...attrs,
  };
  return `<![LOG[${message}]LOG]!><time="${a.time}" date="${a.date}" component="${a.component}" context="${a.context}" type="${a.type}" thread="${a.thread}" file="${a.file}">`;
};
const guid = (i: number) =>
  `${(0x10000000 + i).toString(16)}-AbCd-4e71-8418-${(0x100000000000 + i * 7919).toString(16)}`;

/** Reads `text` with the fast path, keys collected; returns the table, the reader and the postings as key → records. */
function read(text: string) {
  const table = new RecordTable('x.log');
  const keys = new PostingsBuilder(0);
  const reader = new CmtraceByteReader('x.log', table, false, 0, keys);
  const bytes = Buffer.from(text);
  // Odd chunk sizes: records and keys cut anywhere.
  for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7 + 13) % 70_001)
    reader.push(bytes.subarray(at, at + n));
  reader.end();
  const postings = keys.finish();
  const names = packedKeyList(postings.keys);
  // The scanner hashes keys for the key table: a lookup by the key's string (a hover) must find each.
  const lookup = KeyTable.from(postings.keys);
  names.forEach((key, k) => assert.equal(lookup.find(key), k, key));
  const map = new Map(
    names.map((k, i) => [k, Array.from(postings.records.subarray(postings.starts[i], postings.starts[i + 1]))]),
  );
  return { table, reader, map };
}

function expectedKeys(table: RecordTable): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < table.length; i++)
    for (const key of new Set(findKeys(table.message(i)).map((k) => k.key))) out.set(key, [...(out.get(key) ?? []), i]);
  return out;
}

test('scanned records equal the general parser, with keys at the edges of messages, over 40,000 records in odd chunks', () => {
  const edges = (i: number) =>
    [
      `${guid(i)}`, // the whole message
      `x${guid(i)}`, // glued to a word (no hex before): a key
      `0${guid(i)}`, // a hex digit before: not a key
      `kb${guid(i).slice(2)}`, // "kb" + digits... at a GUID's start
      `KB${String(1000000 + i)}`, // the whole message a KB number
      `update KB${String(100000 + i)}_x and kb${String(10000000 + i)}`, // glued (not a key), 8 digits (a key)
      `{${guid(i).toUpperCase()}} multi\r\nline ${guid(i + 1)}\r\nend`,
      `dashes - -- ${'-'.repeat(40)} ${guid(i).slice(0, 35)}`, // a GUID cut short: not a key
    ][i % 8];
  const text = Array.from({ length: 40_000 }, (_, i) => record(edges(i % 997), i)).join('\r\n');
  const { table, reader, map } = read(text);
  const general = parseBytes(Buffer.from(text), 'x.log').records; // the general parser
  assert.equal(table.length, 40_000);
  assert.ok(reader.recordsScanned > 39_000, `${reader.recordsScanned} scanned`);
  for (let i = 0; i < table.length; i++)
    if (JSON.stringify(table.get(i)) !== JSON.stringify(general.get(i)))
      assert.deepEqual(table.get(i), general.get(i), `record ${i}`);
  assert.deepEqual(map, expectedKeys(table));
});

test('a message with more keys than the scanner holds (40,000 distinct GUIDs) is read whole, keys and all', () => {
  const many = Array.from({ length: 40_000 }, (_, i) => guid(i)).join(' ');
  const text = [record('before ' + guid(1), 1), record(many, 2), record('after ' + guid(39_999), 3)].join('\r\n');
  const { table, map } = read(text);
  assert.equal(table.length, 3);
  assert.deepEqual(map, expectedKeys(table));
  assert.equal(map.size, 40_000);
});

test("the columns the scanner writes equal the general parser's records: unusual times, types, long values, bad dates and day changes among 30,000 records, in the file and in the heap", async () => {
  const odd = (i: number): Record<string, string> =>
    [
      { time: `23:59:${String(i % 60).padStart(2, '0')}.4204997+000` }, // 7 fraction digits: the local time is kept as written
      { time: '23:59:60.000-120' }, // a leap second
      { time: '08:22:44.936' }, // no bias
      { type: ' 2 ' }, // trimmed: a warning
      { type: '\t3\f' }, // trimmed of a tab and a form feed: an error
      { type: 'x' }, // unknown
      { type: '1\u00a0' }, // not ASCII: JavaScript reads the record
      { type: '' },
      { component: `AComponentNameLongerThanThirtySixBytes_${i % 5}` }, // no key in the scanner's table
      { component: `Компонент${i % 4}`, context: 'S-1-5-18 ünïcode' },
      { date: '13-45-2024' }, // rejected: the general parser reads it
      { date: `0${1 + (i % 9)}-2${i % 9}-2024` }, // a new day
      { date: '1-5-24' },
      { thread: '' },
      { thread: '4294967295' },
    ][i % 15];
  const text = Array.from({ length: 30_000 }, (_, i) =>
    record(i % 3 ? `plain ${i}` : `line one ${i}\r\nline two ${guid(i)}`, i, i % 7 === 0 ? odd(i / 7) : {}),
  ).join('\r\n');
  const general = parseBytes(Buffer.from(text), 'x.log').records;
  const { table, reader } = read(text);
  assert.ok(reader.recordsScanned > 28_000, `${reader.recordsScanned} scanned`);
  const inFile = join(await import('node:os').then((os) => os.tmpdir()), `cmtraceScan-${process.pid}.log`);
  (await import('node:fs')).writeFileSync(inFile, text);
  try {
    const fromFile = (await parseFile(inFile)).records;
    for (const [name, read] of [
      ['heap', table],
      ['file', fromFile],
    ] as const) {
      assert.equal(read.length, 30_000, name);
      for (let i = 0; i < read.length; i++) {
        const got = { ...read.get(i), file: 'x.log' };
        if (JSON.stringify(got) !== JSON.stringify(general.get(i)))
          assert.deepEqual(got, general.get(i), `${name}: record ${i}`);
      }
    }
  } finally {
    (await import('node:fs')).rmSync(inFile, { force: true });
  }
});
