// parseFile({ failureCodes: true }) counts the failure codes of a CMTrace log chunk by chunk, from the bytes the
// fast path has just read (core/decode/fileCodes.ts FailureCodeCounter, CmtraceByteReader.onRecords): the counts,
// their order and their namings must be those of fileCodes over the finished table, which reads every message back
// from the file. The log spans several 1 MB chunks, with records cut by chunk ends, multi-line error records,
// a message repeated with two components, and a region the general parser reads.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeFileCodes } from '../../server/src/core/decode/decodeFileCodes';
import { fileCodes } from '../../server/src/core/decode/fileCodes';
import { parseFile } from '../../server/src/core/parse';

const dir = mkdtempSync(join(tmpdir(), 'cmlogs-codes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MESSAGES = [
  'Failed to download content, error 0x80072EE2',
  'Scan failed with error = 0x80244022.',
  'WinHttpSendRequest failed with 0x80072EE2 (WinHttp)',
  'Install failed\r\nexit code 1603',
  'Nothing wrong here',
  'CopyFile failed (0x00000005)',
  'Request returned an error: (404) Not Found',
  'Unmatched exit code (1612) is considered an execution failure. Error 0x87d00664',
];

function record(k: number): string {
  const message = MESSAGES[k % MESSAGES.length] + (k % 3 === 0 ? ` job ${k}` : '');
  const type = k % 4 === 0 ? 1 : k % 4 === 1 ? 3 : 2; // info, error, warning
  const component = k % 5 === 0 ? 'DataTransferService' : 'WUAHandler';
  const second = String(k % 60).padStart(2, '0');
  return `<![LOG[${message}]LOG]!><time="08:22:${second}.936+300" date="03-10-2024" component="${component}" context="" type="${type}" thread="12" file="x.cpp:1">`;
}

test('codes counted chunk by chunk while parsing = fileCodes over the finished table', async () => {
  const lines: string[] = [];
  for (let k = 0; k < 30_000; k++) {
    lines.push(record(k));
    // Text outside any record: a region the general parser reads, in the middle of a chunk.
    if (k === 12_345) lines.push('stray text, error 0x80070005 outside a record');
  }
  const file = join(dir, 'WUAHandler.log');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  const parsed = await parseFile(file, { failureCodes: true });
  assert.ok(parsed.records.length >= 30_000);
  assert.deepEqual(parsed.failureCodes, fileCodes(parsed.records));
  const counted = decodeFileCodes(parsed.failureCodes!);
  const again = decodeFileCodes(fileCodes(parsed.records));
  assert.deepEqual([...counted.keys()], [...again.keys()]);
  for (const [code, byNaming] of again)
    assert.deepEqual([...counted.get(code)!.entries()], [...byNaming.entries()], code);
  assert.ok(again.size >= 5, `codes found: ${[...again.keys()].join(' ')}`);
});
