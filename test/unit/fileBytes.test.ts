// Messages the CMTrace fast path leaves in the file (server/src/core/read/fileBytes.ts): read back right, also
// after the file grew, across more files than are kept open, after a worker handed the table over; and never
// someone else's text once the file was replaced (a rollover) or truncated.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseBytes, parseFile } from '../../server/src/core/parse';
import { RecordTable } from '../../server/src/core/table';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-filebytes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cm = (message: string, i: number) =>
  `<![LOG[${message}]LOG]!><time="08:22:${String(i % 60).padStart(2, '0')}.936+300" date="03-10-2024" component="CAS" context="" type="1" thread="4638" file="cache.cpp:12">`;
const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, k) =>
    cm(`${tag} record ${k} for content Content_333ef765-44bc-4e71-8418-c2d933c57ace.${k}`, k),
  );

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const GONE = /no longer in .* as it was read/;

test('messages left in the file read back as the general parser reads them (one line, multi-line CRLF, non-ASCII)', async () => {
  const text =
    '\ufeff' +
    [
      ...lines(3000, 'a'),
      cm('first\r\n<Xml a="1">\r\n</Xml>', 1),
      cm('Größe: 12 KB — fertig', 2),
      ...lines(10, 'b'),
    ].join('\r\n') +
    '\r\n';
  const file = write('roundtrip.log', text);
  const fast = await parseFile(file);
  const general = parseBytes(Buffer.from(text), file);
  assert.equal(fast.records.length, general.records.length);
  for (let i = 0; i < general.records.length; i++)
    assert.equal(fast.records.message(i), general.records.message(i), `record ${i}`);
  // Random access after the walk (the window moves back and forth).
  for (const i of [3000, 5, 3001, 2999, 0]) assert.equal(fast.records.message(i), general.records.message(i));
});

test('a log that grew after it was read still gives the records read', async () => {
  const file = write('growing.log', lines(200, 'old').join('\r\n') + '\r\n');
  const result = await parseFile(file);
  appendFileSync(file, lines(500, 'new').join('\r\n') + '\r\n');
  assert.match(result.records.message(199), /^old record 199 /);
  assert.match(result.records.message(0), /^old record 0 /);
});

test('a log replaced after it was read (rolled over: renamed, a new one started) gives a notice, never the new text', async () => {
  const file = write('rolled.log', lines(200, 'before').join('\r\n') + '\r\n');
  const result = await parseFile(file);
  renameSync(file, join(dir, 'rolled.lo_'));
  writeFileSync(file, lines(400, 'after-rollover-with-more-bytes').join('\r\n') + '\r\n');
  const message = result.records.message(10);
  assert.match(message, GONE);
  assert.doesNotMatch(message, /after-rollover/);
  assert.equal(result.records.messageBytes(10), null);
  assert.equal(result.records.get(10).line, 11, 'the record itself (line, time, component) is still there');
});

test('a truncated log gives a notice for the records that are gone, and keys are not made up from other bytes', async () => {
  const file = write('truncated.log', lines(300, 'x').join('\r\n') + '\r\n');
  const result = await parseFile(file);
  truncateSync(file, 100);
  assert.match(result.records.message(250), GONE);
  let scanned = 0;
  result.records.scanMessages(0, () => scanned++);
  assert.equal(scanned, 0, 'no message is handed out once the file is not the one read');
});

test('more files than are kept open at once: every one still reads right, interleaved', async () => {
  const results = [];
  for (let f = 0; f < 40; f++)
    results.push(await parseFile(write(`many-${f}.log`, lines(50, `file${f}`).join('\r\n') + '\r\n')));
  for (let round = 0; round < 3; round++) {
    for (let f = 0; f < results.length; f++)
      assert.match(
        results[(f * 7) % 40].records.message(round * 10),
        new RegExp(`^file${(f * 7) % 40} record ${round * 10} `),
      );
  }
});

test('a table handed to another thread (detach/attach) reads its messages from the file too', async () => {
  const file = write('detached.log', lines(100, 'moved').join('\r\n') + '\r\n');
  const { records } = await parseFile(file);
  const before = records.message(42);
  const { data } = records.detach();
  const attached = RecordTable.attach(structuredClone(data));
  assert.equal(attached.message(42), before);
  assert.equal(attached.length, 100);
});
