// A UTF-8 log (with or without BOM) into which another writer put Windows-1252 bytes: those lines are decoded as
// Windows-1252 (no U+FFFD), the rest as UTF-8, and the file is reported as mixed; any chunking gives the same text.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseBytes, parseFile, StreamingParser } from '../../server/src/core/parse';
import { MixedUtf8Decoder } from '../../server/src/core/read/encoding';
import type { LogRecord } from '../../server/src/core/record';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8Line = Buffer.from(
  '2024-03-12 21:04:10, Info                  CBS    Paket „Größe“ geprüft – 10 €\r\n',
  'utf8',
);
// "Fehler beim Löschen von C:\Temp\Bücher: Zugriff verweigert" as a Windows-1252 writer puts it (ö = 0xF6, ü = 0xFC)
const cp1252Line = Buffer.concat([
  Buffer.from('2024-03-12 21:04:11, Error                 CBS    Fehler beim L', 'latin1'),
  Buffer.from([0xf6]),
  Buffer.from('schen von C:\\Temp\\B', 'latin1'),
  Buffer.from([0xfc]),
  Buffer.from('cher: Zugriff verweigert \x80 5\r\n', 'latin1'),
]);
const mixed = Buffer.concat([BOM, utf8Line, cp1252Line, utf8Line]);

test('UTF-8 with a Windows-1252 line: each line decoded as written, no U+FFFD, the file reported as mixed', () => {
  const r = parseBytes(mixed, 'CBS.log');
  assert.equal(r.encoding, 'utf-8+windows-1252');
  assert.equal(r.records.length, 3);
  assert.ok(!r.records.some((x) => x.message.includes('\uFFFD')));
  assert.equal(r.records.get(0).message, 'Paket „Größe“ geprüft – 10 €');
  assert.equal(r.records.get(1).message, 'Fehler beim Löschen von C:\\Temp\\Bücher: Zugriff verweigert € 5');
  assert.equal(r.records.get(2).message, 'Paket „Größe“ geprüft – 10 €');
});

test('a UTF-8 log without such bytes stays utf-8; broken UTF-8 cut by chunks is not mistaken for Windows-1252', () => {
  const clean = Buffer.concat([BOM, utf8Line, utf8Line]);
  assert.equal(parseBytes(clean).encoding, 'utf-8');
  // The same bytes in 1..7-byte chunks, cutting multi-byte characters: the same text, still utf-8.
  for (const size of [1, 2, 3, 5, 7]) {
    const out: LogRecord[] = [];
    const parser = new StreamingParser('x.log', (r) => out.push(r));
    for (let i = 0; i < clean.length; i += size) parser.push(clean.subarray(i, i + size));
    parser.end();
    assert.equal(parser.encoding, 'utf-8');
    assert.deepEqual(
      out.map((r) => r.message),
      [0, 1].map(() => 'Paket „Größe“ geprüft – 10 €'),
    );
  }
});

test('the mixed decoder gives the same text for any chunking, and decodes a line without a break at the end', () => {
  const whole = new MixedUtf8Decoder().decode(mixed.subarray(3));
  for (const size of [1, 4, 9, 64]) {
    const decoder = new MixedUtf8Decoder();
    let text = '';
    for (let i = 3; i < mixed.length; i += size) text += decoder.decode(mixed.subarray(i, i + size), { stream: true });
    text += decoder.decode();
    assert.equal(text, whole, `chunks of ${size}`);
    assert.equal(decoder.mixed, true);
  }
  assert.equal(new MixedUtf8Decoder().decode(Buffer.from([0x41, 0xe9])), 'Aé');
});

test('CMTrace: a Windows-1252 line in the first bytes sends the file to the general parser, which decodes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-mixed-'));
  try {
    const record = (text: Buffer) =>
      Buffer.concat([
        Buffer.from('<![LOG['),
        text,
        Buffer.from(
          ']LOG]!><time="10:00:00.000+000" date="01-02-2024" component="C" context="" type="1" thread="1" file="">\r\n',
        ),
      ]);
    const file = join(dir, 'AppEnforce.log');
    writeFileSync(
      file,
      Buffer.concat([
        BOM,
        record(Buffer.from('Installing „App“', 'utf8')),
        record(Buffer.concat([Buffer.from('Gel'), Buffer.from([0xf6]), Buffer.from('scht')])),
      ]),
    );
    const r = await parseFile(file);
    assert.deepEqual([r.encoding, r.format, r.records.length], ['utf-8+windows-1252', 'cmtrace', 2]);
    assert.equal(r.records.get(1).message, 'Gelöscht');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a whole Windows-1252 log: 0x80-0x9F are the Windows-1252 characters (€, „, ‚, …), not C1 controls', () => {
  const bytes = Buffer.concat([
    Buffer.from('Kosten 5 ', 'latin1'),
    Buffer.from([0x80, 0x20, 0x84]),
    Buffer.from('Zitat', 'latin1'),
    Buffer.from([0x93, 0x20, 0xe9, 0x85]),
    Buffer.from('\r\n'),
  ]);
  const r = parseBytes(bytes, 'legacy.log');
  assert.equal(r.encoding, 'windows-1252');
  assert.equal(r.records.get(0).message, 'Kosten 5 € „Zitat“ é…');
});

test('CMTrace fast path: Windows-1252 lines anywhere (first bytes, past the first chunk, in a multi-line message) read as the general parser reads them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-mixed-fast-'));
  try {
    const header = (i: number) =>
      `]LOG]!><time="10:00:${String(i % 60).padStart(2, '0')}.000+000" date="01-02-2024" component="C${i % 3}" context="" type="${1 + (i % 3)}" thread="${i % 9}" file="">\r\n`;
    const parts: Buffer[] = [BOM];
    const expected: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const cp1252 = i === 3 || i === 12_345 || i === 29_999;
      const multi = i === 12_345;
      const text = cp1252
        ? Buffer.concat([
            Buffer.from(`Datei ${i} gel`),
            Buffer.from([0xf6]),
            Buffer.from(multi ? 'scht\r\nZeile 2 \x80' : 'scht', 'latin1'),
          ])
        : Buffer.from(`Paket ${i} „ok“`, 'utf8');
      parts.push(Buffer.from('<![LOG['), text, Buffer.from(header(i)));
      expected.push(cp1252 ? `Datei ${i} gelöscht${multi ? '\nZeile 2 €' : ''}` : `Paket ${i} „ok“`);
    }
    const file = join(dir, 'CcmExec.log');
    const bytes = Buffer.concat(parts);
    writeFileSync(file, bytes);
    const fast = await parseFile(file);
    const general = parseBytes(bytes, file);
    for (const r of [fast, general]) {
      assert.deepEqual([r.encoding, r.format, r.records.length], ['utf-8+windows-1252', 'cmtrace', 30_000]);
      assert.deepEqual(
        r.records.map((x) => x.message),
        expected,
      );
    }
    assert.deepEqual(fast.records.get(12_345), general.records.get(12_345));
    // The same file without those bytes: utf-8, messages left in the file.
    const clean = Buffer.concat(parts.map((p) => (p.includes(0xf6) ? Buffer.from(p.toString('latin1'), 'utf8') : p)));
    writeFileSync(file, clean);
    assert.equal((await parseFile(file)).encoding, 'utf-8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('binary data is read, with one warning that it is no text log; logs with NUL runs and real text are not warned of', () => {
  let seed = 7;
  const random = new Uint8Array(64 * 1024).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
  const junk = parseBytes(random, '/x/junk.log');
  assert.equal(junk.warnings[0].line, 1);
  assert.match(junk.warnings[0].message, /^not a text log: \d+% of its first bytes are control characters/);
  assert.ok(junk.records.length > 0, 'the bytes are still shown');
  const record = (m: string, s: number) =>
    `<![LOG[${m}]LOG]!><time="10:00:0${s}.000+000" date="01-01-2024" component="x" context="" type="1" thread="1" file="">\r\n`;
  const withNuls = Buffer.concat([
    Buffer.from(record('first', 0)),
    Buffer.alloc(32 * 1024),
    Buffer.from(record('after the NULs', 1)),
  ]);
  const log = parseBytes(withNuls, '/x/power-loss.log');
  assert.equal(log.warnings.filter((w) => w.message.startsWith('not a text log')).length, 0);
  const plain = parseBytes(
    Buffer.from('Setup started\r\n\tstep one\r\nDone\r\n'.repeat(500), 'latin1'),
    '/x/setup.log',
  );
  assert.equal(plain.warningCount, 0);
});
