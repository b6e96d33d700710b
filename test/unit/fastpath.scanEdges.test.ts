// The WebAssembly scanner's 16-byte loads (message blocks, GUID checks, attribute names, value compares and
// hashes) may read past the data: into the memory slack kept after the input (scanLayout.ts INPUT_SLACK_BYTES),
// never past the memory's end, and what they read there never changes a record or a key. Here: data that fills
// the scanner's input to its last byte, keys at its very end, and values of every length around 16 bytes that
// repeat, differ in their last byte, or differ past their end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CmtraceByteReader } from '../../server/src/core/fastpath/cmtraceBytes';
import { findKeys } from '../../server/src/core/keys';
import { packedKeyList } from '../../server/src/core/keyTable';
import { parseBytes } from '../../server/src/core/parse';
import { PostingsBuilder } from '../../server/src/core/postings';
import { RecordTable } from '../../server/src/core/table';

const line = (message: string, i: number, attrs: Record<string, string> = {}) => {
  const a = {
    time: `10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}+000`,
    date: '03-04-2024',
    component: 'CAS',
    context: '',
    type: '1',
    thread: String(i % 50),
    file: `cas.cpp:${i}`,
    ...attrs,
  };
  return `<![LOG[${message}]LOG]!><time="${a.time}" date="${a.date}" component="${a.component}" context="${a.context}" type="${a.type}" thread="${a.thread}" file="${a.file}">`;
};

/** The fast path's table and keys for `bytes` pushed as the chunks given. */
function readChunks(chunks: Buffer[]) {
  const table = new RecordTable('x.log');
  const keys = new PostingsBuilder(0);
  const reader = new CmtraceByteReader('x.log', table, false, 0, keys);
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  const postings = keys.finish();
  const names = packedKeyList(postings.keys);
  const map = new Map(
    names.map((k, i) => [k, Array.from(postings.records.subarray(postings.starts[i], postings.starts[i + 1]))]),
  );
  return { table, reader, map };
}

function assertSameAsGeneralParser(text: Buffer, table: RecordTable, map: Map<string, number[]>): void {
  const general = parseBytes(text, 'x.log').records;
  assert.equal(table.length, general.length);
  for (let i = 0; i < table.length; i++)
    if (JSON.stringify(table.get(i)) !== JSON.stringify(general.get(i)))
      assert.deepEqual(table.get(i), general.get(i), `record ${i}`);
  const expected = new Map<string, number[]>();
  for (let i = 0; i < general.length; i++)
    for (const key of new Set(findKeys(general.message(i)).map((k) => k.key)))
      expected.set(key, [...(expected.get(key) ?? []), i]);
  assert.deepEqual(map, expected);
}

/** How many bytes the scanner's input holds before it must grow (its first size). */
function firstInputLength(): number {
  const reader = new CmtraceByteReader('probe.log', new RecordTable('probe.log'));
  const length = (reader as unknown as { kernel: { input: Buffer } }).kernel.input.length;
  reader.end();
  return length;
}

test('data filling the scanner input to its last byte, cut in a message that ends in a GUID or a KB number: the same records and keys', () => {
  const size = firstInputLength();
  const guid = '6F1D9B2A-0C3E-4B5F-8A7D-1E2F3A4B5C6D';
  for (const ending of [`ends with ${guid}`, 'ends with KB5034441', `${guid}`, 'ends with kb12345678']) {
    // A record cut short (the writer was stopped): its message runs to the data's end, where the scan's 16-byte
    // blocks read past it. Plain records before it, one padded so that the data ends on the input's last byte.
    const last = `<![LOG[${ending}`;
    const records: string[] = [];
    let used = last.length;
    for (let i = 0; used + 600 < size; i++) {
      const r = line(`plain record ${i} ${guid.toLowerCase()}`, i);
      records.push(r);
      used += r.length + 2;
    }
    // One record padded so that the data is exactly `size` bytes.
    const withPad = (pad: number) => Buffer.from([...records, line('x'.repeat(pad), 5), last].join('\r\n'));
    const text = withPad(size - withPad(0).length);
    assert.equal(text.length, size);
    const { table, reader, map } = readChunks([text]);
    assert.ok(reader.recordsScanned > records.length - 2, `${reader.recordsScanned} scanned`);
    assertSameAsGeneralParser(text, table, map);
  }
});

test('values of 1 to 40 bytes that repeat, differ in their last byte or only in what follows them: the same records', () => {
  const records: string[] = [];
  let i = 0;
  for (let length = 1; length <= 40; length++) {
    const value = 'ComponentNameThatIsLongEnoughForEveryLengthHere'.slice(0, length);
    const other = value.slice(0, -1) + (value.endsWith('Z') ? 'Y' : 'Z');
    for (const component of [value, value, other, value, `${value}x`, value])
      for (const file of [`${value}.cpp:1`, `${value}.cpp:1`, `${other}.cpp:1`]) {
        const context = i % 4 ? value : other;
        records.push(line(`message ${i}`, i, { component, file, context }));
        i++;
      }
  }
  const text = Buffer.from(records.join('\n'));
  // Chunks of odd sizes: values cut by a chunk's end are read again after the carry.
  const chunks: Buffer[] = [];
  for (let at = 0, n = 7; at < text.length; at += n, n = (n * 13 + 5) % 4093) chunks.push(text.subarray(at, at + n));
  const { table, reader, map } = readChunks(chunks);
  assert.ok(reader.recordsScanned > records.length / 2, `${reader.recordsScanned} of ${records.length} scanned`);
  assertSameAsGeneralParser(text, table, map);
});
