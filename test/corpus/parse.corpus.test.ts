// Every real log in ../shared/corpus/real parses: no throw, every CMTrace header becomes a record, every
// non-blank line belongs to a record, and known records have their exact fields. Files are read in place.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_HEADER, ORPHAN_TEXT } from '../../server/src/core/assemble';
import { listLogFiles } from '../../server/src/core/files';
import { parseFile, type ParseResult } from '../../server/src/core/parse';
import type { LogRecord } from '../../server/src/core/record';
import { CORPUS } from './corpusPath';

const files = listLogFiles([CORPUS]).files;
const results = new Map<string, ParseResult>();

async function parsed(file: string): Promise<ParseResult> {
  if (!results.has(file)) results.set(file, await parseFile(file));
  return results.get(file)!;
}

const fromHeader = (r: LogRecord) =>
  r.format === 'cmtrace' && !(r.damaged ?? '').startsWith(ORPHAN_TEXT) && !(r.damaged ?? '').startsWith(NO_HEADER);

test('the corpus is there (94 files)', () => {
  assert.equal(files.length, 94);
});

for (const file of files) {
  const name = file.slice(CORPUS.length + 1);
  test(`${name}: every header a record, every line in a record`, async () => {
    const result = await parsed(file);
    const text = readFileSync(file, 'latin1');
    // Every header is a record, also a header cut short by another writer (Busted-CcmRepair.log has one
    // "]LOG]!><ti ad=..."), so count the "]LOG]!><" markers; the complete "]LOG]!><time=" ones are a subset.
    const headers = text.split(']LOG]!><').length - 1;
    const timeHeaders = text.split(']LOG]!><time=').length - 1;
    const records = result.records.filter(fromHeader);
    assert.equal(records.length, headers, 'CMTrace records = ]LOG]!>< headers');
    assert.ok(headers - timeHeaders <= 1, 'at most one cut header per file in this corpus');
    assertEveryLineCovered(result, readFileSync(file));
  });
}

/** Lines that hold anything but whitespace/NUL/BOM must lie inside some record's [line, endLine]. */
function assertEveryLineCovered(result: ParseResult, bytes: Buffer): void {
  const text = new TextDecoder(result.encoding).decode(bytes);
  const lines = text.split(/\r\n|\r|\n/);
  const covered = new Uint8Array(lines.length + 2);
  for (const r of result.records) for (let l = r.line; l <= r.endLine; l++) covered[l] = 1;
  const lost = lines
    .map((l, i) => [i + 1, l] as const)
    .filter(([n, l]) => l.replace(/[\s\0\ufeff]/g, '') && !covered[n]);
  assert.deepEqual(lost.slice(0, 3), [], `${lost.length} non-blank lines are in no record`);
}

const at = (folder: string, name: string) => join(CORPUS, folder, name);

test('CAS.log: first record, an error record, last record, exact fields', async () => {
  const { records, format, encoding } = await parsed(at('configmgr__iOS-CMLogTracer', 'CAS.log'));
  assert.equal(format, 'cmtrace');
  assert.equal(encoding, 'utf-8');
  const first = records.get(0);
  assert.equal(
    first.message,
    'Requesting content Content_b2475630-fcec-493a-93c0-084fb7faf172.1, size(KB) 23712, under context System with priority Medium',
  );
  assert.equal(first.component, 'ContentAccess');
  assert.equal(first.thread, 9016);
  assert.equal(first.sourceFile, 'contentaccessservice.cpp:934');
  assert.equal(new Date(first.utc!).toISOString(), '2013-10-03T14:35:03.917Z');
  const error = records.find((r) => r.line === 16)!;
  assert.equal(error.severity, 'error');
  assert.equal(
    error.message,
    'Error: DeleteDirectory:- Failed to delete Directory C:\\Windows\\ccmcache\\1.BCWork with Error 0x00000002.',
  );
  const last = records.get(records.length - 1);
  assert.equal(
    last.message,
    'Saved Content ID Mapping Content_20940728-84a4-40ca-9ad0-e82975c5f354.1, C:\\Windows\\ccmcache\\3',
  );
  assert.equal(new Date(last.utc!).toISOString(), '2013-10-11T15:54:38.873Z');
});

test('PolicyAgent.log: a multi-line record', async () => {
  const { records } = await parsed(at('configmgr__iOS-CMLogTracer', 'PolicyAgent.log'));
  const r = records.find((x) => x.line === 3)!;
  assert.ok(r.endLine > r.line);
  assert.ok(r.message.startsWith('Raising event:\n'));
  assert.equal(r.damaged, undefined);
});

test('smsts.log: five records whose start another writer overwrote are kept and marked', async () => {
  const { records, warningCount } = await parsed(at('ErnestoLeon87__log_reader', 'smsts.log'));
  assert.equal(records.length, 5944);
  assert.equal(warningCount, 5);
  assert.equal(records.filter((r) => r.damaged?.startsWith('no <![LOG[ opening')).length, 5);
});

test('fspmgr.log (SMS trace, bias +360): last record', async () => {
  const { records, format } = await parsed(at('dustinestes__MECM_Toolkit', 'fspmgr.log'));
  assert.equal(format, 'sms');
  const last = records.get(records.length - 1);
  assert.equal(last.message, 'SMS_FALLBACK_STATUS_POINT received STOP notification.');
  assert.equal(last.thread, 7580);
  assert.equal(last.biasMinutes, 360);
  assert.equal(new Date(last.utc!).toISOString(), '2023-01-13T20:05:00.727Z');
});

test('WindowsUpdate.log classic (rkudache31): first record', async () => {
  const { records, format } = await parsed(at('rkudache31__log', 'WindowsUpdate.log'));
  assert.equal(format, 'wulog');
  assert.equal(records.get(0).component, 'Report');
  assert.equal(records.get(0).thread, 0x13bc);
  assert.equal(records.get(0).message, 'CWERReporter finishing event handling. (00000000)');
  assert.equal(records.get(0).local, '2021-08-28T03:07:48.216');
});

test('Get-WindowsUpdateLog files: one record per timestamped line', async () => {
  for (const [folder, name] of [
    ['raja-fahad__wulogs', 'WindowsUpdate.log'],
    ['Debajyati__logparsing', 'WindowsUpdate.log'],
    ['ZayrexDev__stuff', 'WindowsUpdate.log'],
  ]) {
    const file = at(folder, name);
    const { records, format } = await parsed(file);
    assert.equal(format, 'wuetw');
    const stamped = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((l) => /^\ufeff?\d{4}[/-]\d{2}[/-]\d{2} \d{2}:\d{2}:\d{2}\.\d+ +\d+ +\d+ /.test(l)).length;
    assert.equal(records.filter((r) => r.format === 'wuetw').length, stamped, name);
  }
});
