// The last Windows formats that stayed plain: the Windows 2000 / XP setupapi.log, Office 2010-2016 Setup.exe
// logs and DPINST.LOG, on the samples in samples/windows (written in the documented shapes and those of the
// real files in ../shared/corpus/real-windows: see samples/windows/README.md; test/corpus/windows.corpus.test.ts
// reads the real ones). Each: detected, time local as written (no UTC alone), severity from the format's own
// marks, continuation lines joined, records counted against an independent count of entry-start lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseFile, parseText } from '../../server/src/core/parse';
import type { LogRecord } from '../../server/src/core/record';

const WINDOWS = resolve(__dirname, '../../samples/windows');
const sample = (name: string) => parseFile(resolve(WINDOWS, name));
const at = (records: Iterable<LogRecord>, line: number) => [...records].find((r) => r.line === line)!;
const sampleLines = (name: string, encoding: BufferEncoding = 'utf8') =>
  readFileSync(resolve(WINDOWS, name), encoding)
    .replace(/^\uFEFF/, '')
    .split('\r\n');

test('setupapi.log (XP): section headers and #Xnnn entries are records, the id letter is the severity', async () => {
  const r = await sample('setupapi.log');
  assert.equal(r.format, 'setupapilegacy');
  const starts = sampleLines('setupapi.log').filter((l) => /^(?:\[|#|@ )/.test(l)).length;
  assert.equal(r.records.length, starts);
  const header = at(r.records, 1);
  assert.deepEqual([header.message.split('\n')[0], header.endLine, header.utc], ['[SetupAPI Log]', 7, null]);
  const section = at(r.records, 12);
  assert.deepEqual(
    [section.local, section.biasMinutes, section.utc, section.context, section.component],
    ['2024-03-13T10:15:40.000', null, null, 'pid 1004', 'section'],
  );
  const noDriver = at(r.records, 16);
  assert.deepEqual(
    [noDriver.severity, noDriver.rawType, noDriver.local, noDriver.column],
    ['warning', '#W059', null, 6],
  );
  assert.match(noDriver.message, /^Selecting best compatible driver failed\. Error 0xe0000228/);
  assert.equal(at(r.records, 11).severity, 'info', '"completed with no errors" is #I141, information');
  const signed = at(r.records, 20);
  assert.deepEqual([signed.rawType, signed.severity, signed.local], ['#V132', 'verbose', '2024-03-13T10:16:03.120']);
  const blocked = at(r.records, 21);
  assert.deepEqual([blocked.severity, blocked.endLine], ['error', 22], 'a line without an id continues its entry');
  assert.match(blocked.message, /\n {4}The driver package was staged by ConfigMgr package PS100042\.$/);
  assert.equal(at(r.records, 23).rawType, '#E122');
  assert.equal(at(r.records, 27).local, '2024-03-14T00:00:01.215', '"@ time" past midnight: the next day');
  assert.deepEqual(
    r.records.filter((x) => x.severity === 'error').map((x) => x.line),
    [21, 23],
  );
});

test('setupapi.log (Windows 2000): no ids, so each line is an entry; error codes warn, a failed install is an error', () => {
  const text = [
    '[2025/11/27 22:13:36 180.12]',
    'Installing Device Class: {4D36E965-E325-11CE-BFC1-08002BE10318} CDROM.',
    'Class install completed with no errors.',
    '[2025/11/27 22:14:02 592.3 Driver Install]',
    'Selecting best compatible driver caused error: Error 0xe0000228: There are no compatible drivers for this device.',
    'Completed default installer, error: Error 0xe0000219: The installation failed because a function driver was not specified for this device instance.',
    'Device install finished with error Error 0xe0000219: The installation failed because a function driver was not specified for this device instance.',
    '',
  ].join('\r\n');
  const r = parseText(text, 'setupapi.log');
  assert.equal(r.format, 'setupapilegacy');
  assert.deepEqual(
    [...r.records].map((x) => [x.line, x.endLine, x.severity]),
    [
      [1, 1, 'info'],
      [2, 2, 'info'],
      [3, 3, 'info'],
      [4, 4, 'info'],
      [5, 5, 'warning'],
      [6, 6, 'warning'],
      [7, 7, 'error'],
    ],
  );
  assert.equal(at(r.records, 4).local, '2025-11-27T22:14:02.000');
  assert.equal(at(r.records, 2).local, null, 'a sentence has no time of its own');
});

test('Office Setup.exe log: ms after a colon, ::[thread], Warning:/Error, 3010 is no failure, a message over lines', async () => {
  const name = 'SetupExe(20240313101500FAC).log';
  const r = await sample(name);
  assert.equal(r.format, 'officesetup');
  assert.equal(
    r.records.length,
    sampleLines(name).filter((l) => /^\d{4}\/\d\d\/\d\d [\d:]{12}::\[\d+\] /.test(l)).length,
  );
  const first = at(r.records, 1);
  assert.deepEqual(
    [first.local, first.biasMinutes, first.utc, first.thread, first.component, first.column],
    ['2024-03-13T10:15:00.123', null, null, 4012, 'PERF', 32],
  );
  assert.deepEqual([at(r.records, 6).severity, at(r.records, 6).component], ['warning', ''], '"Warning:" is no area');
  assert.equal(at(r.records, 5).component, 'LIS');
  assert.deepEqual(
    [at(r.records, 7).severity, at(r.records, 8).severity],
    ['info', 'info'],
    '"failed with error 3010" is success with a restart; the "Error applying patch" after it says the same',
  );
  const failed = at(r.records, 10);
  assert.deepEqual([failed.severity, failed.thread], ['error', 5120]);
  const logFiles = at(r.records, 11);
  assert.deepEqual([logFiles.endLine, logFiles.message.split('\n').length], [13, 3]);
  assert.equal(at(r.records, 16).severity, 'error', 'Return code: 1603');
  assert.deepEqual(
    r.records.filter((x) => x.severity === 'error').map((x) => x.line),
    [10, 16],
  );
  // An "Error applying patch" after a real failure, or on another thread, stays an error.
  const other = parseText(
    '2024/03/13 10:15:30:402::[5120] MsiApplyPatch failed with error 1603\r\n2024/03/13 10:15:30:402::[5120] Error applying patch: x.msp\r\n2024/03/13 10:15:31:402::[5120] MsiApplyPatch failed with error 3010\r\n2024/03/13 10:15:31:402::[4012] Error applying patch: y.msp\r\n',
  );
  assert.deepEqual(
    [...other.records].map((x) => x.severity),
    ['error', 'error', 'info', 'error'],
  );
});

test('DPINST.LOG: UTF-16, the level column, time stamp lines timed, DIFXAPP lines, a broken message joined', async () => {
  const r = await sample('DPINST.LOG');
  assert.deepEqual([r.format, r.encoding], ['dpinst', 'utf-16le']);
  const lines = sampleLines('DPINST.LOG', 'utf16le');
  assert.equal(r.records.length, lines.filter((l) => /^(?:DIFXAPP: )?(?:INFO|SUCCESS|WARNING|ERROR):/.test(l)).length);
  const stamp = at(r.records, 2);
  assert.deepEqual(
    [stamp.local, stamp.biasMinutes, stamp.utc, stamp.column],
    ['2024-03-13T10:16:02.000', null, null, 8],
  );
  assert.equal(at(r.records, 3).local, null, 'only the time stamp lines carry a time');
  assert.deepEqual([at(r.records, 8).component, at(r.records, 8).rawType], ['DriverPackagePreinstallW', 'INFO']);
  assert.equal(at(r.records, 9).severity, 'warning');
  const failed = at(r.records, 10);
  assert.deepEqual([failed.severity, failed.endLine], ['error', 11]);
  assert.match(failed.message, /\n {8}The third-party INF does not contain digital signature information\.$/);
  const difx = at(r.records, 18);
  assert.deepEqual([difx.component, difx.rawType, difx.severity], ['DIFXAPP', 'SUCCESS', 'info']);
  assert.equal(at(r.records, 19).local, '2024-03-13T10:31:42.000');
});

test('detection: the three claim their own files; an "INFO:" or "#I022" line elsewhere is not theirs', () => {
  assert.equal(parseText('INFO:   05/06/2024 19:47:13\nWARNING:x\n').format, 'dpinst');
  // A script's "INFO: x" (not padded to eight characters as DPInst pads) is no DPInst line.
  assert.equal(parseText('INFO: starting the agent\nERROR: done\n').format, 'plain');
  // In a file of another format, "#I022" and "INFO:   " lines are that file's text (both read only their own files).
  const cm =
    '<![LOG[x]LOG]!><time="10:00:00.000+000" date="01-01-2024" component="c" context="" type="1" thread="1" file="">';
  const mixed = parseText(`${cm}\n${cm}\n#I022 Found "x"\nINFO:   y\n${cm}\n`);
  assert.equal(mixed.format, 'cmtrace');
  assert.deepEqual(
    [...mixed.records].filter((x) => x.format === 'setupapilegacy' || x.format === 'dpinst'),
    [],
  );
  assert.match(mixed.records.get(2).message, /^#I022 Found "x"\nINFO: {3}y$/);
  assert.equal(parseText('2015/05/31 02:57:18:589::[2032] PERF: x\n').format, 'officesetup');
  // WindowsUpdate's ETW form (a dot before the fraction) is not Office Setup's.
  assert.notEqual(parseText('2017/09/21 11:45:03.1234567 1000  2000  Agent           x\n').format, 'officesetup');
});

test('hovers: the time of a section header and of a time stamp line, the columns before a message', async () => {
  const { headerPartAt } = await import('../../server/src/features/hoverTime');
  const { formatById } = await import('../../server/src/core/formats/registry');
  const xp = await sample('setupapi.log');
  const timed = at(xp.records, 20);
  const line =
    '@ 10:16:03.120 #V132 File "C:\\WINDOWS\\INF\\oem12.inf" (key "oem12.inf") is not signed in any catalog.';
  assert.equal(timed.column, line.indexOf('File'));
  assert.deepEqual(
    ['10:16', '#V132', 'File'].map((s) => headerPartAt(timed, line, line.indexOf(s) + 1)),
    ['time', 'type', undefined],
  );
  const legacy = formatById('setupapilegacy');
  assert.equal(legacy.timeInMessage!(at(xp.records, 12).message, 5), true);
  assert.equal(legacy.timeInMessage!(at(xp.records, 12).message, 30), false);
  assert.equal(legacy.timeInMessage!(at(xp.records, 1).message, 5), false, '"[SetupAPI Log]" has no time');
  const office = await sample('SetupExe(20240313101500FAC).log');
  const officeLine =
    '2024/03/13 10:15:00:123::[4012] PERF: TickCount=1203468 Name=OBootStrapper::Run Description=Begin function';
  assert.deepEqual(
    ['10:15', '4012'].map((s) => headerPartAt(at(office.records, 1), officeLine, officeLine.indexOf(s) + 1)),
    ['time', 'thread'],
  );
  const dp = await sample('DPINST.LOG');
  assert.equal(formatById('dpinst').timeInMessage!(at(dp.records, 2).message, 3), true);
  assert.equal(formatById('dpinst').timeInMessage!(at(dp.records, 3).message, 3), false);
  assert.equal(headerPartAt(at(dp.records, 9), 'WARNING:Driver package', 2), 'type');
});
