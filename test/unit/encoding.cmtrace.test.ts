// Windows-1252 bytes in a CMTrace record's attribute values (component="Prüfung", file="Bücher.cpp:12" written by
// a script or a tool in the ANSI code page into a UTF-8 log): decoded as Windows-1252 by the general parser and
// by the CMTrace fast path alike, also when the same line's message is UTF-8, and never as U+FFFD.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseBytes, parseFile } from '../../server/src/core/parse';
import { MixedUtf8Decoder } from '../../server/src/core/read/encoding';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ansi = (text: string) => Buffer.from(text, 'latin1');

/** A CMTrace record: message bytes, component and file bytes as given. */
function record(message: Buffer, component: Buffer, file: Buffer, i = 0): Buffer {
  return Buffer.concat([
    Buffer.from('<![LOG['),
    message,
    Buffer.from(`]LOG]!><time="10:00:${String(i % 60).padStart(2, '0')}.000+000" date="01-02-2024" component="`),
    component,
    Buffer.from('" context="" type="1" thread="1" file="'),
    file,
    Buffer.from('">\r\n'),
  ]);
}

/** 2,000 UTF-8 records (so the fast path reads the file), then the given ones. */
function logWith(...tail: Buffer[]): Buffer {
  const head = Array.from({ length: 2000 }, (_, i) =>
    record(Buffer.from(`Paket ${i} „ok“`, 'utf8'), Buffer.from('AppEnforce'), Buffer.from('x.cpp:1'), i),
  );
  return Buffer.concat([BOM, ...head, ...tail]);
}

const tail = [
  // Windows-1252 attributes, an ASCII message.
  record(Buffer.from('Regel gepr'), ansi('Pr\xfcfung'), ansi('B\xfccher.cpp:12')),
  // A UTF-8 message ("é", "„“") on the same line as Windows-1252 attributes ("ö", "€" = 0x80).
  record(Buffer.from('Installé „App“', 'utf8'), ansi('L\xf6schen'), ansi('Kosten\x80.ps1:3')),
  // Both UTF-8: unchanged.
  record(Buffer.from('fertig', 'utf8'), Buffer.from('Prüfung', 'utf8'), Buffer.from('Bücher.cpp:12', 'utf8')),
];
const expected = [
  ['Regel gepr', 'Prüfung', 'Bücher.cpp:12'],
  ['Installé „App“', 'Löschen', 'Kosten€.ps1:3'],
  ['fertig', 'Prüfung', 'Bücher.cpp:12'],
];

test('general parser: Windows-1252 attribute values decoded, a UTF-8 message on the same line kept UTF-8', () => {
  const r = parseBytes(logWith(...tail), 'AppEnforce.log');
  assert.deepEqual([r.encoding, r.format, r.records.length], ['utf-8+windows-1252', 'cmtrace', 2003]);
  const last = [2000, 2001, 2002].map((i) => r.records.get(i));
  assert.deepEqual(
    last.map((x) => [x.message, x.component, x.sourceFile]),
    expected,
  );
  assert.ok(!r.records.some((x) => `${x.message}${x.component}${x.sourceFile}`.includes('\uFFFD')));
});

test('CMTrace fast path: the same values, the same records as the general parser', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-attr1252-'));
  try {
    const file = join(dir, 'AppEnforce.log');
    const bytes = logWith(...tail);
    writeFileSync(file, bytes);
    const fast = await parseFile(file);
    assert.deepEqual([fast.encoding, fast.format, fast.records.length], ['utf-8+windows-1252', 'cmtrace', 2003]);
    assert.deepEqual(
      [2000, 2001, 2002].map((i) => [
        fast.records.get(i).message,
        fast.records.get(i).component,
        fast.records.get(i).sourceFile,
      ]),
      expected,
    );
    const general = parseBytes(bytes, file);
    for (const i of [0, 1999, 2000, 2001, 2002])
      assert.deepEqual(fast.records.get(i), general.records.get(i), `record ${i}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line that is not UTF-8 as a whole: its valid UTF-8 sequences stay UTF-8, each stray byte is Windows-1252', () => {
  const decode = (bytes: Buffer) => new MixedUtf8Decoder().decode(bytes);
  assert.equal(decode(Buffer.concat([Buffer.from('é ', 'utf8'), ansi('\xe9 \x80\r\n')])), 'é é €\r\n');
  // A lead byte without its continuation, a truncated 3-byte sequence, a 4-byte emoji: each as it is.
  assert.equal(
    decode(Buffer.concat([ansi('\xc3'), Buffer.from('x 😀 '), Buffer.from([0xe2, 0x82]), ansi('!')])),
    'Ãx 😀 â‚!',
  );
  // Overlong and surrogate forms are not UTF-8: read byte by byte as Windows-1252.
  assert.equal(decode(Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80])), 'À¯í\u00a0€');
});
