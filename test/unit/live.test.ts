// Logs that grow while they are read: only the new part is parsed, and the result equals a full parse.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogIndex } from '../../server/src/core/logIndex';
import { LiveFile, LiveText } from '../../server/src/core/live';
import { parseFile, parseText } from '../../server/src/core/parse';

const guid = (i: number) => `{${String(i).padStart(8, '0')}-1111-2222-3333-444455556666}`;
const record = (i: number) =>
  `<![LOG[Job ${guid(i % 3)} step ${i}\r\nsecond line]LOG]!><time="10:00:${String(i % 60).padStart(2, '0')}.000+300" date="01-20-2014" component="DataTransferService" context="" type="${i % 5 === 0 ? 3 : 1}" thread="7" file="">\r\n`;
const text = Array.from({ length: 30 }, (_, i) => record(i)).join('');

test('LiveText: text appended in pieces (also mid-record, mid-line) gives the records of a full parse', () => {
  const cuts = [0, 17, 400, 401, 1500, 2222, text.length - 3, text.length];
  const live = new LiveText('x.log', text.slice(0, cuts[1]));
  const changes = [];
  for (let i = 2; i < cuts.length; i++) changes.push(live.update(text.slice(0, cuts[i])).kind);
  assert.ok(changes.includes('appended'));
  assert.deepEqual([...live.records()], [...parseText(text, 'x.log').records]);
});

test('LiveText: an edit in the middle parses the buffer again', () => {
  const live = new LiveText('x.log', text);
  const edited = text.replace('step 3', 'step three');
  assert.equal(live.update(edited).kind, 'rewritten');
  assert.deepEqual([...live.records()], [...parseText(edited, 'x.log').records]);
  assert.equal(live.update(edited).kind, 'unchanged');
});

test('LiveFile and LogIndex: a file growing on disk is followed; keys and records match a fresh index', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmlogs-live-'));
  const file = join(dir, 'DataTransferService.log');
  try {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    writeFileSync(file, bytes.subarray(0, 1000));
    const live = new LiveFile(file);
    const index = new LogIndex();
    assert.equal((await live.update()).kind, 'rewritten');
    index.setFile(live.result());
    let written = 1000;
    for (const end of [1001, 2500, 2501, bytes.length]) {
      appendFileSync(file, bytes.subarray(written, end));
      written = end;
      const change = await live.update();
      assert.equal(change.kind, 'appended');
      if (change.kind === 'appended') {
        index.recordsChanged(file, change.keep);
      }
    }
    const fresh = new LogIndex();
    fresh.setFile(await parseFile(file));
    assert.deepEqual([...index.file(file)!.records], [...fresh.file(file)!.records]);
    const key = '00000001-1111-2222-3333-444455556666';
    assert.deepEqual(
      index.occurrences(key).map((o) => o.record.line),
      fresh.occurrences(key).map((o) => o.record.line),
    );
    assert.equal(index.occurrences(key).length, 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
