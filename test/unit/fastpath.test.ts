// The byte fast path for UTF-8 CMTrace (server/src/core/fastpath/cmtraceBytes.ts) against the general parser,
// on files made to hit each of its bail-outs, and checks that it is really taken for ordinary records.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CmtraceByteReader } from '../../server/src/core/fastpath/cmtraceBytes';
import { LogIndex } from '../../server/src/core/logIndex';
import { findKeys } from '../../server/src/core/keys';
import { parseFile } from '../../server/src/core/parse';
import { collectPostings } from '../../server/src/core/postings';
import { KeyTable, packedKeyList } from '../../server/src/core/keyTable';
import { RecordTable } from '../../server/src/core/table';
import { fastPathDifferences } from '../support/sameParse';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-fast-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cm = (message: string, i = 0, attrs = {}) => {
  const a = {
    time: `08:22:${String(i % 60).padStart(2, '0')}.936+300`,
    date: '03-10-2024',
    component: 'CAS',
    context: '',
    type: '1',
    thread: '4638',
    file: 'cache.cpp:12',
    ...attrs,
  };
  return `<![LOG[${message}]LOG]!><time="${a.time}" date="${a.date}" component="${a.component}" context="${a.context}" type="${a.type}" thread="${a.thread}" file="${a.file}">`;
};
const ordinary = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) =>
    cm(
      `Download started for content Content_333ef765-44bc-4e71-8418-c2d933c57ace.${from + k} KB2461484 error 0x80244021`,
      from + k,
      { type: String(1 + ((from + k) % 3)) },
    ),
  );

function write(name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const CASES: Record<string, string | Buffer> = {
  'plain CRLF with BOM': '\ufeff' + ordinary(50).join('\r\n') + '\r\n',
  'LF only, no final line break': ordinary(50).join('\n'),
  'multi-line messages (CRLF and LF), blank lines between records': [
    cm('first\r\n<Xml>\r\n</Xml>'),
    '',
    cm('second\nline two'),
    '\r\n',
    ...ordinary(5),
  ].join('\r\n'),
  'a record cut by another writer, then ordinary ones': [
    ...ordinary(3),
    '<![LOG[cut here<![LOG[whole]LOG]!><time="08:22:44.936+300" date="03-10-2024" component="X" context="" type="3" thread="1" file="">',
    ...ordinary(3, 3),
  ].join('\r\n'),
  'two records on one line': [...ordinary(2), cm('a') + cm('b'), ...ordinary(2, 2)].join('\r\n'),
  'text outside records': [...ordinary(2), 'stray text', '  ', ...ordinary(2, 2)].join('\r\n'),
  'a bare CR inside a message': [...ordinary(2), cm('half\rhalf'), ...ordinary(2, 2)].join('\r\n'),
  'NUL padding at the end': Buffer.concat([
    Buffer.from(ordinary(5).join('\r\n') + '\r\n'),
    Buffer.alloc(5000),
    Buffer.from(ordinary(2, 5).join('\r\n')),
  ]),
  'unusual times: 7 digits, no bias, second 60, space, bad date': [
    cm('seven', 0, { time: '08:22:44.4204997+000' }),
    cm('none', 0, { time: '08:22:44.936' }),
    cm('leap', 0, { time: '23:59:60.000+000' }),
    cm('space', 0, { time: '8:22:44.936 +300' }),
    cm('bad', 0, { date: '13-45-2024' }),
    ...ordinary(2),
  ].join('\r\n'),
  'attributes in another order, empty thread, odd type, quotes and > in values': [
    cm('empty thread', 0, { thread: '' }),
    cm('type 7', 0, { type: '7' }),
    cm('hex thread', 0, { thread: '0x1F' }),
    '<![LOG[reordered]LOG]!><date="03-10-2024" time="08:22:44.936+300" component="X" context="" type="1" thread="1" file="">',
    cm('gt', 0, { file: 'a>b' }),
    ...ordinary(2),
  ].join('\r\n'),
  'a header cut at the end of the file': ordinary(3).join('\r\n') + '\r\n<![LOG[last]LOG]!><time="08:22:44.9',
  'non-ASCII text': [
    cm('Größe é 😀 {AAAAAAAA-1111-2222-3333-444455556666}', 0, { component: 'Compônent' }),
    ...ordinary(2),
  ].join('\r\n'),
};

for (const [name, text] of Object.entries(CASES)) {
  test(`fast path = general parser: ${name}`, async () => {
    const file = write(`${name.replace(/\W+/g, '-')}.log`, text);
    assert.deepEqual(await fastPathDifferences(file), []);
    assert.equal((await parseFile(file)).format, 'cmtrace');
  });
}

test('ordinary records take the fast path; odd ones only cost a region', () => {
  const table = new RecordTable('x.log');
  const reader = new CmtraceByteReader('x.log', table);
  reader.push(Buffer.from([...ordinary(100), 'stray text', ...ordinary(100, 100)].join('\r\n')));
  reader.end();
  assert.equal(table.length, 201);
  assert.equal(reader.fastRecords, 199); // the record after the stray line is read with it
  assert.equal(reader.recordsScanned, 199, 'all of them by the WebAssembly scanner');
});

test('records split across read chunks (1 MB) and a region over 8 MB are read whole', async () => {
  const big = ordinary(12_000).join('\r\n'); // ~2.4 MB: several chunks
  assert.deepEqual(await fastPathDifferences(write('chunks.log', big)), []);
  const unclosed = '<![LOG[never closed\r\n' + 'x'.repeat(100).concat('\r\n').repeat(90_000) + ordinary(3).join('\r\n');
  assert.deepEqual(await fastPathDifferences(write('region.log', unclosed)), []);
});

test('chunks read straight into the scanner: carries short and long, a record longer than a chunk, keys', async () => {
  // parseFile reads 1 MB chunks into the scanner's regions, with up to 64 KB of the record before them in a gap; a
  // longer carry (here a 70 KB message and a 1.5 MB one that spans chunks, at several offsets) is copied elsewhere.
  const guid = (k: number) => `{${String(k).padStart(8, '0')}-1111-2222-3333-444455556666}`;
  const parts: string[] = [];
  for (let k = 0; k < 60_000; k++) {
    if (k % 7_000 === 3_500) parts.push(cm(`long ${guid(k)} ${'y'.repeat(70_000 + k)} KB2461484 end`, k));
    else if (k === 30_000) parts.push(cm(`huge\r\n${'z'.repeat(1_500_000)}\r\n${guid(k)}`, k));
    else parts.push(cm(`Download ${guid(k % 700)} number ${k} KB${3_000_000 + (k % 50)}`, k));
  }
  const file = write('regions.log', parts.join('\r\n') + '\r\n');
  assert.deepEqual(await fastPathDifferences(file), []);
  const result = await parseFile(file, { keys: true });
  const keys = result.postings!.keys; // the index takes the postings over
  sameKeysAsFindKeys(result);
  // The scanner's keys, numbered and hashed without a look-up: each found by its text (the hash is the table's).
  const table = KeyTable.from({ bytes: keys.bytes.slice(), ends: keys.ends.slice(), hashes: keys.hashes.slice() });
  const lost = packedKeyList(keys).filter((key, k) => table.find(key) !== k);
  assert.deepEqual(lost, []);
  assert.equal(keys.ends.length, collectPostings(result.records).keys.ends.length);
  // A second file in the same thread takes the kernel (and its regions) the first one gave back.
  assert.deepEqual(await fastPathDifferences(write('regions-again.log', ordinary(9_000).join('\n'))), []);
});

test('the index finds the same keys in a fast-path table as findKeys in the messages', async () => {
  const file = write(
    'keys.log',
    [
      ...ordinary(30),
      cm('kb3012973 KB12345 {8E58A1B2-0000-0000-0000-000000000001} a-b-c'),
      cm('xKB2461484 KB2461484_ KB24614845'),
      // Inside a longer run of hex digits and dashes: no GUID for findKeys, none for the scanner either.
      cm(
        '<RuleLogicalName>ID-84D2866B-4EE5-4B73-90CE-BBBB11CA28AA</RuleLogicalName> 5A929406-BCB6-4CB8-8CB6-9C17ABF0CDBB-2',
      ),
      cm(
        'a9d81a24-dbc1-4591-97ec-01bb5d7b6da9 at the start, dashes apart: 2024-03-04 a-b-c-d--e---f - -- kb kB3 bKb1234567',
      ),
      cm('abcd a9d81a24-dbc1-4591-97ec-01bb5d7b6da8'),
    ].join('\r\n'),
  );
  // The keys the scanner collects while it reads (what the parse workers hand to the index).
  const result = await parseFile(file, { keys: true });
  assert.ok(result.postings, 'the fast path collected the keys');
  const expected = sameKeysAsFindKeys(result);
  assert.ok(expected.has('KB3012973') && expected.has('8e58a1b2-0000-0000-0000-000000000001'));
  assert.ok(
    expected.has('a9d81a24-dbc1-4591-97ec-01bb5d7b6da8') && expected.has('a9d81a24-dbc1-4591-97ec-01bb5d7b6da9'),
  );
  assert.ok(
    !expected.has('84d2866b-4ee5-4b73-90ce-bbbb11ca28aa') && !expected.has('5a929406-bcb6-4cb8-8cb6-9c17abf0cdbb'),
  );
});

/** The index made from a fast-path result counts each key in as many records as findKeys finds it in; returns those counts. */
function sameKeysAsFindKeys(result: Awaited<ReturnType<typeof parseFile>>): Map<string, number> {
  const index = new LogIndex();
  index.setFile(result);
  const expected = new Map<string, number>();
  result.records.forEach((r) =>
    new Set(findKeys(r.message).map((k) => k.key)).forEach((k) => expected.set(k, (expected.get(k) ?? 0) + 1)),
  );
  assert.deepEqual(new Map([...index.keys()].map((k) => [k, index.summarize(k)!.count])), expected);
  return expected;
}
