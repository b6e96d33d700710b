// The Windows servicing, setup and web-server formats, on the samples in samples/windows (text written for these
// tests in the shapes of real logs: see test/corpus/windows.corpus.test.ts for the real ones): each detected, each
// record's time (local as written, bias null, or UTC for IIS), level -> severity, component, process and thread,
// continuation lines joined to their entry, and exact record counts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseFile, parseText } from '../../server/src/core/parse';
import type { LogRecord } from '../../server/src/core/record';

const WINDOWS = resolve(__dirname, '../../samples/windows');
const sample = (name: string) => parseFile(resolve(WINDOWS, name));
const at = (records: Iterable<LogRecord>, line: number) => [...records].find((r) => r.line === line)!;

test('CBS.log: level column gives the severity (an Info line that says "without error" stays information), continuation lines join', async () => {
  const r = await sample('CBS.log');
  assert.equal(r.format, 'cbs');
  assert.equal(r.records.length, 11);
  const saysError = at(r.records, 5);
  assert.match(saysError.message, /without error$/);
  assert.equal(saysError.severity, 'info');
  // CBS writes local time with no zone: alone in its folder it has no UTC (core/clock.ts), never its local time as UTC.
  assert.deepEqual([saysError.local, saysError.biasMinutes, saysError.utc], ['2024-03-12T21:04:15.000', null, null]);
  const operations = at(r.records, 6);
  assert.equal(operations.endLine, 8);
  assert.equal(operations.component, 'CSI');
  assert.equal(operations.message.split('\n').length, 3);
  assert.equal(at(r.records, 9).message, '00000003@2024/3/13:02:04:17.001 CSI perf trace:\nCSIPERF:TXCOMMIT;24810');
  const failed = at(r.records, 11);
  assert.deepEqual([failed.severity, failed.rawType, failed.component, failed.column], ['error', 'Error', 'CBS', 50]);
  assert.equal(at(r.records, 12).severity, 'warning');
  const noComponent = at(r.records, 13);
  assert.deepEqual(
    [noComponent.component, noComponent.message],
    ['', 'Feature: Microsoft-Hyper-V-All state: Disabled'],
  );
  assert.equal(r.records.filter((x) => x.severity === 'error').length, 1);
});

test('DISM.log: "API: PID= TID=" gives process and thread; an Error line without a component', async () => {
  const r = await sample('dism.log');
  assert.equal(r.format, 'cbs');
  assert.equal(r.records.length, 6);
  const first = at(r.records, 1);
  assert.deepEqual([first.component, first.context, first.thread], ['DISM', 'pid 4120', 4888]);
  const enumerate = at(r.records, 4);
  assert.deepEqual(
    [enumerate.severity, enumerate.component, enumerate.message],
    ['error', '', 'EnumeratePackages: Failed to enumerate packages. hr = 0x800f081f'],
  );
  assert.deepEqual(
    r.records.map((x) => x.severity),
    ['info', 'info', 'info', 'error', 'error', 'warning'],
  );
});

test('Panther setupact.log / setuperr.log: sysprep message ids, components, a message that starts indented', async () => {
  const act = await sample('setupact.log');
  assert.equal(act.format, 'cbs');
  assert.equal(act.records.length, 6);
  const sysprep = at(act.records, 3);
  assert.deepEqual([sysprep.component, sysprep.context, sysprep.severity], ['SYSPRP', '[0x0f0080]', 'info']);
  assert.ok(sysprep.message.startsWith('ActionPlatform::LaunchModule'));
  const indented = at(act.records, 5);
  assert.deepEqual(
    [indented.component, indented.message, indented.endLine],
    ['SP', '  Operation completed successfully: Apply boot settings\n    Detail: boot manager updated', 6],
  );
  assert.equal(at(act.records, 7).severity, 'info', '"without error" in an Info line');
  const err = await sample('setuperr.log');
  assert.deepEqual(
    err.records.map((x) => [x.severity, x.component]),
    [
      ['error', 'MOUPG'],
      ['error', 'SYSPRP'],
    ],
  );
});

test('IIS W3C: #Fields read (and changed mid-file), UTC times, status decoded, 4xx warning, 5xx error', async () => {
  const r = await sample('u_ex240313.log');
  assert.equal(r.format, 'iis');
  assert.equal(
    r.records.length,
    readFileSync(resolve(WINDOWS, 'u_ex240313.log'), 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length,
  );
  const mp = at(r.records, 6);
  assert.deepEqual(
    [mp.component, mp.severity, mp.rawType, mp.context, mp.biasMinutes],
    ['/SMS_MP/.sms_aut', 'info', '200', '200.0 OK', 0],
  );
  assert.equal(mp.utc, Date.UTC(2024, 2, 13, 0, 0, 7));
  assert.equal(mp.column, 20);
  const dp = at(r.records, 7);
  assert.deepEqual([dp.severity, dp.context], ['warning', '404.0 Not Found; win32 2 ERROR_FILE_NOT_FOUND']);
  const sup = at(r.records, 9);
  assert.deepEqual(
    [sup.severity, sup.context],
    ['error', '503.2 Service Unavailable: concurrent request limit exceeded; win32 1236 ERROR_CONNECTION_ABORTED'],
  );
  assert.match(at(r.records, 10).context, /^200\.0 OK; win32 64 ERROR_NETNAME_DELETED$/);
  assert.equal(at(r.records, 4).severity, 'verbose');
  // An NTLM handshake (401.2, then 401.1 with SEC_E_NO_CREDENTIALS, then 200) is no warning; a logon denied is.
  assert.deepEqual(
    [11, 12, 13, 14].map((n) => at(r.records, n).severity),
    ['info', 'info', 'info', 'warning'],
  );
  assert.equal(at(r.records, 14).context, '401.1 Unauthorized: logon failed; win32 2148074252 SEC_E_LOGON_DENIED');
  // After the second #Fields (time only): the date comes from #Date.
  const late = at(r.records, 19);
  assert.deepEqual(
    [late.utc, late.component, late.severity, late.context],
    [Date.UTC(2024, 2, 13, 6, 0, 1), '/SMS_MP/.sms_aut', 'warning', '401 Unauthorized; win32 5 ERROR_ACCESS_DENIED'],
  );
});

test('Click-to-Run: UTF-16, MM/DD/YYYY with milliseconds, ULS level, process and hex thread, a message over two lines', async () => {
  const r = await sample('CONTOSO-PC-20240313-1015.log');
  assert.deepEqual([r.format, r.encoding], ['c2r', 'utf-16le']);
  assert.equal(r.records.length, 5);
  const first = at(r.records, 2);
  assert.deepEqual(
    [first.local, first.biasMinutes, first.context, first.thread, first.component, first.rawType, first.severity],
    ['2024-03-13T10:15:02.117', null, 'OFFICECLICKTORUN (0x1a2c)', 0x1b3c, 'Click-To-Run', 'Medium', 'info'],
  );
  assert.equal(first.message, 'Bootstrapper::Run: ConfigMgr update PS1-OFFICE-2403 starting');
  assert.equal(at(r.records, 3).severity, 'warning');
  const failed = at(r.records, 4);
  assert.deepEqual([failed.severity, failed.endLine], ['error', 5]);
  assert.match(failed.message, /Access is denied\.\n {3}Stack: UpdateApplier::Apply/);
  assert.equal(at(r.records, 6).severity, 'verbose');
});

test('WiX Burn: [pid:tid][time]lNNN, level letter, XML dumped in between joins its entry', async () => {
  const r = await sample('Contoso_Office_20240313095959.log');
  assert.equal(r.format, 'burn');
  assert.equal(r.records.length, 5);
  const first = at(r.records, 1);
  assert.deepEqual(
    [first.context, first.thread, first.rawType, first.local, first.biasMinutes],
    ['pid 0x0A1C', 0x0b2d, 'i001', '2024-03-13T09:59:59.000', null],
  );
  assert.equal(at(r.records, 2).endLine, 5);
  assert.deepEqual(
    r.records.map((x) => x.severity),
    ['info', 'info', 'warning', 'error', 'info'],
  );
});

test('SetupAPI: markers and "xxx:" lines are records, ! warning, !!! error, failed exit status, times of day across midnight', async () => {
  const r = await sample('setupapi.dev.log');
  assert.equal(r.format, 'setupapi');
  const lines = readFileSync(resolve(WINDOWS, 'setupapi.dev.log'), 'utf8').split('\r\n');
  assert.equal(r.records.length, lines.filter((l) => /^(?:\[|>>> |<<< |!!! |! {4}| {5}[a-z]{2,8}: )/.test(l)).length);
  const header = at(r.records, 1);
  assert.equal(header.endLine, 3, 'the header block joins "[Device Install Log]"');
  const start = at(r.records, 10);
  assert.equal(start.local, '2024-03-13T23:59:58.100');
  const build = at(r.records, 11);
  assert.deepEqual([build.component, build.local], ['dvi', '2024-03-13T23:59:58.170']);
  assert.equal(at(r.records, 12).utc, null, 'no time of its own');
  assert.deepEqual([at(r.records, 14).severity, at(r.records, 15).severity], ['warning', 'error']);
  assert.equal(at(r.records, 16).local, '2024-03-14T00:00:01.250', 'past midnight: the next day');
  assert.equal(at(r.records, 18).severity, 'error');
});

test('detection: the new formats claim their own lines only; a plain file stays plain', () => {
  assert.equal(parseText('2024-01-01 10:00:00: BlueBox starting\n2024-01-01 10:00:01: done\n').format, 'plain');
  assert.equal(parseText('2024-01-01 10:00:00, Info                  CBS    x\n').format, 'cbs');
  assert.equal(parseText('     sto: not a setupapi log without its markers? it is one line\n').format, 'setupapi');
});

test('hovers know the columns: Click-to-Run tabs (process, thread, category, level), CBS fixed widths', async () => {
  const { headerPartAt } = await import('../../server/src/features/hoverTime');
  const c2r = await sample('CONTOSO-PC-20240313-1015.log');
  const line =
    '03/13/2024 10:15:02.117\tOFFICECLICKTORUN (0x1a2c)\t0x1b3c\t\tClick-To-Run\taqkhc\tMedium\tBootstrapper::Run: ConfigMgr update PS1-OFFICE-2403 starting\t{8f3a6f2e-1111-4c52-9d3c-5a9e2b7d0c11}';
  const record = at(c2r.records, 2);
  assert.equal(record.column, line.indexOf('Bootstrapper'));
  const part = (text: string) => headerPartAt(record, line, line.indexOf(text) + 1);
  assert.deepEqual(['10:15', '(0x1a2c)', '0x1b3c', 'Click-To-Run', 'Medium', 'Bootstrapper'].map(part), [
    'time',
    'other',
    'thread',
    'component',
    'type',
    undefined,
  ]);
  const cbs = await sample('setupact.log');
  const sysprep = at(cbs.records, 3);
  const text =
    "2024-03-14 09:15:04, Info       [0x0f0080] SYSPRP ActionPlatform::LaunchModule: Executing method 'Sysprep_Clean_Validate' from C:\\Windows\\System32\\spopk.dll";
  const cbsPart = (s: string) => headerPartAt(sysprep, text, text.indexOf(s) + 1);
  assert.deepEqual(['09:15', 'Info', '0x0f0080', 'SYSPRP', 'ActionPlatform'].map(cbsPart), [
    'time',
    'type',
    'other',
    'component',
    undefined,
  ]);
});

test("IIS: the Win32 / SSPI names of the status table are the reference tables' names", async () => {
  const { IIS_WIN32_NAMES } = await import('../../server/src/core/formats/iis');
  const { lookupCode, lookupWin32 } = await import('../../server/src/core/decode/hresult');
  for (const [code, name] of Object.entries(IIS_WIN32_NAMES)) {
    const n = Number(code);
    assert.equal(n <= 0xffff ? lookupWin32(n).names[0] : lookupCode(n).names[0], name, code);
  }
});
